"""Rows from the flattened layout: one cell per line, each ending in ``|``.

This is how tables come out of many web pages copied as text: header words
may be split by spaces (``商业 企业``), zero is ``0`` or an empty cell. A
word cell starts a row; the number (or empty) cells after it are its values.
"""

from __future__ import annotations

from auditor.annual.base import Num, Ref, Row, SourceLine
from auditor.annual.numbers import parse_cell


def flat_cell(line: SourceLine) -> tuple[str, Ref]:
    """The cell text of a flattened line and where it is (the bar itself when empty)."""
    text = line.text.rstrip()
    body = text[:-1] if text.endswith("|") else text
    start = len(body) - len(body.lstrip())
    end = len(body.rstrip())
    if end <= start:
        bar = len(body)
        return "", Ref(line, bar, bar + 1)
    return body[start:end], Ref(line, start, end)


def is_flat_line(text: str) -> bool:
    stripped = text.strip()
    return stripped.endswith("|") and stripped.count("|") == 1


def rows_from_flat(lines: list[SourceLine]) -> list[Row]:
    """Rows of a flattened table; empty source lines are skipped, not read as cells."""
    rows: list[Row] = []
    current: Row | None = None
    for line in lines:
        if not line.text.strip():
            continue
        text, ref = flat_cell(line)
        parsed = parse_cell(text)
        if parsed is None:
            current = Row(text, [], ref)
            rows.append(current)
            continue
        if current is None:
            current = Row("", [], ref)
            rows.append(current)
        value, blank = parsed
        current.values.append(Num(value, blank, text, ref))
    return rows

"""Rows from page-layout text (``pdftotext -layout``): one table row per line.

Cells are separated by runs of spaces, so a row is its leading label text plus
the trailing run of number tokens. Empty cells leave no token, which is why
rows with too few numbers are left for the table mapper to judge. Labels that
wrap to other lines become label-only rows and give context to the next row.
"""

from __future__ import annotations

import re

from auditor.annual.base import Num, Ref, Row, SourceLine
from auditor.annual.numbers import is_number_token, parse_cell

_TOKEN = re.compile(r"\S+")


def layout_row(line: SourceLine) -> Row | None:
    """The row a layout line holds; None for an empty line or a lone page number."""
    tokens = list(_TOKEN.finditer(line.text))
    if not tokens:
        return None
    first_number = len(tokens)
    while first_number > 0 and is_number_token(tokens[first_number - 1].group()):
        first_number -= 1
    if first_number == 0 and len(tokens) == 1:
        return None  # a bare number alone on a line is a page number, not a row
    values: list[Num] = []
    for token in tokens[first_number:]:
        parsed = parse_cell(token.group())
        if parsed is not None:
            values.append(Num(parsed[0], parsed[1], token.group(), Ref(line, token.start(), token.end())))
    if first_number:
        start = tokens[0].start()
        end = tokens[first_number - 1].end()
        return Row(line.text[start:end], values, Ref(line, start, end))
    return Row("", values, values[0].ref)


def rows_from_layout(lines: list[SourceLine]) -> list[Row]:
    return [row for line in lines if (row := layout_row(line)) is not None]

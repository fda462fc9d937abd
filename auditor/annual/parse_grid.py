"""Rows from real table cells: HTML/DOCX cells with (table, row, col), or Markdown pipes.

Within a grid row the trailing number-or-empty cells are the values and the
cells before them the label, so merged label cells (rowspan/colspan) and
varying numbers of label cells per row do not shift the figures.
"""

from __future__ import annotations

from itertools import groupby, pairwise

from auditor.annual.base import Num, Ref, Row, SourceLine
from auditor.annual.numbers import parse_cell


def _row(cells: list[tuple[str, Ref, int]]) -> Row:
    split = len(cells)
    while split > 0 and parse_cell(cells[split - 1][0]) is not None:
        split -= 1
    labels = [text.strip() for text, _, _ in cells[:split] if text.strip()]
    values: list[Num] = []
    cols: list[int] = []
    for text, ref, col in cells[split:]:
        parsed = parse_cell(text)
        if parsed is not None:
            values.append(Num(parsed[0], parsed[1], text.strip(), ref))
            cols.append(col)
    label_refs = [ref for text, ref, _ in cells[:split] if text.strip()]
    anchor = label_refs[0] if label_refs else cells[0][1]
    label_cols = [(text.strip(), col) for text, _, col in cells[:split] if text.strip()]
    return Row(" ".join(labels), values, anchor, cols, label_cols)


def _cell_ref(line: SourceLine) -> Ref:
    text = line.text
    start = len(text) - len(text.lstrip())
    end = max(len(text.rstrip()), start)
    return Ref(line, start, end)


def rows_from_cells(cells: list[SourceLine]) -> list[Row]:
    """Rows of one table from its cell lines (each with ``cell`` = (table, row, col))."""
    ordered = sorted(cells, key=lambda c: (c.cell[1], c.cell[2]))  # type: ignore[index]
    rows: list[Row] = []
    for _, group in groupby(ordered, key=lambda c: c.cell[1]):  # type: ignore[index]
        members = [(c.text, _cell_ref(c), c.cell[2]) for c in group]  # type: ignore[index]
        rows.append(_row(members))
    return rows


def is_markdown_row(text: str) -> bool:
    stripped = text.strip()
    return stripped.startswith("|") and stripped.count("|") >= 2


def _is_separator(text: str) -> bool:
    return set(text.strip()) <= set("|-: ") and "-" in text


def markdown_cells(line: SourceLine) -> list[tuple[str, Ref, int]]:
    """The cells of one Markdown table row with their character ranges."""
    text = line.text
    bars = [i for i, ch in enumerate(text) if ch == "|"]
    cells: list[tuple[str, Ref, int]] = []
    for col, (left, right) in enumerate(pairwise(bars), start=1):
        raw = text[left + 1 : right]
        start = left + 1 + len(raw) - len(raw.lstrip())
        end = left + 1 + len(raw.rstrip())
        if end <= start:
            start, end = left + 1, left + 2
        cells.append((raw.strip(), Ref(line, start, end), col))
    return cells


def rows_from_markdown(lines: list[SourceLine]) -> list[Row]:
    return [
        _row(cells)
        for line in lines
        if is_markdown_row(line.text) and not _is_separator(line.text) and (cells := markdown_cells(line))
    ]

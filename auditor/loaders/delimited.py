"""CSV and TSV: the whole file is one block (fast), located per match.

Locations are exact in the source: line/column from offsets, ``row`` is the
record number a spreadsheet shows (title rows count), ``field`` the header.
"""

from __future__ import annotations

import csv
from bisect import bisect_right
from pathlib import Path

from auditor.loaders.encoding import decode
from auditor.loaders.errors import LoadError, reason
from auditor.loaders.tables import detect_header, header_names
from auditor.model import Block, Document, LineIndex, Position


class DelimitedLocator:
    """Offsets → line/column, record (row) and field, for one delimited text."""

    in_table = True

    def __init__(self, text: str, delimiter: str) -> None:
        self.text = text
        self.delimiter = delimiter
        self.lines = LineIndex(text)
        self.record_lines = _record_start_lines(text, delimiter, self.lines.line_count)
        rows = _first_records(text, delimiter)
        self.header_index = detect_header(rows)
        self.header = header_names(rows, self.header_index)
        self._fields: dict[int, str | None] = {}
        self._scanned: tuple[int, int, int, bool] | None = None  # record, offset, field index, inside quotes

    def _record(self, line: int) -> int:
        if self.record_lines is None:
            return line
        return bisect_right(self.record_lines, line)

    def _field_index(self, record: int, offset: int) -> int:
        """Delimiters outside quotes from the record's start to ``offset``, carried on from the last
        offset asked in the same record: the cells of one record cost one pass over it, not one
        each (an unclosed quote made a 59 KB file one record, and its scan took 8 s)."""
        scanned = self._scanned
        if scanned is not None and scanned[0] == record and scanned[1] <= offset:
            _, start, index, quoted = scanned
        else:
            first_line = record if self.record_lines is None else self.record_lines[record - 1]
            start, index, quoted = self.lines.line_start(first_line), 0, False
        segment = self.text[start:offset]
        if '"' not in segment:
            if not quoted:
                index += segment.count(self.delimiter)
        else:
            for char in segment:
                if char == '"':
                    quoted = not quoted
                elif char == self.delimiter and not quoted:
                    index += 1
        self._scanned = (record, offset, index, quoted)
        return index

    def field_at(self, offset: int) -> str | None:
        """Header of the column holding ``offset`` (memoised: detection and location both ask)."""
        if offset not in self._fields:
            self._fields[offset] = self._field_at(offset)
        return self._fields[offset]

    def _field_at(self, offset: int) -> str | None:
        if self.header_index is None:
            return None
        line, _ = self.lines.line_col(offset)
        record = self._record(line)
        if record <= self.header_index + 1:
            return None
        index = self._field_index(record, offset)
        return self.header[index] if index < len(self.header) else None

    def locate(self, start: int, end: int) -> Position:
        line, column, end_line, end_column = self.lines.span(start, end)
        record = self._record(line)
        field = self.field_at(start)
        location = {
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
            "row": record,
            "field": field,
        }
        return Position(location, ("row", record), field)


def _first_records(text: str, delimiter: str, limit: int = 12) -> list[list[str]]:
    rows: list[list[str]] = []
    try:
        for row in csv.reader(text.splitlines()[: limit * 4], delimiter=delimiter):
            rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error as exc:
        raise LoadError(f"CSV 格式错误 (malformed CSV): {reason(exc)}") from exc
    return rows


def _record_start_lines(text: str, delimiter: str, line_count: int) -> list[int] | None:
    """First physical line of each record; None when every line is a record (no quotes)."""
    if '"' not in text:
        return None
    consumed = 0

    def lines():
        nonlocal consumed
        for line in text.splitlines(keepends=True):
            consumed += 1
            yield line

    starts: list[int] = []
    previous = 0
    try:
        for _ in csv.reader(lines(), delimiter=delimiter):
            starts.append(previous + 1)
            previous = consumed
    except csv.Error as exc:
        raise LoadError(f"CSV 格式错误，第{consumed}行 (malformed CSV): {reason(exc)}") from exc
    return starts


def load_delimited(path: Path, fmt: str, data: bytes) -> Document:
    text, _ = decode(data, tolerate_damage=True)
    delimiter = "\t" if fmt == "tsv" else ","
    if fmt == "csv" and text.count(";") > text.count(",") * 2:
        delimiter = ";"
    blocks = [Block(text, DelimitedLocator(text, delimiter))] if text else []
    return Document(path=str(path), format=fmt, blocks=blocks)

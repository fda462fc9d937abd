"""HTML table cells as blocks: each its own locator, its column label looked up when asked.

Kept out of the loader, which the compiled build compiles, for the reason auditor/loaders/cells.py
gives: this module stays pure Python.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from auditor.model import Runs, SelfLocatedBlock, SourceLocator, SourceText

if TYPE_CHECKING:
    from auditor.loaders.html import _Table


class TableCell(SelfLocatedBlock, SourceLocator):
    """A table cell's text and place: static ``table``/``row``/``col`` keys, and ``field`` once its
    table is named (looked up when asked: most cells never are)."""

    __slots__ = ("col", "record", "runs", "table")
    in_table = True

    def __init__(self, text: str, runs: Runs, record: tuple[str, int, int], col: int, table: _Table) -> None:
        self.text = text
        self.hidden = False
        self.part = None
        self.runs = runs
        self.record = record  # ("table", table, row) as the walk found them, shared by the row's cells
        self.col = col
        self.table = table  # the table whose grid holds this block: it names the field

    @property  # type: ignore[override]
    def field(self) -> str | None:  # type: ignore[override]
        """The label of this cell's column, for a cell below its table's header row."""
        if not self._below_header():
            return None
        names = self.table.names
        return names[self.col - 1] if self.col <= len(names) else None

    def _below_header(self) -> bool:
        header = self.table.header
        return header is not None and self.record[2] > header + 1

    def _key(self) -> tuple[Any, ...]:
        return (self.text, self.runs, self.record, self.col, self.field)

    @property
    def source(self) -> SourceText:  # type: ignore[override]
        return self.table.source

    @property
    def static(self) -> dict[str, Any]:
        _, table, row = self.record
        keys: dict[str, Any] = {"table": table, "row": row, "col": self.col}
        if self._below_header():  # labelled, even if the label is empty (None)
            keys["field"] = self.field
        return keys

"""Spreadsheet cells as blocks (xlsx and xls), and A1 column letters.

Kept out of the loaders, which the compiled build compiles (auditor/buildinfo.py): a class that
mypyc (mypy 2.4.1) compiles as a subclass of model.SelfLocatedBlock, which is not compiled and has
__slots__, crashes the interpreter (segmentation fault) when its slots are set. This module stays
pure Python.
"""

from __future__ import annotations

from typing import Any

from auditor.model import Position, SelfLocatedBlock


def column_letter(index: int) -> str:
    """0-based column index → A1 letters."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class CellBlock(SelfLocatedBlock):
    """A spreadsheet cell's text and place; the place becomes a location only when a finding asks."""

    __slots__ = ("col", "field", "row", "sheet")
    in_table = True

    def __init__(
        self,
        text: str,
        sheet: str,
        row: int,
        col: int,
        field: str | None,
        hidden: bool = False,
        part: str | None = None,
    ) -> None:
        self.text = text
        self.sheet = sheet
        self.row = row  # 1-based
        self.col = col  # 0-based
        self.field = field
        self.hidden = hidden
        self.part = part

    def _key(self) -> tuple[Any, ...]:
        return (self.text, self.sheet, self.row, self.col, self.field, self.hidden, self.part)

    @property
    def location(self) -> dict[str, Any]:
        location: dict[str, Any] = {
            "sheet": self.sheet,
            "cell": f"{column_letter(self.col)}{self.row}",
            "row": self.row,
        }
        if self.field is not None:
            location["field"] = self.field
        return location

    @property
    def record(self) -> tuple[Any, ...]:
        return ("sheet", self.sheet, self.row)

    def locate(self, start: int, end: int) -> Position:
        return Position(self.location, self.record, self.field)

    def field_at(self, offset: int) -> str | None:
        return self.field

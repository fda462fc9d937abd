"""Shapes shared by the annual-report steps: source lines, numbers, rows, problems.

Every number keeps a reference to the exact characters it was read from, so a
finding can point at the cell or the line of the inconsistent figure whatever
the input format was.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from auditor.model import Block, Position

CellKey = tuple[Any, int, int]  # (table id, row, col) as the loader numbered them


@dataclass(frozen=True, slots=True, eq=False)
class SourceLine:
    """One line of a text block, or one whole table cell, with its place in the block."""

    text: str
    block: Block
    base: int = 0
    cell: CellKey | None = None

    def locate(self, start: int, end: int) -> Position:
        return self.block.locator.locate(self.base + start, self.base + end)


@dataclass(frozen=True, slots=True, eq=False)
class Ref:
    """A character range of a source line: where a finding points."""

    line: SourceLine
    start: int
    end: int

    def position(self) -> Position:
        return self.line.locate(self.start, max(self.end, self.start + 1))


@dataclass(frozen=True, slots=True, eq=False)
class Num:
    """A table number; a blank cell reads as 0 but remembers that it was blank."""

    value: Decimal
    blank: bool
    text: str
    ref: Ref


@dataclass(slots=True, eq=False)
class Row:
    """A table row as written: its label text and the numbers that follow it.

    A row without numbers is a label-only row (a header or a group label such
    as （三）不予公开) whose text gives context to the next row with numbers.
    """

    label: str
    values: list[Num]
    ref: Ref
    cols: list[int] | None = None  # grid columns of ``values`` when the source has them
    label_cols: list[tuple[str, int]] | None = None  # (text, col) of label cells in a grid

    @property
    def has_number(self) -> bool:
        return any(not v.blank for v in self.values)


@dataclass(frozen=True, slots=True, eq=False)
class Problem:
    """An inconsistency before it becomes a Finding (rule, place, arithmetic)."""

    rule_id: str
    ref: Ref
    detail: str
    identity: str
    evidence: str | None = None
    severity: str | None = None

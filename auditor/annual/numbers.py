"""Reading and writing the figures of report tables.

Tables write zero as ``0`` or leave the cell blank, use full-width digits, and
occasionally thousands separators; the fee row (万元) may have decimals.
"""

from __future__ import annotations

import re
from decimal import Decimal

# The whole full-width ASCII block (digits and punctuation: ，；：（）) and the
# ideographic space, one character for one, so offsets do not move. Report
# prose is read with ASCII punctuation; shared normalisation folds less.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = 0x20


def fold_full_width(text: str) -> str:
    """Full-width digits and punctuation to ASCII, same length."""
    return text.translate(_FULL_WIDTH)


# Cell texts that mean "nothing here": counted as 0.
BLANK_TEXTS = frozenset({"", "-", "--", "—", "——", "–", "/", "\\", "无", "―", "――", "─", "空"})

_NUMBER = re.compile(r"\d+(?:\.\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_SPACES = re.compile(r"\s+")


def parse_cell(text: str) -> tuple[Decimal, bool] | None:
    """``(value, blank)`` for a cell that holds a number or nothing; None for words."""
    folded = _SPACES.sub("", fold_full_width(text))
    if folded in BLANK_TEXTS:
        return Decimal(0), True
    if _NUMBER.fullmatch(folded):
        return Decimal(folded.replace(",", "")), False
    return None


def is_number_token(text: str) -> bool:
    """True for a token that is a figure (never for a blank), e.g. in pdftotext rows."""
    return _NUMBER.fullmatch(fold_full_width(text)) is not None


def fmt(value: Decimal) -> str:
    """A figure as a person writes it: ``3``, ``96171.6``, never ``3.0`` or ``1E+2``."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")

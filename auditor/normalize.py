"""Character normalisation that never moves offsets.

Full-width digits, letters and mask characters are folded one-to-one to their
ASCII forms, so an offset in the folded text is the offset in the original.
Separators inside numbers are handled by the candidate finder, not here.
"""

from __future__ import annotations

import re

MASK_CHARS = "*×●#○◯■□"

_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}  # full-width ASCII block
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, ord("－"): ord("-"), ord("—"): ord("-"), ord("‐"): ord("-")})
_FOLD[0xFF0A] = ord("*")  # ＊
_NEEDS_FOLD = re.compile("[\uff01-\uff5e\u3000\u00a0\u2010\u2014]")


def fold_width(text: str) -> str:
    """Full-width → half-width, same length; cheap when there is nothing to fold."""
    if _NEEDS_FOLD.search(text) is None:
        return text
    return text.translate(_FOLD)


def is_mask_char(char: str) -> bool:
    return char in MASK_CHARS

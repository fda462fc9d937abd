"""Character normalisation that never moves offsets.

Full-width digits, letters and mask characters are folded one-to-one to their
ASCII forms, so an offset in the folded text is the offset in the original.
Separators inside numbers are handled by the candidate finder, not here.
"""

from __future__ import annotations

import re

MASK_CHARS = "*×●#○◯■□"

# Only what can be part of a number: full-width digits and letters, ＊, －, and spaces
# between digit groups. Full-width punctuation such as ： stays (it is everywhere in
# Chinese text and would make every text pay for a translate).
_FOLD = {code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
_FOLD.update({0xFF0A: ord("*"), 0xFF0D: ord("-"), 0x3000: 0x20, 0x00A0: 0x20, 0x2010: ord("-"), 0x2014: ord("-")})
_FOLD_RUNS = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0a\uff0d\u3000\u00a0\u2010\u2014]+")
_NEEDS_FOLD = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0a\uff0d\u3000\u00a0\u2010\u2014]")


def fold_width(text: str) -> str:
    """Full-width → half-width, same length; cheap when there is nothing to fold.

    ``isascii()`` reads a flag CPython keeps on every string, so most table cells
    (digits, ASCII masks) return without a scan.
    """
    if text.isascii() or _NEEDS_FOLD.search(text) is None:
        return text
    return _FOLD_RUNS.sub(_fold_run, text)


def _fold_run(match: re.Match[str]) -> str:
    return match.group().translate(_FOLD)


def folds_into(chars: str) -> str:
    """``chars`` and every character ``fold_width`` turns into one of them.

    A pattern written for folded text reads the text unfolded with these classes, since
    folding maps one character to one: the detector finds runs without folding whole texts.
    """
    return chars + "".join(chr(source) for source, target in _FOLD.items() if chr(target) in chars)


def is_mask_char(char: str) -> bool:
    return char in MASK_CHARS


def keep_ends(value: str, keep_first: int, keep_last: int) -> str:
    """``value`` with every character but the first and last few replaced by '*' (evidence, fixes)."""
    n = len(value)
    first = min(keep_first, n)
    last = min(keep_last, n - first)
    return value[:first] + "*" * (n - first - last) + value[n - last :]

"""统一社会信用代码 (GB 32100-2015): a hard negative that can look like an ID."""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(CHARSET)}


def uscc_ok(code: str) -> bool:
    """Eighteen characters from the code's alphabet whose last is the MOD 31 check character."""
    code = code.upper()
    if len(code) != 18 or not _VALUE.keys() >= set(code):
        return False
    total = sum(_VALUE[c] * w for c, w in zip(code[:17], WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31] == code[17]

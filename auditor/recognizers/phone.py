"""Mainland mobile numbers (MIIT allocation as of 2023). Pure functions."""

from __future__ import annotations

import re

from auditor.normalize import MASK_CHARS, keep_ends

MOBILE_RE = re.compile(r"1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])\d{8}")
KEEP_FIRST, KEEP_LAST = 3, 4
_MASKED_MOBILE = re.compile(f"[\\d{re.escape(MASK_CHARS)}Xx]{{11}}")
_DIGIT = re.compile(r"\d")


def is_mobile(value: str) -> bool:
    return len(value) == 11 and MOBILE_RE.fullmatch(value) is not None


def strip_country_code(value: str) -> tuple[str, int]:
    """'8613812345678' -> ('13812345678', 2): the number and how many chars were dropped."""
    for prefix in ("0086", "86"):
        if value.startswith(prefix) and len(value) == 11 + len(prefix):
            return value[len(prefix) :], len(prefix)
    return value, 0


def plausible_masked_mobile(value: str) -> bool:
    """11 characters of digits and masks, at least one mask, that could have been a mobile."""
    if len(value) != 11 or value[0] != "1" or value.isdigit():
        return False
    if _MASKED_MOBILE.fullmatch(value) is None:
        return False
    return not value[1].isdigit() or value[1] in "3456789"


def mobile_mask_ok(value: str, keep_first: int = KEEP_FIRST, keep_last: int = KEEP_LAST) -> bool:
    """No digit shows outside the first ``keep_first`` and last ``keep_last`` positions."""
    return _DIGIT.search(value, keep_first, max(keep_first, len(value) - keep_last)) is None


def mask_mobile(value: str, keep_first: int = KEEP_FIRST, keep_last: int = KEEP_LAST) -> str:
    return keep_ends(value, keep_first, keep_last)

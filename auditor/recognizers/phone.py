"""Mainland mobile numbers (MIIT allocation as of 2023). Pure functions."""

from __future__ import annotations

import re

from auditor.normalize import MASK_CHARS, keep_ends

MOBILE_RE = re.compile(r"1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])\d{8}")
KEEP_FIRST, KEEP_LAST = 3, 4


def is_mobile(value: str) -> bool:
    return len(value) == 11 and MOBILE_RE.fullmatch(value) is not None


def strip_country_code(value: str) -> tuple[str, int]:
    """'8613812345678' -> ('13812345678', 2): the number and how many chars were dropped."""
    for prefix in ("0086", "86"):
        if value.startswith(prefix) and len(value) == 11 + len(prefix):
            return value[len(prefix) :], len(prefix)
    return value, 0


def plausible_masked_mobile(value: str) -> bool:
    if len(value) != 11 or value[0] != "1":
        return False
    if not all(c.isdigit() or c in MASK_CHARS or c in "Xx" for c in value):
        return False
    return any(not c.isdigit() for c in value) and (not value[1].isdigit() or value[1] in "3456789")


def mobile_mask_ok(value: str, keep_first: int = KEEP_FIRST, keep_last: int = KEEP_LAST) -> bool:
    shown = {i for i, c in enumerate(value) if c.isdigit()}
    allowed = set(range(keep_first)) | set(range(len(value) - keep_last, len(value)))
    return shown <= allowed


def mask_mobile(value: str, keep_first: int = KEEP_FIRST, keep_last: int = KEEP_LAST) -> str:
    return keep_ends(value, keep_first, keep_last)

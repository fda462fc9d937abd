"""GB/T 2260 region codes (all revisions since 1980), shipped as package data.

An abolished county code is still a real ID prefix: people keep their number.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

PROVINCE_PREFIXES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)


@lru_cache(maxsize=1)
def region_codes() -> dict[str, tuple[str, bool]]:
    """code -> (name, current?) for every county-level code ever published."""
    text = resources.files("auditor").joinpath("data/gbt2260_codes.tsv").read_text(encoding="utf-8")
    codes: dict[str, tuple[str, bool]] = {}
    for line in text.splitlines()[1:]:
        code, name, current = line.split("\t")
        codes[code] = (name, current == "1")
    return codes


def province_ok(code: str) -> bool:
    return code[:2] in PROVINCE_PREFIXES


def region_known(code: str) -> bool:
    """True if the six digits were ever a GB/T 2260 code (or are HK/MO/TW residence codes)."""
    return code in region_codes() or code in ("810000", "820000", "830000")

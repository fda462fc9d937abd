"""Other personal identifiers (P162): passports, 港澳/台湾通行证, 社会保障卡号. Pure functions.

These numbers have no check digit, so a value counts only under a header or
right after a cue word that names the document (护照号码：E12345678). 残疾人证号
(an ID plus two digits) is found by the ID detector; a social security number
that is the 18-digit ID is a P101 finding there too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

KIND_ZH = {
    "passport": "护照号码",
    "hk_macau_permit": "港澳通行证号码",
    "taiwan_permit": "台湾通行证号码",
    "social_security": "社会保障卡号",
}
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("hk_macau_permit", re.compile(r"港澳(?:居民来往内地)?通行证|往来港澳|回乡证")),
    ("taiwan_permit", re.compile(r"台湾(?:居民来往大陆)?通行证|往来台湾|台胞证")),
    ("passport", re.compile(r"护照")),
    ("social_security", re.compile(r"社会保障(?:卡)?号|社保(?:卡)?号|社会保障卡")),
)
_EDGE_L, _EDGE_R = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
# Letter + 8 digits, or two letters + 7 digits (the newer series); official passports P/S/D + 7 digits.
_VALUES = {
    "passport": re.compile(rf"{_EDGE_L}(?:[EeGg]\d{{8}}|[Ee][A-Za-z]\d{{7}}|[PpSsDd]\d{{7}}){_EDGE_R}"),
    "hk_macau_permit": re.compile(rf"{_EDGE_L}(?:[CcWwHhMm]\d{{8}}|[Cc][A-Za-z]\d{{7}}){_EDGE_R}"),
    "taiwan_permit": re.compile(rf"{_EDGE_L}(?:[LlTt]\d{{8}}|\d{{8}}){_EDGE_R}"),
    "social_security": re.compile(rf"{_EDGE_L}(?:[A-Za-z]\d{{8}}|[A-Za-z]{{2}}\d{{7}}){_EDGE_R}"),
}
WINDOW = 16
_ANY_CUE = re.compile("|".join(p.pattern for _, p in _CUES))


@dataclass(frozen=True, slots=True)
class OtherIdHit:
    start: int
    end: int
    value: str  # raw: never output
    kind: str

    @property
    def evidence(self) -> str:
        return mask_other_id(self.value)


def mask_other_id(value: str) -> str:
    """E1******78: the letter prefix and the last two characters stay, length is kept."""
    head = len(value) - len(value.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")) or 1
    tail = 2 if len(value) > head + 4 else 0
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


@lru_cache(maxsize=512)
def header_kind(header: str | None) -> str | None:
    """Which identifier a column holds, by its header."""
    if not header:
        return None
    for kind, pattern in _CUES:
        if pattern.search(header):
            return kind
    return None


def cell_other_ids(text: str, header: str | None, offset: int = 0) -> list[OtherIdHit]:
    kind = header_kind(header)
    if kind is None:
        return []
    return [OtherIdHit(offset + m.start(), offset + m.end(), m.group(), kind) for m in _VALUES[kind].finditer(text)]


def text_other_ids(text: str, lo: int = 0, hi: int | None = None) -> list[OtherIdHit]:
    """Numbers right after a cue (护照号码：…, 港澳通行证号 …) within a short window."""
    hi = len(text) if hi is None else hi
    if _ANY_CUE.search(text, lo, hi) is None:
        return []
    hits: list[OtherIdHit] = []
    for kind, cue in _CUES:
        for m in cue.finditer(text, lo, hi):
            value = _VALUES[kind].search(text, m.end(), min(hi, m.end() + WINDOW))
            if value is not None and not any(h.start == value.start() for h in hits):
                hits.append(OtherIdHit(value.start(), value.end(), value.group(), kind))
    hits.sort(key=lambda h: h.start)
    return hits

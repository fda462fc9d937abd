"""Residential addresses down to the house number (门牌号, 栋/单元/室). Pure functions.

Village + group (龙泉村3组) is the granularity community supervision needs and
is not reported; a house number, building/unit/room or 门牌 is (domain.md §2.5,
Yunnan's 2017 sweep list). Document numbers (民发〔2021〕57号, 第3号) are not
addresses: a number counts only right after a place word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_NUM = r"(?:\d{1,5}|[一二三四五六七八九十百]{1,4})"
_PLACE = r"[\u4e00-\u9fff]{0,12}?(?:村|组|社|社区|小区|路|街|大街|巷|道|里|弄|苑|园|屯|寨|庄|营|队|院|镇|乡)"
DETAIL_RE = re.compile(
    rf"{_PLACE}(?:{_NUM}(?:组|社|队))?{_NUM}(?:-{_NUM})?号(?:院|楼)?(?:{_NUM}(?:栋|幢|单元|室|楼|号))*"
    rf"|{_NUM}(?:栋|幢|号楼){_NUM}单元(?:{_NUM}(?:室|号))?"
    rf"|{_NUM}单元{_NUM}(?:室|号)"
    rf"|门牌号?(?:码)?[：:为是]?\s*{_NUM}(?:-{_NUM})?号?"
)
_ADDRESS_HEADER = re.compile(r"住址|地址|居住地|门牌|户籍地|现住|住所|家庭住|详细地")
_QUICK = re.compile(r"[\d一二三四五六七八九十百]\s*(?:号|栋|幢|单元|室)|门牌")
_HOUSE_IN_CELL = re.compile(rf"{_NUM}(?:-{_NUM})?(?:号|栋|幢|单元|室)|门牌")


@dataclass(frozen=True, slots=True)
class AddressHit:
    start: int
    end: int


@lru_cache(maxsize=512)
def is_address_header(header: str | None) -> bool:
    return header is not None and _ADDRESS_HEADER.search(header) is not None


def cell_address(text: str, header: str | None, offset: int = 0) -> AddressHit | None:
    """A cell of an address column that goes down to a house number, building or room."""
    if not is_address_header(header) or _HOUSE_IN_CELL.search(text) is None:
        return None
    value = text.strip()
    start = offset + text.index(value)
    return AddressHit(start, start + len(value))


def text_addresses(text: str, lo: int = 0, hi: int | None = None) -> list[AddressHit]:
    """Detailed addresses in free text: 龙泉村3组15号, 幸福小区2栋1单元302室, 门牌号：12."""
    hi = len(text) if hi is None else hi
    if _QUICK.search(text, lo, hi) is None:
        return []  # no house, building or room number at all: skip the costly pattern
    return [AddressHit(m.start(), m.end()) for m in DETAIL_RE.finditer(text, lo, hi)]

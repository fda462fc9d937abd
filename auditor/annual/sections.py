"""The six required sections of the 2021 format and where each one sits.

A heading is a short line that starts with a Chinese ordinal (``二、``) or is
exactly the section's name, and whose words identify the section. Keying on
words rather than ordinals keeps table rows such as ``三、本年度办理结果`` or
``四、结转下年度继续办理`` from being taken for headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.annual.base import SourceLine


@dataclass(frozen=True, slots=True)
class SectionSpec:
    number: int
    title: str
    # Every group must have one of its words in the heading.
    words: tuple[tuple[str, ...], ...]

    @property
    def name(self) -> str:
        return self.title.split("、", 1)[1]


SECTIONS = (
    SectionSpec(1, "一、总体情况", (("总体情况",),)),
    SectionSpec(2, "二、主动公开政府信息情况", (("主动公开",), ("情况",))),
    SectionSpec(3, "三、收到和处理政府信息公开申请情况", (("申请",), ("情况",))),
    SectionSpec(4, "四、政府信息公开行政复议、行政诉讼情况", (("行政复议", "行政诉讼"),)),
    SectionSpec(5, "五、存在的主要问题及改进情况", (("问题",),)),
    SectionSpec(6, "六、其他需要报告的事项", (("其他",), ("事项", "报告"))),
)
TABLE_SECTIONS = (2, 3, 4)

_ORDINAL = re.compile(r"^(?:第\s*)?[一二三四五六七八九十]{1,2}\s*(?:部分)?\s*[、.．:：]\s*")
_DECORATION = " \t\u3000\ufeff#*>|"
_SPACES = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACES.sub("", text)


def heading_section(text: str) -> int | None:
    """The section number a line is the heading of, or None."""
    stripped = text.strip().strip(_DECORATION)
    if not stripped or len(stripped) > 40 or "。" in stripped or stripped[-1].isdigit():
        return None
    match = _ORDINAL.match(stripped)
    name = _squash(stripped[match.end() :] if match else stripped)
    for spec in SECTIONS:
        if match is None and name != spec.name:
            continue
        if all(any(word in name for word in group) for group in spec.words):
            return spec.number
    return None


def find_headings(lines: list[SourceLine]) -> dict[int, int]:
    """Section number -> index of its first heading line (cells are never headings)."""
    found: dict[int, int] = {}
    for index, line in enumerate(lines):
        if line.cell is not None:
            continue
        number = heading_section(line.text)
        if number is not None and number not in found:
            found[number] = index
    return found


def has_title(lines: list[SourceLine], scan: int = 15) -> bool:
    """A report title (…政府信息公开工作年度报告) among the first non-empty lines."""
    seen = 0
    for line in lines:
        text = _squash(line.text)
        if not text:
            continue
        if len(text) <= 60 and "政府信息公开" in text and ("年度报告" in text or "年报" in text):
            return True
        seen += 1
        if seen >= scan:
            return False
    return False


def is_annual_report(lines: list[SourceLine], headings: dict[int, int]) -> bool:
    """A titled report with at least one section heading, or three headings untitled."""
    return len(headings) >= 3 or (len(headings) >= 1 and has_title(lines))


def table_regions(headings: dict[int, int], count: int) -> dict[int, tuple[int, int]]:
    """Line ranges [start, end) holding the tables of sections 二, 三 and 四.

    A missing heading widens the range to the neighbouring headings; the table
    parsers skip rows that are not theirs.
    """
    regions: dict[int, tuple[int, int]] = {}
    for number in TABLE_SECTIONS:
        if number in headings:
            start = headings[number] + 1
            after = [i for i in headings.values() if i >= start]
        else:
            before = [i for s, i in headings.items() if s < number]
            start = max(before) + 1 if before else 0
            after = [i for s, i in headings.items() if s > number and i >= start]
        regions[number] = (start, min(after) if after else count)
    return regions

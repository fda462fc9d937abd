"""Prose lines joined into paragraphs that remember where each character came from.

Page-layout text wraps at random, even inside a word (尚 | 未审结) or between a
number and its unit; claims are read from joined paragraphs and located back
in the original lines through the paragraph's pieces.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from auditor.annual.base import Ref, SourceLine
from auditor.annual.numbers import fold_full_width
from auditor.annual.sections import heading_section

_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]+\s*\d{1,4}\s*[-—–]+|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?)\s*$")
_LIST_START = re.compile(r"^(?:\d{1,2}\s*[.、]|[一二三四五六七八九十]{1,3}\s*[、.]|\([一二三四五六七八九十\d]{1,3}\))")
_PARAGRAPH_END = "。;!?"


@dataclass(slots=True, eq=False)
class Paragraph:
    """Joined prose (full-width folded) and the source position of each stretch."""

    text: str = ""
    pieces: list[tuple[int, SourceLine, int, int]] = field(default_factory=list)  # at, line, start, length

    def add(self, line: SourceLine, start: int, content: str) -> None:
        if self.text[-1:].isascii() and self.text[-1:].isalnum() and content[:1].isascii() and content[:1].isalnum():
            self.text += " "  # keep "17" + "20" from fusing into 1720
        self.pieces.append((len(self.text), line, start, len(content)))
        self.text += content

    def ref(self, start: int, end: int) -> Ref:
        index = max(0, bisect_right([p[0] for p in self.pieces], start) - 1)
        at, line, line_start, length = self.pieces[index]
        offset = line_start + max(0, start - at)
        stop = line_start + min(max(end - at, start - at + 1), length)
        return Ref(line, offset, max(stop, offset + 1))


def paragraphs(lines: list[SourceLine]) -> list[Paragraph]:
    """Prose lines joined into paragraphs; page numbers dropped, blocks never joined."""
    result: list[Paragraph] = []
    current: Paragraph | None = None
    previous_block = None
    for line in lines:
        text = line.text
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        if end <= start or _PAGE_NUMBER.match(text):
            continue
        content = fold_full_width(text[start:end])
        fresh = (
            current is None
            or line.block is not previous_block
            or current.text[-1:] in _PARAGRAPH_END
            or _LIST_START.match(content) is not None
            or heading_section(content) is not None
        )
        if fresh:
            current = Paragraph()
            result.append(current)
        assert current is not None
        current.add(line, start, content)
        previous_block = line.block
    return result

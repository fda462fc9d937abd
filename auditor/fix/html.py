"""HTML: masks found in block text are mapped back through the loader's source runs.

Each masked character is written where it stands in the source, so markup,
attributes and entities around it are untouched.
"""

from __future__ import annotations

import re

from auditor.fix.base import Edit, FixError
from auditor.fix.changelog import Change
from auditor.fix.plan import KeepRule, Mask, Planner, TextUnit
from auditor.model import LineIndex, SourceLocator

_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);?")


def html_edits(source: str, block_text: str, locator: SourceLocator, mask: Mask) -> list[Edit]:
    """A block-text mask as edits of the HTML source: character by character through the runs.

    A masked character that was written as an entity (``&#53;``) replaces the whole entity.
    """
    if not mask.same_length:
        start = locator.source_offset(mask.start)
        last = locator.source_offset(mask.end - 1)
        return [(start, last + _source_width(source, block_text, last, mask.end - 1), mask.replacement)]
    edits: list[Edit] = []
    for k, char in enumerate(mask.replacement):
        offset = mask.start + k
        if block_text[offset] == char:
            continue
        position = locator.source_offset(offset)
        edits.append((position, position + _source_width(source, block_text, position, offset), char))
    return edits


def _source_width(source: str, block_text: str, position: int, offset: int) -> int:
    """How many source characters stand for block character ``offset`` (1, or an entity's length)."""
    if source[position] == block_text[offset]:
        return 1
    entity = _ENTITY.match(source, position)
    if entity is None:
        raise FixError("内部错误：HTML 源位置不一致 (source offset mismatch)")
    return entity.end() - entity.start()


_COMMENT = re.compile(r"<!--(.*?)(?:-->|$)", re.S)
_RAW_TEXT = re.compile(r"<(script|style|template)\b[^>]*>.*?(?:</\1\s*>|$)", re.S | re.I)
_TAG = re.compile(r"<[a-zA-Z][\w:-]*((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTRIBUTE = re.compile(r"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def hidden_html_edits(source: str, planner: Planner, keep: KeepRule | None = None) -> list[tuple[Edit, Change]]:
    """Values in what a reader does not see and the loader skips: comments and attribute values.

    ``<!-- 原始数据 … -->`` and ``title="…"``/``href="tel:…"`` hold leaks just as well.
    """
    lines = LineIndex(source)
    found: list[tuple[Edit, Change]] = []
    skipped: list[tuple[int, int]] = []
    for match in _COMMENT.finditer(source):
        skipped.append(match.span())
        found += _unit_edits(source, match.start(1), match.group(1), "comment", planner, lines, keep)
    skipped += [m.span() for m in _RAW_TEXT.finditer(source)]
    for tag in _TAG.finditer(source):
        if any(start <= tag.start() < end for start, end in skipped):
            continue
        for attribute in _ATTRIBUTE.finditer(tag.group(1)):
            group = 2 if attribute.group(2) is not None else 3
            offset = tag.start(1) + attribute.start(group)
            found += _unit_edits(source, offset, attribute.group(group), "attribute", planner, lines, keep)
    return found


def _unit_edits(
    source: str, offset: int, text: str, part: str, planner: Planner, lines: LineIndex, keep: KeepRule | None
) -> list[tuple[Edit, Change]]:
    found: list[tuple[Edit, Change]] = []
    for mask in planner.masks(TextUnit(text, hidden=True)):
        start, end = offset + mask.start, offset + mask.end
        line, column, end_line, end_column = lines.span(start, end)
        location = {"line": line, "column": column, "end_line": end_line, "end_column": end_column, "part": part}
        if keep is not None and keep(location, mask):
            continue
        found.append(((start, end, mask.replacement), Change.of(mask, location)))
    return found

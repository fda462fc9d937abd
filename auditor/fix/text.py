"""Text formats (txt, md, csv, tsv, json, html): masked in the decoded text, written back byte-exact.

The file is re-encoded with its own encoding and BOM, and only after checking
that the untouched text re-encodes to exactly the original bytes, so nothing
outside a masked span can change (line endings, quoting, GBK bytes included).
"""

from __future__ import annotations

import codecs
import json
import re
from bisect import bisect_right
from collections.abc import Sequence

from auditor.fix.base import Edit, Fixed, FixError
from auditor.fix.changelog import Change
from auditor.fix.html import hidden_html_edits, html_edits
from auditor.fix.plan import KeepRule, Planner
from auditor.loaders.encoding import decode
from auditor.model import Document, SourceLocator

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_JSON_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def codec_for(data: bytes, encoding: str) -> tuple[bytes, str]:
    """(BOM, codec) such that ``BOM + text.encode(codec)`` reproduces the file."""
    if encoding == "utf-8-sig":
        return codecs.BOM_UTF8, "utf-8"
    if encoding == "utf-16":
        if data.startswith(codecs.BOM_UTF16_LE):
            return codecs.BOM_UTF16_LE, "utf-16-le"
        return codecs.BOM_UTF16_BE, "utf-16-be"
    return b"", encoding


def encode_like(original: bytes, before: str, after: str, encoding: str) -> bytes:
    """``after`` in the original's encoding; refuses when the original would not round-trip."""
    bom, codec = codec_for(original, encoding)
    try:
        if bom + before.encode(codec) != original:
            raise FixError(f"编码 {encoding} 无法无损往返，未改写 (encoding does not round-trip)")
        return bom + after.encode(codec)
    except UnicodeEncodeError as exc:
        raise FixError(f"无法用 {encoding} 编码写回 (cannot encode): {exc.reason}") from exc


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    out: list[str] = []
    cursor = 0
    for start, end, replacement in sorted(edits):
        if start < cursor:
            raise FixError("内部错误：重叠的修改 (overlapping edits)")
        out += [text[cursor:start], replacement]
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def fix_text(data: bytes, document: Document, planner: Planner, keep: KeepRule | None = None) -> Fixed:
    """Mask a text-format document; blocks are either the whole text or HTML source runs."""
    text, encoding = decode(data)
    edits: list[Edit] = []
    changes: list[Change] = []
    for block, masks in planner.document_masks(document, keep):
        locator = block.locator
        whole = isinstance(locator, SourceLocator) or block.text == text
        if not whole:
            raise FixError("内部错误：文本块与源文件不一致 (block does not match the source)")
        for mask in masks:
            if isinstance(locator, SourceLocator):
                edits += html_edits(text, block.text, locator, mask)
            else:
                edits.append((mask.start, mask.end, mask.replacement))
            changes.append(Change.of(mask, locator.locate(mask.start, mask.end).location))
    if document.format == "html":
        for edit, change in hidden_html_edits(text, planner, keep):
            edits.append(edit)
            changes.append(change)
    if not edits:
        return Fixed(None, changes)
    note = ""
    if document.format == "json":
        edits, quoted = quote_json_numbers(text, edits)
        if quoted:
            note = "JSON 数字改为字符串 (number written as a string)"
            for change in changes:
                change.note = "；".join(n for n in (change.note, note) if n)
    fixed = apply_edits(text, edits)
    if document.format == "json":
        try:
            json.loads(fixed)
        except json.JSONDecodeError as exc:
            raise FixError(f"改写后的 JSON 无效，未写出 (masked JSON would be invalid): {exc.msg}") from exc
    return Fixed(encode_like(data, text, fixed, encoding), changes)


def quote_json_numbers(text: str, edits: list[Edit]) -> tuple[list[Edit], bool]:
    """An edit inside a bare JSON number makes the number a string: ``"530102********1234"``."""
    strings = [(m.start(), m.end()) for m in _JSON_STRING.finditer(text)]
    starts = [s for s, _ in strings]
    out: list[Edit] = []
    quoted = False
    numbers: dict[tuple[int, int], list[Edit]] = {}
    for edit in edits:
        index = bisect_right(starts, edit[0]) - 1
        if index >= 0 and strings[index][0] < edit[0] < strings[index][1]:
            out.append(edit)
            continue
        token = _number_at(text, edit[0])
        if token is None:
            out.append(edit)
            continue
        numbers.setdefault(token, []).append(edit)
    for (start, end), inner in numbers.items():
        body = apply_edits(text[start:end], [(s - start, e - start, r) for s, e, r in inner])
        out.append((start, end, f'"{body}"'))
        quoted = True
    return sorted(out), quoted


def _number_at(text: str, offset: int) -> tuple[int, int] | None:
    start = offset
    while start > 0 and text[start - 1] in "0123456789.-+eE":
        start -= 1
    match = _JSON_NUMBER.match(text, start)
    if match is None or not match.start() <= offset < match.end():
        return None
    return match.start(), match.end()

"""Cut a document into cells and free-text lines, each with its column header and record.

Name, sensitive-info and address detection need to know whether text sits in a
table cell under a header (姓名, 残疾类别, 家庭住址) or in running text, and which
record (table row, list item, sentence, JSON object) it belongs to. Every
loader's blocks are handled here, so the detectors stay pure text functions.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from auditor.model import Block, Document

SENTENCE_END = re.compile(r"[。！？!?；;]")
LIST_ITEM = re.compile(
    r"^\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3}|[（(][一二三四五六七八九十\d]{1,3}[)）])\s*[.、．)）]?\s*"
)
_JSON_PAIR = re.compile(r'\s*"((?:[^"\\\n]|\\.){1,60})"\s*:\s*"((?:[^"\\\n]|\\.)*)"')
_JSON_STRING = re.compile(r'\s*"((?:[^"\\\n]|\\.)*)"\s*,?\s*$')
_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|.)")
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}]')
Wanted = Callable[[str | None], bool]


@dataclass(slots=True)
class Segment:
    """Text to analyse and where it came from.

    ``text`` is what the detectors read; ``base`` is the block offset of text[0],
    or ``offsets`` maps every character when the source spelled it with escapes.
    ``header`` is the column label of a table cell; ``free`` marks running text.
    """

    block: Block
    text: str
    base: int
    header: str | None
    free: bool
    offsets: list[int] | None = field(default=None, repr=False)

    def to_block(self, index: int) -> int:
        """Block offset of ``index`` in ``text`` (an end index maps just past its last char)."""
        if self.offsets is None:
            return self.base + index
        if index >= len(self.offsets):
            return self.offsets[-1] + 1 if self.offsets else self.base
        return self.offsets[index]


def _lines(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for line in text.split("\n"):
        yield start, line.rstrip("\r")
        start += len(line) + 1


def _split_cells(line: str, delimiter: str) -> Iterator[tuple[int, str]]:
    """Cells of one delimited line with their offsets; quotes respected, quote chars kept out."""
    if '"' not in line:
        pos = 0
        for cell in line.split(delimiter):
            yield pos, cell
            pos += len(cell) + 1
        return
    start, quoted = 0, False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            yield _unquote(line, start, i)
            start = i + 1
    yield _unquote(line, start, len(line))


def _unquote(line: str, start: int, end: int) -> tuple[int, str]:
    cell = line[start:end]
    if cell.startswith('"'):
        return start + 1, cell[1:].rstrip('"')
    return start, cell


def decode_json_string(raw: str) -> tuple[str, list[int]]:
    """A JSON string body with its escapes decoded, and each character's offset in ``raw``."""
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _ESCAPE.finditer(raw):
        for i in range(pos, m.start()):
            out.append(raw[i])
            offsets.append(i)
        try:
            out.append(json.loads(f'"{m.group()}"'))
        except ValueError:
            out.append(m.group()[-1])
        offsets.append(m.start())
        pos = m.end()
    for i in range(pos, len(raw)):
        out.append(raw[i])
        offsets.append(i)
    return "".join(out), offsets


def json_objects(text: str) -> list[tuple[int, int]]:
    """Spans of JSON objects nested at least one level deep (records); strings skipped by regex."""
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    for m in _JSON_TOKEN.finditer(text):
        token = m.group()
        if token == "{":
            stack.append(m.start())
        elif token == "}" and stack:
            start = stack.pop()
            if stack:
                spans.append((start, m.end()))
    spans.sort()
    return spans


def record_in(spans: list[tuple[int, int]], starts: list[int], offset: int) -> tuple[Any, ...] | None:
    """The innermost record object holding ``offset`` (spans sorted by start), or None."""
    index = bisect_right(starts, offset) - 1
    best: tuple[int, int] | None = None
    while index >= 0:
        start, end = spans[index]
        if start <= offset < end and (best is None or start > best[0]):
            best = (start, end)
            break
        index -= 1
    return ("object", best[0]) if best else None


class RecordKeys:
    """Which record an offset belongs to: table row, list item, sentence of a line, JSON object.

    SPEC: a record is a table row, list item or sentence; a JSON record is its object.
    """

    def __init__(self, document: Document) -> None:
        self.format = document.format
        self._objects: dict[int, tuple[list[tuple[int, int]], list[int]]] = {}
        self._lines: dict[tuple[int, int], tuple[Any, ...]] = {}

    def key(self, block: Block, offset: int) -> tuple[Any, ...]:
        record = None
        if self.format == "json":
            spans, starts = self._json(block)
            record = record_in(spans, starts, offset)
        if record is None:
            record = self._record(block, offset)
        return (record, self._sentence(block, offset))

    def _record(self, block: Block, offset: int) -> tuple[Any, ...]:
        """The locator's record, asked once per line (every record of a text format is line-based)."""
        fixed = getattr(block.locator, "record", None)
        if fixed is not None:
            return fixed  # one cell or one run: the record does not depend on the offset
        line_start = block.text.rfind("\n", 0, offset) + 1
        cache_key = (id(block), line_start)
        record = self._lines.get(cache_key)
        if record is None:
            record = self._lines[cache_key] = block.locator.locate(offset, offset + 1).record
        return record

    def _json(self, block: Block) -> tuple[list[tuple[int, int]], list[int]]:
        cached = self._objects.get(id(block))
        if cached is None:
            spans = json_objects(block.text)
            cached = self._objects[id(block)] = (spans, [s for s, _ in spans])
        return cached

    def _sentence(self, block: Block, offset: int) -> int:
        """Sentence number within a free-text line; 0 for table rows, cells and list items."""
        if self.format in ("csv", "tsv") or (block.locator.in_table and "\n" not in block.text):
            return 0
        text = block.text
        start = text.rfind("\n", 0, offset) + 1
        end = text.find("\n", offset)
        line = text[start : end if end != -1 else len(text)]
        if "\t" in line or line.count("|") >= 2 or LIST_ITEM.match(line):
            return 0
        return len(SENTENCE_END.findall(text, start, offset))


def _text_block(block: Block, fmt: str, wanted: Wanted) -> Iterator[Segment]:
    """txt / md / json: table lines become cells under their header, other lines free text."""
    text = block.text
    locator = block.locator
    by_index: dict[int, str | None] = {}  # headers of the current table, by cell index
    for start, line in _lines(text):
        if not line.strip():
            continue
        if fmt == "json":
            yield from _json_line(block, start, line, wanted)
            continue
        delimiter = "\t" if "\t" in line else "|" if line.count("|") >= 2 else None
        if delimiter is None:
            by_index = {}
            yield Segment(block, line, start, None, True)
            continue
        for index, (offset, cell) in enumerate(_split_cells(line, delimiter)):
            if not cell.strip():
                continue
            header = by_index.get(index)
            if header is None:
                header = locator.field_at(start + offset)
                if header is not None:
                    by_index[index] = header
            if header is not None and wanted(header):
                yield Segment(block, cell, start + offset, header, False)


def _json_line(block: Block, start: int, line: str, wanted: Wanted) -> Iterator[Segment]:
    pair = _JSON_PAIR.match(line)
    if pair is not None:
        key = pair.group(1)
        if "\\" in key:
            key, _ = decode_json_string(key)
        if wanted(key):
            yield _json_value(block, start + pair.start(2), pair.group(2), key)
        return
    string = _JSON_STRING.match(line)
    if string is not None and string.group(1):
        yield _json_value(block, start + string.start(1), string.group(1), None)


def _json_value(block: Block, base: int, raw: str, key: str | None) -> Segment:
    if "\\" not in raw:
        return Segment(block, raw, base, key, key is None)
    decoded, offsets = decode_json_string(raw)
    return Segment(block, decoded, base, key, key is None, [base + o for o in offsets])


def _delimited_block(block: Block, fmt: str, wanted: Wanted) -> Iterator[Segment]:
    """csv / tsv as one block: every cell with the header the locator gives its offset.

    A plain record line (no quotes, first cell under the first column) reuses the headers
    already looked up by column index; other lines ask the locator cell by cell.
    """
    delimiter = "\t" if fmt == "tsv" else ","
    locator = block.locator
    text = block.text
    if fmt == "csv" and text.count(";") > text.count(",") * 2:
        delimiter = ";"
    by_index: dict[int, str | None] = {}
    first: str | None = None
    for start, line in _lines(text):
        plain = '"' not in line
        for index, (offset, cell) in enumerate(_split_cells(line, delimiter)):
            if not cell.strip():
                continue
            if index == 0 and plain:
                header = locator.field_at(start + offset)
                first = header if first is None else first
                plain = header is not None and header == first
            elif plain and index in by_index:
                header = by_index[index]
            else:
                header = locator.field_at(start + offset)
                if plain:
                    by_index[index] = header
            if header is None:
                if len(cell) > 8:
                    yield Segment(block, cell, start + offset, None, True)
            elif wanted(header):
                yield Segment(block, cell, start + offset, header, False)


def _everything(header: str | None) -> bool:
    return True


def segments(document: Document, wanted: Wanted = _everything) -> Iterator[Segment]:
    """Every analysable piece of the document, in reading order.

    Cells under a header for which ``wanted`` is False are skipped (the caller's
    detectors have nothing to say about, e.g., 补贴金额); free text always comes.
    """
    fmt = document.format
    for block in document.blocks:
        if not block.text.strip():
            continue
        if fmt in ("csv", "tsv"):
            yield from _delimited_block(block, fmt, wanted)
        elif fmt in ("txt", "md", "json") or ("\n" in block.text and not block.locator.in_table):
            yield from _text_block(block, fmt, wanted)
        elif block.locator.in_table:
            header = block.locator.field_at(0)
            if header is None or wanted(header):
                yield Segment(block, block.text, 0, header, header is None)
        else:
            yield Segment(block, block.text, 0, None, True)

"""Cut a document into cells and free-text lines, each with its column header and record.

Name, sensitive-info and address detection need to know whether text sits in a
table cell under a header (姓名, 残疾类别, 家庭住址) or in running text, and which
record (table row, list item, sentence, JSON object) it belongs to. Every
loader's blocks are handled here, so the detectors stay pure text functions.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import Any

from auditor.model import Block, Document, Position

SENTENCE_END = re.compile(r"[。！？!?；;]")
LIST_ITEM = re.compile(
    r"^\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3}|[（(][一二三四五六七八九十\d]{1,3}[)）])\s*[.、．)）]?\s*"
)
_ESCAPES = re.compile(r"(?:\\u[0-9a-fA-F]{4})+|\\.")  # a run of \uXXXX escapes, or one other escape
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}]')
# Up to the next brace outside a string: runs of other characters and whole strings (possessive:
# a string is what _JSON_TOKEN takes, and nothing is tried twice).
_JSON_BRACE = re.compile(r'(?:[^"{}]++|"[^"\\]*+(?:\\.[^"\\]*+)*+")*+([{}])')
# At the start of a line: "key": "string value", else a bare "string" line (an array item).
# ``[^\S\n]`` is whitespace that stays inside the line.
_JSON_LINE = re.compile(
    r'^[^\S\n]*"((?:[^"\\\n]|\\.){1,60})"[^\S\n]*:[^\S\n]*"([^"\\\n]*(?:\\.[^"\\\n]*)*)"'
    r'|^[^\S\n]*"([^"\\\n]*(?:\\.[^"\\\n]*)*)"[^\S\n]*,?[^\S\n]*$',
    re.M,
)
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
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
    """A JSON string body with its escapes decoded, and each character's offset in ``raw``.

    Each escape decodes to one character, as json.loads decodes it alone (a surrogate stays
    a lone surrogate). Text written with ``ensure_ascii`` is runs of ``\\uXXXX``: a run is
    decoded in one call, and the runs between escapes are copied whole.
    """
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _ESCAPES.finditer(raw):
        start, end = m.span()
        out.append(raw[pos:start])
        offsets.extend(range(pos, start))
        if end - start >= 6:  # \uXXXX…
            out.append(m.group().encode("ascii").decode("unicode_escape"))
            offsets.extend(range(start, end, 6))
        else:  # \n, \", or an invalid escape, which keeps its last character
            out.append(_SIMPLE_ESCAPES.get(raw[start + 1], raw[start + 1]))
            offsets.append(start)
        pos = end
    out.append(raw[pos:])
    offsets.extend(range(pos, len(raw)))
    return "".join(out), offsets


@lru_cache(maxsize=4096)
def _json_key(raw: str) -> str:
    """A decoded object key: keys repeat in every record, so each is decoded once."""
    return decode_json_string(raw)[0] if "\\" in raw else raw


def json_objects(text: str) -> list[tuple[int, int]]:
    """Spans of JSON objects nested at least one level deep (records); strings skipped by regex.

    _JSON_BRACE steps from brace to brace (strings between them taken whole, inside the
    regex engine); whatever it cannot take (text with no brace left) goes token by token.
    """
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    pos = 0
    while (m := _JSON_BRACE.match(text, pos)) is not None:
        _brace(m.group(1), m.start(1), stack, spans)
        pos = m.end()
    for m in _JSON_TOKEN.finditer(text, pos):
        if m.group() in ("{", "}"):
            _brace(m.group(), m.start(), stack, spans)
    spans.sort()
    return spans


def _brace(brace: str, at: int, stack: list[int], spans: list[tuple[int, int]]) -> None:
    if brace == "{":
        stack.append(at)
    elif stack:
        start = stack.pop()
        if stack:
            spans.append((start, at + 1))


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
    Asked for every name, identifier and sensitive hit, so what depends only on the line
    (its record, whether it is a table row or list item) is worked out once per line.
    """

    def __init__(self, document: Document) -> None:
        self.format = document.format
        self._flat_format = self.format in ("csv", "tsv")  # a delimited file is rows, never sentences
        self._objects: dict[int, tuple[list[tuple[int, int]], list[int]]] = {}
        self._records: dict[tuple[int, int], tuple[Any, ...]] = {}  # (block, line start) -> locator's record
        self._flat_lines: dict[tuple[int, int], bool] = {}  # (block, line start) -> table row or list item
        self._row_keys: dict[tuple[int, int], tuple[Any, ...]] = {}  # the one key of a table row or list item
        # Per line of the block last asked about: is it a table row or list item, and where its sentences end.
        self._lines_of: Block | None = None
        self._line_facts: dict[int, tuple[bool, list[int]]] = {}

    def key(self, block: Block, offset: int) -> tuple[Any, ...]:
        """The record key of a hit starting at ``offset``."""
        return self.key_and_position(block, offset, offset + 1)[0]

    def key_and_position(self, block: Block, start: int, end: int) -> tuple[tuple[Any, ...], Position | None]:
        """The record key of the hit at [start, end), and the hit's Position when finding the key located it.

        The record of a text line comes from the locator (every record of a text format is
        line-based), asked once per line; a caller that needs the hit's position anyway (a
        named person) reuses that Position instead of locating the hit a second time.
        """
        record = None
        if self.format == "json":
            spans, starts = self._json(block)
            record = record_in(spans, starts, start)
        fixed = getattr(block.locator, "record", None)
        if fixed is not None:
            # one cell or one run: the record does not depend on the offset (nor is the block
            # kept: spreadsheet cells are streamed, so nothing is cached by its id)
            return (fixed if record is None else record, self._sentence(block, start)), None
        text = block.text
        line = text.rfind("\n", 0, start) + 1
        cache_key = (id(block), line)
        if record is None:
            row_key = self._row_keys.get(cache_key)
            if row_key is not None:
                return row_key, None  # most hits: a second cell of a table row already seen
        flat = self._flat_lines.get(cache_key)
        if flat is None:
            flat = self._flat_lines[cache_key] = self._flat(block) or _flat_line(text, line)
        sentence = 0 if flat else self._sentence_in_line(block, line, start)
        if record is not None:
            return (record, sentence), None
        position = None
        record = self._records.get(cache_key)
        if record is None:
            position = block.locator.locate(start, end)
            record = self._records[cache_key] = position.record
        if flat:
            self._row_keys[cache_key] = (record, 0)
        return (record, sentence), position

    def _json(self, block: Block) -> tuple[list[tuple[int, int]], list[int]]:
        cached = self._objects.get(id(block))
        if cached is None:
            spans = json_objects(block.text)
            cached = self._objects[id(block)] = (spans, [s for s, _ in spans])
        return cached

    def _flat(self, block: Block) -> bool:
        """Blocks without sentences: delimited files and single-line table cells."""
        return self._flat_format or (block.locator.in_table and "\n" not in block.text)

    def _sentence(self, block: Block, offset: int) -> int:
        """Sentence number within a free-text line; 0 for table rows, cells and list items."""
        if self._flat(block):
            return 0
        line = block.text.rfind("\n", 0, offset) + 1
        return self._sentence_in_line(block, line, offset)

    def _sentence_in_line(self, block: Block, line: int, offset: int) -> int:
        """Sentence ends between the line's start and ``offset`` (0 on a table row or list item).

        Each line is read once: counting from the line's start for every hit made a paragraph
        of 20,000 names quadratic (minutes). Only the last block's lines are kept, so streamed
        cells are never looked up by a reused id.
        """
        if self._lines_of is not block:
            self._lines_of, self._line_facts = block, {}
        facts = self._line_facts.get(line)
        if facts is None:
            text = block.text
            stop = text.find("\n", line)
            stop = len(text) if stop == -1 else stop
            flat = _flat_line(text, line)
            ends = [] if flat else [m.end() for m in SENTENCE_END.finditer(text, line, stop)]
            facts = self._line_facts[line] = (flat, ends)
        flat, ends = facts
        return 0 if flat else bisect_right(ends, offset)


def _flat_line(text: str, start: int) -> bool:
    """Whether the line starting at ``start`` is a table row or a list item."""
    end = text.find("\n", start)
    line = text[start : end if end != -1 else len(text)]
    return "\t" in line or line.count("|") >= 2 or LIST_ITEM.match(line) is not None


def _text_block(block: Block, keep: _Keep) -> Iterator[Segment]:
    """txt / md: table lines become cells under their header, other lines free text."""
    text = block.text
    by_index: dict[int, str] = {}  # headers of the current table, by cell index
    columns: dict[tuple[int, int], list[int]] = {}  # (cells in the line, headers known) -> columns to read
    for start, line in _lines(text):
        if not line.strip():
            continue
        delimiter = "\t" if "\t" in line else "|" if line.count("|") >= 2 else None
        if delimiter is None:
            by_index, columns = {}, {}
            yield Segment(block, line, start, None, True)
            continue
        for index, offset, cell in _table_cells(line, delimiter, by_index, columns, keep):
            if not cell.strip():
                continue
            header = by_index.get(index)
            if header is None:
                header = block.locator.field_at(start + offset)
                if header is None:
                    continue
                by_index[index] = header
            if keep[header]:
                yield Segment(block, cell, start + offset, header, False)


def _table_cells(
    line: str, delimiter: str, by_index: dict[int, str], columns: dict[tuple[int, int], list[int]], keep: _Keep
) -> Iterator[tuple[int, int, str]]:
    """(index, offset, cell) of a table line's cells that can matter: all of a line with quotes;
    of a plain line the wanted columns and those whose header is not known yet."""
    if '"' in line:
        for index, (offset, cell) in enumerate(_split_cells(line, delimiter)):
            yield index, offset, cell
        return
    cells = line.split(delimiter)
    todo = columns.get((len(cells), len(by_index)))
    if todo is None:
        todo = columns[(len(cells), len(by_index))] = [
            i for i in range(len(cells)) if i not in by_index or keep[by_index[i]]
        ]
    ends = [0, *accumulate(map(len, cells))]
    for index in todo:
        yield index, ends[index] + index, cells[index]  # + index: the delimiters before the cell


def _json_block(block: Block, keep: _Keep) -> Iterator[Segment]:
    """JSON as text: a ``"key": "string"`` line is a cell under its key, a bare string line free text.

    One regex pass over the whole text finds those lines (most lines are braces and numbers).
    """
    for m in _JSON_LINE.finditer(block.text):
        raw_key = m.group(1)
        if raw_key is not None:
            key = _json_key(raw_key)
            if keep[key]:
                yield _json_value(block, m.start(2), m.group(2), key)
        elif m.group(3):
            yield _json_value(block, m.start(3), m.group(3), None)


def _json_value(block: Block, base: int, raw: str, key: str | None) -> Segment:
    if "\\" not in raw:
        return Segment(block, raw, base, key, key is None)
    decoded, offsets = decode_json_string(raw)
    return Segment(block, decoded, base, key, key is None, [base + o for o in offsets])


def _delimited_block(block: Block, fmt: str, keep: _Keep) -> Iterator[Segment]:
    """csv / tsv as one block: every cell with the header the locator gives its offset.

    A plain record line (no quotes, first cell under the first column) reuses the headers
    already looked up by column index, and reads only the columns that can matter (wanted
    ones, unlabelled ones, ones not seen yet); other lines ask the locator cell by cell.
    """
    delimiter = "\t" if fmt == "tsv" else ","
    locator = block.locator
    text = block.text
    if fmt == "csv" and text.count(";") > text.count(",") * 2:
        delimiter = ";"
    by_index: dict[int, str | None] = {}
    columns: dict[tuple[int, int], list[int]] = {}  # (cells in the line, headers known) -> columns to read
    first: str | None = None
    for start, line in _lines(text):
        if '"' in line:
            for offset, cell in _split_cells(line, delimiter):
                if cell.strip():
                    found = _cell(block, cell, start + offset, locator.field_at(start + offset), keep)
                    if found is not None:
                        yield found
            continue
        cells = line.split(delimiter)
        plain = True
        if cells[0].strip():
            header = locator.field_at(start)
            first = header if first is None else first
            plain = header is not None and header == first
            found = _cell(block, cells[0], start, header, keep)
            if found is not None:
                yield found
        if not plain:
            offset = start + len(cells[0]) + 1
            for cell in cells[1:]:
                if cell.strip():
                    found = _cell(block, cell, offset, locator.field_at(offset), keep)
                    if found is not None:
                        yield found
                offset += len(cell) + 1
            continue
        todo = columns.get((len(cells), len(by_index)))
        if todo is None:
            todo = columns[(len(cells), len(by_index))] = _columns_to_read(len(cells), by_index, keep)
        if not todo:
            continue
        ends = list(accumulate(map(len, cells)))
        for index in todo:
            cell = cells[index]
            if not cell.strip():
                continue
            offset = start + ends[index - 1] + index
            if index in by_index:
                header = by_index[index]
            else:
                header = by_index[index] = locator.field_at(offset)
            found = _cell(block, cell, offset, header, keep)
            if found is not None:
                yield found


def _columns_to_read(cells: int, by_index: dict[int, str | None], keep: _Keep) -> list[int]:
    """Columns after the first worth reading in a plain record line: wanted, unlabelled, or unknown yet."""
    wanted = []
    for index in range(1, cells):
        header = by_index.get(index)  # None: not seen yet, or unlabelled
        if header is None or keep[header]:
            wanted.append(index)
    return wanted


def _cell(block: Block, cell: str, offset: int, header: str | None, keep: _Keep) -> Segment | None:
    """A delimited cell as a segment: under a wanted header, or free text when unlabelled and long."""
    if header is None:
        return Segment(block, cell, offset, None, True) if len(cell) > 8 else None
    return Segment(block, cell, offset, header, False) if keep[header] else None


class _Keep(dict[str, bool]):
    """``wanted`` asked once per distinct header (every cell of a column repeats its header)."""

    def __init__(self, wanted: Wanted) -> None:
        super().__init__()
        self._wanted = wanted

    def __missing__(self, header: str) -> bool:
        keep = self[header] = self._wanted(header)
        return keep


def _everything(header: str | None) -> bool:
    return True


def segments(document: Document, wanted: Wanted = _everything) -> Iterator[Segment]:
    """Every analysable piece of the document, in reading order.

    Cells under a header for which ``wanted`` is False are skipped (the caller's
    detectors have nothing to say about, e.g., 补贴金额); free text always comes.
    ``wanted`` must depend on the header only: it is asked once per header.
    """
    fmt = document.format
    keep = _Keep(wanted)
    blocks = (block for block in document.blocks if block.text.strip())
    if fmt in ("csv", "tsv"):
        for block in blocks:
            yield from _delimited_block(block, fmt, keep)
    elif fmt == "json":
        for block in blocks:
            yield from _json_block(block, keep)
    elif fmt in ("txt", "md"):
        for block in blocks:
            yield from _text_block(block, keep)
    else:
        yield from _cell_blocks(blocks, keep)


def _cell_blocks(blocks: Iterable[Block], keep: _Keep) -> Iterator[Segment]:
    """Formats made of cells and runs (xlsx, html, docx, pdf …): a table cell is one segment under
    its header, a multi-line run is read as text lines, any other run is free text."""
    for block in blocks:
        locator = block.locator
        if locator.in_table:
            header = locator.field_at(0)
            if header is None or keep[header]:
                yield Segment(block, block.text, 0, header, header is None)
        elif "\n" in block.text:
            yield from _text_block(block, keep)
        else:
            yield Segment(block, block.text, 0, None, True)

"""HTML: text containers and table cells as blocks, located in the source file.

One regex walks the tags (the stdlib HTMLParser is ~50x slower); every text
run keeps its source offset, so any offset maps back exactly. A list page holds
tens of thousands of cells, so the walk is one tight loop, a cell costs two
small objects, and what only a finding needs (line/column, the cell's column
label) is worked out when it is asked for.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape
from pathlib import Path

from auditor.gcpause import gc_paused
from auditor.loaders.encoding import decode
from auditor.loaders.html_cells import TableCell
from auditor.loaders.tables import SCAN_ROWS, detect_header, header_names
from auditor.model import Block, Document, Runs, RunsLocator, SourceText

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "title",
        "caption",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "nav",
        "blockquote",
        "pre",
        "dd",
        "dt",
        "dl",
        "body",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "br",
        "hr",
        "form",
        "address",
        "figcaption",
    ]
)
SKIP_TAGS = frozenset(("script", "style", "template", "noscript"))


# A row of plain cells (one token instead of 2 + 3 per cell), a plain cell, then what the walk
# always matched: comments, start/end tags with attributes, doctype and processing instructions.
_TD, _END_TD = "<(?:t[dh]|T[DH])>", "</(?:t[dh]|T[DH])>"
_TOKEN = re.compile(
    rf"<(?:tr|TR)>((?:\s*+{_TD}[^<]*+{_END_TD})*+)\s*+</(?:tr|TR)>"
    rf"|{_TD}([^<]*+){_END_TD}"
    r"|<!--.*?(?:-->|$)|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|<[!?][^>]*>",
    re.S,
)
_ROW_CELLS = re.compile(rf"(\s*){_TD}([^<]*){_END_TD}")  # (whitespace, text) of each cell of a plain row
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);?")
_COLSPAN = re.compile(r"colspan\s*=\s*[\"']?(\d+)", re.I)
MAX_COLSPAN = 1000  # what browsers honour (HTML: a larger colspan counts as 1000)
MAX_HEADER_COLUMNS = 16384  # columns a header row is looked for in (Excel's width): the grid stays small
_SKIP_CLOSE = {tag: re.compile(rf"</{tag}\s*>", re.I) for tag in SKIP_TAGS}

# What a tag does to the walk: nothing, end the current block, or also move the table cursor.
_INLINE, _BLOCK, _TABLE, _ROW, _CELL, _SKIP = range(6)
_KIND = {tag: _BLOCK for tag in BLOCK_TAGS} | {"table": _TABLE, "tr": _ROW, "td": _CELL, "th": _CELL}
_KIND |= {tag: _SKIP for tag in SKIP_TAGS}
_KIND |= {tag.upper(): kind for tag, kind in _KIND.items()}
_KIND |= {tag: _INLINE for tag in ("span", "a", "b", "i", "u", "em", "strong", "font", "img", "html", "head", "meta")}


@lru_cache(maxsize=4096)
def _unescape(entity: str) -> str:
    """Entities repeat (``&nbsp;`` in every cell): decode each spelling once."""
    return unescape(entity)


def _kind(tag: str | None) -> int:
    """What a tag does to the walk; ``None`` (comment, doctype) does nothing."""
    if tag is None:
        return _INLINE
    kind = _KIND.get(tag)
    return kind if kind is not None else _KIND.get(tag.lower(), _INLINE)


def _colspan(digits: str) -> int:
    """A colspan's value as browsers take it: at most MAX_COLSPAN, however many digits it is spelt with."""
    significant = digits.lstrip("0")
    return min(int(significant[:5] or 0), MAX_COLSPAN)


def _skip(source: str, tag: str, position: int) -> int:
    """Where the text after ``<script>``/``<style>``… resumes: past its end tag, or the end of file."""
    close = _SKIP_CLOSE[tag.lower()].search(source, position)
    return close.end() if close else len(source)


def _decoded(runs: list[tuple[str, int]]) -> tuple[str, Runs]:
    """Block text of raw (text, source offset) runs: literal pieces keep their offset, entities are decoded."""
    parts: list[str] = []
    offsets: list[int] = []
    sources: list[int] = []
    length = 0
    for raw, start in runs:
        cursor = 0
        for entity in _ENTITY.finditer(raw) if "&" in raw else ():
            at, cursor_next = entity.span()
            if at > cursor:
                parts.append(raw[cursor:at])
                offsets.append(length)
                sources.append(start + cursor)
                length += at - cursor
            value = _unescape(entity.group())
            if value:
                parts.append(value)
                offsets.append(length)
                sources.append(start + at)
                length += len(value)
            cursor = cursor_next
        if cursor < len(raw):
            parts.append(raw[cursor:] if cursor else raw)
            offsets.append(length)
            sources.append(start + cursor)
            length += len(raw) - cursor
    if len(sources) == 1:
        return parts[0], sources[0]
    return "".join(parts), (offsets, sources)


class _Table:
    """A ``<table>``: the row/column cursor while open, then what names its cells' columns.

    Only the first rows can hold the header, so only their blocks are kept; the
    size of the grid is tracked as cells arrive.
    """

    __slots__ = ("col", "head", "header", "height", "id", "names", "record", "row", "source", "width")

    def __init__(self, number: int, source: SourceText) -> None:
        self.id = number
        self.source = source
        self.row = 0
        self.col = 0
        self.record = ("table", number, 1)  # of the current row (row 0 counts as 1), shared by its cells
        self.head: list[Block] = []  # cell blocks in the first SCAN_ROWS rows
        self.height = 0  # rows and columns of the grid the cell blocks span
        self.width = 0
        self.header: int | None = None  # header row index, once the table is complete
        self.names: list[str | None] = []

    def take(self, block: Block, row: int, col: int) -> None:
        """Count a cell block into the grid (its row and column may be another table's, as the walk found it)."""
        if row <= SCAN_ROWS:
            self.head.append(block)
        if row > self.height:
            self.height = row
        if col > self.width:
            self.width = col

    def name_columns(self) -> None:
        """Once the table is complete: find the header row and its labels, which the cells below
        it read as their ``field``."""
        if not self.height:
            return
        width = min(self.width, MAX_HEADER_COLUMNS)  # colspan="1000" a thousand times must not allocate GBs
        grid = [[""] * width for _ in range(min(self.height, SCAN_ROWS))]
        for block in self.head:
            cell: TableCell = block  # type: ignore[assignment]
            if cell.col <= width:
                grid[cell.record[2] - 1][cell.col - 1] = cell.text.strip()
        grid += [[]] * (self.height - len(grid))  # rows below the scan only count, they are never read
        self.head = []
        self.header = detect_header(grid)
        self.names = header_names(grid, self.header)  # one per grid column ([] without a header)


class _Collector:
    """Walks tags with one C-level regex; text between tags is kept as source offset ranges."""

    __slots__ = ("_block_count", "_cell", "_table_count", "_tables", "blocks", "source", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.source = SourceText(text)
        self.blocks: list[Block] = []
        self._tables: list[_Table] = []
        self._table_count = 0
        self._block_count = 0
        self._cell: tuple[tuple[str, int, int], int] | None = None  # (record, col) of the open <td>

    def run(self) -> list[Block]:
        """The one hot loop over tokens.

        A row of plain cells or a plain cell (most of a list page) is one token,
        handled as the tag-by-tag walk would. Otherwise inline tags and comments
        only split text runs, and block tags flush the pending runs; a whitespace
        run that would start a block right before a block tag is dropped unread.
        """
        source, position = self.text, 0
        pending: list[int] = []  # start, end, start, end … of the text runs of the current block
        tables, blocks = self._tables, self.blocks
        while position < len(source):
            restart = False
            for match in _TOKEN.finditer(source, position):
                start = match.start()
                gap = position if start > position else -1
                position = match.end()
                row = match[1]  # groups are read by index: a groups() tuple per token costs
                content = match[2] if row is None else None
                if row is not None or content is not None:
                    if pending or (gap >= 0 and not source[gap:start].isspace()):
                        self._flush_before(pending, gap, start)
                    if row is not None:
                        self._plain_row(row, start + 4)
                    elif tables and content and not content.isspace():
                        self._plain_cell(tables[-1], content, start + 4)
                    else:  # row is None here, so content is not
                        self._cell_token(content or "", start + 4)
                    continue
                kind = _kind(match[4])
                if kind == _INLINE or (kind == _SKIP and match[3]):
                    if gap >= 0:  # text around inline tags and comments stays in the block
                        pending += (gap, start)
                    continue
                if kind == _SKIP:
                    if gap >= 0:
                        pending += (gap, start)
                    position = _skip(source, match[4], position)
                    restart = True
                    break
                if pending or (gap >= 0 and not source[gap:start].isspace()):
                    self._flush_before(pending, gap, start)
                self._tag(kind, match[3], match[5])
            if not restart:
                if position < len(source):
                    pending += (position, len(source))
                break
        if pending:
            self._flush(pending)
        while tables:
            tables.pop().name_columns()
        return blocks

    def _flush_before(self, pending: list[int], gap: int, end: int) -> None:
        """A block tag at ``end``: the pending runs and the text run since ``gap`` (if any) become a block."""
        if gap >= 0:
            pending += (gap, end)
        self._flush(pending)

    def _tag(self, kind: int, closing: str, attributes: str) -> None:
        """After the flush: a closing tag ends the cell or the table; an opening one moves the cursor."""
        tables = self._tables
        if closing:
            if kind == _CELL:
                self._cell = None
            elif kind == _TABLE and tables:
                tables.pop().name_columns()
        elif kind == _TABLE:
            self._table_count += 1
            tables.append(_Table(self._table_count, self.source))
        elif kind == _ROW and tables:
            table = tables[-1]
            table.row += 1
            table.col = 0
            table.record = ("table", table.id, table.row)
        elif kind == _CELL and tables:
            self._open_cell(tables[-1], attributes)

    def _plain_row(self, inner: str, start: int) -> None:
        """``<tr>`` + plain cells + ``</tr>``, ``inner`` starting at ``start``: what the walk would do, cell by cell."""
        tables = self._tables
        if not tables:
            for space, content in _ROW_CELLS.findall(inner):
                self._cell_token(content, start + len(space) + 4)
                start += len(space) + len(content) + 9
            return
        self._tag(_ROW, "", "")
        table = tables[-1]
        row, record, append, head = table.row, table.record, self.blocks.append, table.row <= SCAN_ROWS
        cells = _ROW_CELLS.findall(inner)
        col = last = 0
        runs: Runs
        for space, content in cells:
            col += 1
            start += len(space) + 4  # the text starts after <td>
            if content and not content.isspace():
                text, runs = content, start
                if "&" in content:
                    text, runs = _decoded([(content, start)])
                    if text.isspace():
                        text = ""
                if text:
                    block = TableCell(text, runs, record, col, table)
                    append(block)
                    last = col
                    if head:
                        table.head.append(block)
            start += len(content) + 5
        if cells:
            table.col = col
            self._cell = None
        if last:  # the grid grows to this row and, at least, to its last cell block
            table.height = max(table.height, row)
            table.width = max(table.width, last)

    def _plain_cell(self, table: _Table, content: str, start: int) -> None:
        """``<td>text</td>`` (text not blank) in an open table: the cell's block, without the three steps."""
        table.col = col = table.col + 1
        row = table.row or 1
        runs: Runs = start
        if "&" in content:
            content, runs = _decoded([(content, start)])
            if not content or content.isspace():
                self._cell = None
                return
        block = TableCell(content, runs, table.record, col, table)
        self.blocks.append(block)
        if row <= SCAN_ROWS or row > table.height or col > table.width:
            table.take(block, row, col)
        self._cell = None

    def _open_cell(self, table: _Table, attributes: str) -> None:
        table.col += 1
        self._cell = (table.record, table.col)
        if attributes:
            span = _COLSPAN.search(attributes)
            if span:
                table.col += _colspan(span.group(1)) - 1

    def _cell_token(self, content: str, start: int) -> None:
        """``<td>`` + a run with no tag + ``</td>``: the three steps of the walk, in one."""
        tables = self._tables
        if tables:
            self._open_cell(tables[-1], "")
        if content and not content.isspace():
            self._flush([start, start + len(content)])
        self._cell = None

    def _flush(self, pending: list[int]) -> None:
        """The pending runs become a block unless they are only whitespace."""
        source = self.text
        if len(pending) == 2 and "&" not in source[pending[0] : pending[1]]:
            text: str = source[pending[0] : pending[1]]
            runs: Runs = pending[0]
        else:
            text, runs = _decoded(
                [(source[pending[i] : pending[i + 1]], pending[i]) for i in range(0, len(pending), 2)]
            )
        pending.clear()
        if text and not text.isspace():
            self._add(text, runs)

    def _add(self, text: str, runs: Runs) -> None:
        """A block: a cell of the innermost open table while a ``<td>`` is open, else a text block."""
        cell = self._cell
        block: Block
        if cell is not None and self._tables:
            table = self._tables[-1]
            block = TableCell(text, runs, cell[0], cell[1], table)
            table.take(block, cell[0][2], cell[1])
        else:
            self._block_count += 1
            block = Block(text, RunsLocator(self.source, runs, ("block", self._block_count)))
        self.blocks.append(block)


def load_html(path: Path, fmt: str, data: bytes) -> Document:
    text, _ = decode(data, tolerate_damage=True)
    with gc_paused():
        blocks = _Collector(text).run()
    return Document(path=str(path), format=fmt, blocks=blocks)

"""HTML: text containers and table cells as blocks, located in the source file.

One regex walks the tags (the stdlib HTMLParser is ~50x slower); every text
run keeps its source (line, column), so any offset maps back exactly.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

from auditor.loaders.encoding import decode
from auditor.loaders.tables import detect_header, header_names
from auditor.model import Block, Document, LineIndex, SourceLocator

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


_MARKUP = re.compile(
    r"<!--.*?(?:-->|$)|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|<[!?][^>]*>", re.S
)
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);?")
_COLSPAN = re.compile(r"colspan\s*=\s*[\"']?(\d+)", re.I)


class _Collector:
    """Walks tags with one C-level regex; text between tags is kept with its source position."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines = LineIndex(source)
        self.blocks: list[Block] = []
        self._text: list[str] = []
        self._offsets: list[int] = []
        self._sources: list[int] = []
        self._length = 0
        self._tables: list[dict[str, Any]] = []
        self._table_count = 0
        self._block_count = 0
        self._cell: tuple[int, int, int] | None = None  # table, row, col

    def run(self) -> list[Block]:
        source, position = self.source, 0
        while position < len(source):
            match = _MARKUP.search(source, position)
            if match is None:
                self._add_raw(position, len(source))
                break
            self._add_raw(position, match.start())
            position = match.end()
            tag = (match.group(2) or "").lower()
            if not tag:
                continue
            if match.group(1):
                self._end(tag)
            elif tag in SKIP_TAGS:
                close = re.compile(rf"</{tag}\s*>", re.I).search(source, position)
                position = close.end() if close else len(source)
            else:
                self._start(tag, match.group(3) or "")
        self._flush()
        while self._tables:
            _name_fields(self._tables.pop()["cells"])
        return self.blocks

    # -- text runs ------------------------------------------------------
    def _add_raw(self, start: int, end: int) -> None:
        """Source text [start, end): literal runs keep their position; entities are decoded."""
        if start >= end:
            return
        raw = self.source[start:end]
        if "&" not in raw:
            self._piece(raw, start)
            return
        cursor = 0
        for entity in _ENTITY.finditer(raw):
            self._piece(raw[cursor : entity.start()], start + cursor)
            self._piece(unescape(entity.group()), start + entity.start())
            cursor = entity.end()
        self._piece(raw[cursor:], start + cursor)

    def _piece(self, text: str, source_offset: int) -> None:
        if not text:
            return
        self._offsets.append(self._length)
        self._sources.append(source_offset)
        self._text.append(text)
        self._length += len(text)

    def _flush(self) -> None:
        if not self._text:
            return
        text = "".join(self._text)
        offsets, sources = self._offsets, self._sources
        self._text, self._offsets, self._sources, self._length = [], [], [], 0
        if not text.strip():
            return
        if self._cell is not None and self._tables:
            table, row, col = self._cell
            static: dict[str, Any] = {"table": table, "row": row, "col": col}
            locator = SourceLocator(offsets, sources, self.lines, static, ("table", table, row), None, True)
            self._tables[-1]["cells"].append((row, col, locator, text))
        else:
            self._block_count += 1
            locator = SourceLocator(offsets, sources, self.lines, {}, ("block", self._block_count))
        self.blocks.append(Block(text, locator))

    # -- structure ------------------------------------------------------
    def _start(self, tag: str, attributes: str) -> None:
        if tag not in BLOCK_TAGS:
            return
        self._flush()
        if tag == "table":
            self._table_count += 1
            self._tables.append({"id": self._table_count, "row": 0, "col": 0, "cells": []})
        elif tag == "tr" and self._tables:
            self._tables[-1]["row"] += 1
            self._tables[-1]["col"] = 0
        elif tag in ("td", "th") and self._tables:
            table = self._tables[-1]
            table["col"] += 1
            self._cell = (table["id"], max(table["row"], 1), table["col"])
            span = _COLSPAN.search(attributes)
            table["col"] += int(span.group(1)) - 1 if span else 0

    def _end(self, tag: str) -> None:
        if tag not in BLOCK_TAGS:
            return
        self._flush()
        if tag in ("td", "th"):
            self._cell = None
        elif tag == "table" and self._tables:
            _name_fields(self._tables.pop()["cells"])


def _name_fields(cells: list[tuple[int, int, SourceLocator, str]]) -> None:
    """Once a table is complete, give every cell below the header its column label."""
    if not cells:
        return
    rows_count = max(cell[0] for cell in cells)
    cols_count = max(cell[1] for cell in cells)
    grid = [[""] * cols_count for _ in range(rows_count)]
    for row, col, _, text in cells:
        grid[row - 1][col - 1] = text.strip()
    header_index = detect_header(grid)
    names = header_names(grid, header_index)
    if header_index is None:
        return
    for row, col, locator, _ in cells:
        if row > header_index + 1 and col <= len(names):
            locator.field = names[col - 1]
            locator.static["field"] = names[col - 1]


def load_html(path: Path, fmt: str, data: bytes) -> Document:
    text, _ = decode(data)
    return Document(path=str(path), format=fmt, blocks=_Collector(text).run())

"""HTML: text containers and table cells as blocks, located in the source file.

The stdlib parser reports the (line, column) of every text run; a block is
stitched from runs, so any offset maps back to the source exactly.
"""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from auditor.loaders.encoding import decode
from auditor.loaders.tables import detect_header, header_names
from auditor.model import Block, Document, Piece, PiecesLocator

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


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[Block] = []
        self._text: list[str] = []
        self._pieces: list[Piece] = []
        self._length = 0
        self._skip = 0
        self._tables: list[dict[str, Any]] = []
        self._table_count = 0
        self._block_count = 0
        self._cell: tuple[int, int, int] | None = None  # table, row, col

    # -- text runs ------------------------------------------------------
    def _add(self, text: str) -> None:
        if self._skip or not text:
            return
        line, offset = self.getpos()
        self._pieces.append(Piece(self._length, line, offset + 1))
        self._text.append(text)
        self._length += len(text)

    def handle_data(self, data: str) -> None:
        self._add(data)

    def handle_entityref(self, name: str) -> None:
        self._add(unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self._add(unescape(f"&#{name};"))

    def _flush(self) -> None:
        text = "".join(self._text)
        pieces = self._pieces
        self._text, self._pieces, self._length = [], [], 0
        if not text.strip():
            return
        if self._cell is not None:
            table, row, col = self._cell
            static: dict[str, Any] = {"table": table, "row": row, "col": col}
            locator = PiecesLocator(pieces, text, static, ("table", table, row), None, True)
            self._tables[-1]["cells"].append((row, col, locator))
        else:
            self._block_count += 1
            locator = PiecesLocator(pieces, text, {}, ("block", self._block_count))
        self.blocks.append(Block(text, locator))

    # -- structure ------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS:
            self._skip += 1
            return
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
            span = dict(attrs).get("colspan") or "1"
            table["col"] += (int(span) - 1) if span.isdigit() else 0

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
            return
        if tag not in BLOCK_TAGS:
            return
        self._flush()
        if tag in ("td", "th"):
            self._cell = None
        elif tag == "table" and self._tables:
            _name_fields(self._tables.pop()["cells"])

    def close(self) -> None:
        super().close()
        self._flush()
        while self._tables:
            _name_fields(self._tables.pop()["cells"])


def _name_fields(cells: list[tuple[int, int, PiecesLocator]]) -> None:
    """Once a table is complete, give every cell below the header its column label."""
    if not cells:
        return
    rows_count = max(r for r, _, _ in cells)
    cols_count = max(c for _, c, _ in cells)
    grid = [[""] * cols_count for _ in range(rows_count)]
    for row, col, locator in cells:
        grid[row - 1][col - 1] = locator.text.strip()
    header_index = detect_header(grid)
    names = header_names(grid, header_index)
    if header_index is None:
        return
    for row, col, locator in cells:
        if row > header_index + 1 and col <= len(names):
            locator.field = names[col - 1]
            locator.static["field"] = names[col - 1]


def load_html(path: Path, fmt: str, data: bytes) -> Document:
    text, _ = decode(data)
    collector = _Collector()
    collector.feed(text)
    collector.close()
    return Document(path=str(path), format=fmt, blocks=collector.blocks)

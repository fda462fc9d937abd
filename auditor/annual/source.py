"""From a loaded Document to the lines and cells the report parsers read.

Text formats arrive as one block: it is cut into lines, each remembering its
offset so numbers can be located. Table cells (HTML now, DOCX later) arrive as
one block each whose locator carries static ``table``/``row``/``col`` keys;
they stay whole and keep that key so the grid can be rebuilt.
"""

from __future__ import annotations

from typing import Any

from auditor.annual.base import CellKey, SourceLine
from auditor.model import Block, Document

# Parts of a document that are not the report body (headers, comments …).
_BODY_PARTS = (None, "body")


def cell_key(block: Block) -> CellKey | None:
    """(table, row, col) when the block is a table cell, from its locator's static keys."""
    locator = block.locator
    keys: Any = getattr(locator, "static", None)
    if not isinstance(keys, dict):
        keys = getattr(locator, "location", None)
    if not isinstance(keys, dict):
        return None
    table, row, col = keys.get("table"), keys.get("row"), keys.get("col")
    if table is None or not isinstance(row, int) or not isinstance(col, int):
        return None
    return (keys.get("sheet"), table), row, col


def block_lines(block: Block) -> list[SourceLine]:
    """The lines of a text block (without their line breaks), or the block as one cell."""
    key = cell_key(block)
    if key is not None:
        return [SourceLine(block.text, block, 0, key)]
    lines: list[SourceLine] = []
    text = block.text
    start = 0
    while True:
        end = text.find("\n", start)
        stop = len(text) if end == -1 else end
        piece = text[start:stop]
        if piece.endswith("\r"):
            piece = piece[:-1]
        lines.append(SourceLine(piece, block, start))
        if end == -1:
            return lines
        start = end + 1


def document_lines(document: Document) -> list[SourceLine]:
    """Every visible body line or cell of the document, in reading order."""
    lines: list[SourceLine] = []
    for block in document.blocks:
        if block.hidden or block.part not in _BODY_PARTS:
            continue
        lines.extend(block_lines(block))
    return lines


def head_text(document: Document, limit: int = 2000) -> str:
    """The first ``limit`` characters of the document: enough to tell a report cheaply."""
    parts: list[str] = []
    size = 0
    for block in document.blocks:
        parts.append(block.text[: limit - size])
        size += len(parts[-1])
        if size >= limit:
            break
    return "\n".join(parts)

"""A minimal document reader for workflow use before (or without) the real loaders.

Enough for sign-off lines: text formats become one block with a TextLocator;
HTML becomes one block per text run between tags, located at its source line.
"""

from __future__ import annotations

import re
from pathlib import Path

from auditor.model import Block, Document, LineIndex, Piece, PiecesLocator, TextLocator

TEXT_FORMATS = {"txt", "md", "csv", "tsv", "json"}
HTML_FORMATS = {"html", "htm"}
_TAG_OR_SKIP = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.S | re.I)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030, as SPEC §4 requires."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def html_blocks(text: str) -> list[Block]:
    index = LineIndex(text)
    blocks: list[Block] = []
    pos = 0
    for match in [*_TAG_OR_SKIP.finditer(text), None]:
        end = match.start() if match else len(text)
        run = text[pos:end]
        if run.strip():
            line, column = index.line_col(pos)
            locator = PiecesLocator([Piece(0, line, column)], run, {}, ("line", line))
            blocks.append(Block(run, locator))
        pos = match.end() if match else end
    return blocks


def load_text_document(path: Path) -> Document | None:
    """The document, or None for a format this reader does not handle."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in TEXT_FORMATS | HTML_FORMATS:
        return None
    text = decode(path.read_bytes())
    if fmt in HTML_FORMATS:
        return Document(str(path), fmt, html_blocks(text))
    return Document(str(path), fmt, [Block(text, TextLocator(text))])


def load_document(path: Path) -> Document | None:
    """The scanner's own loader when it handles the format, else :func:`load_text_document`."""
    try:
        from auditor.loaders import format_of, loader_for
    except ImportError:
        return load_text_document(path)
    fmt = format_of(path)
    if fmt is None:
        return load_text_document(path)
    try:
        return loader_for(fmt)(path, fmt, path.read_bytes())
    except Exception:
        return load_text_document(path)

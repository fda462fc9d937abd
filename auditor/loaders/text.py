"""Plain text and Markdown: the whole file is one block; each line is a record."""

from __future__ import annotations

from pathlib import Path

from auditor.loaders.encoding import decode
from auditor.model import Block, Document, TextLocator


def load_text(path: Path, fmt: str, data: bytes) -> Document:
    text, _ = decode(data, tolerate_damage=True)
    return text_document(str(path), fmt, text)


def text_document(path: str, fmt: str, text: str) -> Document:
    return Document(path=path, format=fmt, blocks=[Block(text, TextLocator(text))] if text else [])

"""JSON: scanned as text (exact line/column), after checking it parses."""

from __future__ import annotations

import json
from pathlib import Path

from auditor.loaders.encoding import decode
from auditor.loaders.errors import LoadError
from auditor.loaders.text import text_document
from auditor.model import Document


def load_json(path: Path, fmt: str, data: bytes) -> Document:
    text, _ = decode(data, tolerate_damage=True)
    if text.strip():
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise LoadError(f"JSON 格式错误，第{exc.lineno}行第{exc.colno}列 (invalid JSON): {exc.msg}") from exc
    return text_document(str(path), fmt, text)

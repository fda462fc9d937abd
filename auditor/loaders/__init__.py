"""Loaders: one module per format, each turning a file into a Document of Blocks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from auditor.loaders.errors import LoadError
from auditor.model import Document

Loader = Callable[[Path, str, bytes], Document]

FORMATS: dict[str, str] = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".csv": "csv",
    ".tsv": "tsv",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".docx": "docx",
    ".docm": "docx",
    ".pdf": "pdf",
}


def format_of(path: Path) -> str | None:
    return FORMATS.get(path.suffix.lower())


def loader_for(fmt: str) -> Loader:
    """Import lazily so a text-only scan never pays for spreadsheet libraries."""
    if fmt in ("txt", "md"):
        from auditor.loaders.text import load_text

        return load_text
    if fmt in ("csv", "tsv"):
        from auditor.loaders.delimited import load_delimited

        return load_delimited
    if fmt == "json":
        from auditor.loaders.jsonfile import load_json

        return load_json
    if fmt == "html":
        from auditor.loaders.html import load_html

        return load_html
    if fmt == "xlsx":
        from auditor.loaders.xlsx import load_xlsx

        return load_xlsx
    if fmt == "xls":
        from auditor.loaders.xls import load_xls

        return load_xls
    if fmt == "docx":
        from auditor.loaders.docx import load_docx

        return load_docx
    if fmt == "pdf":
        from auditor.loaders.pdf import load_pdf

        return load_pdf
    raise LoadError(f"不支持的文件格式 (unsupported format): {fmt}")


__all__ = ["FORMATS", "LoadError", "Loader", "format_of", "loader_for"]

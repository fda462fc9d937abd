"""XLS (Excel 97-2003, BIFF8): every sheet, hidden and very hidden ones too, and what a reader does not see.

xlrd reads cell values, sheet visibility, hidden rows and columns, cell notes
and defined names; it never runs macros. Document properties come from the
OLE2 SummaryInformation streams (olefile). Locations are those of xlsx:
``sheet``/``cell``/``row``/``field``; non-cell content adds ``part``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from auditor.loaders.cells import CellBlock, column_letter
from auditor.loaders.errors import LoadError, reason
from auditor.loaders.safety import content_kind, is_encrypted_ole, require_nonempty, sniff, wrong_kind
from auditor.loaders.tables import SCAN_ROWS, detect_header, header_names
from auditor.loaders.xlsx import cell_text
from auditor.model import Block, Document, FixedLocator

PROPERTY_FIELDS = (
    "title",
    "subject",
    "author",
    "keywords",
    "comments",
    "last_saved_by",
    "category",
    "company",
    "manager",
)
MAX_CELLS = 20_000_000  # BIFF8 caps a sheet at 65,536 x 256; this bounds a workbook of many sheets


def load_xls(path: Path, fmt: str, data: bytes) -> Document:
    require_nonempty(data)
    kind = sniff(data)
    if kind != "ole2":
        raise wrong_kind("xls", content_kind(data))
    import xlrd

    if is_encrypted_ole(data):
        raise _encrypted()
    try:
        book = xlrd.open_workbook(
            file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO(), ragged_rows=True
        )
    except xlrd.XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise _encrypted() from exc
        if "Workbook" in str(exc) and "not found" in str(exc).lower():
            raise wrong_kind("xls", "ole2") from exc
        raise LoadError(f"无法打开 xls 工作簿，文件已损坏 (cannot open xls workbook: {reason(exc)})") from exc
    except Exception as exc:  # xlrd raises AssertionError, struct.error, IndexError on broken files
        raise LoadError(f"无法打开 xls 工作簿，文件已损坏 (cannot open xls workbook: {type(exc).__name__})") from exc
    try:
        blocks = list(_blocks(book))
    except LoadError:
        raise
    except Exception as exc:
        raise LoadError(f"xls 工作簿内容无法读取 (cannot read xls workbook: {reason(exc)})") from exc
    finally:
        book.release_resources()
    blocks += _property_blocks(data)
    return Document(path=str(path), format=fmt, blocks=blocks)


def _encrypted() -> LoadError:
    return LoadError("xls 工作簿受密码保护（已加密），无法读取内容 (password-protected xls: cannot be audited)")


def _value_text(book: Any, cell: Any) -> str:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode).isoformat()
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell_text(cell.value)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    if cell.ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    return cell_text(cell.value)


def _blocks(book: Any) -> Iterator[Block]:
    cells = 0
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        name = sheet.name
        sheet_hidden = sheet.visibility != 0
        hidden_rows = {r for r, info in sheet.rowinfo_map.items() if getattr(info, "hidden", 0)}
        hidden_cols = {c for c, info in sheet.colinfo_map.items() if getattr(info, "hidden", 0)}
        head = [[_value_text(book, c) for c in sheet.row(r)] for r in range(min(sheet.nrows, SCAN_ROWS + 1))]
        header_index = detect_header(head)
        names = header_names(head, header_index)
        for r in range(sheet.nrows):
            row = head[r] if r < len(head) else [_value_text(book, c) for c in sheet.row(r)]
            cells += len(row)
            if cells > MAX_CELLS:
                raise LoadError(f"xls 单元格超过 {MAX_CELLS} 个上限 (too many cells)")
            in_body = header_index is not None and r > header_index
            for c, text in enumerate(row):
                if not text:
                    continue
                field = names[c] if in_body and c < len(names) else None
                part = (
                    "hidden-sheet"
                    if sheet_hidden
                    else "hidden-row"
                    if r in hidden_rows
                    else "hidden-column"
                    if c in hidden_cols
                    else None
                )
                yield CellBlock(text, name, r + 1, c, field, part is not None, part)
        for (r, c), note in sorted(sheet.cell_note_map.items()):
            text = getattr(note, "text", "") or ""
            if text.strip():
                location = {"sheet": name, "cell": f"{column_letter(c)}{r + 1}", "row": r + 1, "part": "comment"}
                yield Block(text, FixedLocator(location, ("comment", name, r, c), None, False), True, "comment")
        book.unload_sheet(index)
    yield from _name_blocks(book)


def _name_blocks(book: Any) -> Iterator[Block]:
    """Defined names whose value is a constant (text or number) or a formula text."""
    for name in getattr(book, "name_obj_list", []):
        result = getattr(name, "result", None)
        value = getattr(result, "value", None) if result is not None else None
        text = value if isinstance(value, str) else cell_text(value) if isinstance(value, float) else ""
        text = text or (getattr(result, "text", "") or "")
        if not text.strip() or getattr(name, "builtin", False):
            continue
        location: dict[str, Any] = {"part": "defined-name", "field": name.name}
        if 0 <= getattr(name, "scope", -1) < book.nsheets:
            location["sheet"] = book.sheet_names()[name.scope]
        locator = FixedLocator(location, ("defined-name", name.name), name.name, False)
        yield Block(text, locator, True, "defined-name")


def _property_blocks(data: bytes) -> list[Block]:
    """Summary and document-summary properties (author, title, comments …) as hidden blocks."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:
        return []
    try:
        meta = ole.get_metadata()
    except Exception:
        return []
    finally:
        ole.close()
    codepage = meta.codepage or 936
    blocks = []
    for key in PROPERTY_FIELDS:
        value = getattr(meta, key, None)
        if isinstance(value, bytes):
            value = _decode(value, codepage)
        if not isinstance(value, str) or not value.strip():
            continue
        text = value.strip("\x00").strip()
        location = {"part": "properties", "field": key}
        blocks.append(Block(text, FixedLocator(location, ("properties", key), key, False), True, "properties"))
    return blocks


def _decode(value: bytes, codepage: int) -> str:
    for encoding in (f"cp{codepage}", "gb18030"):
        try:
            return value.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return value.decode("latin-1")

"""XLSX: every sheet (hidden ones too), one block per non-empty cell.

python-calamine reads values about 10x faster than openpyxl; the header row is
found past title rows and merged cells.
"""

from __future__ import annotations

import datetime as _dt
import io
from decimal import Decimal
from pathlib import Path

from auditor.loaders.errors import LoadError
from auditor.loaders.tables import detect_header, header_names
from auditor.model import Block, Document, FixedLocator


def column_letter(index: int) -> str:
    """0-based column index → A1 letters."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_text(value: object) -> str:
    """What a reader sees, as text; numbers too long for a double keep their 15 significant digits."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            if abs(value) < 1e15:
                return str(int(value))
            return format(Decimal(f"{value:.15g}"), "f")  # what Excel keeps: 15 digits, then zeros
        return repr(value)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


def load_xlsx(path: Path, fmt: str, data: bytes) -> Document:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    if not data:
        raise LoadError("文件为空（0字节），不是有效的电子表格 (empty file, not a workbook)")
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several types for zip/xml/password problems
        raise LoadError(f"无法打开电子表格 (cannot open workbook): {type(exc).__name__}: {exc}") from exc
    document = Document(path=str(path), format=fmt)
    try:
        for meta in workbook.sheets_metadata:
            hidden = meta.visible != SheetVisibleEnum.Visible
            sheet = workbook.get_sheet_by_name(meta.name)
            _add_sheet(document, meta.name, sheet, hidden)
    except LoadError:
        raise
    except Exception as exc:
        raise LoadError(f"电子表格内容无法读取 (cannot read workbook): {type(exc).__name__}: {exc}") from exc
    return document


def _add_sheet(document: Document, name: str, sheet: object, hidden: bool) -> None:
    values = sheet.to_python()
    if not values:
        return
    first_row, first_col = sheet.start or (0, 0)
    rows = [[cell_text(v) for v in row] for row in values]
    header_index = detect_header(rows)
    names = header_names(rows, header_index)
    for r, row in enumerate(rows):
        excel_row = first_row + r + 1
        in_body = header_index is not None and r > header_index
        for c, text in enumerate(row):
            if not text:
                continue
            field = names[c] if in_body and c < len(names) else None
            location = {"sheet": name, "cell": f"{column_letter(first_col + c)}{excel_row}", "row": excel_row}
            if field is not None:
                location["field"] = field
            locator = FixedLocator(location, ("sheet", name, excel_row), field)
            document.blocks.append(Block(text, locator, hidden=hidden, part="hidden-sheet" if hidden else None))

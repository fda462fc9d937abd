"""XLSX: masked cell by cell with openpyxl, so styles, formats, merges, widths and formulas stay.

What to mask comes from the loader's blocks: cells of every sheet (hidden
sheets, rows and columns too), comments, defined names and document
properties. Comments, headers/footers and properties are also swept here, for
what a loader does not report. Formula cells are not
rewritten (the formula would recompute the value): they are reported for a
fix at the source. openpyxl drops some parts (shapes, for one): any part that
the rewrite loses is named in the warnings.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from auditor.fix.base import Fixed, FixError
from auditor.fix.changelog import Change
from auditor.fix.plan import KeepRule, Mask, Planner, TextUnit, apply_masks, apply_to_pieces
from auditor.model import Block, Document

Swept = Callable[[dict[str, Any], Mask], bool]

FORMULA_NOTE = "公式单元格未改写：请在公式引用的源数据中修改 (formula cell not rewritten; fix its source)"
NUMBER_NOTE = "数字单元格改为文本 (number stored as text)"
HEADER_PARTS = ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter")
PROPERTY_FIELDS = (
    "title",
    "subject",
    "creator",
    "keywords",
    "description",
    "lastModifiedBy",
    "category",
    "contentStatus",
)
APP_FIELDS = ("Company", "Manager", "HyperlinkBase")
APP_NOTE = "改写后的 docProps/app.xml 不再包含此属性 (openpyxl rewrites app.xml without it)"
NOT_FOUND = "未能在工作簿中定位，请人工修改 (not found in the workbook; fix by hand)"
# Parts openpyxl rebuilds or that Excel regenerates: not a loss.
REBUILT_TYPES = frozenset(("vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml",))


def fix_xlsx(data: bytes, document: Document, planner: Planner, keep: KeepRule | None = None) -> Fixed:
    from openpyxl import load_workbook

    archive = zipfile.ZipFile(io.BytesIO(data))
    keep_vba = "xl/vbaProject.bin" in archive.namelist()
    try:
        workbook = load_workbook(io.BytesIO(data), rich_text=True, keep_vba=keep_vba, keep_links=True)
    except Exception as exc:  # openpyxl raises lxml, ElementTree, Type and Key errors for malformed parts
        raise FixError(
            f"工作簿结构异常，无法安全改写 (openpyxl cannot open the workbook to rewrite it: {type(exc).__name__})"
        ) from exc
    changes: list[Change] = []
    changed = False
    for block, masks in planner.document_masks(document, keep):
        handler = BLOCK_HANDLERS.get(block.part or "", _fix_cell)
        changed |= handler(workbook, block, masks, planner, changes)
    swept = keep.swept if keep is not None else None
    for sheet in workbook.worksheets:
        changed |= _fix_comments(sheet, planner, changes, swept)
        changed |= _fix_headers(sheet, planner, changes, swept)
    changed |= _fix_properties(workbook, planner, changes, swept)
    if not changed:
        return Fixed(None, changes)
    out = io.BytesIO()
    workbook.save(out)
    fixed = out.getvalue()
    return Fixed(fixed, changes, _lost_parts(archive, fixed))


def _where(block: Block) -> dict[str, Any]:
    where = dict(block.locator.locate(0, len(block.text)).location)
    if block.part:
        where["part"] = block.part
    return where


def _fix_cell(workbook: Any, block: Block, masks: list[Mask], planner: Planner, changes: list[Change]) -> bool:
    """A cell value (hidden sheets, rows and columns included): masked where it stands."""
    where = _where(block)
    try:
        cell = workbook[where["sheet"]][where["cell"]]
    except (KeyError, ValueError):
        changes += [Change.of(m, where, NOT_FOUND, applied=False) for m in masks]
        return False
    value = cell.value
    if cell.data_type == "f":
        changes += [Change.of(m, where, FORMULA_NOTE, applied=False) for m in masks]
        return False
    unit = TextUnit(block.text, lambda _: block.locator.field_at(0), True, block.hidden)
    note = ""
    if _is_rich(value):
        pieces = [_piece_text(p) for p in value]
        if "".join(pieces) != block.text:
            masks = planner.masks(replace(unit, text="".join(pieces)))
        cell.value = _rebuild_rich(value, apply_to_pieces(pieces, masks))
    elif isinstance(value, str):
        if value != block.text:
            masks = planner.masks(replace(unit, text=value))
        cell.value = apply_masks(value, masks)
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        cell.value = apply_masks(block.text, masks)
        note = NUMBER_NOTE
    else:
        changes += [Change.of(m, where, "单元格类型无法改写 (cell type not rewritten)", applied=False) for m in masks]
        return False
    changes += [Change.of(m, where, note) for m in masks]
    return bool(masks)


def _fix_comment_block(workbook: Any, block: Block, masks: list[Mask], planner: Planner, changes: list[Change]) -> bool:
    """A cell comment the loader read: the same text in openpyxl's comment, masked."""
    where = _where(block)
    try:
        cell = workbook[where["sheet"]][where["cell"]] if "cell" in where else None
    except (KeyError, ValueError):
        cell = None
    comment = cell.comment if cell is not None else None
    if cell is None or comment is None:
        changes += [Change.of(m, where, NOT_FOUND, applied=False) for m in masks]
        return False
    if comment.text != block.text:
        masks = planner.masks(TextUnit(comment.text, hidden=True))
    cell.comment = _masked_comment(comment, apply_masks(comment.text, masks))
    changes += [Change.of(m, where) for m in masks]
    return bool(masks)


def _fix_defined_name(workbook: Any, block: Block, masks: list[Mask], planner: Planner, changes: list[Change]) -> bool:
    """A defined name whose value is a literal (``="5301…"``) rather than a range."""
    where = _where(block)
    sheet = where.get("sheet")
    scope = workbook[sheet].defined_names if sheet in workbook.sheetnames else workbook.defined_names
    defined = scope.get(where.get("field") or "")
    if defined is None or defined.attr_text != block.text:
        changes += [Change.of(m, where, NOT_FOUND, applied=False) for m in masks]
        return False
    defined.attr_text = apply_masks(block.text, masks)
    changes += [Change.of(m, where) for m in masks]
    return True


def _fix_property_block(
    workbook: Any, block: Block, masks: list[Mask], planner: Planner, changes: list[Change]
) -> bool:
    """Core and custom document properties; openpyxl rewrites app.xml (Company, Manager) without them."""
    where = _where(block)
    name = where.get("field") or ""
    properties = workbook.properties
    custom = {p.name: p for p in getattr(workbook, "custom_doc_props", ())}
    if name in PROPERTY_FIELDS and isinstance(getattr(properties, name, None), str):
        setattr(properties, name, _masked(getattr(properties, name), block, masks, planner))
        changes += [Change.of(m, where) for m in masks]
        return True
    if name in custom and isinstance(custom[name].value, str):
        custom[name].value = _masked(custom[name].value, block, masks, planner)
        changes += [Change.of(m, where) for m in masks]
        return True
    if name in APP_FIELDS:
        changes += [Change.of(m, where, APP_NOTE) for m in masks]
        return True
    changes += [Change.of(m, where, NOT_FOUND, applied=False) for m in masks]
    return False


def _masked(current: str, block: Block, masks: list[Mask], planner: Planner) -> str:
    """The block's masks when the text is the one the loader read; otherwise planned afresh."""
    if current == block.text:
        return apply_masks(current, masks)
    return apply_masks(current, planner.masks(TextUnit(current, hidden=True)))


BLOCK_HANDLERS = {
    "comment": _fix_comment_block,
    "defined-name": _fix_defined_name,
    "properties": _fix_property_block,
}


def _is_rich(value: object) -> bool:
    from openpyxl.cell.rich_text import CellRichText

    return isinstance(value, CellRichText)


def _piece_text(piece: Any) -> str:
    return piece if isinstance(piece, str) else piece.text


def _rebuild_rich(value: Any, texts: list[str]) -> Any:
    """The same runs with the same fonts, only their text masked."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock

    pieces = [t if isinstance(p, str) else TextBlock(p.font, t) for p, t in zip(value, texts, strict=True)]
    return CellRichText(*pieces)


def _masked_comment(comment: Any, text: str) -> Any:
    from openpyxl.comments import Comment

    return Comment(text, comment.author, comment.height, comment.width)


def _fix_comments(sheet: Any, planner: Planner, changes: list[Change], swept: Swept | None) -> bool:
    """Comments the loader did not report (older loaders read none)."""
    changed = False
    for row in sheet.iter_rows():
        for cell in row:
            comment = cell.comment
            if comment is None or not comment.text:
                continue
            where = {"sheet": sheet.title, "cell": cell.coordinate, "row": cell.row, "part": "comment"}
            masks = _sweep(comment.text, where, planner, swept)
            if masks:
                changes += [Change.of(m, where) for m in masks]
                cell.comment = _masked_comment(comment, apply_masks(comment.text, masks))
                changed = True
    return changed


def _sweep(text: str, where: dict[str, Any], planner: Planner, swept: Swept | None) -> list[Mask]:
    masks = planner.masks(TextUnit(text, hidden=True))
    return [m for m in masks if swept is None or not swept(where, m)]


def _fix_headers(sheet: Any, planner: Planner, changes: list[Change], swept: Swept | None) -> bool:
    """Page headers and footers print on paper but are not seen on screen."""
    changed = False
    for name in HEADER_PARTS:
        header = getattr(sheet, name, None)
        for side in ("left", "center", "right"):
            part = getattr(header, side, None) if header is not None else None
            text = getattr(part, "text", None)
            if part is None or not text:
                continue
            where = {"sheet": sheet.title, "part": "header" if "Header" in name else "footer"}
            masks = _sweep(text, where, planner, swept)
            if masks:
                changes += [Change.of(m, where) for m in masks]
                part.text = apply_masks(text, masks)
                changed = True
    return changed


def _fix_properties(workbook: Any, planner: Planner, changes: list[Change], swept: Swept | None) -> bool:
    """Document properties (title, author, keywords …) the loader did not report."""
    changed = False
    properties = workbook.properties
    for name in PROPERTY_FIELDS:
        text = getattr(properties, name, None)
        if not isinstance(text, str) or not text:
            continue
        where = {"part": "properties", "field": name}
        masks = _sweep(text, where, planner, swept)
        if masks:
            changes += [Change.of(m, where) for m in masks]
            setattr(properties, name, apply_masks(text, masks))
            changed = True
    return changed


def _lost_parts(original: zipfile.ZipFile, fixed: bytes) -> list[str]:
    """Kinds of package parts (by content type) the rewrite has fewer of: openpyxl renames parts,
    so names cannot be compared, but a dropped drawing or shape shows as a missing content type."""
    before = _content_types(original)
    after = _content_types(zipfile.ZipFile(io.BytesIO(fixed)))
    lost = sorted(kind for kind, count in before.items() if after.get(kind, 0) < count and kind not in REBUILT_TYPES)
    if not lost:
        return []
    return [f"改写后缺少这些部分，请核对 (parts not kept by the rewrite): {', '.join(lost)}"]


def _content_types(archive: zipfile.ZipFile) -> Counter[str]:
    """Number of parts per content type, from [Content_Types].xml (defaults by extension, overrides)."""
    import xml.etree.ElementTree as ElementTree

    try:
        root = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    except (KeyError, ElementTree.ParseError):
        return Counter()
    defaults = {e.get("Extension", "").lower(): e.get("ContentType", "") for e in root if e.tag.endswith("Default")}
    overrides = {
        e.get("PartName", "").lstrip("/"): e.get("ContentType", "") for e in root if e.tag.endswith("Override")
    }
    kinds: Counter[str] = Counter()
    for name in archive.namelist():
        if name.endswith("/") or name == "[Content_Types].xml" or "_rels/" in name:
            continue
        kind = overrides.get(name) or defaults.get(name.rsplit(".", 1)[-1].lower(), "")
        kinds[kind.rsplit("/", 1)[-1] or name.rsplit(".", 1)[-1]] += 1
    return kinds

"""DOCX: body paragraphs, tables, headers/footers, foot/endnotes, comments, text boxes, tracked deletions.

WordprocessingML is read straight from the package through parse_xml (no DTDs,
no entities, nothing external is fetched and no macro runs), by local tag name
so Transitional and Strict namespaces both work.

Locations (SPEC §5): a body paragraph is ``paragraph`` = its index among the
body's paragraphs (empty ones count, tables do not); a table cell is
``table``/``row``/``col`` (1-based; ``col`` is the grid column where the cell
starts, so a horizontally merged cell is reported once at its left-most column
and a vertically merged one at its top row) plus ``field`` = the column header
when the table has a header row. A nested table belongs to the outer cell: its
text is part of that cell's block and takes the outer cell's location.
Anything outside the body text adds ``part``: ``header``/``footer``/
``footnote``/``endnote`` (paragraph/table numbered across all parts of that
kind, in package order), ``textbox`` (at the anchoring paragraph or cell),
``comment`` (at the commented paragraph or cell), ``deleted`` (tracked
deletions still stored in the file), ``hidden-text`` (runs formatted as
hidden) and ``properties``. Comments, deletions, hidden runs and properties
are content a reader does not see: those blocks are ``hidden`` (P161).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from auditor.loaders.errors import LoadError, reason
from auditor.loaders.ooxml import local, property_blocks, relationships
from auditor.loaders.safety import open_ooxml, parse_xml, read_member
from auditor.loaders.tables import SCAN_ROWS, detect_header, header_names
from auditor.model import Block, Document, FixedLocator

TRANSPARENT = frozenset({"sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo", "hyperlink", "fldSimple"})
SKIPPED = frozenset({"moveFrom", "instrText", "pPr", "rPr", "tblPr", "tcPr", "trPr", "sectPr", "delInstrText"})
HIDDEN_PARTS = frozenset({"comment", "deleted", "hidden-text", "properties"})


@dataclass(slots=True)
class Collected:
    """Text of one paragraph, split by who can see it."""

    visible: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    boxes: list[Any] = field(default_factory=list)  # txbxContent elements
    comments: list[str] = field(default_factory=list)  # comment ids anchored here
    gap: dict[str, bool] = field(default_factory=dict)  # visible text since the last deleted/hidden piece

    def add(self, deleted: bool, hidden: bool, piece: str) -> None:
        """Adjacent deleted (or hidden) runs join up; others are separated by a line break."""
        if not deleted and not hidden:
            self.visible.append(piece)
            self.gap = {"deleted": True, "hidden": True}
            return
        kind = "deleted" if deleted else "hidden"
        target = self.deleted if deleted else self.vanished
        if target and self.gap.get(kind):
            target.append("\n")
        self.gap[kind] = False
        target.append(piece)

    def break_line(self) -> None:
        self.gap = {"deleted": True, "hidden": True}


class DocxReader:
    """Walks the package parts in reading order and emits one block per paragraph or cell."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.blocks: list[Block] = []
        self.anchors: dict[str, dict[str, Any]] = {}  # comment id -> location of its anchor
        self.counters: dict[str | None, list[int]] = {}  # part -> [paragraphs, tables]

    # -- parts ----------------------------------------------------------------

    def read(self) -> list[Block]:
        main = self._main_part()
        data = read_member(self.archive, main)
        if data is None:
            raise_missing(main)
        root = parse_xml(data, main)
        body = next((c for c in root if local(c.tag) == "body"), None)
        if body is not None:
            self._container(body, None)
        rels = relationships(self.archive, main)
        for kind in ("header", "footer", "footnotes", "endnotes"):
            for _, target in sorted((rid, t) for rid, (k, t) in rels.items() if k == kind):
                self._side_part(target, kind.rstrip("s"))
        comments = next((t for k, t in rels.values() if k == "comments"), None)
        if comments:
            self._comments(comments)
        self.blocks.extend(property_blocks(self.archive))
        return self.blocks

    def _main_part(self) -> str:
        for kind, target in relationships(self.archive, "").values():
            if kind == "officeDocument":
                return target
        return "word/document.xml"

    def _side_part(self, target: str, part: str) -> None:
        data = read_member(self.archive, target)
        if data is None:
            return
        root = parse_xml(data, target)
        if part in ("footnote", "endnote"):
            for note in root:
                if note.get(_attr(note, "type")) in ("separator", "continuationSeparator", "continuationNotice"):
                    continue
                self._container(note, part)
        else:
            self._container(root, part)

    def _comments(self, target: str) -> None:
        data = read_member(self.archive, target)
        if data is None:
            return
        root = parse_xml(data, target)
        for comment in root:
            if local(comment.tag) != "comment":
                continue
            cid = _attr_value(comment, "id") or ""
            lines = [self._plain(p) for p in comment.iter() if local(p.tag) == "p"]
            text = "\n".join(line for line in lines if line)
            if not text.strip():
                continue
            location = dict(self.anchors.get(cid, {}))
            location["part"] = "comment"
            locator = FixedLocator(location, ("comment", cid), location.get("field"), False)
            self.blocks.append(Block(text, locator, hidden=True, part="comment"))

    # -- body structure -------------------------------------------------------

    def _counter(self, part: str | None) -> list[int]:
        return self.counters.setdefault(part, [0, 0])

    def _container(self, node: Any, part: str | None) -> None:
        """Paragraphs and tables at the top level of a body, header, footer or note."""
        counter = self._counter(part)
        for child in _flatten(node):
            name = local(child.tag)
            if name == "p":
                counter[0] += 1
                location: dict[str, Any] = {"paragraph": counter[0]}
                if part:
                    location["part"] = part
                self._paragraph_block([child], location, (part or "paragraph", counter[0]), part, None)
            elif name == "tbl":
                counter[1] += 1
                self._table(child, counter[1], part)

    def _table(self, table: Any, number: int, part: str | None) -> None:
        rows = [row for row in _flatten(table) if local(row.tag) == "tr"]
        grid: list[list[tuple[int, Any]]] = [_row_cells(row) for row in rows]
        head = [_grid_text(cells, self._cell_text) for cells in grid[: SCAN_ROWS + 1]]
        header_index = detect_header(head)
        names = header_names(head, header_index)
        for r, cells in enumerate(grid, start=1):
            in_body = header_index is not None and r - 1 > header_index
            for col, cell in cells:
                if _continues_vertical_merge(cell):
                    continue
                field_name = names[col - 1] if in_body and col - 1 < len(names) else None
                location: dict[str, Any] = {"table": number, "row": r, "col": col}
                if part:
                    location["part"] = part
                if field_name is not None:
                    location["field"] = field_name
                record = (part or "table", number, r)
                self._paragraph_block(_cell_paragraphs(cell), location, record, part, field_name, in_table=True)

    def _paragraph_block(
        self,
        paragraphs: list[Any],
        location: dict[str, Any],
        record: tuple[Any, ...],
        part: str | None,
        field_name: str | None,
        in_table: bool = False,
    ) -> None:
        """One block for the visible text, plus blocks for deleted, hidden and boxed text found there."""
        collected = Collected()
        lines = []
        for paragraph in paragraphs:
            collected.break_line()
            mark = len(collected.visible)
            _collect(paragraph, collected, False)
            lines.append("".join(collected.visible[mark:]))
        text = "\n".join(lines)
        for cid in collected.comments:
            self.anchors.setdefault(cid, {k: v for k, v in location.items() if k != "part"})
        if text.strip():
            locator = FixedLocator(dict(location), record, field_name, in_table)
            self.blocks.append(Block(text, locator, hidden=False, part=part))
        for kind, pieces in (("deleted", collected.deleted), ("hidden-text", collected.vanished)):
            joined = "".join(pieces)
            if joined.strip():
                extra = {**location, "part": kind}
                locator = FixedLocator(extra, record, field_name, in_table)
                self.blocks.append(Block(joined, locator, hidden=True, part=kind))
        for box in collected.boxes:
            box_text = "\n".join(self._plain(p) for p in box.iter() if local(p.tag) == "p")
            if box_text.strip():
                extra = {**location, "part": "textbox"}
                locator = FixedLocator(extra, record, None, False)
                self.blocks.append(Block(box_text, locator, hidden=False, part="textbox"))

    def _plain(self, paragraph: Any) -> str:
        """Visible text of one paragraph (inside comments and text boxes)."""
        collected = Collected()
        _collect(paragraph, collected, False)
        return "".join(collected.visible + collected.deleted + collected.vanished)

    def _cell_text(self, cell: Any) -> str:
        return " ".join(self._plain(p) for p in _cell_paragraphs(cell) if p is not None).strip()


def load_docx(path: Path, fmt: str, data: bytes) -> Document:
    archive = open_ooxml(data, "docx")
    try:
        blocks = DocxReader(archive).read()
    except LoadError:
        raise
    except RecursionError as exc:
        raise LoadError("文档结构嵌套过深，无法解析 (document nesting too deep)") from exc
    except Exception as exc:  # a malformed part must be E001, never a crash of the whole scan
        raise LoadError(f"Word 文档结构异常，无法解析 (malformed docx: {reason(exc)})") from exc
    return Document(path=str(path), format=fmt, blocks=blocks)


def raise_missing(part: str) -> NoReturn:
    raise LoadError(f"Word 文档缺少正文部分 {part}，文件不完整 (docx without its main document part)")


# -- helpers ------------------------------------------------------------------


def _attr(node: Any, name: str) -> str:
    """The attribute key (with namespace) whose local name is ``name``."""
    return next((k for k in node.attrib if local(k) == name), name)


def _attr_value(node: Any, name: str) -> str | None:
    return node.get(_attr(node, name))


def _flatten(node: Any) -> Iterator[Any]:
    """Children, looking through content controls and custom XML wrappers."""
    for child in node:
        if local(child.tag) in ("sdt", "sdtContent", "customXml"):
            yield from _flatten(child)
        else:
            yield child


def _row_cells(row: Any) -> list[tuple[int, Any]]:
    """(grid column, tc) for one row; gridBefore and gridSpan move the column."""
    col = 1
    for child in row:
        if local(child.tag) == "trPr":
            before = next((g for g in child if local(g.tag) == "gridBefore"), None)
            if before is not None:
                col += int(_attr_value(before, "val") or 0)
    cells = []
    for cell in _flatten(row):
        if local(cell.tag) != "tc":
            continue
        cells.append((col, cell))
        col += _span(cell)
    return cells


def _props(cell: Any) -> Any:
    return next((c for c in cell if local(c.tag) == "tcPr"), None)


def _span(cell: Any) -> int:
    props = _props(cell)
    if props is None:
        return 1
    span = next((c for c in props if local(c.tag) == "gridSpan"), None)
    value = _attr_value(span, "val") if span is not None else None
    return int(value) if value and value.isdigit() and int(value) > 0 else 1


def _continues_vertical_merge(cell: Any) -> bool:
    props = _props(cell)
    if props is None:
        return False
    merge = next((c for c in props if local(c.tag) == "vMerge"), None)
    return merge is not None and (_attr_value(merge, "val") or "continue") == "continue"


def _cell_paragraphs(cell: Any) -> list[Any]:
    """Paragraphs of a cell in order, nested tables' paragraphs included (outer cell owns them)."""
    found: list[Any] = []
    for child in _flatten(cell):
        name = local(child.tag)
        if name == "p":
            found.append(child)
        elif name == "tbl":
            for row in _flatten(child):
                if local(row.tag) == "tr":
                    for _, inner in _row_cells(row):
                        found.extend(_cell_paragraphs(inner))
    return found


def _grid_text(cells: list[tuple[int, Any]], text_of_cell: Any) -> list[str]:
    width = max((col + _span(cell) - 1 for col, cell in cells), default=0)
    row = [""] * width
    for col, cell in cells:
        if not _continues_vertical_merge(cell):
            row[col - 1] = text_of_cell(cell)
    return row


def _run_hidden(run: Any) -> bool:
    props = next((c for c in run if local(c.tag) == "rPr"), None)
    if props is None:
        return False
    for prop in props:
        if local(prop.tag) in ("vanish", "specVanish"):
            value = _attr_value(prop, "val")
            return value not in ("0", "false", "off")
    return False


def _collect(node: Any, out: Collected, deleted: bool, hidden: bool = False) -> None:
    """Walk a paragraph: sort text into visible / deleted / hidden; note boxes and comment anchors."""
    for child in node:
        name = local(child.tag)
        if name in SKIPPED:
            continue
        if name == "AlternateContent":
            chosen = next((c for c in child if local(c.tag) == "Choice"), None)
            if chosen is None:
                chosen = next((c for c in child if local(c.tag) == "Fallback"), None)
            if chosen is not None:
                _collect(chosen, out, deleted, hidden)
            continue
        if name == "txbxContent":
            out.boxes.append(child)
            continue
        if name in ("commentRangeStart", "commentReference"):
            cid = _attr_value(child, "id")
            if cid is not None and cid not in out.comments:
                out.comments.append(cid)
            continue
        if name == "del":
            _collect(child, out, True, hidden)
            continue
        if name == "r":
            _collect(child, out, deleted, hidden or _run_hidden(child))
            continue
        piece = _piece(child, name)
        if piece is not None:
            out.add(deleted, hidden, piece)
            continue
        _collect(child, out, deleted, hidden)


def _piece(node: Any, name: str) -> str | None:
    if name in ("t", "delText"):
        return node.text or ""
    if name == "tab":
        return "\t"
    if name in ("br", "cr"):
        return "\n"
    if name == "noBreakHyphen":
        return "-"
    return None

"""DOCX: masked inside the runs' text nodes, so every run keeps its formatting.

What to mask comes from the docx loader (the scan's own blocks, locations and
detections). Where it is comes from this module's own walk of the package:
every paragraph's text nodes, split the way the loader splits them (visible,
deleted, hidden runs), in every text part (body, headers, footers, comments,
notes, glossary) and the document properties. Each masked value is replaced
at every place it is written, so a copy in a text box fallback or a moved
revision is masked too; a second pass masks anything the loader does not read.

Only the XML parts that changed are re-serialised; every other part of the
package is copied byte for byte, in the same order, with the same metadata.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from auditor.fix.base import Fixed, FixError
from auditor.fix.changelog import Change
from auditor.fix.masks import MASK, WIDE_MASK
from auditor.fix.plan import HeaderAt, KeepRule, Mask, Planner, TextUnit, apply_to_pieces, merge_overlaps
from auditor.loaders.errors import reason
from auditor.model import Block

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_P, _R, _T, _DEL, _TBL, _TR, _TC = (f"{{{W}}}{n}" for n in ("p", "r", "t", "delText", "tbl", "tr", "tc"))
_TXBX, _MOVE_FROM, _VANISH = f"{{{W}}}txbxContent", f"{{{W}}}moveFrom", (f"{{{W}}}vanish", f"{{{W}}}specVanish")
_SYNTHETIC = {f"{{{W}}}tab": "\t", f"{{{W}}}br": "\n", f"{{{W}}}cr": "\n", f"{{{W}}}noBreakHyphen": "-"}
ROOT_KINDS = {
    "document": "body",
    "hdr": "header",
    "ftr": "footer",
    "comments": "comment",
    "footnotes": "footnote",
    "endnotes": "endnote",
    "glossaryDocument": "glossary",
}
CATEGORY_PART = {"deleted": "deleted", "hidden": "hidden-text", "moved": "moved"}
HIDDEN_KINDS = frozenset(("comment", "glossary"))
_BOUNDARY = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
NOT_FOUND = "未能在文档中定位，请人工修改 (not found in the package; fix by hand)"


@dataclass(slots=True)
class _Unit:
    """Text of one paragraph (one category of it) or one property: nodes masked in place."""

    part: str
    nodes: list[Any | None]  # None: a tab or break that is text but no node
    pieces: list[str]
    location: dict[str, Any]
    header: str | None = None
    in_table: bool = False
    hidden: bool = False

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    def apply(self, masks: list[Mask]) -> bool:
        changed = False
        for index, text in enumerate(apply_to_pieces(self.pieces, masks)):
            node = self.nodes[index]
            if node is not None and text != self.pieces[index]:
                node.text = text
                self.pieces[index] = text
                changed = True
        return changed


class _Package:
    """The text-bearing XML parts of a docx, parsed once; knows which ones changed."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        try:
            from lxml import etree
        except ImportError as exc:
            raise FixError("改写 Word 文档需要 lxml (pip install lxml)") from exc
        # No DTDs, no entities, no network: the package is untrusted input.
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        self.archive = archive
        self.roots: dict[str, Any] = {}
        self.changed: set[str] = set()
        for name in archive.namelist():
            if not (name.startswith(("word/", "docProps/")) and name.endswith(".xml")) or "/_rels/" in name:
                continue
            try:
                root = etree.fromstring(archive.read(name), parser)
            except etree.XMLSyntaxError as exc:
                raise FixError(f"{name} 不是有效的 XML (invalid XML part)") from exc
            if name.startswith("docProps/") or local(root.tag) in ROOT_KINDS:
                self.roots[name] = root
        self.units = list(self._units())

    def _units(self) -> Iterator[_Unit]:
        for name, root in self.roots.items():
            if name.startswith("docProps/"):
                yield from _property_units(name, root)
            else:
                yield from _paragraph_units(name, root, ROOT_KINDS[local(root.tag)])

    def apply(self, unit: _Unit, masks: list[Mask]) -> bool:
        if unit.apply(masks):
            self.changed.add(unit.part)
            return True
        return False

    def replace_everywhere(self, wanted: dict[str, str]) -> dict[str, int]:
        """Mask every written occurrence of each raw span; whole tokens first, any occurrence if none."""
        hits = dict.fromkeys(wanted, 0)
        for bounded in (True, False):
            spans = [s for s in wanted if not hits[s]] if not bounded else list(wanted)
            if not spans:
                break
            pattern = _occurrences(spans, bounded)
            for unit in self.units:
                masks = []
                for match in pattern.finditer(unit.text):
                    span = match.group()
                    hits[span] += 1
                    masks.append(Mask(match.start(), match.end(), wanted[span], "", "", ""))
                if masks:
                    self.apply(unit, merge_overlaps(masks))
        return hits

    def to_bytes(self) -> bytes:
        from lxml import etree

        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for info in self.archive.infolist():
                if info.filename in self.changed:
                    payload = etree.tostring(
                        self.roots[info.filename], xml_declaration=True, encoding="UTF-8", standalone=True
                    )
                else:
                    payload = self.archive.read(info.filename)
                target.writestr(info, payload)
        return out.getvalue()


def local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _occurrences(spans: list[str], bounded: bool) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(s) for s in sorted(spans, key=len, reverse=True))
    if not bounded:
        return re.compile(f"(?:{alternatives})")
    return re.compile(f"(?<![{_BOUNDARY}])(?:{alternatives})(?![{_BOUNDARY}])")


def _same_header(header: str | None) -> HeaderAt:
    """``header_at`` for a unit whose every offset lies under one column header (or none)."""
    return lambda _offset: header


def fix_docx(
    data: bytes, planned: list[tuple[Block, list[Mask]]], planner: Planner, keep: KeepRule | None = None
) -> Fixed:
    """Mask what the loader's blocks reveal (``planned``), then anything else found in the package's text."""
    try:
        package = _Package(zipfile.ZipFile(io.BytesIO(data)))
    except zipfile.BadZipFile as exc:
        raise FixError(f"无法打开 Word 文档 (cannot open docx): {reason(exc)}") from exc
    changes: list[Change] = []
    if planned:
        changes += _apply_loader_masks(package, planned)
    for unit in package.units:
        masks = planner.masks(TextUnit(unit.text, _same_header(unit.header), unit.in_table, unit.hidden))
        if keep is not None:
            masks = [m for m in masks if not keep.swept(unit.location, m)]
        if masks and package.apply(unit, masks):
            changes += [Change.of(m, unit.location) for m in masks]
    if not package.changed:
        return Fixed(None, changes)
    return Fixed(package.to_bytes(), changes)


def _apply_loader_masks(package: _Package, planned: list[tuple[Block, list[Mask]]]) -> list[Change]:
    wanted: dict[str, str] = {}
    entries: list[tuple[Block, Mask, str]] = []
    for block, masks in planned:
        for mask in masks:
            span = block.text[mask.start : mask.end]
            wanted[span] = _union(wanted.get(span), mask.replacement)
            entries.append((block, mask, span))
    hits = package.replace_everywhere(wanted) if wanted else {}
    changes = []
    for block, mask, span in entries:
        location = block.locator.locate(mask.start, mask.end).location
        if hits.get(span):
            changes.append(Change.of(replace(mask, replacement=wanted[span]), location))
        else:
            changes.append(Change.of(mask, location, NOT_FOUND, applied=False))
    return changes


def _union(previous: str | None, replacement: str) -> str:
    """Two masked forms of one raw span (two contexts): hide what either hides."""
    if previous is None or len(previous) != len(replacement):
        return replacement if previous is None else previous
    return "".join(b if b in (MASK, WIDE_MASK) else a for a, b in zip(previous, replacement, strict=True))


# -- walking the package ---------------------------------------------------------


def _property_units(name: str, root: Any) -> Iterator[_Unit]:
    """Core, app and custom properties: every leaf element holding text."""
    for element in root.iter():
        if len(element) == 0 and isinstance(element.text, str) and element.text.strip():
            owner = element.getparent()
            field = owner.get("name") if owner is not None and owner.get("name") else local(element.tag)
            location = {"part": "properties", "field": field}
            yield _Unit(name, [element], [element.text], location, hidden=True)


def _paragraph_units(name: str, root: Any, kind: str) -> Iterator[_Unit]:
    """Every paragraph with its location (SPEC §5 docx keys), one unit per category of its text."""
    body = next((c for c in root if local(c.tag) == "body"), None)
    top_paragraphs = {p: i for i, p in enumerate(body.iterfind(_P), 1)} if body is not None else {}
    outer = (t for t in root.iter(_TBL) if not any(a.tag == _TBL for a in t.iterancestors()))
    tables = {t: i for i, t in enumerate(outer, 1)}  # elements as keys keep lxml proxies alive
    counters: dict[str, int] = {}
    for paragraph in root.iter(_P):
        location, header, in_table = _locate(paragraph, kind, top_paragraphs, tables, counters)
        hidden = kind in HIDDEN_KINDS or location.get("part") == "textbox"
        for category, (nodes, pieces) in _pieces(paragraph).items():
            where = dict(location, part=CATEGORY_PART[category]) if category in CATEGORY_PART else location
            yield _Unit(name, nodes, pieces, where, header, in_table, hidden or category != "visible")


def _pieces(paragraph: Any) -> dict[str, tuple[list[Any | None], list[str]]]:
    """Text nodes (and tab/break separators) of this paragraph, not of a nested one, by category."""
    found: dict[str, tuple[list[Any | None], list[str]]] = {}
    for node in paragraph.iter(_T, _DEL, *_SYNTHETIC):
        owner, category = _owner(node, paragraph)
        if owner is not paragraph:
            continue
        nodes, pieces = found.setdefault(category, ([], []))
        if node.tag in (_T, _DEL):
            nodes.append(node)
            pieces.append(node.text or "")
        else:
            nodes.append(None)
            pieces.append(_SYNTHETIC[node.tag])
    return found


def _owner(node: Any, paragraph: Any) -> tuple[Any, str]:
    """(nearest paragraph, category): visible, deleted, hidden (vanish run) or moved (moveFrom)."""
    category = "deleted" if node.tag == _DEL else "visible"
    parent = node.getparent()
    while parent is not None and parent.tag != _P:
        if parent.tag == _MOVE_FROM and category == "visible":
            category = "moved"
        elif parent.tag == _R and category == "visible" and _vanished(parent):
            category = "hidden"
        parent = parent.getparent()
    return parent, category


def _vanished(run: Any) -> bool:
    properties = run.find(f"{{{W}}}rPr")
    if properties is None:
        return False
    for tag in _VANISH:
        flag = properties.find(tag)
        if flag is not None:
            return flag.get(f"{{{W}}}val", "true") not in ("0", "false", "off")
    return False


def _locate(
    paragraph: Any, kind: str, top_paragraphs: dict[Any, int], tables: dict[Any, int], counters: dict[str, int]
) -> tuple[dict[str, Any], str | None, bool]:
    """(location, column header, in table) of a paragraph; nested tables report their outer cell."""
    location: dict[str, Any] = {} if kind == "body" else {"part": kind}
    ancestors = list(paragraph.iterancestors())
    if any(a.tag == _TXBX for a in ancestors):
        location["part"] = "textbox"
    cells = [a for a in ancestors if a.tag == _TC]
    if cells and location.get("part") != "textbox":
        cell = cells[-1]
        row = next(cell.iterancestors(_TR))
        table = next(row.iterancestors(_TBL))
        row_index = _own(table, _TR, _TBL).index(row) + 1
        col_index = _own(row, _TC, _TR).index(cell) + 1
        location.update(table=tables.get(table), row=row_index, col=col_index)
        return location, _column_header(table, col_index, row_index), True
    if kind == "body" and paragraph in top_paragraphs:
        location["paragraph"] = top_paragraphs[paragraph]
    else:
        key = location.get("part", kind)
        counters[key] = counters.get(key, 0) + 1
        location["paragraph"] = counters[key]
    return location, None, False


def _own(container: Any, tag: str, boundary: str) -> list[Any]:
    """Descendants ``tag`` of ``container`` not inside a nested ``boundary`` (rows in content controls count)."""
    return [e for e in container.iter(tag) if next(e.iterancestors(boundary), None) is container]


def _column_header(table: Any, col: int, row: int) -> str | None:
    """Text of the first row's cell above (the header that makes a long number an account)."""
    if row == 1:
        return None
    rows = _own(table, _TR, _TBL)
    cells = _own(rows[0], _TC, _TR) if rows else []
    if col > len(cells):
        return None
    text = "".join(t.text or "" for t in cells[col - 1].iter(_T)).strip()
    return text or None

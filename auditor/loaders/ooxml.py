"""Pieces shared by the docx and xlsx loaders: package relationships and document properties.

Document properties (author, title, comments, custom fields) are metadata a
reader never sees on the page, so they are blocks with ``hidden=True`` and
``part="properties"``: personal data there is P161 as well as its own finding.
"""

from __future__ import annotations

import posixpath
import zipfile
from typing import Any

from auditor.loaders.safety import parse_xml, read_member
from auditor.model import Block, FixedLocator

REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Core and extended properties worth reading; values are free text a clerk may fill in.
CORE_FIELDS = ("title", "subject", "creator", "keywords", "description", "lastModifiedBy", "category", "contentStatus")
APP_FIELDS = ("Company", "Manager", "HyperlinkBase")


def local(tag: str) -> str:
    """Tag without its namespace: ``{ns}t`` -> ``t``."""
    return tag.rsplit("}", 1)[-1]


def relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """rId -> (type suffix, target part path) for ``part``; external targets are dropped, never fetched."""
    folder, name = posixpath.split(part)
    data = read_member(archive, posixpath.join(folder, "_rels", name + ".rels"))
    if data is None:
        return {}
    root = parse_xml(data, name + ".rels")
    found: dict[str, tuple[str, str]] = {}
    for rel in root.iter(f"{REL_NS}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target") or ""
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[rel.get("Id") or ""] = ((rel.get("Type") or "").rsplit("/", 1)[-1], path)
    return found


def text_of(element: Any, skip: frozenset[str] = frozenset({"rPh"})) -> str:
    """All ``t`` text under an element, skipping phonetic guides (rPh) and the like."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        name = local(node.tag)
        if name in skip:
            return
        if name == "t" and node.text:
            parts.append(node.text)
        for child in node:
            walk(child)

    walk(element)
    return "".join(parts)


def property_blocks(archive: zipfile.ZipFile, extra: dict[str, Any] | None = None) -> list[Block]:
    """Core, app and custom properties as hidden blocks located by ``part``/``field``."""
    blocks: list[Block] = []

    def add(field: str, value: str | None) -> None:
        value = (value or "").strip()
        if not value:
            return
        location = {"part": "properties", "field": field, **(extra or {})}
        blocks.append(
            Block(value, FixedLocator(location, ("properties", field), field, False), hidden=True, part="properties")
        )

    for part, fields in (("docProps/core.xml", CORE_FIELDS), ("docProps/app.xml", APP_FIELDS)):
        data = read_member(archive, part)
        if data is not None:
            for child in parse_xml(data, part):
                if local(child.tag) in fields:
                    add(local(child.tag), child.text)
    custom = read_member(archive, "docProps/custom.xml")
    if custom is not None:
        root = parse_xml(custom, "docProps/custom.xml")
        for prop in root:
            name = prop.get("name") or "custom"
            add(name, "".join(child.text or "" for child in prop))
    return blocks

"""Inline suppressions: ``auditor: ignore P111`` written in the document itself.

Documents have no comment syntax of their own, so the marker goes where the
person who checked the finding can put it (SPEC §8):

- text, Markdown, JSON, HTML (also inside ``<!-- … -->``): on the same line as the finding;
- a csv/tsv cell, an xlsx cell value, an HTML or docx table cell: anywhere in the same row;
- an xlsx cell comment or a docx comment: on the commented cell or paragraph;
- a PDF line: the same line of the same page.

Codes may be prefixes (``P1``). Anything after the codes is a free-text reason
(``auditor: ignore P111 -- 村委会公开的监督电话``). The reason is document content,
so it is never printed. A marker without codes suppresses nothing: a blanket
ignore would hide every future leak in the row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from auditor.model import Block, Document, FileResult, Finding

MARKER = re.compile(r"auditor\s*[:：]\s*ignore(?![\w-])", re.IGNORECASE)
_CODE = re.compile(r"[\s,，、:：\[\]]*([PWRE](?:\d{1,3})?)(?![A-Za-z0-9])")
_HINT_CHUNK = 1 << 20  # bytes lowercased at a time: bounded memory for a file of any size
TEXT_FORMATS = frozenset(("txt", "md", "csv", "tsv", "json", "html"))
POSITION_KEYS = frozenset(("line", "column", "end_line", "end_column", "field", "part"))

PROBLEMS = {
    "unused": "未使用：没有被它忽略的问题 (unused: it suppresses no finding)",
    "unknown": "未知的规则代码 (unknown rule code)",
    "no-code": "没有写规则代码，不起作用 (no rule code given: suppresses nothing)",
}


def parse_codes(after_marker: str) -> tuple[str, ...]:
    """Codes right after ``auditor: ignore``; the first word that is not a code starts the reason."""
    codes: list[str] = []
    position = 0
    while match := _CODE.match(after_marker, position):
        codes.append(match.group(1))
        position = match.end()
    return tuple(codes)


@dataclass(slots=True)
class Suppression:
    """One marker: its codes, where it is written and which findings it covers."""

    codes: tuple[str, ...]
    where: dict[str, Any]  # location of the marker, for reports
    scope: tuple[Any, ...]  # ("line", page, n) | ("row", sheet, table, row) | ("anchor", items)
    used: set[str] = field(default_factory=set)

    def code_for(self, finding: Finding) -> str | None:
        """The code of this marker that suppresses ``finding``, or None."""
        code = next((c for c in self.codes if finding.rule_id.startswith(c)), None)
        return code if code is not None and self.covers(finding.location) else None

    def covers(self, location: dict[str, Any]) -> bool:
        kind = self.scope[0]
        if kind == "line":
            _, page, line = self.scope
            first = location.get("line")
            if first is None or "sheet" in location or location.get("page") != page:
                return False
            return first <= line <= location.get("end_line", first)
        if kind == "row":
            return location.get("row") is not None and _row_key(location) == self.scope[1:]
        return all(location.get(key) == value for key, value in self.scope[1])


@dataclass(frozen=True, slots=True)
class UnusedIgnore:
    """A marker (or one code of it) that suppressed nothing; never carries the reason text."""

    location: dict[str, Any]
    codes: tuple[str, ...]
    problem: str  # unused | unknown | no-code


@dataclass(slots=True)
class SuppressedFileResult(FileResult):
    """A scanned file after inline suppression: how many findings were suppressed, which markers were not used."""

    suppressed: int = 0
    unused_ignores: list[UnusedIgnore] = field(default_factory=list)


def _row_key(location: dict[str, Any]) -> tuple[Any, ...]:
    return (location.get("sheet"), location.get("table"), location.get("row"))


def _scope(location: dict[str, Any], block: Block | None, fmt: str) -> tuple[Any, ...]:
    if block is not None and block.part == "comment":
        anchor = tuple(sorted((k, v) for k, v in location.items() if k not in POSITION_KEYS and k != "path"))
        return ("anchor", anchor)
    if location.get("row") is not None and ("sheet" in location or "table" in location or fmt in ("csv", "tsv")):
        return ("row", *_row_key(location))
    if "line" in location:
        return ("line", location.get("page"), location["line"])
    anchor = tuple(sorted((k, v) for k, v in location.items() if k not in POSITION_KEYS and k != "path"))
    return ("anchor", anchor)


def find_suppressions(document: Document, data: bytes, fmt: str, has_findings: bool = True) -> list[Suppression]:
    """Every marker in the document's blocks, plus HTML comments (which loaders drop) from the source."""
    if fmt in TEXT_FORMATS and not data.startswith((b"\xff\xfe", b"\xfe\xff")) and not _mentions_auditor(data):
        return []  # fast path: most files carry no marker at all
    if not isinstance(document.blocks, list) and not has_findings:
        return []  # streamed (huge) workbook: re-reading it only to find unused markers costs a second pass
    if not document.may_match(MARKER):
        return []
    found: list[Suppression] = []
    for block in document.blocks:
        for match in MARKER.finditer(block.text):
            position = block.locator.locate(match.start(), match.end())
            location = dict(position.location)
            found.append(Suppression(_codes_at(block.text, match.end()), location, _scope(location, block, fmt)))
    if fmt == "html":
        found.extend(_source_lines(data, {s.where.get("line") for s in found}))
    return found


def _mentions_auditor(data: bytes) -> bool:
    """Whether ``auditor`` is spelled in any ASCII case: whole files are read by ``in``, at memchr speed.

    A character-class regex over the bytes took a C call per byte, as long as the bare ID regex
    over the same text. Chunks overlap by six bytes, so a word across a cut is still seen.
    """
    word = b"auditor"
    overlap = len(word) - 1
    starts = range(0, len(data), _HINT_CHUNK)
    return any(word in data[start : start + _HINT_CHUNK + overlap].lower() for start in starts)


def _codes_at(text: str, end: int) -> tuple[str, ...]:
    line_end = text.find("\n", end)
    return parse_codes(text[end : line_end if line_end != -1 else len(text)])


def _source_lines(data: bytes, seen_lines: set[Any]) -> list[Suppression]:
    from auditor.loaders.encoding import decode

    text, _ = decode(data, tolerate_damage=True)
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        if number in seen_lines:
            continue
        for match in MARKER.finditer(line):
            where = {"line": number, "column": match.start() + 1}
            found.append(Suppression(parse_codes(line[match.end() :]), where, ("line", None, number)))
    return found


def apply_suppressions(
    result: FileResult, document: Document, data: bytes, known_codes: set[str] | frozenset[str]
) -> FileResult:
    """Drop the findings a marker covers; record markers that covered nothing."""
    markers = find_suppressions(document, data, document.format, bool(result.findings))
    if not markers:
        return result
    kept: list[Finding] = []
    for finding in result.findings:
        codes = [(marker, marker.code_for(finding)) for marker in markers]
        hits = [(marker, code) for marker, code in codes if code is not None]
        for marker, code in hits:
            marker.used.add(code)
        if not hits:
            kept.append(finding)
    unused: list[UnusedIgnore] = []
    for marker in markers:
        where = {"path": result.path, **marker.where}
        if not marker.codes:
            unused.append(UnusedIgnore(where, (), "no-code"))
            continue
        unknown = tuple(c for c in marker.codes if not any(k.startswith(c) for k in known_codes))
        idle = tuple(c for c in marker.codes if c not in marker.used and c not in unknown)
        if unknown:
            unused.append(UnusedIgnore(where, unknown, "unknown"))
        if idle:
            unused.append(UnusedIgnore(where, idle, "unused"))
    return SuppressedFileResult(
        result.path,
        result.format,
        result.sha256,
        result.status,
        result.error,
        kept,
        suppressed=len(result.findings) - len(kept),
        unused_ignores=unused,
    )


def describe_unused(item: UnusedIgnore) -> str:
    """One log line: where, which codes, what is wrong (never the marker's reason text)."""
    from auditor.formatters.locations import short

    codes = ",".join(item.codes) if item.codes else "(无代码)"
    return f"{short(item.location)}: auditor: ignore {codes} — {PROBLEMS[item.problem]}"

"""A masked preview of the upload: sheets as grids, text as lines, problem values highlighted.

Why the fixer's planner: it finds values exactly as `auditor fix` masks them, so
the preview shows what the downloaded copy will look like. Why the findings too:
some values (names linked to an ID) are masked by the fixer's own walk, not the
planner; every place a finding points at is masked here as well, so the page
never shows a raw value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from auditor.engine import Scanner
from auditor.fix.plan import Mask
from auditor.loaders import LoadError, loader_for
from auditor.model import Block, Finding

MAX_ROWS = 40
MAX_COLS = 16
MAX_LINES = 80
MAX_LINE_CHARS = 300
CELL = re.compile(r"^([A-Z]+)(\d+)$")

Segment = tuple[str, bool]  # text, highlighted


@dataclass(slots=True)
class Sheet:
    name: str
    columns: list[str]
    rows: list[tuple[int, list[list[Segment]]]]
    truncated: bool = False


@dataclass(slots=True)
class Preview:
    sheets: list[Sheet] = field(default_factory=list)
    lines: list[tuple[int, list[Segment]]] = field(default_factory=list)
    truncated: bool = False


def build_preview(scanner: Scanner, path: Path, fmt: str, data: bytes, findings: list[Finding]) -> Preview | None:
    from auditor.fix.run import Fixer

    try:
        document = loader_for(fmt)(path, fmt, data)
        planned = Fixer(scanner).planner.document_masks(document)
    except (LoadError, ValueError, KeyError, RecursionError):
        return None
    masks = {id(block): found for block, found in planned}
    cells = [b for b in document.blocks if "cell" in b.locator.locate(0, 0).location]
    if cells:
        hot = _hot_cells(findings)
        preview = _grid(cells, masks, hot)
        secrets = _secrets(cells, masks) | {b.text for b in cells if _cell_key(b) in hot and len(b.text) >= 2}
    else:
        _add_finding_masks(document.blocks, masks, findings)
        preview = _text(document.blocks, masks)
        secrets = _secrets(document.blocks, masks)
    _hide_repeats(preview, secrets)
    return preview


def _cell_key(block: Block) -> tuple[str, str]:
    location = block.locator.locate(0, 0).location
    return str(location.get("sheet", "")), str(location.get("cell", ""))


def _secrets(blocks: Sequence[Block], masks: dict[int, list[Mask]]) -> set[str]:
    """The raw values behind the masks (kept in memory only), to hide their other occurrences too."""
    return {b.text[m.start : m.end] for b in blocks for m in masks.get(id(b), []) if m.end - m.start >= 2}


def _hide_repeats(preview: Preview, secrets: set[str]) -> None:
    """A value flagged in one place is starred wherever else it appears (e.g. a name named twice)."""
    if not secrets:
        return
    pattern = re.compile("|".join(re.escape(v) for v in sorted(secrets, key=len, reverse=True)))

    def scrub(segments: list[Segment]) -> list[Segment]:
        out: list[Segment] = []
        for text, hot in segments:
            if hot:
                out.append((text, hot))
                continue
            pos = 0
            for match in pattern.finditer(text):
                out.append((text[pos : match.start()], False))
                out.append(("*" * len(match.group(0)), True))
                pos = match.end()
            out.append((text[pos:], False))
        return [s for s in out if s[0]]

    for sheet in preview.sheets:
        sheet.rows = [(n, [scrub(cell) for cell in cells]) for n, cells in sheet.rows]
    preview.lines = [(n, scrub(segments)) for n, segments in preview.lines]


def _hot_cells(findings: list[Finding]) -> dict[tuple[str, str], str]:
    """(sheet, cell) → masked evidence, for every finding that points at a cell."""
    hot: dict[tuple[str, str], str] = {}
    for finding in findings:
        if "cell" in finding.location:
            hot.setdefault(
                (str(finding.location.get("sheet", "")), str(finding.location["cell"])), finding.evidence or ""
            )
    return hot


def _add_finding_masks(blocks: Sequence[Block], masks: dict[int, list[Mask]], findings: list[Finding]) -> None:
    """Line/column ranges of findings become masks (in whichever block holds them) where the planner had none."""
    ranged = [f for f in findings if all(k in f.location for k in ("line", "column", "end_line", "end_column"))]
    if not ranged:
        return
    for block in blocks:
        size = len(block.text)
        if not size:
            continue
        first = _point(block, 0)
        last = _point(block, size - 1, end=True)
        for finding in ranged:
            where = finding.location
            begin = (where["line"], where["column"])
            stop = (where["end_line"], where["end_column"])
            if begin < first or stop > last:
                continue
            start = _offset(block, begin, size)
            end = _offset(block, stop, size) + 1
            found = masks.setdefault(id(block), [])
            if end <= start or any(m.start < end and m.end > start for m in found):
                continue
            evidence = finding.evidence or ""
            text = evidence if len(evidence) == end - start else "*" * (end - start)
            found.append(Mask(start, end, text, finding.rule_id, finding.entity or "", "finding"))


def _point(block: Block, offset: int, end: bool = False) -> tuple[int, int]:
    where = block.locator.locate(offset, offset + 1).location
    if end:
        return where.get("end_line", where.get("line", 0)), where.get("end_column", where.get("column", 0))
    return where.get("line", 0), where.get("column", 0)


def _offset(block: Block, point: tuple[int, int], size: int) -> int:
    """The first offset of the block whose source position is at or after ``point`` (positions only grow)."""
    low, high = 0, size - 1
    while low < high:
        middle = (low + high) // 2
        if _point(block, middle) < point:
            low = middle + 1
        else:
            high = middle
    return low


def _segments(text: str, masks: list[Mask]) -> list[Segment]:
    out: list[Segment] = []
    pos = 0
    for mask in sorted(masks, key=lambda m: m.start):
        if mask.start < pos:
            continue
        out.append((text[pos : mask.start], False))
        out.append((mask.replacement, True))
        pos = mask.end
    out.append((text[pos:], False))
    return [s for s in out if s[0]]


def _column_index(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _grid(blocks: list[Block], masks: dict[int, list[Mask]], hot: dict[tuple[str, str], str]) -> Preview:
    preview = Preview()
    sheets: dict[str, dict[int, dict[str, list[Segment]]]] = {}
    for block in blocks:
        location = block.locator.locate(0, 0).location
        match = CELL.match(str(location.get("cell", "")))
        if match is None or block.hidden:
            continue
        sheet = str(location.get("sheet", ""))
        segments = _segments(block.text, masks.get(id(block), []))
        if (sheet, match.group(0)) in hot and not any(h for _, h in segments):
            evidence = hot[(sheet, match.group(0))]
            segments = [(evidence if evidence and evidence != block.text else "*" * len(block.text), True)]
        sheets.setdefault(sheet, {}).setdefault(int(match.group(2)), {})[match.group(1)] = segments
    for name, rows in sheets.items():
        letters = sorted({c for row in rows.values() for c in row}, key=_column_index)[:MAX_COLS]
        numbers = sorted(rows)
        shown = [(n, [rows[n].get(c, []) for c in letters]) for n in numbers[:MAX_ROWS]]
        preview.sheets.append(Sheet(name, letters, shown, len(numbers) > MAX_ROWS))
    return preview


def _text(blocks: Sequence[Block], masks: dict[int, list[Mask]]) -> Preview:
    preview = Preview()
    number = 0
    for block in blocks:
        if block.hidden:
            continue
        start = 0
        block_masks = masks.get(id(block), [])
        for line in block.text.rstrip("\n").split("\n"):
            end = start + len(line)
            number += 1
            if len(preview.lines) >= MAX_LINES:
                preview.truncated = True
                return preview
            segments = _segments(line, [_clip(m, start, end) for m in block_masks if m.start < end and m.end > start])
            if sum(len(t) for t, _ in segments) > MAX_LINE_CHARS:
                preview.truncated = True
            preview.lines.append((number, segments))
            start = end + 1
    return preview


def _clip(mask: Mask, start: int, end: int) -> Mask:
    """The mask in line coordinates; a value split across lines is starred out on each line."""
    if mask.start >= start and mask.end <= end:
        return replace(mask, start=mask.start - start, end=mask.end - start)
    low, high = max(mask.start, start), min(mask.end, end)
    return replace(mask, start=low - start, end=high - start, replacement="*" * (high - low))

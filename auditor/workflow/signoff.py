"""Sign-off blocks inside a document: 撰稿：张三　校对：李四　排版：王五　校对：赵六　审核：钱七.

Works on each block's text, so every loader (text, csv, html, xlsx, docx, pdf)
gets it for free; positions go back to the source through ``block.locator``.
A line counts as a sign-off line only when it *starts* with a role label and a
colon, which keeps prose such as "经镇政府审核：…" out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from auditor.model import Block, Document
from auditor.workflow.chain import Chain, ChainStep
from auditor.workflow.steps import EXTRA_ROLES, STEP_ALIASES, person_key, role_of

_GAP = r"[ \t\u3000]*"
_COLON = r"[:：∶﹕︰]"


def _label_pattern(label: str) -> str:
    # Two-character labels are often spaced to align with four-character ones: 校  对：
    return _GAP.join(re.escape(ch) for ch in label) if len(label) == 2 else re.escape(label)


_LABELS = sorted(
    {a for aliases in STEP_ALIASES.values() for a in aliases if not a.isascii()} | set(EXTRA_ROLES),
    key=len,
    reverse=True,
)
_LABEL_RE = re.compile(
    r"(?P<label>" + "|".join(_label_pattern(label) for label in _LABELS) + r")"
    r"(?:人|员)?[*_]{0,2}" + _GAP + _COLON
)
# What may precede the first label on a line: list marks and numbers, brackets, quotes, markdown,
# or a JSON key ("footer": ").
_HEAD_RE = re.compile(r'^(?:[\s"\'“‘（(【\[<{>*_#\-|•·0-9.、)）]*|\s*"[^"\n]{0,40}"\s*:\s*")$')
_NAME_RE = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z][\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z·•・]*"
)
_SKIP_RE = re.compile(r"[\s\u3000*_\"'“”‘’]*")
_LIST_SEP_RE = re.compile(r"[ \t\u3000]*[、，,/／][ \t\u3000]*")
_COLON_AHEAD_RE = re.compile(_GAP + _COLON)
_MAX_PLAIN_NAME = 6  # 复姓 + two characters, or a unit such as 镇政府办公室
_MAX_INTERPUNCT_NAME = 16  # 阿依古丽·买买提


@dataclass(frozen=True, slots=True)
class Entry:
    """One role on a sign-off line, with the character spans of its names in the block."""

    block: Block
    block_index: int
    role: str  # draft | proofread | layout | approve | review1 | review2 | other
    label: str
    start: int  # label start in block.text
    end: int  # end of the last name (or of the colon when unsigned)
    names: tuple[tuple[int, int], ...]

    def persons(self) -> tuple[str, ...]:
        return tuple(self.block.text[s:e] for s, e in self.names)


def _name_ok(name: str) -> bool:
    limit = _MAX_INTERPUNCT_NAME if any(c in name for c in "·•・") else _MAX_PLAIN_NAME
    return len(name) <= (20 if name.isascii() else limit)


def _skipped(text: str, start: int, end: int) -> int:
    """Past the spaces, underlines and quotes at ``start`` (_SKIP_RE matches the empty string too)."""
    skip = _SKIP_RE.match(text, start, end)
    return skip.end() if skip is not None else start


def _names_in(text: str, start: int, end: int) -> tuple[list[tuple[int, int]], bool]:
    """Names in text[start:end]; the flag is False when the value is text, not a name."""
    pos = _skipped(text, start, end)
    match = _NAME_RE.match(text, pos, end)
    if not match:
        rest = text[pos:end].strip(" \t\u3000、，,；;|/／")
        return [], rest == "" or not rest[0].isalpha()
    if not _name_ok(match.group()):
        return [], False
    spans = [match.span()]
    while True:
        sep = _LIST_SEP_RE.match(text, spans[-1][1], end)
        more = _NAME_RE.match(text, sep.end(), end) if sep else None
        if not more or not _name_ok(more.group()) or _COLON_AHEAD_RE.match(text, more.end(), end):
            break
        spans.append(more.span())
    return spans, True


def _lines(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for line in text.split("\n"):
        yield start, start + len(line.rstrip("\r"))
        start += len(line) + 1


def _line_entries(block: Block, index: int, lo: int, hi: int) -> list[Entry]:
    text = block.text
    matches = list(_LABEL_RE.finditer(text, lo, hi))
    if not matches or not _HEAD_RE.match(text[lo : matches[0].start()]):
        return []
    entries: list[Entry] = []
    for i, m in enumerate(matches):
        region_end = matches[i + 1].start() if i + 1 < len(matches) else hi
        names, is_name = _names_in(text, m.end(), region_end)
        if not is_name:
            if i == 0:
                return []  # "审核：经镇党委研究同意…" is prose, not a sign-off
            names = []
        role = role_of(re.sub(r"[ \t\u3000]", "", m.group("label"))) or "other"
        end = names[-1][1] if names else m.end()
        entries.append(Entry(block, index, role, m.group("label"), m.start(), end, tuple(names)))
    return entries


def _same_record(a: Block, b: Block) -> bool:
    try:
        return a.locator.locate(0, 0).record == b.locator.locate(0, 0).record
    except Exception:
        return False


def _name_in_next_block(entries: list[Entry], blocks: Sequence[Block], index: int) -> list[Entry]:
    """Spreadsheet or HTML footers put the name in the next cell: 撰稿： | 张三."""
    last = entries[-1]
    block = blocks[index]
    if last.names or block.text[last.end :].strip() or index + 1 >= len(blocks):
        return entries
    nxt = blocks[index + 1]
    stripped = nxt.text.strip()
    match = _NAME_RE.fullmatch(stripped)
    if not match or not _name_ok(stripped) or not _same_record(block, nxt):
        return entries
    offset = nxt.text.index(stripped)
    # The entry moves to the name's block, so its span and location point at the name.
    named = Entry(
        nxt, index + 1, last.role, last.label, offset, offset + len(stripped), ((offset, offset + len(stripped)),)
    )
    return [*entries[:-1], named]


@dataclass(frozen=True, slots=True)
class SignoffLine:
    block_index: int
    line_start: int
    line_end: int
    entries: tuple[Entry, ...]


def signoff_lines(document: Document) -> list[SignoffLine]:
    """Every sign-off line of the document, in text order."""
    if not document.may_match(_LABEL_RE):
        return []  # most documents have none
    found: list[SignoffLine] = []
    for index, block in enumerate(document.blocks):
        if not block.text or not _LABEL_RE.search(block.text):
            continue
        for lo, hi in _lines(block.text):
            entries = _line_entries(block, index, lo, hi)
            if entries:
                entries = _name_in_next_block(entries, document.blocks, index)
                found.append(SignoffLine(index, lo, hi, tuple(entries)))
    return found


def signoff_spans(document: Document, signoff: list[SignoffLine] | None = None) -> list[tuple[Block, int, int]]:
    """Character spans of sign-off names: staff in an official role, never privacy findings.

    ``signoff``: the document's :func:`signoff_lines` when the caller has them already.
    """
    lines = signoff_lines(document) if signoff is None else signoff
    return [(e.block, s, t) for line in lines for e in line.entries for s, t in e.names]


def _groups(lines: list[SignoffLine], document: Document) -> list[list[SignoffLine]]:
    """Runs of adjacent sign-off lines (blank lines and blank blocks between them allowed)."""
    groups: list[list[SignoffLine]] = []
    for line in lines:
        if groups and _adjacent(groups[-1][-1], line, document):
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _adjacent(a: SignoffLine, b: SignoffLine, document: Document) -> bool:
    blocks = document.blocks
    if a.block_index == b.block_index:
        return not blocks[a.block_index].text[a.line_end : b.line_start].strip()
    tail = blocks[a.block_index].text[a.line_end :].strip()
    head = blocks[b.block_index].text[: b.line_start].strip()
    between = "".join(blocks[i].text for i in range(a.block_index + 1, b.block_index)).strip()
    return not (tail or head or between)


def _signature(group: list[SignoffLine]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((e.role, tuple(person_key(p) for p in e.persons())) for line in group for e in line.entries)


def embedded_chain(document: Document, signoff: list[SignoffLine] | None = None) -> Chain | None:
    """The chain the sign-off lines describe, in text order; None when there are none.

    A block repeated verbatim (the same footer on every page) counts once. Lines with
    only non-step roles (责任编辑, 作者) are not a workflow record. ``signoff``: the
    document's :func:`signoff_lines` when the caller has them already.
    """
    lines = signoff_lines(document) if signoff is None else signoff
    steps: list[ChainStep] = []
    reviews: list[ChainStep] = []
    seen: set[tuple[tuple[str, tuple[str, ...]], ...]] = set()
    for group in _groups(lines, document):
        signature = _signature(group)
        if signature in seen:
            continue
        seen.add(signature)
        for line in group:
            for entry in line.entries:
                if entry.role == "other":
                    continue
                located = entry.block.locator.locate(entry.start, max(entry.end, entry.start + 1))
                item = ChainStep(
                    entry.role, re.sub(r"[ \t\u3000]", "", entry.label), entry.persons(), None, located.location
                )
                (reviews if entry.role.startswith("review") else steps).append(item)
    if not steps:
        return None
    first = next(line for line in lines if any(e.role != "other" for e in line.entries))
    anchor_block = document.blocks[first.block_index]
    anchor = anchor_block.locator.locate(first.line_start, max(first.line_end, first.line_start + 1)).location
    return Chain("embedded", steps, anchor=dict(anchor), reviews=reviews)

"""The data types every stage shares: documents in, findings out.

Data flows one way: loaders build a :class:`Document` of :class:`Block` s,
recognizers turn blocks into :class:`Span` s, checks turn spans into
:class:`Finding` s, and formatters render a :class:`Report`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, Protocol

_PLUS_ONE = (1).__add__

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}

# Location keys in the order SPEC §5 lists them; formatters print them in this order.
LOCATION_KEYS = (
    "path",
    "sheet",
    "cell",
    "page",
    "paragraph",
    "table",
    "row",
    "col",
    "line",
    "column",
    "end_line",
    "end_column",
    "field",
    "part",
)


@dataclass(slots=True)
class Position:
    """Where a character range of a block sits in the source, and which record holds it."""

    location: dict[str, Any]
    record: tuple[Any, ...]
    field: str | None = None


class Locator(Protocol):
    """Maps character offsets inside a block's text back to the source file."""

    in_table: bool

    def locate(self, start: int, end: int) -> Position: ...

    def field_at(self, offset: int) -> str | None: ...


@dataclass(slots=True)
class FixedLocator:
    """A block that is one cell or one field: every offset maps to the same place."""

    location: dict[str, Any]
    record: tuple[Any, ...]
    field: str | None = None
    in_table: bool = True

    def locate(self, start: int, end: int) -> Position:
        return Position(dict(self.location), self.record, self.field)

    def field_at(self, offset: int) -> str | None:
        return self.field


@dataclass(slots=True)
class Piece:
    """A run of block text copied verbatim from the source starting at (line, column)."""

    offset: int
    line: int
    column: int


class LineIndex:
    """Offset -> (line, column) for a text, computed once; lines and columns are 1-based."""

    __slots__ = ("_starts",)

    def __init__(self, text: str, first_line: int = 1) -> None:
        # Each line starts one past the end of the one before: running sums of (length + 1),
        # all in C (a long text file has hundreds of thousands of lines).
        line_spans = map(_PLUS_ONE, map(len, text.split("\n")))
        starts = list(accumulate(line_spans, initial=0))
        starts.pop()  # the sum after the last line is one past the end of the text
        self._starts = starts

    def line_col(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self._starts, offset) - 1
        return index + 1, offset - self._starts[index] + 1

    def span(self, start: int, end: int) -> tuple[int, int, int, int]:
        """(line, column, end line, end column) of [start, end): ``line_col`` of ``start`` and of
        its last character, with one search when both are on one line (every ID and phone)."""
        starts = self._starts
        index = bisect_right(starts, start) - 1
        last = max(start, end - 1)
        if index + 1 < len(starts) and last >= starts[index + 1]:
            end_line, end_column = self.line_col(last)
            return index + 1, start - starts[index] + 1, end_line, end_column
        return index + 1, start - starts[index] + 1, index + 1, last - starts[index] + 1

    def line_start(self, line: int) -> int:
        return self._starts[line - 1]

    @property
    def line_count(self) -> int:
        return len(self._starts)


class TextLocator:
    """Whole text file as one block: line/column from offsets; each line is a record.

    Lines of a plain-text table (tab- or ``|``-separated, as pasted from a
    spreadsheet or written in Markdown) also get the column header as field.
    """

    __slots__ = ("_headers", "_index", "_lines", "_starts", "_tables", "_text")
    in_table = False

    def __init__(self, text: str) -> None:
        self._text = text
        self._index: LineIndex | None = None
        self._headers: dict[int, list[str] | None] = {}
        self._starts: dict[int, int] = {}
        self._lines: dict[int, tuple[str, list[str], int] | tuple[()]] = {}
        self._tables: bool | None = None  # whether any line can be a table line; found on first use

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self._text)
        return self._index

    def locate(self, start: int, end: int) -> Position:
        line, column, end_line, end_column = self.index.span(start, end)
        location: dict[str, Any] = {"line": line, "column": column, "end_line": end_line, "end_column": end_column}
        field = self.field_at(start)
        if field is not None:
            location["field"] = field
        return Position(location, ("line", line), field)

    def _line_text(self, line: int) -> str:
        start = self.index.line_start(line)
        end = self._text.find("\n", start)
        return self._text[start : end if end != -1 else len(self._text)].rstrip("\r")

    def field_at(self, offset: int) -> str | None:
        if self._tables is None:  # a text with no tab and under two pipes (JSON, prose) has no table line
            self._tables = "\t" in self._text or self._text.count("|") >= 2
        if not self._tables:
            return None
        line, _ = self.index.line_col(offset)
        table = self._lines.get(line)
        if table is None:
            table = self._lines[line] = self._table_line(line)
        if not table:
            return None
        delimiter, header, start = table
        index = self._text.count(delimiter, start, offset)
        return header[index] if index < len(header) and header[index] else None

    def _table_line(self, line: int) -> tuple[str, list[str], int] | tuple[()]:
        """(delimiter, header cells, where cell 0 starts) for a table line; () otherwise."""
        text = self._line_text(line)
        delimiter = "\t" if "\t" in text else "|" if text.count("|") >= 2 else None
        if delimiter is None:
            return ()
        header = self._header_for(line, delimiter)
        if header is None:
            return ()
        start = self.index.line_start(line)
        if delimiter == "|" and text.lstrip().startswith("|"):
            start = self._text.index("|", start) + 1
        return delimiter, header, start

    def _header_for(self, line: int, delimiter: str) -> list[str] | None:
        """First line of the contiguous table block holding ``line`` (its header, if labels)."""
        first = self._block_start(line, delimiter)
        if first not in self._headers:
            if first == line:
                return None
            cells = [c.strip() for c in self._line_text(first).strip().strip("|").split(delimiter)]
            joined = "".join(cells)
            digits = sum(ch.isdigit() for ch in joined)
            self._headers[first] = cells if digits <= len(joined) // 4 else None
        return self._headers[first]

    def _block_start(self, line: int, delimiter: str) -> int:
        """Walk up to the first line of the table block; memoised so a table costs O(lines) once."""
        walked = []
        current = line
        while current > 1 and delimiter in self._line_text(current - 1):
            cached = self._starts.get(current - 1)
            if cached is not None:
                current = cached
                break
            walked.append(current)
            current -= 1
        for visited in walked:
            self._starts[visited] = current
        self._starts[line] = current
        return current


def _span_position(
    line_col: Callable[[int], tuple[int, int]],
    start: int,
    end: int,
    static: dict[str, Any],
    record: tuple[Any, ...],
    field: str | None,
) -> Position:
    """The static keys of a block plus the line/column span of [start, end) in the source."""
    line, column = line_col(start)
    end_line, end_column = line_col(max(start, end - 1))
    location = dict(static)
    location.update(line=line, column=column, end_line=end_line, end_column=end_column)
    return Position(location, record, field)


@dataclass(slots=True)
class PiecesLocator:
    """A block stitched from verbatim source runs (e.g. an HTML cell split by tags)."""

    pieces: list[Piece]
    text: str
    static: dict[str, Any]
    record: tuple[Any, ...]
    field: str | None = None
    in_table: bool = False

    def field_at(self, offset: int) -> str | None:
        return self.field

    def _line_col(self, offset: int) -> tuple[int, int]:
        starts = [p.offset for p in self.pieces]
        piece = self.pieces[max(0, bisect_right(starts, offset) - 1)]
        newlines = self.text.count("\n", piece.offset, offset)
        if newlines == 0:
            return piece.line, piece.column + offset - piece.offset
        last = self.text.rfind("\n", piece.offset, offset)
        return piece.line + newlines, offset - last

    def locate(self, start: int, end: int) -> Position:
        return _span_position(self._line_col, start, end, self.static, self.record, self.field)


class SourceText:
    """A decoded source file; its line index is built on the first position asked for.

    Most blocks never get a finding, so a loader that makes many of them (HTML
    cells) shares one of these instead of indexing every file it reads.
    """

    __slots__ = ("_index", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._index: LineIndex | None = None

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self.text)
        return self._index


Runs = int | tuple[list[int], list[int]]


class SourceLocator:
    """A block stitched from runs of a source file, each run verbatim from a source offset.

    ``runs`` is the source offset of the block's first character when the text is
    one verbatim run (the common case: no entity, no inline tag), else the lists
    (block offset where each run starts, source offset of that run). Line and
    column are computed only when a finding is located. Subclasses say where
    ``source``, ``record`` and ``field`` come from, and add static location keys.
    """

    __slots__ = ()
    in_table = False
    source: SourceText
    runs: Runs
    record: tuple[Any, ...]
    field: str | None

    @property
    def static(self) -> dict[str, Any]:
        """Location keys that hold for every offset of the block (a new dict: callers may fill it)."""
        return {}

    def field_at(self, offset: int) -> str | None:
        return self.field

    def source_offset(self, offset: int) -> int:
        """Character offset in the decoded source file of ``offset`` in the block text."""
        runs = self.runs
        if runs.__class__ is int:
            return runs + offset  # type: ignore[operator]
        offsets, sources = runs  # type: ignore[misc]
        index = max(0, bisect_right(offsets, offset) - 1)
        return sources[index] + offset - offsets[index]

    def locate(self, start: int, end: int) -> Position:
        """The static keys (a fresh dict per call) plus the line/column span of [start, end) in the source."""
        location = self.static
        first, last = self.source_offset(start), self.source_offset(max(start, end - 1))
        span = self.source.index.span(first, last + 1)
        location["line"], location["column"], location["end_line"], location["end_column"] = span
        return Position(location, self.record, self.field)


class RunsLocator(SourceLocator):
    """Running text from a source file: one record and field for the whole block."""

    __slots__ = ("field", "record", "runs", "source")

    def __init__(self, source: SourceText, runs: Runs, record: tuple[Any, ...], field: str | None = None) -> None:
        self.source = source
        self.runs = runs
        self.record = record
        self.field = field


@dataclass(slots=True)
class Block:
    """A run of text plus the means to say exactly where any part of it came from."""

    text: str
    locator: Locator
    hidden: bool = False
    part: str | None = None


class SelfLocatedBlock(Block):
    """A block that is its own locator: table cells, made by the hundred thousand, most never
    located. One object per cell instead of a Block and a locator spares an allocation and a
    call each (about 0.3 µs a cell). Subclasses add the place and the Locator methods, and
    ``_key``, the values two equal cells share.
    """

    __slots__ = ()

    @property  # type: ignore[override]
    def locator(self) -> Locator:  # type: ignore[override]
        return self  # type: ignore[return-value]

    def _key(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        """By value, as Block's; the generated ``__eq__`` would compare ``locator`` (self) without end."""
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable, as Block

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self._key()!r}"


@dataclass(slots=True)
class Document:
    path: str
    format: str
    blocks: Sequence[Block] = field(default_factory=list)  # a list, or StreamedBlocks for a huge workbook
    # Header text per record-set (e.g. sheet) when the source is a table; used for context.
    notes: list[str] = field(default_factory=list)

    def may_match(self, pattern: re.Pattern[str]) -> bool:
        """False only when ``pattern`` matches in no block: one C-speed search over the texts joined
        by newlines, so a check that finds nothing in most documents skips its per-block pass.

        A match inside a block is a match in the joined text; one that spans a join only costs
        the per-block pass. Streamed blocks (a huge workbook) would be read twice: True.
        """
        if not isinstance(self.blocks, list):
            return True
        return pattern.search("\n".join([block.text for block in self.blocks])) is not None


@dataclass(slots=True)
class Span:
    """One recognised value. ``value`` is raw and must never leave the process."""

    entity: str
    kind: str  # rule-facing classification, e.g. "exposed", "weak_mask", "invalid", "masked"
    start: int
    end: int
    value: str
    score: float
    block: Block
    detail: str = ""


@dataclass(slots=True)
class Finding:
    rule_id: str
    rule_name: str
    category: str
    severity: str
    message: str
    entity: str | None
    evidence: str | None
    location: dict[str, Any]
    fingerprint: str

    def to_dict(self) -> dict[str, Any]:
        location = {k: self.location[k] for k in LOCATION_KEYS if self.location.get(k) is not None}
        return {
            "rule_id": self.rule_id,
            "rule_name": self.rule_name,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "entity": self.entity,
            "evidence": self.evidence,
            "location": location,
            "fingerprint": self.fingerprint,
        }


@dataclass(slots=True)
class FileResult:
    path: str
    format: str | None
    sha256: str | None
    status: str  # scanned | error | skipped
    error: str | None
    findings: list[Finding] = field(default_factory=list)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle findings as plain tuples: `scan --jobs` ships every finding from a worker,
        and the generic slots protocol costs about twice as much per finding."""
        packed = [
            (
                f.rule_id,
                f.rule_name,
                f.category,
                f.severity,
                f.message,
                f.entity,
                f.evidence,
                f.location,
                f.fingerprint,
            )
            for f in self.findings
        ]
        return (_unpack_file_result, (self.path, self.format, self.sha256, self.status, self.error, packed))

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "sha256": self.sha256,
            "status": self.status,
            "error": self.error,
            "findings": len(self.findings),
        }


def _unpack_file_result(
    path: str, fmt: str | None, sha256: str | None, status: str, error: str | None, packed: list[tuple[Any, ...]]
) -> FileResult:
    return FileResult(path, fmt, sha256, status, error, [Finding(*row) for row in packed])


@dataclass(slots=True)
class Report:
    files: list[FileResult]
    tool_version: str

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.files for f in r.findings]

    @property
    def errors(self) -> list[dict[str, str]]:
        return [{"path": r.path, "message": r.error or ""} for r in self.files if r.status == "error"]

    def summary(self) -> dict[str, Any]:
        by_severity: dict[str, int] = {}
        by_rule: dict[str, int] = {}
        findings = self.findings
        for f in findings:
            by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
            by_rule[f.rule_id] = by_rule.get(f.rule_id, 0) + 1
        return {
            "files": len(self.files),
            "findings": len(findings),
            "by_severity": by_severity,
            "by_rule": dict(sorted(by_rule.items())),
        }

    def to_dict(self, findings: list[Any] | None = None) -> dict[str, Any]:
        """SPEC §5's document; ``findings`` stands in for the findings' dicts (a streaming placeholder)."""
        return {
            "schema_version": 1,
            "tool": {"name": "auditor", "version": self.tool_version},
            "files": [r.to_dict() for r in self.files],
            "findings": [f.to_dict() for f in self.findings] if findings is None else findings,
            "errors": self.errors,
            "summary": self.summary(),
        }

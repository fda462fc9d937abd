"""Roll findings up per unit (乡镇、部门 …) and compare a run with the previous completed one.

A unit is a folder level (``--units-depth K``: the first K folders of the path)
or comes from a mapping file ``unit -> [path globs]``. Comparison counts
findings as new, fixed or still open by (path, rule, fingerprint) as a multiset;
files whose stored result did not change are still open as a whole, so only
changed files cost work.
"""

from __future__ import annotations

import heapq
import json
import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from auditor.sweep.store import FindingRow, Run, Store

ROOT_UNIT = "（根目录）"
UNASSIGNED = "（未归属）"
SEVERITY_ORDER = ("error", "warning", "info")
ERRORS_KEPT = 500  # errors listed in a report; the exports stream all of them


class UnitsError(Exception):
    """The unit mapping file cannot be read or is malformed."""


class UnitMap:
    """Path (relative, POSIX) -> unit name."""

    def __init__(self, depth: int = 1, mapping: list[tuple[str, re.Pattern[str]]] | None = None) -> None:
        self.depth = max(depth, 0)
        self.mapping = mapping

    @classmethod
    def from_file(cls, path: Path) -> UnitMap:
        """``{单位: [glob, …]}`` as JSON, YAML or TOML; first matching unit wins.

        A glob is matched against the path relative to the swept root: ``*`` stays
        within a folder, ``**`` crosses folders, and a bare folder name means
        everything under it.
        """
        try:
            text = path.read_text(encoding="utf-8-sig")
            data = tomllib.loads(text) if path.suffix.lower() == ".toml" else yaml.safe_load(text)
        except (OSError, UnicodeDecodeError, yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
            raise UnitsError(f"单位映射文件无法读取 (cannot read unit mapping) {path}: {exc}") from exc
        if not isinstance(data, dict) or not data:
            raise UnitsError("单位映射文件应为 {单位: [路径模式]} (expected a mapping unit -> path globs)")
        mapping: list[tuple[str, re.Pattern[str]]] = []
        for unit, globs in data.items():
            patterns = [globs] if isinstance(globs, str) else globs
            if not isinstance(patterns, list) or not all(isinstance(g, str) and g for g in patterns):
                raise UnitsError(f"单位「{unit}」的路径模式应为字符串列表 (globs must be a list of strings)")
            mapping.extend((str(unit), glob_regex(g)) for g in patterns)
        return cls(mapping=mapping)

    def unit_of(self, rel: str) -> str:
        if self.mapping is not None:
            for unit, pattern in self.mapping:
                if pattern.fullmatch(rel):
                    return unit
            return UNASSIGNED
        folders = rel.split("/")[:-1]
        if not folders or self.depth == 0:
            return ROOT_UNIT
        return "/".join(folders[: self.depth])


def glob_regex(glob: str) -> re.Pattern[str]:
    """A path glob as a regex: ``**`` any folders, ``*`` within a name, ``?`` one character."""
    glob = glob.strip().strip("/")
    out = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("".join(out) + "(?:/.*)?")


@dataclass(slots=True)
class FileRef:
    """A file chosen for drill-down: enough to fetch and diff its findings later."""

    path: str
    result_id: int | None
    prev_result_id: int | None
    findings: int
    by_severity: dict[str, int]
    new: int = 0
    fixed: int = 0
    status: str = "scanned"
    error: str | None = None


@dataclass(slots=True)
class UnitStats:
    name: str
    files: int = 0
    bytes: int = 0
    files_affected: int = 0
    unreadable: int = 0
    findings: int = 0
    by_severity: dict[str, int] = field(default_factory=dict)
    by_rule: dict[str, int] = field(default_factory=dict)
    new: int = 0
    fixed: int = 0
    still_open: int = 0
    removed_files: int = 0
    worst: list[tuple[tuple[int, ...], int, FileRef]] = field(default_factory=list)
    changed: list[tuple[tuple[int, ...], int, FileRef]] = field(default_factory=list)

    def add_counts(self, counts: dict[str, int]) -> None:
        for key, n in counts.items():
            rule, severity = key.split(":")
            self.by_rule[rule] = self.by_rule.get(rule, 0) + n
            self.by_severity[severity] = self.by_severity.get(severity, 0) + n

    @property
    def score(self) -> tuple[int, ...]:
        """Worst first: errors, then warnings, then all findings."""
        return (*tuple(self.by_severity.get(s, 0) for s in SEVERITY_ORDER), self.findings)

    def worst_files(self) -> list[FileRef]:
        return [ref for _, _, ref in sorted(self.worst, key=lambda t: (t[0], t[1]), reverse=True)]

    def changed_files(self) -> list[FileRef]:
        return [ref for _, _, ref in sorted(self.changed, key=lambda t: (t[0], t[1]), reverse=True)]


@dataclass(slots=True)
class Rollup:
    run: Run
    previous: Run | None
    units: list[UnitStats]
    total: UnitStats
    history: list[Run]
    errors: list[tuple[str, str, str]]  # the first ERRORS_KEPT, in path order
    error_count: int

    @property
    def compared(self) -> bool:
        return self.previous is not None


def rollup(store: Store, run: Run, units: UnitMap, worst_n: int = 10) -> Rollup:
    """Per-unit counts by rule and severity, worst files and new/fixed/open against the previous run."""
    previous = store.previous_completed(run)
    prev_id = previous.id if previous else None
    stats: dict[str, UnitStats] = {}
    total = UnitStats("合计 total")
    sequence = 0
    for row in store.run_files(run.id, prev_id):
        unit = stats.setdefault(units.unit_of(row["path"]), UnitStats(units.unit_of(row["path"])))
        counts = json.loads(row["counts"])
        by_severity = _by_severity(counts)
        ref = FileRef(row["path"], row["result_id"], row["prev_result_id"], row["findings"], by_severity)
        ref.status, ref.error = row["status"], row["error"]
        new, fixed, still_open = _compare(store, ref, prev_id)
        ref.new, ref.fixed = new, fixed
        for target in (unit, total):
            target.files += 1
            target.bytes += row["size"]
            target.findings += row["findings"]
            target.files_affected += row["findings"] > 0
            target.unreadable += row["status"] == "error"
            target.add_counts(counts)
            target.new += new
            target.fixed += fixed
            target.still_open += still_open
        sequence += 1
        score = (*tuple(by_severity.get(s, 0) for s in SEVERITY_ORDER), row["findings"])
        if row["findings"] or row["status"] == "error":
            _keep(unit.worst, (score, sequence, ref), worst_n)
        if new or fixed:
            _keep(unit.changed, ((new, fixed), sequence, ref), worst_n)
    if prev_id is not None:
        for _, path, result_id, counts_text in store.removed_files(run.id, prev_id):
            counts = json.loads(counts_text)
            gone = sum(counts.values())
            unit = stats.setdefault(units.unit_of(path), UnitStats(units.unit_of(path)))
            ref = FileRef(path, None, result_id, 0, {}, fixed=gone, status="removed")
            for target in (unit, total):
                target.fixed += gone
                target.removed_files += 1
            sequence += 1
            if gone:
                _keep(unit.changed, ((0, gone), sequence, ref), worst_n)
    ordered = sorted(stats.values(), key=lambda u: (u.score, u.name), reverse=True)
    errors = list(store.errors(run.id, ERRORS_KEPT))
    return Rollup(run, previous, ordered, total, store.completed_runs(run.root), errors, store.error_count(run.id))


def _keep(heap: list[tuple[tuple[int, ...], int, FileRef]], item: tuple[tuple[int, ...], int, FileRef], n: int) -> None:
    """Top-n by score; ties keep the earlier path (sequence is the path order)."""
    if n <= 0:
        return
    keyed = (item[0], -item[1], item[2])
    if len(heap) < n:
        heapq.heappush(heap, keyed)  # type: ignore[arg-type]
    elif keyed[:2] > heap[0][:2]:
        heapq.heapreplace(heap, keyed)  # type: ignore[arg-type]


def _by_severity(counts: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, n in counts.items():
        severity = key.split(":")[1]
        out[severity] = out.get(severity, 0) + n
    return out


def _compare(store: Store, ref: FileRef, prev_id: int | None) -> tuple[int, int, int]:
    """(new, fixed, still open) for one file; no previous run means nothing is compared."""
    if prev_id is None:
        return 0, 0, 0
    if ref.prev_result_id is None:
        return ref.findings, 0, 0
    if ref.prev_result_id == ref.result_id:
        return 0, 0, ref.findings
    assert ref.result_id is not None
    changes, fixed = diff(store.findings(ref.result_id), store.findings(ref.prev_result_id))
    new = changes.count("new")
    return new, len(fixed), len(changes) - new


def diff(current: list[FindingRow], previous: list[FindingRow]) -> tuple[list[str], list[FindingRow]]:
    """Change of each current finding ('new' or 'open') and the previous findings now gone.

    Keyed on (rule, fingerprint) within one file, counted as a multiset: the same
    value twice in a file is two findings.
    """
    remaining = Counter((row[1], row[0]) for row in previous)
    changes = []
    for row in current:
        key = (row[1], row[0])
        if remaining[key] > 0:
            remaining[key] -= 1
            changes.append("open")
        else:
            changes.append("new")
    fixed = []
    for row in previous:
        key = (row[1], row[0])
        if remaining[key] > 0:
            remaining[key] -= 1
            fixed.append(row)
    return changes, fixed


@dataclass(slots=True)
class FileFindings:
    """One file's findings for drill-down or export, each with its change."""

    path: str
    rows: list[tuple[FindingRow, str]]  # (finding, new|open|fixed|"")


def file_findings(store: Store, ref: FileRef, compared: bool) -> FileFindings:
    current = store.findings(ref.result_id) if ref.result_id is not None else []
    if not compared:
        return FileFindings(ref.path, [(row, "") for row in current])
    if ref.prev_result_id is None:
        return FileFindings(ref.path, [(row, "new") for row in current])
    if ref.prev_result_id == ref.result_id:
        return FileFindings(ref.path, [(row, "open") for row in current])
    changes, fixed = diff(current, store.findings(ref.prev_result_id))
    rows = list(zip(current, changes, strict=True)) + [(row, "fixed") for row in fixed]
    return FileFindings(ref.path, rows)


def iter_findings(
    store: Store, run: Run, units: UnitMap, since_last: bool = False
) -> Iterator[tuple[str, FileFindings]]:
    """Every file's findings of a run with unit and change, streamed (exports).

    ``since_last`` keeps only new and fixed findings (fixed ones include files removed since).
    """
    previous = store.previous_completed(run)
    prev_id = previous.id if previous else None
    compared = previous is not None
    for row in store.run_files(run.id, prev_id):
        if since_last and compared and row["prev_result_id"] == row["result_id"]:
            continue
        ref = FileRef(row["path"], row["result_id"], row["prev_result_id"], row["findings"], {})
        found = file_findings(store, ref, compared)
        if since_last and compared:
            found.rows = [(r, c) for r, c in found.rows if c in ("new", "fixed")]
        if found.rows:
            yield units.unit_of(row["path"]), found
    if prev_id is not None:
        for _, path, result_id, _ in store.removed_files(run.id, prev_id):
            rows = [(r, "fixed") for r in store.findings(result_id)]
            if rows:
                yield units.unit_of(path), FileFindings(path, rows)


def location_of(row: FindingRow) -> dict[str, Any]:
    return row[8]

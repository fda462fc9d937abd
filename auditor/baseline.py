"""Baselines: accept the findings that exist today, fail only on new ones.

A baseline file holds, per accepted finding, its keyed fingerprint, rule and
path — never a value, a masked value, a line number or a timestamp. Fingerprints
do not depend on lines (SPEC §5), so editing a document around a known finding
does not churn the file, and entries are one per line, sorted, so that merges
rarely conflict (the two complaints users have about detect-secrets baselines).

The fingerprint includes the file's path as scanned. That is deliberate: a
renamed or copied disclosure is a new publication and its exposures are shown
again (the old entries are then reported stale). Make and use the baseline from
the same directory with the same path arguments (in CI: the repository root).

A previous report (``--format json`` or ``sarif``) is accepted as a baseline too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.findings import fingerprint
from auditor.model import Report

FORMAT_KEY = "auditor_baseline"
VERSION = 1
SARIF_FINGERPRINT = "auditorFingerprint/v1"


class BaselineError(Exception):
    """A missing, unreadable or invalid baseline file, or one made with another key: exit 2."""


@dataclass(frozen=True, slots=True, order=True)
class Entry:
    path: str
    rule_id: str
    fingerprint: str


@dataclass(slots=True)
class Baseline:
    entries: list[Entry]
    source: Path

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(e.fingerprint for e in self.entries)


@dataclass(slots=True)
class BaselineOutcome:
    """What applying a baseline did: how many findings it hid and which entries matched nothing."""

    baselined: int = 0
    stale: list[Entry] = field(default_factory=list)
    unmatched_paths: bool = False  # no entry's path was scanned: probably run from another directory


def key_check(key: bytes) -> str:
    """A keyed hash of a constant: tells whether a baseline was made with the same fingerprint key."""
    return fingerprint(key, "auditor-baseline-key-check")[:16]


def entries_of(report: Report) -> list[Entry]:
    """Entries for every finding except input errors (an unreadable file is never accepted)."""
    return sorted(
        {Entry(f.location["path"], f.rule_id, f.fingerprint) for f in report.findings if f.category != "input"}
    )


def dumps(report: Report, key: bytes) -> str:
    """The baseline file: stable order, one entry per line, no values, lines or timestamps."""
    lines = [
        json.dumps({"path": e.path, "rule_id": e.rule_id, "fingerprint": e.fingerprint}, ensure_ascii=False)
        for e in entries_of(report)
    ]
    body = ",\n    ".join(lines)
    findings = f"[\n    {body}\n  ]" if lines else "[]"
    return (
        "{\n"
        f'  "{FORMAT_KEY}": {VERSION},\n'
        '  "tool": "auditor",\n'
        f'  "fingerprint_key_check": "{key_check(key)}",\n'
        f'  "findings": {findings}\n'
        "}\n"
    )


def load(path: Path, key: bytes) -> Baseline:
    """Read a baseline file, or a previous JSON or SARIF report; raise BaselineError with a clear reason."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise BaselineError(f"找不到基线文件 (baseline file not found): {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"无法读取基线文件 (cannot read baseline file) {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise BaselineError(f"基线文件不是有效的 JSON (baseline is not valid JSON) {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise BaselineError(f"基线文件格式无效 (not a baseline) {path}")
    try:
        if FORMAT_KEY in data:
            return Baseline(_own_entries(data, path, key), path)
        if data.get("schema_version") == 1 and isinstance(data.get("findings"), list):
            return Baseline(_report_entries(data["findings"]), path)
        if str(data.get("version", "")).startswith("2.1") and isinstance(data.get("runs"), list):
            return Baseline(_sarif_entries(data["runs"]), path)
    except (KeyError, TypeError, AttributeError) as exc:
        raise BaselineError(f"基线文件内容无效 (malformed baseline) {path}: {type(exc).__name__} {exc}") from exc
    raise BaselineError(
        f"不是 auditor 基线文件、JSON 报告或 SARIF 报告 (not an auditor baseline, JSON or SARIF report): {path}"
    )


def _own_entries(data: dict[str, Any], path: Path, key: bytes) -> list[Entry]:
    if data[FORMAT_KEY] != VERSION:
        raise BaselineError(f"不支持的基线版本 (unsupported baseline version) {data[FORMAT_KEY]!r}: {path}")
    recorded = data.get("fingerprint_key_check")
    if recorded is not None and recorded != key_check(key):
        raise BaselineError(
            f"基线文件是用另一个指纹密钥生成的，指纹无法比对 (baseline {path} was made with a different "
            "fingerprint key: set the same fingerprint-key / AUDITOR_FINGERPRINT_KEY, or make it again)"
        )
    if not isinstance(data.get("findings"), list):
        raise BaselineError(f"基线文件缺少 findings 列表 (no findings list): {path}")
    return [_entry(item["path"], item["rule_id"], item["fingerprint"]) for item in data["findings"]]


def _report_entries(findings: list[dict[str, Any]]) -> list[Entry]:
    return [_entry(f["location"]["path"], f["rule_id"], f["fingerprint"]) for f in findings]


def _sarif_entries(runs: list[dict[str, Any]]) -> list[Entry]:
    entries = []
    for run in runs:
        for result in run.get("results", []):
            uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            entries.append(_entry(uri, result["ruleId"], result["partialFingerprints"][SARIF_FINGERPRINT]))
    return entries


def _entry(path: Any, rule_id: Any, fp: Any) -> Entry:
    if not all(isinstance(v, str) and v for v in (path, rule_id, fp)):
        raise TypeError("path, rule_id and fingerprint must be non-empty strings")
    return Entry(path.replace("\\", "/"), rule_id, fp.lower())


def apply(report: Report, baseline: Baseline, enabled: set[str] | None = None) -> BaselineOutcome:
    """Remove baselined findings from ``report``; entries are stale only if their file was scanned
    and their rule enabled, so a partial scan (pre-commit, ``--since``) never calls the rest stale."""
    known = baseline.fingerprints
    outcome = BaselineOutcome()
    present: set[str] = set()
    scanned: set[str] = set()
    for result in report.files:
        if result.status != "scanned":
            continue
        scanned.add(result.path.replace("\\", "/"))
        kept = []
        for finding in result.findings:
            present.add(finding.fingerprint)
            if finding.fingerprint in known:
                outcome.baselined += 1
            else:
                kept.append(finding)
        result.findings = kept
    outcome.stale = [
        e
        for e in baseline.entries
        if e.path in scanned and e.fingerprint not in present and (enabled is None or e.rule_id in enabled)
    ]
    outcome.unmatched_paths = bool(baseline.entries and scanned) and not any(
        e.path in scanned for e in baseline.entries
    )
    return outcome

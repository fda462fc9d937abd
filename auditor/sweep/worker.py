"""The worker side of a sweep: one Scanner per process, batches of files in, records out.

Records carry only what the store keeps: masked evidence, keyed fingerprints and
locations. Raw values never cross the process boundary.
"""

from __future__ import annotations

import json
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from auditor.config import Config
from auditor.engine import Scanner, Target
from auditor.gcpause import collect_if_grown, pause_in_worker
from auditor.model import LOCATION_KEYS, FileResult, Finding
from auditor.rules import Rule
from auditor.sweep.store import FindingRow, ScanRecord
from auditor.sweep.walk import hash_file

_SCANNER: Scanner | None = None
_STORED_LOCATION_KEYS = tuple(key for key in LOCATION_KEYS if key != "path")
PR_SET_PDEATHSIG = 1


@dataclass(slots=True, frozen=True)
class Task:
    """A file to scan, with the stat data taken before scanning (conservative on races)."""

    rel: str
    path: str
    size: int
    mtime_ns: int
    deps: str
    file_id: int | None = None  # known to the store already (saves a query when writing)


def init_worker(config: Config, rules: dict[str, Rule]) -> None:
    """Per-process setup: the Scanner once; Ctrl-C is the parent's business; die with the parent."""
    global _SCANNER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    _SCANNER = Scanner(config, rules)
    pause_in_worker()


def _die_with_parent() -> None:
    """Linux: get SIGKILL when the sweep process dies (kill -9), so no orphan keeps scanning."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def scan_batch(batch: list[Task]) -> list[ScanRecord]:
    """Scan each file of the batch; an unexpected exception becomes that file's error, not the batch's."""
    assert _SCANNER is not None, "init_worker was not called"
    records = []
    for task in batch:
        records.append(scan_one(_SCANNER, task))
        collect_if_grown()
    return records


def scan_one(scanner: Scanner, task: Task) -> ScanRecord:
    start = time.perf_counter()
    result = scanner.scan_guarded(_target(task))  # one bad file must not stop the sweep
    digest = result.sha256 or hash_file(task.path)
    return record(task, result, digest, time.perf_counter() - start)


def record(task: Task, result: FileResult, digest: str | None, seconds: float = 0.0) -> ScanRecord:
    """What the store keeps of a scan; counting and JSON encoding happen here, in the worker."""
    rows = [finding_row(f) for f in result.findings]
    counts: dict[str, int] = {}
    for row in rows:
        key = f"{row[1]}:{row[4]}"
        counts[key] = counts.get(key, 0) + 1
    return ScanRecord(
        path=task.rel,
        size=task.size,
        mtime_ns=task.mtime_ns,
        sha256=digest,
        deps=task.deps,
        format=result.format,
        status=result.status,
        error=result.error,
        findings=len(rows),
        counts=counts,
        findings_json=json.dumps(rows, ensure_ascii=False, separators=(",", ":")),
        seconds=seconds,
    )


def crashed(scanner: Scanner, task: Task) -> ScanRecord:
    """A record for a file whose scan killed its worker process."""
    return record(task, scanner.crashed(_target(task)), None)


def _target(task: Task) -> Target:
    return Target(task.rel, Path(task.path), False)


def finding_row(finding: Finding) -> FindingRow:
    """The stored form: ``finding.to_dict()``'s values, its location without "path" (the store has
    it once per file). Read from the finding directly: a dense list has thousands per file."""
    location = finding.location
    return (
        finding.fingerprint,
        finding.rule_id,
        finding.rule_name,
        finding.category,
        finding.severity,
        finding.entity,
        finding.message,
        finding.evidence,
        {key: location[key] for key in _STORED_LOCATION_KEYS if location.get(key) is not None},
    )

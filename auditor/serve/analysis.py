"""One uploaded file → report, preview and workflow lines, all in a private temp dir deleted at once.

Why a temp dir and not memory only: the engine and the workflow checks read a
path (sidecars, file hash); the directory is private (0700) and removed before
the response leaves. An uploaded workflow record is written beside the file in
the same folder, so the scan's workflow check (W201–W207) sees what the clerk
keeps next to the file on their own PC.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from auditor import __version__
from auditor.engine import Scanner, Target
from auditor.formatters.locations import describe
from auditor.model import SEVERITY_RANK, FileResult, Finding, Report
from auditor.serve.preview import Preview, build_preview
from auditor.serve.records import Record, place_record, recorded_next_slot

SAFE_NAME = "upload"
MAX_NAME_BYTES = 200


@dataclass(slots=True)
class Analysis:
    """What the page shows about one file; holds masked text only, never a raw value."""

    name: str
    result: FileResult
    report: Report
    preview: Preview | None = None
    workflow: list[str] = field(default_factory=list)
    next_slot: int = 0  # the step the sign form offers first (index into signing.step_options())
    fail_on: str = "error"  # the config's threshold, so the page agrees with `auditor scan`'s exit code

    @property
    def error(self) -> str | None:
        return self.result.error if self.result.status != "scanned" else None

    @property
    def findings(self) -> list[Finding]:
        return self.result.findings

    @property
    def publishable(self) -> bool:
        if self.error is not None:
            return False
        if self.fail_on == "never":
            return True
        return not any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[self.fail_on] for f in self.findings)

    @property
    def fixable(self) -> bool:
        """Privacy findings (P…) are what `auditor fix` masks; workflow notes (W…) need a signature instead."""
        return any(f.rule_id.startswith("P") for f in self.findings)

    def by_rule(self) -> list[tuple[str, int]]:
        return sorted(Counter(f.rule_id for f in self.findings).items())

    def rows(self) -> list[dict[str, Any]]:
        """Findings as the template lists them: where in words, rule, masked evidence."""
        return [
            {
                "rule_id": f.rule_id,
                "severity": f.severity,
                "message": f.message,
                "evidence": f.evidence or "",
                "where": describe({k: v for k, v in f.location.items() if k != "path"}),
            }
            for f in self.findings
        ]


def clean_name(filename: str | None) -> str:
    """The base name only (no directories from the client); keeps the extension that picks the loader.

    Shortened to MAX_NAME_BYTES of UTF-8 so that the name plus a record suffix
    (``.workflow.yaml``) fits the 255-byte limit of file systems.
    """
    name = PurePath((filename or "").replace("\\", "/")).name.strip()
    if not name.strip("."):
        return SAFE_NAME  # "..", which PurePath keeps as a name, is the parent folder
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        path = PurePath(name)
        suffix = path.suffix if len(path.suffix.encode("utf-8")) <= 16 else ""
        budget = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
        stem = path.stem.encode("utf-8")[:budget].decode("utf-8", "ignore").strip()
        name = (stem or SAFE_NAME) + suffix
    return name or SAFE_NAME


@contextmanager
def private_copy(name: str, data: bytes, record: Record | None = None) -> Iterator[Path]:
    """The upload (and its record, if given) in a fresh private folder that is gone on exit."""
    with tempfile.TemporaryDirectory(prefix="auditor-serve-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        if record is not None:
            place_record(path, record)
        yield path


def analyse(
    scanner: Scanner, filename: str | None, data: bytes, *, record: Record | None = None, details: bool = True
) -> Analysis:
    """Scan one upload as `auditor scan` would scan it in a folder holding the file and its record."""
    name = clean_name(filename)
    with private_copy(name, data, record) as path:
        result = scanner.scan_guarded(Target(name, path, True))
        report = Report([result], __version__)
        analysis = Analysis(name, result, report, fail_on=getattr(scanner.config, "fail_on", "error"))
        if details and result.status == "scanned":
            analysis.preview = build_preview(scanner, path, result.format or "", data, result.findings)
            analysis.workflow = workflow_lines(scanner, path)
            analysis.next_slot = recorded_next_slot(path, scanner.workflow)
    return analysis


def workflow_lines(scanner: Scanner, path: Path) -> list[str]:
    """The review chain as `auditor workflow show` prints it (sign-off block inside the file)."""
    from auditor.engine import load_document
    from auditor.workflow.sign import describe as describe_chain

    try:
        lines, _ = describe_chain(path, load_document(path), scanner.workflow, scanner.rules)
    except Exception as exc:  # the status panel must never take the page down
        return [f"无法读取审核记录 (cannot read the review chain): {type(exc).__name__}"]
    return lines

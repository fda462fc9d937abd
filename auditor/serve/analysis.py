"""One uploaded file → report, preview and workflow lines, all in a private temp dir deleted at once.

Why a temp dir and not memory only: the engine and the workflow checks read a
path (sidecars, file hash); the directory is private (0700) and removed before
the response leaves.
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

SAFE_NAME = "upload"


@dataclass(slots=True)
class Analysis:
    """What the page shows about one file; holds masked text only, never a raw value."""

    name: str
    result: FileResult
    report: Report
    preview: Preview | None = None
    workflow: list[str] = field(default_factory=list)
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
    """The base name only (no directories from the client); keeps the extension that picks the loader."""
    name = PurePath((filename or "").replace("\\", "/")).name.strip()
    return name[:200] or SAFE_NAME


@contextmanager
def private_copy(name: str, data: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="auditor-serve-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield path


def analyse(scanner: Scanner, filename: str | None, data: bytes, *, details: bool = True) -> Analysis:
    name = clean_name(filename)
    with private_copy(name, data) as path:
        result = scanner.scan_target(Target(name, path, True))
        report = Report([result], __version__)
        analysis = Analysis(name, result, report, fail_on=getattr(scanner.config, "fail_on", "error"))
        if details and result.status == "scanned":
            analysis.preview = build_preview(scanner, path, result.format or "", data, result.findings)
            analysis.workflow = workflow_lines(scanner, path)
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

"""Report-wide filters after the scan (config fingerprint allowlist, baseline) and what CI logs show.

Inline markers are applied per file by the engine (they need the document);
everything here needs only fingerprints, so it runs once on the whole report.
Order: inline markers → allow-fingerprints → baseline, so a baseline never
records a finding that is already accepted some other way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.allowlist import drop_allowed_fingerprints
from auditor.baseline import Baseline, BaselineOutcome, apply
from auditor.config import Config
from auditor.formatters.locations import short
from auditor.model import Report
from auditor.suppress import UnusedIgnore, describe_unused

MAX_LISTED = 20


@dataclass(slots=True)
class PolicyOutcome:
    suppressed: int = 0  # by inline markers
    allowlisted: int = 0  # by allow-fingerprints
    baseline: BaselineOutcome | None = None
    unused_ignores: list[UnusedIgnore] = field(default_factory=list)


def apply_policy(
    report: Report, config: Config, baseline: Baseline | None = None, enabled: set[str] | None = None
) -> PolicyOutcome:
    """Filter ``report`` in place and say what was filtered."""
    outcome = PolicyOutcome()
    for result in report.files:
        outcome.suppressed += getattr(result, "suppressed", 0)
        outcome.unused_ignores.extend(getattr(result, "unused_ignores", ()))
    outcome.allowlisted = drop_allowed_fingerprints(report, config.allow_fingerprints)
    if baseline is not None:
        outcome.baseline = apply(report, baseline, enabled)
    return outcome


def summary_line(report: Report, outcome: PolicyOutcome, exit_code: int, report_unused: bool = False) -> str:
    """One line for CI logs: counts only, never a value or a path."""
    summary = report.summary()
    severities = ", ".join(f"{count} {name}" for name, count in summary["by_severity"].items())
    parts = [
        f"{summary['files']} files",
        f"{summary['findings']} findings" + (f" ({severities})" if severities else ""),
    ]
    if outcome.baseline is not None:
        parts.append(f"{outcome.baseline.baselined} baselined")
        if outcome.baseline.stale:
            parts.append(f"{len(outcome.baseline.stale)} stale baseline entries")
    if outcome.suppressed:
        parts.append(f"{outcome.suppressed} suppressed inline")
    if outcome.allowlisted:
        parts.append(f"{outcome.allowlisted} allowlisted")
    if report_unused and outcome.unused_ignores:
        parts.append(f"{len(outcome.unused_ignores)} unused ignores")
    if report.errors:
        parts.append(f"{len(report.errors)} unreadable")
    return f"auditor: {', '.join(parts)}; exit {exit_code}"


def notes(outcome: PolicyOutcome, baseline: Baseline | None, report_unused: bool) -> list[str]:
    """Stderr lines about filtering: baseline counts and stale entries, unused inline ignores."""
    lines: list[str] = []
    result = outcome.baseline
    if result is not None and baseline is not None:
        lines.append(
            f"基线 {baseline.source}：{result.baselined} 个已知问题未显示 "
            f"({result.baselined} findings in the baseline are not shown)"
        )
        if result.stale:
            lines.append(
                f"基线中有 {len(result.stale)} 条已不再出现，可重新生成基线 "
                f"({len(result.stale)} stale baseline entries; run `auditor baseline` again to drop them):"
            )
            lines.extend(f"  {e.rule_id} {short({'path': e.path})} {e.fingerprint}" for e in result.stale[:MAX_LISTED])
            if len(result.stale) > MAX_LISTED:
                lines.append(f"  … {len(result.stale) - MAX_LISTED} more")
        if result.unmatched_paths:
            lines.append(
                "提示：基线中的路径与本次扫描的路径都不一致，请在生成基线的目录用相同的路径参数运行 "
                "(hint: no baseline path matches a scanned path: run from the directory, and with the path "
                "arguments, the baseline was made with)"
            )
    if report_unused and outcome.unused_ignores:
        lines.append(f"{len(outcome.unused_ignores)} 个行内忽略标记无效 (unused or invalid `auditor: ignore` markers):")
        lines.extend(f"  {describe_unused(item)}" for item in outcome.unused_ignores)
    return lines

"""Terminal report: findings grouped by rule, Chinese messages, how to fix, then a summary.

Plain lines, one finding per line plus its location: easy to read, to grep and to diff.
It used to go through rich's console with no colour, only to wrap lines at 120 cells, and
measuring the width of every CJK character took 75 s for 166,704 findings; the lines now
take under a second. On a terminal, rich's styles colour them (ANSI codes, no layout pass).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from itertools import groupby
from operator import attrgetter

from auditor.formatters.locations import describe, short
from auditor.model import Finding, Report
from auditor.rules import Rule

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
LABEL = {"error": "错误", "warning": "警告", "info": "提示"}


def render(report: Report, rules: dict[str, Rule], color: bool = False) -> str:
    return "".join(chunks(report, rules, color))


def chunks(report: Report, rules: dict[str, Rule], color: bool = False) -> Iterator[str]:
    """The report a line at a time (each with its newline), so a big one is never held whole."""
    paint = _styled if color else _plain
    findings = sorted(report.findings, key=_rule_and_path)
    for rule_id, group in groupby(findings, key=attrgetter("rule_id")):
        items = list(group)
        rule = rules.get(rule_id)
        title = rule.title["zh"] if rule else rule_id
        yield paint(f"{rule_id} {title}  ({len(items)})", STYLE.get(items[0].severity, "")) + "\n"
        for finding in items:
            label = LABEL.get(finding.severity, finding.severity)
            yield f"  {paint(short(finding.location), 'bold')}  [{label}] {finding.message}\n"
            yield paint(f"      位置：{describe(finding.location)}", "dim") + "\n"
        if rule:
            yield paint(f"  怎么改：{rule.fix['zh']}", "green") + "\n"
        yield "\n"
    for error in report.errors:
        yield paint(f"无法审计 {error['path']}: {error['message']}", "bold red") + "\n"
    summary = report.summary()
    by_severity = "，".join(f"{LABEL.get(k, k)} {v}" for k, v in summary["by_severity"].items()) or "无问题"
    yield f"共检查 {summary['files']} 个文件，发现 {summary['findings']} 个问题（{by_severity}）。\n"


def _plain(text: str, style: str) -> str:
    return text


def _styled(text: str, style: str) -> str:
    return _ansi(style)(text) if style else text


@cache
def _ansi(style: str) -> Callable[[str], str]:
    """The rich style's ANSI rendering, parsed once per style (16 colours: any terminal has them)."""
    from rich.color import ColorSystem
    from rich.style import Style

    parsed = Style.parse(style)
    return lambda text: parsed.render(text, color_system=ColorSystem.STANDARD)


def _rule_and_path(finding: Finding) -> tuple[str, str]:
    return finding.rule_id, finding.location.get("path", "")

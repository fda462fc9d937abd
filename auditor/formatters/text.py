"""Terminal report: findings grouped by rule, Chinese messages, how to fix, then a summary."""

from __future__ import annotations

import io
from itertools import groupby

from rich.console import Console
from rich.text import Text

from auditor.formatters.locations import describe, short
from auditor.model import Report
from auditor.rules import Rule

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
LABEL = {"error": "错误", "warning": "警告", "info": "提示"}


def render(report: Report, rules: dict[str, Rule], color: bool = False, width: int = 120) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False)
    findings = sorted(report.findings, key=lambda f: (f.rule_id, f.location.get("path", "")))
    for rule_id, group in groupby(findings, key=lambda f: f.rule_id):
        items = list(group)
        rule = rules.get(rule_id)
        title = rule.title["zh"] if rule else rule_id
        severity = items[0].severity
        header = Text(f"{rule_id} {title}  ({len(items)})", style=STYLE.get(severity, ""))
        console.print(header)
        for finding in items:
            line = Text("  ")
            line.append(short(finding.location), style="bold")
            line.append(f"  [{LABEL.get(finding.severity, finding.severity)}] {finding.message}")
            console.print(line)
            console.print(Text(f"      位置：{describe(finding.location)}", style="dim"))
        if rule:
            console.print(Text(f"  怎么改：{rule.fix['zh']}", style="green"))
        console.print()
    for error in report.errors:
        console.print(Text(f"无法审计 {error['path']}: {error['message']}", style="bold red"))
    summary = report.summary()
    by_severity = "，".join(f"{LABEL.get(k, k)} {v}" for k, v in summary["by_severity"].items()) or "无问题"
    console.print(Text(f"共检查 {summary['files']} 个文件，发现 {summary['findings']} 个问题（{by_severity}）。"))
    return buffer.getvalue()

"""A self-contained page in Chinese that a non-technical reader can follow (no external assets)."""

from __future__ import annotations

from html import escape

from auditor.formatters.locations import describe
from auditor.model import Report
from auditor.rules import Rule

LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2rem;color:#1a1a1a;line-height:1.6}
h1{font-size:1.5rem}.ok{color:#1b5e20}.bad{color:#b71c1c}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #999;padding:.4rem;text-align:left}
th{background:#eee}.error{color:#b71c1c;font-weight:bold}.warning{color:#8a5a00}.info{color:#0d47a1}
.fix{background:#f1f8e9;padding:.5rem;border-left:4px solid #558b2f}
"""


def render(report: Report, rules: dict[str, Rule]) -> str:
    summary = report.summary()
    verdict = (
        '<p class="ok">没有发现问题，可以发布。</p>'
        if not summary["findings"]
        else f'<p class="bad">发现 {summary["findings"]} 个问题，需要修改后再发布。</p>'
    )
    sections: list[str] = []
    for code in sorted({f.rule_id for f in report.findings}):
        rule = rules.get(code)
        rows = "".join(
            f"<tr><td>{escape(f.location.get('path', ''))}</td><td>{escape(describe(f.location))}</td>"
            f'<td class="{f.severity}">{LABEL.get(f.severity, f.severity)}</td>'
            f"<td>{escape(f.evidence or '')}</td><td>{escape(f.message)}</td></tr>"
            for f in report.findings
            if f.rule_id == code
        )
        title = escape(rule.title["zh"]) if rule else code
        fix = f'<p class="fix">怎么改：{escape(rule.fix["zh"])}</p>' if rule else ""
        sections.append(
            f"<h2>{code} {title}</h2>{fix}<table><thead><tr><th>文件</th><th>位置</th><th>级别</th>"
            f"<th>证据（已遮盖）</th><th>说明</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    errors = "".join(f"<li>{escape(e['path'])}：{escape(e['message'])}</li>" for e in report.errors)
    error_block = f"<h2>无法审计的文件</h2><ul>{errors}</ul>" if errors else ""
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>政务公开合规审计报告</title><style>{CSS}</style></head><body>"
        f"<h1>政务公开合规审计报告</h1><p>检查文件 {summary['files']} 个。</p>{verdict}"
        f"{''.join(sections)}{error_block}</body></html>\n"
    )

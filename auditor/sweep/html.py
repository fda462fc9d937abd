"""The sweep report: one self-contained HTML page in Chinese (English alongside).

No CDN, font or image: CSS, JavaScript and SVG charts are inline, and a
Content-Security-Policy forbids any network request, so the page works the same
when opened from disk on an offline machine. Evidence is the stored masked
evidence; the page never sees a raw value. Drill-down is capped per unit and
per file so the page stays small for 100,000-file sweeps; the CSV/JSON exports
hold everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TextIO

from auditor import __version__
from auditor.formatters.locations import describe
from auditor.rules import Rule
from auditor.sweep.store import Store
from auditor.sweep.svg import bar_chart, line_chart
from auditor.sweep.units import FileRef, Rollup, UnitStats, file_findings, location_of

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_COLOUR = {"error": "#c62828", "warning": "#ef8f00", "info": "#1e88e5"}
CHANGE_ZH = {"new": "新增", "open": "仍存在", "fixed": "已整改", "": ""}
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;
margin:0;color:#1a1a1a;line-height:1.55;background:#fafafa}
header,main,footer{max-width:1180px;margin:0 auto;padding:0 1.2rem}
header{padding-top:1.2rem}h1{font-size:1.6rem;margin:.2rem 0}
h1 small,h2 small{font-weight:normal;color:#666;font-size:.9rem}
h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
nav a{margin-right:1rem}.meta{color:#444}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}.card{background:#fff;border:1px solid #ddd;border-radius:6px;
padding:.6rem 1rem;min-width:8.5rem}.card b{display:block;font-size:1.5rem}.card span{color:#555;font-size:.85rem}
.verdict{font-size:1.1rem;background:#fff;border-left:5px solid #c62828;padding:.6rem 1rem}
.verdict.ok{border-color:#2e7d32}
table{border-collapse:collapse;width:100%;background:#fff;margin:.6rem 0}
th,td{border:1px solid #ccc;padding:.3rem .45rem;text-align:left;vertical-align:top;font-size:.92rem}
th{background:#eee;white-space:nowrap}td.n{text-align:right;font-variant-numeric:tabular-nums}
table.sortable th{cursor:pointer}table.sortable th:after{content:" ⇅";color:#999}
th[aria-sort=ascending]:after{content:" ▲";color:#333}th[aria-sort=descending]:after{content:" ▼";color:#333}
.error{color:#b71c1c;font-weight:bold}.warning{color:#8a5a00}.info{color:#0d47a1}
.new{color:#b71c1c;font-weight:bold}.fixed{color:#1b5e20}.open{color:#555}
.unit{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.4rem 1rem;margin:1rem 0}
details{margin:.4rem 0}summary{cursor:pointer}code,.ev{font-family:Consolas,"DejaVu Sans Mono",monospace}
.fix{background:#f1f8e9;border-left:4px solid #558b2f;padding:.3rem .7rem;margin:.3rem 0}
.note{color:#555;font-size:.88rem}figure{margin:1rem 0;overflow-x:auto}svg.chart{max-width:100%;height:auto}
input#unit-filter{padding:.3rem;width:18rem}.scroll{overflow-x:auto}
th small{font-weight:normal;color:#555}
"""

SCRIPT = """
(function(){
  function val(td){var v=td.getAttribute('data-v');return v===null?td.textContent.trim():v;}
  document.querySelectorAll('table.sortable').forEach(function(table){
    table.querySelectorAll('th').forEach(function(th,i){
      th.addEventListener('click',function(){
        var asc=th.getAttribute('aria-sort')!=='ascending';
        table.querySelectorAll('th').forEach(function(o){o.removeAttribute('aria-sort');});
        th.setAttribute('aria-sort',asc?'ascending':'descending');
        var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
        var numeric=th.getAttribute('data-type')==='n';
        rows.sort(function(a,b){
          var x=val(a.cells[i]),y=val(b.cells[i]);
          var c=numeric?(parseFloat(x)||0)-(parseFloat(y)||0):x.localeCompare(y,'zh-Hans-CN');
          return asc?c:-c;});
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
  var f=document.getElementById('unit-filter');
  if(f){f.addEventListener('input',function(){
    var q=f.value.trim().toLowerCase();
    document.querySelectorAll('#unit-table tbody tr').forEach(function(r){
      r.style.display=!q||r.cells[0].textContent.toLowerCase().indexOf(q)>=0?'':'none';});
  });}
})();
"""


@dataclass(slots=True)
class HtmlOptions:
    since_last: bool = False
    files_per_unit: int = 10
    findings_per_file: int = 50
    errors_shown: int = 200
    chart_units: int = 15


def write_html(out: TextIO, store: Store, report: Rollup, rules: dict[str, Rule], options: HtmlOptions) -> None:
    """Stream the page to ``out`` (a 100k-file sweep never builds it in memory)."""
    run = report.run
    root_name = Path(run.root).name or run.root
    out.write(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>政务公开合规巡查报告 — {escape(root_name)}</title><style>{CSS}</style></head><body>"
    )
    out.write(_header(report, root_name, options))
    out.write("<main>")
    out.write(_overview(report))
    out.write(_charts(report, rules, options))
    out.write(_unit_table(report, rules))
    _drilldown(out, store, report, rules, options)
    out.write(_errors(report, options))
    out.write(_rule_reference(report, rules))
    out.write("</main>")
    out.write(
        f'<footer><p class="note">由 auditor {escape(__version__)} 生成 (generated by auditor)。'
        "证据均已遮蔽，本报告不含未遮蔽的个人信息 (evidence is masked; no raw personal data)。"
        "完整清单请用 <code>auditor sweep --format csv|json</code> 导出 (full lists: csv/json export)。</p></footer>"
    )
    out.write(f"<script>{SCRIPT}</script></body></html>\n")


def _header(report: Rollup, root_name: str, options: HtmlOptions) -> str:
    run, previous = report.run, report.previous
    compare = (
        f"对比上次巡查 (compared with run #{previous.id}，{escape(previous.finished_at or previous.started_at)})"
        if previous
        else "首次巡查，无可对比的上次结果 (first sweep: nothing to compare)"
    )
    mode = "<p><b>仅显示上次巡查以来的变化 (changes since the last sweep only)</b></p>" if options.since_last else ""
    return (
        "<header><h1>政务公开合规巡查报告 <small>Supervisory sweep report</small></h1>"
        f'<p class="meta">巡查目录 (root)：<code>{escape(root_name)}</code>　第 {run.id} 次巡查 (run #{run.id})　'
        f"开始 {escape(run.started_at)}　完成 {escape(run.finished_at or '未完成 (unfinished)')}　"
        f"用时 {run.seconds:.1f} 秒　规则版本 (rules) <code>{escape(run.ruleset)}</code></p>"
        f'<p class="meta">{compare}</p>{mode}'
        '<nav><a href="#overview">概览</a><a href="#charts">图表</a><a href="#units">单位</a>'
        '<a href="#detail">明细</a><a href="#errors">无法审计的文件</a><a href="#rules">规则说明</a></nav></header>'
    )


def _card(value: object, label: str) -> str:
    return f'<div class="card"><b>{escape(str(value))}</b><span>{label}</span></div>'


def _overview(report: Rollup) -> str:
    t = report.total
    cards = [
        _card(t.files, "文件 files"),
        _card(t.files_affected, "有问题的文件 files affected"),
        _card(t.findings, "问题 findings"),
        _card(t.by_severity.get("error", 0), "错误 errors"),
        _card(t.by_severity.get("warning", 0), "警告 warnings"),
        _card(t.by_severity.get("info", 0), "提示 info"),
        _card(t.unreadable, "无法审计 unreadable"),
    ]
    if report.compared:
        cards += [
            _card(t.new, "新增 new"),
            _card(t.fixed, "已整改 fixed"),
            _card(t.still_open, "仍存在 still open"),
        ]
    if t.findings:
        worst = report.units[0].name if report.units else ""
        verdict = (
            f'<p class="verdict">共 {len(report.units)} 个单位，{t.files_affected} 个文件存在问题，'
            f"问题最多的单位是「{escape(worst)}」。请各单位按下方明细整改后重新发布。"
            f"<br><small>{t.files_affected} files in {len(report.units)} units have findings; "
            "see the details below.</small></p>"
        )
    else:
        verdict = '<p class="verdict ok">没有发现问题 (no findings)。</p>'
    return (
        '<section id="overview"><h2>概览 <small>Overview</small></h2>'
        f'<div class="cards">{"".join(cards)}</div>{verdict}</section>'
    )


def _charts(report: Rollup, rules: dict[str, Rule], options: HtmlOptions) -> str:
    series = [(f"{SEVERITY_ZH[s]} {s}", SEVERITY_COLOUR[s]) for s in SEVERITY_ZH]
    top_units = [u for u in report.units if u.findings][: options.chart_units]
    unit_rows = [(u.name, [u.by_severity.get(s, 0) for s in SEVERITY_ZH]) for u in top_units]
    units_svg = bar_chart("chart-units", "各单位问题数（前 15）Findings per unit", unit_rows, series)
    by_rule = sorted(report.total.by_rule.items(), key=lambda kv: (-kv[1], kv[0]))
    rule_rows = [(_rule_label(code, rules), [n]) for code, n in by_rule]
    rules_svg = bar_chart("chart-rules", "各规则问题数 Findings per rule", rule_rows, [("问题 findings", "#6a1b9a")])
    history = report.history
    labels = [f"#{r.id} {(r.finished_at or r.started_at)[:10]}" for r in history]
    trend = line_chart(
        "chart-trend",
        "历次巡查趋势 Trend over sweeps",
        labels,
        [
            ("问题总数 findings", "#424242", [r.summary.get("findings", 0) for r in history]),
            (
                "错误 errors",
                SEVERITY_COLOUR["error"],
                [r.summary.get("by_severity", {}).get("error", 0) for r in history],
            ),
            ("有问题的文件 files affected", "#2e7d32", [_affected(r.summary) for r in history]),
        ],
    )
    return (
        '<section id="charts"><h2>图表 <small>Charts</small></h2>'
        f"<figure>{units_svg}</figure><figure>{rules_svg}</figure><figure>{trend}</figure></section>"
    )


def _affected(summary: dict[str, object]) -> int:
    value = summary.get("files_affected", 0)
    return value if isinstance(value, int) else 0


def _rule_label(code: str, rules: dict[str, Rule]) -> str:
    rule = rules.get(code)
    return f"{code} {rule.title['zh']}" if rule else code


def _unit_table(report: Rollup, rules: dict[str, Rule]) -> str:
    heads = [
        ("单位", "unit", "s"),
        ("文件", "files", "n"),
        ("有问题的文件", "affected", "n"),
        ("问题", "findings", "n"),
        ("错误", "error", "n"),
        ("警告", "warning", "n"),
        ("提示", "info", "n"),
    ]
    if report.compared:
        heads += [("新增", "new", "n"), ("已整改", "fixed", "n"), ("仍存在", "open", "n")]
    heads += [("无法审计", "unreadable", "n"), ("主要问题", "top rules", "s")]
    head = "".join(f'<th data-type="{kind}" scope="col">{zh}<br><small>{en}</small></th>' for zh, en, kind in heads)
    rows = []
    for index, unit in enumerate(report.units):
        cells = [f'<td data-v="{escape(unit.name)}"><a href="#u-{index}">{escape(unit.name)}</a></td>']
        numbers = [unit.files, unit.files_affected, unit.findings]
        numbers += [unit.by_severity.get(s, 0) for s in SEVERITY_ZH]
        if report.compared:
            numbers += [unit.new, unit.fixed, unit.still_open]
        numbers.append(unit.unreadable)
        cells += [f'<td class="n" data-v="{n}">{n}</td>' for n in numbers]
        top = sorted(unit.by_rule.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        cells.append("<td>" + "、".join(f'<a href="#r-{c}">{c}</a>×{n}' for c, n in top) + "</td>")
        rows.append(f'<tr data-unit="{escape(unit.name)}">{"".join(cells)}</tr>')
    return (
        '<section id="units"><h2>各单位情况 <small>Units (click a column to sort)</small></h2>'
        '<p><input id="unit-filter" type="search" placeholder="筛选单位 filter units" aria-label="筛选单位"></p>'
        f'<div class="scroll"><table id="unit-table" class="sortable"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def _drilldown(out: TextIO, store: Store, report: Rollup, rules: dict[str, Rule], options: HtmlOptions) -> None:
    out.write('<section id="detail"><h2>明细 <small>Drill-down per unit and file</small></h2>')
    out.write(
        f'<p class="note">每个单位最多列出 {options.files_per_unit} 个问题最多的文件，每个文件最多 '
        f"{options.findings_per_file} 条 (at most {options.files_per_unit} files per unit, "
        f"{options.findings_per_file} findings per file)。</p>"
    )
    for index, unit in enumerate(report.units):
        refs = unit.changed_files() if options.since_last and report.compared else unit.worst_files()
        out.write(_unit_block(index, unit, report.compared))
        if not refs:
            out.write('<p class="note">没有需要列出的文件 (nothing to list)。</p></section>')
            continue
        for ref in refs[: options.files_per_unit]:
            out.write(_file_block(store, ref, rules, report.compared, options))
        out.write("</section>")
    out.write("</section>")


def _unit_block(index: int, unit: UnitStats, compared: bool) -> str:
    severity = "，".join(f"{SEVERITY_ZH[s]} {unit.by_severity[s]}" for s in SEVERITY_ZH if unit.by_severity.get(s))
    change = f"；新增 {unit.new}，已整改 {unit.fixed}，仍存在 {unit.still_open}" if compared else ""
    rules = "、".join(f"{c}×{n}" for c, n in sorted(unit.by_rule.items(), key=lambda kv: (-kv[1], kv[0])))
    return (
        f'<section class="unit" id="u-{index}"><h3>{escape(unit.name)}</h3>'
        f"<p>文件 {unit.files} 个，有问题 {unit.files_affected} 个，问题 {unit.findings} 条"
        f"{'（' + severity + '）' if severity else ''}{change}。</p>"
        f'<p class="note">按规则 (by rule)：{escape(rules) or "无"}</p>'
    )


def _file_block(store: Store, ref: FileRef, rules: dict[str, Rule], compared: bool, options: HtmlOptions) -> str:
    found = file_findings(store, ref, compared)
    rows = found.rows
    if options.since_last and compared:
        rows = [(r, c) for r, c in rows if c in ("new", "fixed")]
    shown = rows[: options.findings_per_file]
    state = {"removed": "（文件已删除 removed）", "error": "（无法审计 unreadable）"}.get(ref.status, "")
    counts = "，".join(f"{SEVERITY_ZH[s]} {ref.by_severity[s]}" for s in SEVERITY_ZH if ref.by_severity.get(s))
    change = f"；新增 {ref.new}，已整改 {ref.fixed}" if compared and (ref.new or ref.fixed) else ""
    body = "".join(_finding_row(row, change_of) for row, change_of in shown)
    more = (
        f'<p class="note">另有 {len(rows) - len(shown)} 条未列出 ({len(rows) - len(shown)} more; see the export)。</p>'
        if len(rows) > len(shown)
        else ""
    )
    error = f'<p class="error">{escape(ref.error)}</p>' if ref.error else ""
    fixes = _fixes({row[1] for row, _ in shown}, rules)
    table = (
        "<table><thead><tr><th>规则 rule</th><th>级别 severity</th><th>位置 location</th>"
        "<th>证据（已遮蔽）masked evidence</th><th>说明 message</th><th>变化 change</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
        if shown
        else ""
    )
    return (
        f"<details><summary><code>{escape(ref.path)}</code> {state}— {ref.findings} 条"
        f"{'（' + counts + '）' if counts else ''}{change}</summary>{error}{table}{more}{fixes}</details>"
    )


def _finding_row(row: tuple, change: str) -> str:
    _fingerprint, rule_id, _name, _category, severity, _entity, message, evidence, _location = row
    where = describe(location_of(row))
    return (
        f'<tr><td><a href="#r-{escape(rule_id)}">{escape(rule_id)}</a></td>'
        f'<td class="{escape(severity)}">{SEVERITY_ZH.get(severity, severity)}</td>'
        f'<td>{escape(where)}</td><td class="ev">{escape(evidence or "")}</td>'
        f'<td>{escape(message)}</td><td class="{change}">{CHANGE_ZH.get(change, change)}</td></tr>'
    )


def _fixes(codes: Iterable[str], rules: dict[str, Rule]) -> str:
    items = []
    for code in sorted(codes):
        rule = rules.get(code)
        if rule is not None:
            items.append(f"<li><b>{escape(code)} {escape(rule.title['zh'])}</b>：{escape(rule.fix['zh'])}</li>")
    return f'<div class="fix">怎么改 (how to fix)：<ul>{"".join(items)}</ul></div>' if items else ""


def _errors(report: Rollup, options: HtmlOptions) -> str:
    errors = report.errors
    if not report.error_count:
        return (
            '<section id="errors"><h2>无法审计的文件 <small>Unreadable files</small></h2><p>无 (none)。</p></section>'
        )
    items = "".join(
        f"<li><code>{escape(path)}</code>：{escape(message)}</li>"
        for path, _, message in errors[: options.errors_shown]
    )
    hidden = report.error_count - min(len(errors), options.errors_shown)
    more = f'<p class="note">另有 {hidden} 个未列出 (more not listed)。</p>' if hidden > 0 else ""
    return (
        f'<section id="errors"><h2>无法审计的文件 <small>Unreadable files ({report.error_count})</small></h2>'
        f"<p>这些文件无法读取或解析，未能审计，请人工检查 (could not be read; check by hand)。</p>"
        f"<ul>{items}</ul>{more}</section>"
    )


def _rule_reference(report: Rollup, rules: dict[str, Rule]) -> str:
    blocks = []
    for code in sorted(report.total.by_rule):
        rule = rules.get(code)
        if rule is None:
            continue
        basis = "".join(f"<li>{escape(b)}</li>" for b in rule.basis)
        blocks.append(
            f'<div class="unit" id="r-{escape(code)}"><h3>{escape(code)} {escape(rule.title["zh"])} '
            f"<small>{escape(rule.title['en'])}</small></h3>"
            f"<p>{escape(rule.description['zh'])}<br><small>{escape(rule.description['en'])}</small></p>"
            f"<p>为什么重要 (why)：{escape(rule.rationale['zh'])}</p>"
            f'<p class="fix">怎么改 (how to fix)：{escape(rule.fix["zh"])}'
            f"<br><small>{escape(rule.fix['en'])}</small></p>"
            f"<p>依据 (basis)：</p><ul>{basis}</ul></div>"
        )
    return f'<section id="rules"><h2>规则说明 <small>Rules</small></h2>{"".join(blocks) or "<p>无</p>"}</section>'

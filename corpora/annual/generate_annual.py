"""Generate the synthetic annual-report corpus for R301–R304.

One invented township report (青石镇, 2023; text and figures made up for this
corpus) is rendered four ways: ``clean.txt`` in the flattened one-cell-per-line
layout (``… |``), ``clean.md`` with pipe tables, ``clean.html`` with real
tables (rowspan/colspan as the 2021 format draws them) and ``clean.docx``
(python-docx, merged cells). Each variant plants exactly one error and is
rendered in the same layouts;
``labels.jsonl`` records, per file, the rule it must trigger and where.

    python corpora/annual/generate_annual.py [--out DIR]

Locations follow SPEC §5: txt/md → line/column of the number; html → line/column
(plus table/row for cells; ``col`` is left out because loaders may or may not
count cells covered by a rowspan); docx → table/row/col (grid columns) or
paragraph (1-based among body paragraphs).
"""

from __future__ import annotations

import argparse
import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Mark:
    """A figure or phrase in the prose whose location a label may need."""

    key: str
    text: str


Part = str | Mark
Paragraph = list[Part]

SECTION_TITLES = {
    1: "一、总体情况",
    2: "二、主动公开政府信息情况",
    3: "三、收到和处理政府信息公开申请情况",
    4: "四、政府信息公开行政复议、行政诉讼情况",
    5: "五、存在的主要问题及改进情况",
    6: "六、其他需要报告的事项",
}
B_HEADER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
B_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
# (key, label, group label or None); groups are drawn as merged cells in html/docx.
B_ROWS: tuple[tuple[str, str, str | None], ...] = (
    ("一", "一、本年新收政府信息公开申请数量", None),
    ("二", "二、上年结转政府信息公开申请数量", None),
    ("(一)", "（一）予以公开", "result"),
    ("(二)", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "result"),
    ("(三)1", "1.属于国家秘密", "（三）不予公开"),
    ("(三)2", "2.其他法律行政法规禁止公开", "（三）不予公开"),
    ("(三)3", "3.危及“三安全一稳定”", "（三）不予公开"),
    ("(三)4", "4.保护第三方合法权益", "（三）不予公开"),
    ("(三)5", "5.属于三类内部事务信息", "（三）不予公开"),
    ("(三)6", "6.属于四类过程性信息", "（三）不予公开"),
    ("(三)7", "7.属于行政执法案卷", "（三）不予公开"),
    ("(三)8", "8.属于行政查询事项", "（三）不予公开"),
    ("(四)1", "1.本机关不掌握相关政府信息", "（四）无法提供"),
    ("(四)2", "2.没有现成信息需要另行制作", "（四）无法提供"),
    ("(四)3", "3.补正后申请内容仍不明确", "（四）无法提供"),
    ("(五)1", "1.信访举报投诉类申请", "（五）不予处理"),
    ("(五)2", "2.重复申请", "（五）不予处理"),
    ("(五)3", "3.要求提供公开出版物", "（五）不予处理"),
    ("(五)4", "4.无正当理由大量反复申请", "（五）不予处理"),
    ("(五)5", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理"),
    ("(六)1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "（六）其他处理"),
    ("(六)2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "（六）其他处理"),
    ("(六)3", "3.其他", "（六）其他处理"),
    ("(七)", "（七）总计", "result"),
    ("四", "四、结转下年度继续办理", None),
)
RESULT_GROUP = "三、本年度办理结果"
C_PARTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
# Table A as four small tables: caption, header, rows (label, key).
A_BLOCKS = (
    ("第二十条第（一）项", ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"), ("规章", "行政规范性文件")),
    ("第二十条第（五）项", ("信息内容", "本年处理决定数量"), ("行政许可",)),
    ("第二十条第（六）项", ("信息内容", "本年处理决定数量"), ("行政处罚", "行政强制")),
    ("第二十条第（八）项", ("信息内容", "本年收费金额（单位：万元）"), ("行政事业性收费",)),
)
# Zero cells the flattened text and the docx leave blank (blank = 0).
BLANK_ROWS = ("(三)5", "(三)6", "(三)7", "(三)8")
BLANK_CELLS = (("一", 2), ("一", 3), ("一", 5))


@dataclass
class Report:
    """Everything a rendering needs; variants are deep copies with one change."""

    facts: dict[str, str]
    table_a: dict[str, list[int]]
    table_b: dict[str, list[int]]
    table_c: list[int]
    omit_sections: set[int] = field(default_factory=set)
    omit_headings: set[int] = field(default_factory=set)


def clean_report() -> Report:
    b = {key: [0] * 7 for key, _, _ in B_ROWS}
    b["一"] = [11, 2, 0, 0, 1, 0, 14]
    b["二"] = [1, 0, 0, 0, 0, 0, 1]
    b["(一)"] = [5, 1, 0, 0, 1, 0, 7]
    b["(二)"] = [1, 0, 0, 0, 0, 0, 1]
    b["(三)4"] = [1, 0, 0, 0, 0, 0, 1]
    b["(四)1"] = [2, 1, 0, 0, 0, 0, 3]
    b["(五)2"] = [1, 0, 0, 0, 0, 0, 1]
    b["(七)"] = [10, 2, 0, 0, 1, 0, 13]
    b["四"] = [2, 0, 0, 0, 0, 0, 2]
    return Report(
        facts={
            "published": "412",
            "cat_org": "18",
            "cat_budget": "24",
            "cat_welfare": "156",
            "cat_rural": "87",
            "cat_emergency": "41",
            "cat_other": "86",
            "normative_issued": "2",
            "received": "14",
            "done": "13",
            "review": "3",
            "review_upheld": "2",
            "review_corrected": "1",
        },
        table_a={
            "规章": [0, 0, 0],
            "行政规范性文件": [2, 1, 9],
            "行政许可": [37],
            "行政处罚": [12],
            "行政强制": [0],
            "行政事业性收费": [0],
        },
        table_b=b,
        table_c=[2, 1, 0, 0, 3] + [0] * 10,
    )


def prose(report: Report) -> dict[int, list[Paragraph]]:
    """The report's own words; 0 = title and preamble. Marked parts can be located."""
    f = report.facts

    def m(key: str) -> Mark:
        return Mark(key, f[key])

    return {
        0: [
            ["青石镇人民政府2023年政府信息公开工作年度报告"],
            [
                "本报告依据《中华人民共和国政府信息公开条例》和国家规定的年度报告格式编制，"
                "所列数据的统计期限为2023年1月1日至2023年12月31日。"
            ],
        ],
        1: [
            [
                "（一）主动公开情况。全年通过镇政府门户网站和政务公开栏主动公开政府信息",
                m("published"),
                "条（其中：机构职能信息",
                m("cat_org"),
                "条、财政预决算信息",
                m("cat_budget"),
                "条、民生保障信息",
                m("cat_welfare"),
                "条、乡村振兴信息",
                m("cat_rural"),
                "条、应急管理信息",
                m("cat_emergency"),
                "条、其他信息",
                m("cat_other"),
                "条）。本年度",
                Mark("no_rules", "未制发规章"),
                "，制发行政规范性文件",
                m("normative_issued"),
                "件；作出行政许可决定若干，",
                Mark("no_enforcement", "无行政强制事项"),
                "，",
                Mark("no_fees", "无行政事业性收费"),
                "。",
            ],
            [
                "（二）依申请公开情况。本年度共收到政府信息公开申请",
                m("received"),
                "件，全年办结",
                m("done"),
                "件，均在法定期限内作出答复。",
            ],
            [
                "（三）政府信息管理情况。镇党政办公室负责政府信息的收集、审核和发布，"
                "信息发布前均经拟稿、校对、审核三道程序，涉及个人信息的内容一律去标识化处理。"
            ],
            ["（四）政府信息公开平台建设情况。镇政府门户网站全年运行平稳，村务公开栏覆盖全镇9个行政村。"],
            [
                "（五）监督保障情况。全年召开政务公开专题会议3次，组织业务培训2次。本年度发生政府信息公开行政复议",
                m("review"),
                "件，其中结果维持",
                m("review_upheld"),
                "件，结果纠正",
                m("review_corrected"),
                "件；",
                Mark("no_litigation", "未发生政府信息公开行政诉讼"),
                "。",
            ],
        ],
        5: [
            [
                "一是部分村级公开栏更新不够及时；二是政策解读形式较为单一。"
                "下一步，我镇将建立村级公开栏月度巡查制度，并通过图解、短视频等方式丰富政策解读。"
            ]
        ],
        6: [["本年度未收取政府信息公开信息处理费。无其他需要报告的事项。"]],
    }


def _cell_text(report: Report, layout: str, key: str, col: int) -> str:
    value = report.table_b[key][col]
    if value == 0 and layout in ("txt", "docx") and (key in BLANK_ROWS or (key, col) in BLANK_CELLS):
        return ""
    if layout == "html" and key == "一" and col == 6:
        return str(value).translate(str.maketrans("0123456789", "０１２３４５６７８９"))  # full-width
    return str(value)


# ---------------------------------------------------------------- txt (flattened)


class TextOut:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.marks: dict[str, dict[str, Any]] = {}

    def line(self, text: str, mark: str | None = None, column: int = 1) -> None:
        self.lines.append(text)
        if mark:
            self.marks[mark] = {"line": len(self.lines), "column": column}

    def paragraph(self, parts: Paragraph) -> None:
        text = ""
        for part in parts:
            if isinstance(part, Mark):
                self.marks[f"N:{part.key}"] = {"line": len(self.lines) + 1, "column": len(text) + 1}
                text += part.text
            else:
                text += part
        self.lines.append(text)

    def cell(self, text: str, mark: str | None = None) -> None:
        self.line(f"{text} |" if text else "|", mark)


def render_txt(report: Report) -> tuple[str, dict[str, dict[str, Any]]]:
    out = TextOut()
    words = prose(report)
    for para in words[0]:
        out.paragraph(para)
    for number, title in SECTION_TITLES.items():
        if number in report.omit_sections:
            continue
        if number not in report.omit_headings:
            out.line(title, f"H:{number}")
        if number == 2:
            for caption, header, labels in A_BLOCKS:
                for text in (caption, *header):
                    out.cell(text)
                for label in labels:
                    out.cell(label)
                    for i, value in enumerate(report.table_a[label]):
                        out.cell(str(value), f"A:{label}:{i}")
        elif number == 3:
            for text in (B_HEADER_NOTE, "申请人情况", "自然人", "法人或其他组织", "总计"):
                out.cell(text)
            for text in ("商业 企业", "科研 机构", "社会公益组织", "法律服务机构", "其他"):
                out.cell(text)
            group = None
            for key, label, row_group in B_ROWS:
                if row_group == "result" and group is None:
                    out.cell(RESULT_GROUP)
                if row_group not in (None, "result") and row_group != group:
                    out.cell(row_group)
                group = row_group or group
                out.cell(label)
                for col in range(7):
                    out.cell(_cell_text(report, "txt", key, col), f"B:{key}:{col}")
        elif number == 4:
            for text in ("行政复议", "行政诉讼", "结果维持", "结果 纠正", "其他 结果", "尚未 审结", "总计"):
                out.cell(text)
            out.cell("未经复议直接起诉")
            out.cell("复议后起诉")
            for _ in range(2):
                for text in ("结果 维持", "结果 纠正", "其他 结果", "尚未 审结", "总计"):
                    out.cell(text)
            for i, value in enumerate(report.table_c):
                out.cell(str(value), f"C:{i}")
        else:
            for para in words[number]:
                out.paragraph(para)
    return "\n".join(out.lines) + "\n", out.marks


# ---------------------------------------------------------------- markdown


def render_md(report: Report) -> tuple[str, dict[str, dict[str, Any]]]:
    """Markdown: headings with ``##``, pipe tables with one label column (no merged cells)."""
    out = TextOut()
    words = prose(report)
    out.line("# " + "".join(p if isinstance(p, str) else p.text for p in words[0][0]))
    for para in words[0][1:]:
        out.paragraph(para)

    def row(cells: list[tuple[str, str | None]]) -> None:
        text = "|"
        for cell, mark in cells:
            text += " "
            if mark:
                out.marks[mark] = {"line": len(out.lines) + 1, "column": len(text) + 1}
            text += f"{cell} |"
        out.lines.append(text)

    def header(names: list[str]) -> None:
        row([(name, None) for name in names])
        out.lines.append("|" + "---|" * len(names))

    for number, title in SECTION_TITLES.items():
        if number in report.omit_sections:
            continue
        if number not in report.omit_headings:
            out.line(f"## {title}", f"H:{number}", column=4)
        if number == 2:
            for caption, head, labels in A_BLOCKS:
                out.line(caption)
                header(list(head))
                for label in labels:
                    values = report.table_a[label]
                    row([(label, None)] + [(str(v), f"A:{label}:{i}") for i, v in enumerate(values)])
        elif number == 3:
            header(["申请人情况", *B_COLUMNS])
            for key, label, group in B_ROWS:
                name = label if group in (None, "result") else f"{group}{label}"
                if key == "(一)":
                    name = f"{RESULT_GROUP}{label}"
                row([(name, None)] + [(_cell_text(report, "md", key, c), f"B:{key}:{c}") for c in range(7)])
        elif number == 4:
            header([f"{group}{part}" for group in ("行政复议", "直接起诉", "复议后起诉") for part in C_PARTS])
            row([(str(v), f"C:{i}") for i, v in enumerate(report.table_c)])
        else:
            for para in words[number]:
                out.paragraph(para)
    return "\n".join(out.lines) + "\n", out.marks


# ---------------------------------------------------------------- html


class HtmlOut:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.marks: dict[str, dict[str, Any]] = {}
        self.table = 0
        self.row = 0

    def raw(self, text: str) -> None:
        self.lines.append(text)

    def element(self, tag: str, parts: Paragraph | str, mark: str | None = None) -> None:
        opening = f"<{tag}>"
        text = ""
        for part in [parts] if isinstance(parts, str) else parts:
            if isinstance(part, Mark):
                column = len(opening) + len(text) + 1
                self.marks[f"N:{part.key}"] = {"line": len(self.lines) + 1, "column": column}
                text += part.text
            else:
                text += part
        if mark:
            self.marks[mark] = {"line": len(self.lines) + 1, "column": len(opening) + 1}
        self.lines.append(f"{opening}{text}</{tag}>")

    def start_table(self) -> None:
        self.table += 1
        self.row = 0
        self.raw('<table border="1">')

    def tr(self, cells: list[tuple[str, int, dict[str, int], str | None]]) -> None:
        """cells: (text, grid col — documentation only, span attributes, mark)."""
        self.row += 1
        self.raw("<tr>")
        for text, _col, spans, mark in cells:
            attrs = "".join(f' {name}="{value}"' for name, value in spans.items())
            prefix = f"  <td{attrs}>"
            if mark:
                # No "col": loaders count columns differently under rowspans; line/column is exact.
                self.marks[mark] = {
                    "table": self.table,
                    "row": self.row,
                    "line": len(self.lines) + 1,
                    "column": len(prefix) + 1,
                }
            self.raw(f"{prefix}{text}</td>")
        self.raw("</tr>")


def render_html(report: Report) -> tuple[str, dict[str, dict[str, Any]]]:
    out = HtmlOut()
    words = prose(report)
    out.raw("<!DOCTYPE html>")
    out.raw('<html lang="zh-CN">')
    out.raw('<head><meta charset="utf-8"><title>政府信息公开工作年度报告</title></head>')
    out.raw("<body>")
    out.element("h1", words[0][0])
    out.element("p", words[0][1])
    for number, title in SECTION_TITLES.items():
        if number in report.omit_sections:
            continue
        if number not in report.omit_headings:
            out.element("h2", title, f"H:{number}")
        if number == 2:
            _html_table_a(out, report)
        elif number == 3:
            _html_table_b(out, report)
        elif number == 4:
            _html_table_c(out, report)
        else:
            for para in words[number]:
                out.element("p", para)
    out.raw("</body>")
    out.raw("</html>")
    return "\n".join(out.lines) + "\n", out.marks


def _html_table_a(out: HtmlOut, report: Report) -> None:
    for caption, header, labels in A_BLOCKS:
        out.start_table()
        out.tr([(caption, 1, {"colspan": len(header)}, None)])
        out.tr([(text, i + 1, {}, None) for i, text in enumerate(header)])
        for label in labels:
            values = report.table_a[label]
            cells = [(label, 1, {}, None)]
            cells += [(str(v), i + 2, {}, f"A:{label}:{i}") for i, v in enumerate(values)]
            out.tr(cells)
        out.raw("</table>")


def _html_table_b(out: HtmlOut, report: Report) -> None:
    out.start_table()
    out.tr([(B_HEADER_NOTE, 1, {"rowspan": 3, "colspan": 3}, None), ("申请人情况", 4, {"colspan": 7}, None)])
    out.tr(
        [
            ("自然人", 4, {"rowspan": 2}, None),
            ("法人或其他组织", 5, {"colspan": 5}, None),
            ("总计", 10, {"rowspan": 2}, None),
        ]
    )
    out.tr([(name, 5 + i, {}, None) for i, name in enumerate(B_COLUMNS[1:6])])
    result_rows = sum(1 for _, _, group in B_ROWS if group is not None)
    group_sizes: dict[str, int] = {}
    for _, _, group in B_ROWS:
        if group not in (None, "result"):
            group_sizes[group] = group_sizes.get(group, 0) + 1
    current = None
    for key, label, group in B_ROWS:
        cells: list[tuple[str, int, dict[str, int], str | None]] = []
        if group is None:
            cells.append((label, 1, {"colspan": 3}, None))
        else:
            if key == "(一)":
                cells.append((RESULT_GROUP, 1, {"rowspan": result_rows}, None))
            if group == "result":
                cells.append((label, 2, {"colspan": 2}, None))
            else:
                if group != current:
                    cells.append((group, 2, {"rowspan": group_sizes[group]}, None))
                cells.append((label, 3, {}, None))
        current = group
        for col in range(7):
            cells.append((_cell_text(report, "html", key, col), 4 + col, {}, f"B:{key}:{col}"))
        out.tr(cells)
    out.raw("</table>")


def _html_table_c(out: HtmlOut, report: Report) -> None:
    out.start_table()
    out.tr([("行政复议", 1, {"colspan": 5}, None), ("行政诉讼", 6, {"colspan": 10}, None)])
    row = [(name, i + 1, {"rowspan": 2}, None) for i, name in enumerate(C_PARTS)]
    row += [("未经复议直接起诉", 6, {"colspan": 5}, None), ("复议后起诉", 11, {"colspan": 5}, None)]
    out.tr(row)
    out.tr([(name, 6 + i, {}, None) for i, name in enumerate(C_PARTS * 2)])
    out.tr([(str(v), i + 1, {}, f"C:{i}") for i, v in enumerate(report.table_c)])
    out.raw("</table>")


# ---------------------------------------------------------------- docx


def render_docx(report: Report, path: Path) -> dict[str, dict[str, Any]]:
    """Write ``path``; needs python-docx (the corpus ships the result)."""
    import docx  # python-docx

    document = docx.Document()
    marks: dict[str, dict[str, Any]] = {}
    state = {"paragraphs": 0, "tables": 0}
    words = prose(report)

    def paragraph(parts: Paragraph | str, mark: str | None = None) -> None:
        state["paragraphs"] += 1
        text = ""
        for part in [parts] if isinstance(parts, str) else parts:
            if isinstance(part, Mark):
                marks[f"N:{part.key}"] = {"paragraph": state["paragraphs"]}
                text += part.text
            else:
                text += part
        document.add_paragraph(text)
        if mark:
            marks[mark] = {"paragraph": state["paragraphs"]}

    def table(rows: int, cols: int) -> Any:
        state["tables"] += 1
        return document.add_table(rows=rows, cols=cols)

    def put(grid: Any, row: int, col: int, text: str, mark: str | None = None) -> None:
        grid.cell(row - 1, col - 1).text = text
        if mark:
            marks[mark] = {"table": state["tables"], "row": row, "col": col}

    def merge(grid: Any, top: int, left: int, bottom: int, right: int, text: str) -> None:
        cell = grid.cell(top - 1, left - 1).merge(grid.cell(bottom - 1, right - 1))
        cell.text = text

    for para in words[0]:
        paragraph(para)
    for number, title in SECTION_TITLES.items():
        if number in report.omit_sections:
            continue
        if number not in report.omit_headings:
            paragraph(title, f"H:{number}")
        if number == 2:
            for caption, header, labels in A_BLOCKS:
                grid = table(2 + len(labels), len(header))
                merge(grid, 1, 1, 1, len(header), caption)
                for i, text in enumerate(header):
                    put(grid, 2, i + 1, text)
                for r, label in enumerate(labels, start=3):
                    put(grid, r, 1, label)
                    for i, value in enumerate(report.table_a[label]):
                        put(grid, r, i + 2, str(value), f"A:{label}:{i}")
        elif number == 3:
            grid = table(3 + len(B_ROWS), 10)
            merge(grid, 1, 1, 3, 3, B_HEADER_NOTE)
            merge(grid, 1, 4, 1, 10, "申请人情况")
            merge(grid, 2, 4, 3, 4, "自然人")
            merge(grid, 2, 5, 2, 9, "法人或其他组织")
            merge(grid, 2, 10, 3, 10, "总计")
            for i, name in enumerate(B_COLUMNS[1:6]):
                put(grid, 3, 5 + i, name)
            first_result = 4 + [k for k, _, _ in B_ROWS].index("(一)")
            last_result = 4 + [k for k, _, _ in B_ROWS].index("(七)")
            merge(grid, first_result, 1, last_result, 1, RESULT_GROUP)
            spans: dict[str, list[int]] = {}
            for r, (key, label, group) in enumerate(B_ROWS, start=4):
                if group is None:
                    merge(grid, r, 1, r, 3, label)
                elif group == "result":
                    merge(grid, r, 2, r, 3, label)
                else:
                    spans.setdefault(group, []).append(r)
                    put(grid, r, 3, label)
                for col in range(7):
                    put(grid, r, 4 + col, _cell_text(report, "docx", key, col), f"B:{key}:{col}")
            for group, rows in spans.items():
                merge(grid, rows[0], 2, rows[-1], 2, group)
        elif number == 4:
            grid = table(4, 15)
            merge(grid, 1, 1, 1, 5, "行政复议")
            merge(grid, 1, 6, 1, 15, "行政诉讼")
            for i, name in enumerate(C_PARTS):
                merge(grid, 2, i + 1, 3, i + 1, name)
            merge(grid, 2, 6, 2, 10, "未经复议直接起诉")
            merge(grid, 2, 11, 2, 15, "复议后起诉")
            for i, name in enumerate(C_PARTS * 2):
                put(grid, 3, 6 + i, name)
            for i, value in enumerate(report.table_c):
                put(grid, 4, i + 1, str(value), f"C:{i}")
        else:
            for para in words[number]:
                paragraph(para)
    document.core_properties.title = "政府信息公开工作年度报告（合成样本）"
    document.save(str(path))
    return marks


# ---------------------------------------------------------------- variants


@dataclass(frozen=True)
class Variant:
    name: str
    rule_id: str
    where: str  # mark key of the location the finding must point at
    change: Callable[[Report], None]
    note: str


def _set_b(key: str, col: int, delta: int, with_total: bool = True) -> Callable[[Report], None]:
    def change(report: Report) -> None:
        report.table_b[key][col] += delta
        if with_total:
            report.table_b[key][6] += delta

    return change


def _set_fact(key: str, value: str) -> Callable[[Report], None]:
    def change(report: Report) -> None:
        report.facts[key] = value

    return change


def _omit(number: int, heading_only: bool) -> Callable[[Report], None]:
    def change(report: Report) -> None:
        (report.omit_headings if heading_only else report.omit_sections).add(number)

    return change


def _set_c(*pairs: tuple[int, int]) -> Callable[[Report], None]:
    def change(report: Report) -> None:
        for index, value in pairs:
            report.table_c[index] = value

    return change


def _set_a(label: str, index: int, value: int) -> Callable[[Report], None]:
    def change(report: Report) -> None:
        report.table_a[label][index] = value

    return change


VARIANTS = (
    Variant("r301_no_problems_section", "R301", "H:6", _omit(5, False), "section 五 removed"),
    Variant("r301_no_overview_heading", "R301", "H:2", _omit(1, True), "heading 一、总体情况 removed"),
    Variant("r302_carry_out_natural", "R302", "B:四:0", _set_b("四", 0, 1), "结转下年度 自然人 +1 (row total kept)"),
    Variant("r302_carry_in_business", "R302", "B:四:1", _set_b("二", 1, 1), "上年结转 商业企业 +1 (row total kept)"),
    Variant("r303_row_total", "R303", "B:(一):6", _set_b("(一)", 6, 1, False), "（一）予以公开 总计 +1"),
    Variant("r303_part_row_total", "R303", "B:(四)1:6", _set_b("(四)1", 6, 1, False), "（四）1 总计 +1"),
    Variant("r303_results_total", "R303", "B:(七):0", _set_b("(三)4", 0, 1), "（三）4 自然人 +1, （七） unchanged"),
    Variant("r303_review_total", "R303", "C:4", _set_c((2, 1)), "行政复议 其他结果 0→1, 总计 unchanged"),
    Variant("r304_received", "R304", "N:received", _set_fact("received", "17"), "text says 17 received, table 14"),
    Variant("r304_done", "R304", "N:done", _set_fact("done", "12"), "text says 12 decided, table 13"),
    Variant("r304_issued", "R304", "N:normative_issued", _set_fact("normative_issued", "3"), "text 3 规范性文件"),
    Variant("r304_breakdown", "R304", "N:published", _set_fact("cat_welfare", "165"), "breakdown sums to 421, not 412"),
    Variant("r304_review", "R304", "N:review", _set_fact("review", "4"), "text 4 复议, table 3"),
    Variant("r304_zero_enforcement", "R304", "N:no_enforcement", _set_a("行政强制", 0, 3), "“无行政强制” but table 3"),
    Variant("r304_zero_litigation", "R304", "N:no_litigation", _set_c((5, 1), (9, 1)), "“未发生行政诉讼” but 1"),
)


def generate(out_dir: Path, with_docx: bool = True) -> list[dict[str, Any]]:
    """Write the clean renderings, the variants and labels.jsonl; return the labels."""
    variants_dir = out_dir / "variants"
    variants_dir.mkdir(parents=True, exist_ok=True)
    labels: list[dict[str, Any]] = []
    jobs = [("clean", None, clean_report())]
    for variant in VARIANTS:
        report = copy.deepcopy(clean_report())
        variant.change(report)
        jobs.append((variant.name, variant, report))
    for name, variant, report in jobs:
        folder = out_dir if variant is None else variants_dir
        rendered: dict[str, dict[str, dict[str, Any]]] = {}
        text, rendered["txt"] = render_txt(report)
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        markdown, rendered["md"] = render_md(report)
        (folder / f"{name}.md").write_text(markdown, encoding="utf-8")
        html, rendered["html"] = render_html(report)
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
        if with_docx:
            rendered["docx"] = render_docx(report, folder / f"{name}.docx")
        if variant is None:
            continue
        for layout, marks in rendered.items():
            labels.append(
                {
                    "path": f"variants/{name}.{layout}",
                    "rule_id": variant.rule_id,
                    "location": marks[variant.where],
                    "layout": layout,
                    "change": variant.note,
                }
            )
    with (out_dir / "labels.jsonl").open("w", encoding="utf-8") as handle:
        for label in labels:
            handle.write(json.dumps(label, ensure_ascii=False) + "\n")
    return labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--no-docx", action="store_true", help="skip .docx (python-docx not installed)")
    args = parser.parse_args()
    labels = generate(args.out, with_docx=not args.no_docx)
    print(f"wrote clean renderings and {len(labels)} labelled variants to {args.out}")


if __name__ == "__main__":
    main()

"""Annual-report checker (R301–R304): parsers, arithmetic, prose, corpus, real reports.

The HTML and DOCX documents here are built by small adapters in this file
(html.parser / python-docx), shaped like the loaders' output (cells with
static table/row/col keys, paragraphs), so the checker is tested on every
layout before those loaders exist. One end-to-end test goes through
``auditor.engine.scan_paths`` and skips while the engine is not there.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.annual.arithmetic import check_tables
from auditor.annual.base import SourceLine
from auditor.annual.narrative import breakdowns, claims
from auditor.annual.numbers import fmt, fold_full_width, parse_cell
from auditor.annual.parse_flat import rows_from_flat
from auditor.annual.parse_grid import rows_from_cells, rows_from_markdown
from auditor.annual.parse_layout import rows_from_layout
from auditor.annual.prose import paragraphs
from auditor.annual.report import analyse, region_rows
from auditor.annual.sections import find_headings, heading_section, table_regions
from auditor.annual.source import document_lines
from auditor.annual.tables import B_ALL, TableB, Unparsed, map_table_b, map_table_c
from auditor.checks.annual_report import check_annual_report
from auditor.findings import FindingMaker
from auditor.model import Block, Document, FixedLocator, Piece, PiecesLocator, TextLocator
from auditor.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpora" / "annual"
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_87dd774a6789ddfd.txt"
REAL = SHARED / "real" / "annual"
HAS_DOCX = importlib.util.find_spec("docx") is not None


# ---------------------------------------------------------------- documents as loaders shape them


def text_document(text: str, path: str = "report.txt") -> Document:
    return Document(path, "txt", [Block(text, TextLocator(text))])


class _HtmlBlocks(HTMLParser):
    """p/h*/li/td/th containers -> blocks; cells get grid table/row/col like the HTML loader."""

    CONTAINERS: ClassVar[set[str]] = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.open: tuple[str, list[Piece], list[str], dict[str, Any]] | None = None
        self.table = 0
        self.row = 0
        self.taken: dict[int, set[int]] = {}
        self.paragraphs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "table":
            self.table += 1
            self.row = 0
            self.taken = {}
        elif tag == "tr":
            self.row += 1
        if tag in self.CONTAINERS:
            static: dict[str, Any] = {}
            if tag in ("td", "th"):
                col = 1
                while col in self.taken.get(self.row, set()):
                    col += 1
                rows, cols = int(values.get("rowspan") or 1), int(values.get("colspan") or 1)
                for r in range(self.row, self.row + rows):
                    self.taken.setdefault(r, set()).update(range(col, col + cols))
                static = {"table": self.table, "row": self.row, "col": col, "field": None}
            self.open = (tag, [], [], static)

    def handle_data(self, data: str) -> None:
        if self.open is None:
            return
        _, pieces, texts, _ = self.open
        line, offset = self.getpos()
        pieces.append(Piece(sum(len(t) for t in texts), line, offset + 1))
        texts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self.open is None or self.open[0] != tag:
            return
        _, pieces, texts, static = self.open
        text = "".join(texts)
        if static:
            record: tuple[Any, ...] = ("table", static["table"], static["row"])
        else:
            self.paragraphs += 1
            record = ("block", self.paragraphs)
        pieces = pieces or [Piece(0, 1, 1)]
        self.blocks.append(Block(text, PiecesLocator(pieces, text, static, record)))
        self.open = None


def html_document(path: Path) -> Document:
    parser = _HtmlBlocks()
    parser.feed(path.read_text(encoding="utf-8"))
    return Document(str(path), "html", parser.blocks)


def docx_document(path: Path) -> Document:
    """Body paragraphs and table cells in order; merged cells once, at their top-left."""
    import docx

    document = docx.Document(str(path))
    blocks: list[Block] = []
    paragraph_index = table_index = 0
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            paragraph_index += 1
            text = "".join(node.text or "" for node in child.iter() if node.tag.endswith("}t"))
            location = {"paragraph": paragraph_index}
            blocks.append(Block(text, FixedLocator(location, ("paragraph", paragraph_index))))
        elif child.tag.endswith("}tbl"):
            table_index += 1
            table = docx.table.Table(child, document)
            seen: list[Any] = []  # lxml elements, kept alive so that ``is`` is meaningful
            for r, row in enumerate(table.rows, start=1):
                for c, cell in enumerate(row.cells, start=1):
                    if any(cell._tc is element for element in seen):
                        continue
                    seen.append(cell._tc)
                    location = {"table": table_index, "row": r, "col": c}
                    blocks.append(Block(cell.text, FixedLocator(location, ("table", table_index, r))))
    return Document(str(path), "docx", blocks)


def load(path: Path) -> Document:
    if path.suffix == ".html":
        return html_document(path)
    if path.suffix == ".docx":
        return docx_document(path)
    return text_document(path.read_text(encoding="utf-8"), str(path))


@pytest.fixture(scope="module")
def rules() -> dict[str, Any]:
    return load_rules()


def findings_for(document: Document, rules: dict[str, Any]) -> list[Any]:
    return check_annual_report(document, FindingMaker(rules, document.path))


def r_findings(document: Document, rules: dict[str, Any]) -> list[Any]:
    return [f for f in findings_for(document, rules) if f.rule_id.startswith("R3")]


def lines_of(*texts: str) -> list[SourceLine]:
    text = "\n".join(texts)
    block = Block(text, TextLocator(text))
    lines, start = [], 0
    for piece in texts:
        lines.append(SourceLine(piece, block, start))
        start += len(piece) + 1
    return lines


# ---------------------------------------------------------------- numbers and headings


@given(st.integers(min_value=0, max_value=10**9))
def test_full_width_digits_read_like_ascii(value: int) -> None:
    wide = str(value).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert parse_cell(wide) == (Decimal(value), False)
    assert parse_cell(f" {value} ") == (Decimal(value), False)
    assert fmt(Decimal(value)) == str(value)


def test_blank_cells_are_zero_and_words_are_not_numbers() -> None:
    assert parse_cell("") == (Decimal(0), True)
    assert parse_cell("—") == (Decimal(0), True)
    assert parse_cell("96171.6") == (Decimal("96171.6"), False)
    assert parse_cell("3,119") == (Decimal(3119), False)
    assert parse_cell("自然人") is None
    assert parse_cell("1.属于国家秘密") is None


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("一、总体情况", 1),
        ("  二、主动公开政府信息情况", 2),
        ("## 三、收到和处理政府信息公开申请情况", 3),
        ("四、政府信息公开行政复议、行政诉讼情况", 4),
        ("五、存在的主要问题及改进情况", 5),
        ("六、其他需要报告的事项", 6),
        ("其他需要报告的事项", 6),
        ("三、本年度办理结果", None),
        ("四、结转下年度继续办理", None),
        ("一、本年新收政府信息公开申请数量", None),
        ("6.收到和处理政府信息公开申请情况:无。", None),
        ("（一）主动公开情况。主要通过政府门户网站主动公开", None),
    ],
)
def test_headings_are_known_by_their_words(text: str, number: int | None) -> None:
    assert heading_section(text) == number


# ---------------------------------------------------------------- table parsing on lines and cells


SINGLE_SIX = [s for s in B_ALL if s.key not in ("(六)1", "(六)2", "(六)3")]


def _sub_label(key: str) -> str:
    """（三）1.属于国家秘密 -> 1.属于国家秘密, as the sub-row label stands in a table."""
    return next(s for s in B_ALL if s.key == key).name.split("）", 1)[1]


def _b_values(table: TableB | Unparsed) -> dict[str, list[int]]:
    assert isinstance(table, TableB), getattr(table, "reason", table)
    return {key: [int(n.value) for n in nums] for key, nums in table.rows.items()}


def test_flat_layout_with_split_headers_and_blank_cells() -> None:
    cells = ["申请人情况", "自然人", "法人或其他组织", "总计", "商业 企业", "科研 机构"]
    cells += ["社会公益组织", "法律服务机构", "其他"]
    rows = ["一、本年新收政府信息公开申请数量", "3", "", "", "", "", "", "3"]
    rows += ["二、上年结转政府信息公开申请数量"] + ["0"] * 7
    rows += ["三、本年度办理结果", "(一)予以公开", "2", "", "", "", "", "", "2"]
    rows += ["(二)部分公开"] + [""] * 7
    for group, items in (("(三)不予公开", 8), ("(四)无法提供", 3), ("(五)不予处理", 5)):
        rows.append(group)
        for i in range(items):
            rows += [_sub_label(f"{group[:3]}{i + 1}")] + [""] * 7
    rows += ["(六)其他处理"] + ["0"] * 7
    rows += ["(七)总计", "2", "0", "0", "0", "0", "0", "2"]
    rows += ["四、结转下年度继续办理", "1", "0", "0", "0", "0", "0", "1"]
    lines = lines_of(*[f"{c} |" if c else "|" for c in cells + rows])
    table = map_table_b(rows_from_flat(lines))
    values = _b_values(table)
    assert values["一"] == [3, 0, 0, 0, 0, 0, 3]
    assert values["(六)"] == [0] * 7
    assert values["四"] == [1, 0, 0, 0, 0, 0, 1]
    assert check_tables(table, None) == []  # 3 + 0 = 2 + 1


def test_layout_rows_with_wrapped_labels_and_scattered_group_labels() -> None:
    labels = SINGLE_SIX
    text: list[str] = ["   自然人   商业 科研   总计", "        企业 机构"]
    for slot in labels:
        if slot.key == "(二)":
            text += ["（二）部分公开（区分处理的，只计这一情", "   1  0  0  0  0  0  1", "形，不计其他情形）"]
            continue
        if slot.key == "(三)5":
            text.append("本")  # a character of 三、本年度办理结果 printed vertically
        text.append(f"    {slot.name}      1   0   0   0   0   0   1")
        text.append("       -3-")
    rows = rows_from_layout(lines_of(*text))
    table = map_table_b(rows)
    values = _b_values(table)
    assert len(values) == len(labels)
    assert all(v == [1, 0, 0, 0, 0, 0, 1] for v in values.values())


def test_a_row_labelled_as_another_item_is_unparseable_not_guessed() -> None:
    text = ["一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1", "（一）予以公开 1 0 0 0 0 0 1"]
    table = map_table_b(rows_from_layout(lines_of(*text)))
    assert isinstance(table, Unparsed)
    assert "上年结转" in table.reason


def test_a_row_with_missing_cells_in_layout_text_is_unparseable() -> None:
    text = [f"{slot.name} 0 0 0 0 0 0 0" for slot in SINGLE_SIX]
    text[0] = "一、本年新收政府信息公开申请数量   3      3"
    table = map_table_b(rows_from_layout(lines_of(*text)))
    assert isinstance(table, Unparsed)
    assert "有 2 个数字" in table.reason


def test_a_row_printed_without_figures_is_not_filled_from_the_next_row() -> None:
    text = [f"{slot.name} 1 0 0 0 0 0 1" for slot in SINGLE_SIX]
    text[4] = SINGLE_SIX[4].name  # （三）1 row with every cell blank: page text shows only its label
    table = map_table_b(rows_from_layout(lines_of(*text)))
    assert isinstance(table, Unparsed)
    assert "国家秘密" in table.reason


def test_only_total_column_filled_is_checked_on_the_total_column() -> None:
    slots = SINGLE_SIX
    amounts = {"一": 5, "(一)": 3, "(七)": 3, "四": 1}  # 5 + 0 ≠ 3 + 1
    text = [f"{slot.name}   {amounts.get(slot.key, 0)}" for slot in slots]
    table = map_table_b(rows_from_layout(lines_of(*text)))
    assert isinstance(table, TableB) and table.totals_only
    problems = check_tables(table, None)
    assert [p.rule_id for p in problems] == ["R302"]
    assert "总计" in problems[0].detail


def _grid_lines(table: int, grid: list[list[tuple[int, str]]]) -> list[SourceLine]:
    lines: list[SourceLine] = []
    for r, cells in enumerate(grid, start=1):
        for col, text in cells:
            key = {"table": table, "row": r, "col": col, "field": None}
            block = Block(text, FixedLocator(key, ("table", table, r)))
            lines.append(SourceLine(text, block, 0, ((None, table), r, col)))
    return lines


def test_grid_columns_follow_header_labels_and_missing_cells_are_blank() -> None:
    names = ["总计", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    grid = [[(1, "申请人情况")] + [(2 + i, name) for i, name in enumerate(names)]]
    for slot in SINGLE_SIX:
        values = [(col, "0") for col in range(2, 9)]
        if slot.key == "一":
            values[0:2] = [(2, "2"), (3, "2")]
        if slot.key == "(三)1":
            values = [(2, "0"), (5, "0")]  # cells a loader dropped because they were empty
        grid.append([(1, slot.name), *values])
    values = _b_values(map_table_b(rows_from_cells(_grid_lines(1, grid))))
    assert values["一"] == [2, 0, 0, 0, 0, 0, 2]  # 总计 printed first, read by its label
    assert values["(三)1"] == [0] * 7


def test_markdown_pipe_table_is_a_grid() -> None:
    text = ["| 行政复议 | | | | | 行政诉讼 |", "|---|---|---|---|---|---|"]
    text.append("| " + " | ".join(["1", "1", "0", "0", "2"] + ["0"] * 5 + ["1", "0", "0", "0", "1"]) + " |")
    table = map_table_c(rows_from_markdown(lines_of(*text)))
    assert not isinstance(table, Unparsed)
    assert check_tables(None, table) == []


# ---------------------------------------------------------------- arithmetic as a property


def _consistent_b(draw: st.DrawFn) -> dict[str, list[int]]:
    keys = [s.key for s in SINGLE_SIX]
    result_keys = [k for k in keys if k not in ("一", "二", "(七)", "四")]
    figures: dict[str, list[int]] = {}
    for key in [*result_keys, "二", "四"]:
        figures[key] = [draw(st.integers(0, 40)) for _ in range(6)]
    figures["(七)"] = [sum(figures[k][c] for k in result_keys) for c in range(6)]
    figures["一"] = [figures["(七)"][c] + figures["四"][c] for c in range(6)]
    figures["二"] = [0] * 6
    for key in keys:
        figures[key] = figures[key] + [sum(figures[key])]
    return figures


def _table_b_from(figures: dict[str, list[int]]) -> TableB:
    slots = [s for s in B_ALL if s.key in figures]
    order = [s.key for s in B_ALL]
    slots.sort(key=lambda s: order.index(s.key))
    text = [f"{s.name} " + " ".join(str(v) for v in figures[s.key]) for s in slots]
    table = map_table_b(rows_from_layout(lines_of(*text)))
    assert isinstance(table, TableB)
    return table


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_consistent_tables_pass_and_one_wrong_figure_is_found_where_it_shows(data: st.DataObject) -> None:
    figures = _consistent_b(data.draw)
    assert check_tables(_table_b_from(figures), None) == []
    key = data.draw(st.sampled_from(sorted(figures)))
    col = data.draw(st.integers(0, 6))
    delta = data.draw(st.integers(1, 5))
    figures[key][col] += delta
    if col != 6:
        figures[key][6] += delta  # the row still adds up: one wrong figure, not two
    table = _table_b_from(figures)
    found = sorted((p.rule_id, p.ref.line.text.split(" ", 1)[0]) for p in check_tables(table, None))
    name = {s.key: s.name for s in B_ALL}
    if col == 6:
        expected = [("R303", name[key])]
    elif key in ("一", "二", "四"):
        expected = [("R302", name["四"])]
    elif key == "(七)":
        expected = [("R302", name["四"]), ("R303", name["(七)"])]
    else:
        expected = [("R303", name["(七)"])]
    assert found == expected


# ---------------------------------------------------------------- prose


@given(st.lists(st.integers(1, 30), min_size=1, max_size=6))
def test_paragraph_offsets_map_back_to_the_source_lines(cuts: list[int]) -> None:
    sentence = "本年度共收到政府信息公开申请14件，全年办结13件，其中结果维持2件，结果纠正1件。"
    pieces, rest = [], sentence
    for cut in cuts:
        if len(rest) > cut and not (rest[cut - 1].isdigit() and rest[cut].isdigit()):
            pieces.append(rest[:cut])
            rest = rest[cut:]
    pieces.append(rest)
    (paragraph,) = paragraphs(lines_of(*pieces))
    assert paragraph.text == fold_full_width(sentence)  # one line again, full-width punctuation folded
    at = sentence.index("13")
    ref = paragraph.ref(at, at + 2)
    assert ref.line.text[ref.start : ref.start + 1] == "1"


def _claims(text: str) -> list[tuple[str, str, bool]]:
    found = []
    for paragraph in paragraphs(lines_of(*text.split("\n"))):
        for claim in claims(paragraph, breakdowns(paragraph)):
            found.append((claim.target, claim.figure.text if not claim.zero else "0", claim.zero))
    return found


def test_claims_read_across_line_breaks_and_skip_counts_of_someone_else() -> None:
    text = "全市共受理政府信息公开申请 31\n件，答复 30 件（含上年度结转申请 3 件，另有 4 件顺延到下年度答复）。"
    assert _claims(text) == [
        ("B:received", "31", False),
        ("B:done", "30", False),
        ("B:carry_in", "3", False),
        ("B:carry_out", "4", False),
    ]
    assert _claims("区政府办代表区政府受理政府信息公开申请 17 件，均已答复。") == []
    assert _claims("有效降低行政复议、行政诉讼发生率和纠错率。") == []
    assert _claims("我镇没有行政处罚权。") == []


def test_zero_statements_become_zero_claims() -> None:
    assert _claims("没有因政府信息公开而提起的行政复议、行政诉讼。") == [
        ("C:review", "0", True),
        ("C:litigation", "0", True),
    ]
    assert ("A:规章:issued", "0", True) in _claims("本年未新制定规章和规范性文件,无行政许可事项。")
    assert ("B:received", "0", True) in _claims("6.收到和处理政府信息公开申请情况:无。")


def test_breakdown_ignores_nested_parentheses_and_other_units() -> None:
    (paragraph,) = paragraphs(lines_of("公开信息100条（其中：文件40条（含解读10条）、通知60条、会议2次）。"))
    (found,) = breakdowns(paragraph)
    assert [f.text for _, f in found.items] == ["40", "60"]


# ---------------------------------------------------------------- the synthetic corpus


LABELS = [json.loads(line) for line in (CORPUS / "labels.jsonl").read_text(encoding="utf-8").splitlines()]


def _needs(path: Path) -> None:
    if path.suffix == ".docx" and not HAS_DOCX:
        pytest.skip("python-docx is not installed")


@pytest.mark.parametrize("name", ["clean.txt", "clean.md", "clean.html", "clean.docx"])
def test_clean_renderings_have_no_findings(name: str, rules: dict[str, Any]) -> None:
    path = CORPUS / name
    _needs(path)
    assert findings_for(load(path), rules) == []


def test_corpus_has_every_rule_in_every_layout() -> None:
    assert len(LABELS) >= 20
    seen = {(label["rule_id"], label["layout"]) for label in LABELS}
    layouts = ("txt", "md", "html", "docx")
    assert seen == {(r, layout) for r in ("R301", "R302", "R303", "R304") for layout in layouts}


@pytest.mark.parametrize("label", LABELS, ids=[label["path"] for label in LABELS])
def test_variant_is_caught_with_rule_and_location(label: dict[str, Any], rules: dict[str, Any]) -> None:
    path = CORPUS / label["path"]
    _needs(path)
    found = r_findings(load(path), rules)
    assert len(found) == 1, [f.message for f in found]
    (finding,) = found
    assert finding.rule_id == label["rule_id"], finding.message
    assert {k: finding.location.get(k) for k in label["location"]} == label["location"], finding.message
    assert finding.severity == "error"


def test_generator_reproduces_the_committed_text_and_html(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("generate_annual", CORPUS / "generate_annual.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    labels = module.generate(tmp_path, with_docx=False)
    assert len(labels) == len([label for label in LABELS if label["layout"] != "docx"])
    for name in ("clean.txt", "clean.md", "clean.html", "variants/r304_breakdown.txt", "variants/r303_row_total.html"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (CORPUS / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------- unreadable tables and non-reports


def test_unparseable_table_is_an_info_finding_not_a_guess(rules: dict[str, Any]) -> None:
    text = (CORPUS / "clean.txt").read_text(encoding="utf-8")
    broken = text.replace("（七）总计 |", "（七）合计行 |\n备注 |\n5 |", 1)
    found = r_findings(text_document(broken), rules)
    assert [(f.rule_id, f.severity) for f in found] == [("R303", "info")]
    assert "无法确定" in found[0].message or "缺少" in found[0].message


def test_parts_of_a_restated_table_figure_are_checked_one_by_one(rules: dict[str, Any]) -> None:
    text = (CORPUS / "clean.txt").read_text(encoding="utf-8")
    swapped = text.replace("其中结果维持2件，结果纠正1件", "其中结果维持1件，结果纠正2件", 1)
    found = r_findings(text_document(swapped), rules)
    assert [f.rule_id for f in found] == ["R304", "R304"]
    assert all("复议诉讼表" in f.message for f in found)


def test_a_breakdown_short_of_its_total_is_a_warning(rules: dict[str, Any]) -> None:
    text = (CORPUS / "clean.txt").read_text(encoding="utf-8")
    partial = text.replace("、其他信息86条", "", 1)
    (finding,) = r_findings(text_document(partial), rules)
    assert (finding.rule_id, finding.severity) == ("R304", "warning")
    assert "412条 ≠ 其中各项之和 18 + 24 + 156 + 87 + 41 = 326条" in finding.message


def test_findings_are_stable_when_lines_move(rules: dict[str, Any]) -> None:
    text = (CORPUS / "variants" / "r302_carry_out_natural.txt").read_text(encoding="utf-8")
    (before,) = r_findings(text_document(text), rules)
    (after,) = r_findings(text_document("\n\n" + text), rules)
    assert after.location["line"] == before.location["line"] + 2
    assert after.fingerprint == before.fingerprint
    assert "新收 11 + 上年结转 1 ≠ 办理结果总计 10 + 结转下年度 3" in before.message


CLEAN_LINES = (CORPUS / "clean.txt").read_text(encoding="utf-8").splitlines()


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(CLEAN_LINES), max_size=120), st.booleans())
def test_any_jumble_of_report_lines_is_analysed_without_crashing(picked: list[str], layout: bool) -> None:
    if layout:  # the same cells as page-layout rows
        picked = [line.replace(" |", "   ") for line in picked]
    problems = analyse(lines_of(*picked)) or []
    for problem in problems:
        assert problem.rule_id in ("R301", "R302", "R303", "R304")
        problem.ref.position()


def test_other_documents_are_skipped_cheaply(rules: dict[str, Any]) -> None:
    notice = "关于2023年度低保资金发放情况的公示\n张三 500元\n" * 50
    assert findings_for(text_document(notice), rules) == []
    assert analyse(lines_of("关于推进政府信息公开工作的通知", "一、总体情况", "各村要做好公开。")) is None


# ---------------------------------------------------------------- the seed and the real reports


def _shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared holds the seed and real reports)")
    return path


def test_seed_report_is_consistent(rules: dict[str, Any]) -> None:
    document = text_document(_shared(SEED).read_text(encoding="utf-8"), str(SEED))
    assert findings_for(document, rules) == []
    stated = [b for p in paragraphs(document_lines(document)) for b in breakdowns(p)]
    assert [(b.total.text, len(b.items)) for b in stated] == [("508", 13)]  # the 508 is read and sums


@pytest.mark.parametrize("name", ["02_hongze_district_2024.txt", "03_huaian_city_2024.txt"])
def test_real_reports_are_consistent(name: str, rules: dict[str, Any]) -> None:
    path = _shared(REAL / name)
    document = text_document(path.read_text(encoding="utf-8"), str(path))
    assert findings_for(document, rules) == []
    assert analyse(document_lines(document)) == []


def test_real_report_tables_are_read_not_skipped() -> None:
    path = _shared(REAL / "03_huaian_city_2024.txt")
    text = path.read_text(encoding="utf-8")
    lines = document_lines(text_document(text))
    regions = table_regions(find_headings(lines), len(lines))
    table_b = map_table_b(region_rows(lines[slice(*regions[3])]))
    table_c = map_table_c(region_rows(lines[slice(*regions[4])]))
    assert _b_values(table_b)["(七)"][6] == 3050
    assert not isinstance(table_c, Unparsed) and int(table_c.cell(0, 4).value) == 351
    # a changed figure in the real table is caught
    broken = text.replace("3001        53", "3002        53", 1)
    problems = analyse(document_lines(text_document(broken)))
    assert problems and {p.rule_id for p in problems} <= {"R302", "R303"}


# ---------------------------------------------------------------- end to end through the engine


ENGINE_LABELS = [label for label in LABELS if label["layout"] in ("txt", "md", "html")]


@pytest.fixture(scope="module")
def engine_results() -> dict[str, Any]:
    """One scan of every txt/html corpus file (and the shared reports) through the real loaders."""
    try:
        from auditor.engine import scan_paths
    except ImportError:
        pytest.skip("auditor.engine is not there yet")
    paths = [CORPUS / name for name in ("clean.txt", "clean.md", "clean.html")]
    paths += [CORPUS / label["path"] for label in ENGINE_LABELS]
    paths += [p for p in (SEED, REAL / "02_hongze_district_2024.txt", REAL / "03_huaian_city_2024.txt") if p.exists()]
    report = scan_paths([str(p) for p in paths])
    return {Path(result.path).resolve().as_posix(): result for result in report.files}


def _engine_findings(results: dict[str, Any], path: Path) -> list[Any]:
    result = results[path.resolve().as_posix()]
    assert result.status == "scanned", result.error
    return [f for f in result.findings if f.rule_id.startswith("R3")]


@pytest.mark.parametrize("label", ENGINE_LABELS, ids=[label["path"] for label in ENGINE_LABELS])
def test_engine_catches_variant(label: dict[str, Any], engine_results: dict[str, Any]) -> None:
    found = _engine_findings(engine_results, CORPUS / label["path"])
    assert [f.rule_id for f in found] == [label["rule_id"]], [f.message for f in found]
    assert {k: found[0].location.get(k) for k in label["location"]} == label["location"]


def test_engine_finds_nothing_in_clean_seed_and_real_reports(engine_results: dict[str, Any]) -> None:
    for path in (CORPUS / "clean.txt", CORPUS / "clean.md", CORPUS / "clean.html"):
        assert _engine_findings(engine_results, path) == []
    shared = [p for p in (SEED, REAL / "02_hongze_district_2024.txt", REAL / "03_huaian_city_2024.txt") if p.exists()]
    if not shared:
        pytest.skip("../shared is absent: seed and real reports not checked")
    for path in shared:
        assert _engine_findings(engine_results, path) == []


def test_engine_html_with_empty_zero_cells_is_never_misread(tmp_path: Path) -> None:
    """Blank cells the HTML loader drops are placed when columns allow it, else reported as info."""
    try:
        from auditor.engine import scan_paths
    except ImportError:
        pytest.skip("auditor.engine is not there yet")
    for name in ("clean.html", "variants/r303_results_total.html", "variants/r304_zero_litigation.html"):
        target = tmp_path / name.replace("/", "_")
        target.write_text((CORPUS / name).read_text(encoding="utf-8").replace("<td>0</td>", "<td></td>"), "utf-8")
    report = scan_paths([str(p) for p in sorted(tmp_path.iterdir())])
    for result in report.files:
        found = [f for f in result.findings if f.rule_id.startswith("R3")]
        errors = [f for f in found if f.severity != "info"]
        if "zero_litigation" in result.path:
            assert [f.rule_id for f in errors] == ["R304"]  # tables 二 and 四 still read
        else:
            assert errors == [], [f.message for f in errors]
        assert all(f.rule_id == "R303" for f in found if f.severity == "info")


@pytest.mark.parametrize("name", ["02_hongze_district_2024.pdf", "03_huaian_city_2024.pdf"])
def test_real_pdf_reports_are_read_and_consistent(name: str) -> None:
    """The PDFs themselves (through the PDF loader): recognised as reports, tables read, no R30x finding."""
    from auditor.loaders.pdf import load_pdf

    path = _shared(REAL / name)
    document = load_pdf(path, "pdf", path.read_bytes())
    lines = document_lines(document)
    assert analyse(lines) == []  # None would mean "not a report"
    regions = table_regions(find_headings(lines), len(lines))
    table_b = map_table_b(region_rows(lines[slice(*regions[3])]))
    assert not isinstance(table_b, Unparsed)
    if name.startswith("03"):
        assert _b_values(table_b)["(七)"][6] == 3050

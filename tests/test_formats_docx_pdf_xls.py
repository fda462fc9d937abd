"""DOCX, PDF, XLS and hidden XLSX content: exact locations, P161 on what a reader does not see, the corpus scores.

Documents are built here from raw parts (corpora/formats/writers.py) so each
case — merged and nested cells, headers, comments, text boxes, tracked
deletions, hidden sheets, rows, columns, comments, names and properties — is
pinned to the location SPEC §5 prescribes.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl
import pytest
from synth import luhn_complete, make_id

from auditor.config import Config
from auditor.engine import scan_paths as _scan_paths
from auditor.loaders import loader_for

ROOT = Path(__file__).resolve().parents[1]
FORMATS_DIR = ROOT / "corpora" / "formats"
ID = make_id()
ID2 = make_id("110101", "19751231", "042")
ID3 = make_id("530102", "19880808", "777")
CARD = luhn_complete("622848" + "0123456789" + "12")
PHONE = "13912345678"
HAS_REPORTLAB = importlib.util.find_spec("reportlab") is not None
HAS_XLWT = importlib.util.find_spec("xlwt") is not None


def load_module(name: str, path: Path) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


sys.path.insert(0, str(FORMATS_DIR))
writers = load_module("formats_writers", FORMATS_DIR / "writers.py")


def findings(path: Path) -> list[tuple[str, dict[str, Any]]]:
    report = _scan_paths([str(path)], Config(select=["P1", "E"]))
    assert not report.errors, report.errors
    return [(f.rule_id, {k: v for k, v in f.location.items() if k != "path"}) for f in report.findings]


def located(path: Path, rule: str) -> list[dict[str, Any]]:
    return [loc for r, loc in findings(path) if r == rule]


# ---------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------


def test_docx_paragraphs_tables_merged_and_nested_cells(tmp_path: Path) -> None:
    cell = writers.CellSpec
    rows = [
        [cell(["序号"]), cell(["姓名"]), cell(["所属村"]), cell(["身份证号码"]), cell(["备注"])],
        [cell(["1"]), cell(["张三"]), cell(["龙泉村"], vmerge="restart"), cell([ID]), cell(["无"])],
        [
            cell(["2"]),
            cell(["李四"]),
            cell([], vmerge="continue"),
            cell([ID2]),
            cell(["见下表"], nested=[["卡号", CARD]]),
        ],
        [cell(["合计"], span=4), cell([ID3])],
    ]
    builder = writers.DocxBuilder()
    builder.body += [
        writers.paragraph_xml(["关于低保对象的公示"]),
        "<w:p/>",
        writers.table_xml(rows, [1000] * 5),
        writers.paragraph_xml([f"户主王五，身份证号码：{ID3}。"]),
    ]
    path = tmp_path / "list.docx"
    path.write_bytes(builder.build())
    got = findings(path)
    assert ("P101", {"table": 1, "row": 2, "col": 4, "field": "身份证号码"}) in got
    assert ("P101", {"table": 1, "row": 3, "col": 4, "field": "身份证号码"}) in got
    # A nested table belongs to its outer cell; a horizontally merged row reports at its grid column.
    assert ("P121", {"table": 1, "row": 3, "col": 5, "field": "备注"}) in got
    assert ("P101", {"table": 1, "row": 4, "col": 5, "field": "备注"}) in got
    # Empty paragraphs count; the table does not.
    assert ("P101", {"paragraph": 3}) in got
    assert not any(r == "P161" for r, _ in got)


def test_docx_headers_footers_textboxes_comments_deletions_hidden_runs_properties(tmp_path: Path) -> None:
    builder = writers.DocxBuilder()
    builder.body += [
        writers.paragraph_xml(["公示"]),
        writers.paragraph_xml(
            [
                "经审核，",
                writers.Run("名单如下", "comment", comment_id=7),
                writers.Run(ID, "deleted"),
                writers.Run(f"户主手机{PHONE}", "hidden"),
                writers.Run(f"协理员\n手机 {PHONE}", "textbox"),
            ]
        ),
    ]
    builder.headers.append([writers.paragraph_xml(["页眉"]), writers.paragraph_xml([f"户主 {ID2}"])])
    builder.footers.append([writers.paragraph_xml([f"制表人手机 {PHONE}"])])
    builder.comments.append((7, f"核对：身份证 {ID3}"))
    builder.properties["dc:description"] = f"底稿 {ID}"
    path = tmp_path / "notice.docx"
    path.write_bytes(builder.build())
    got = findings(path)
    assert ("P101", {"paragraph": 2, "part": "header"}) in got
    assert ("P111", {"paragraph": 1, "part": "footer"}) in got
    assert ("P111", {"paragraph": 2, "part": "textbox"}) in got
    hidden = {(r, loc.get("part")): loc for r, loc in got if r == "P161"}
    assert set(hidden) == {("P161", "comment"), ("P161", "deleted"), ("P161", "hidden-text"), ("P161", "properties")}
    assert hidden[("P161", "comment")] == {"paragraph": 2, "part": "comment"}
    assert hidden[("P161", "deleted")] == {"paragraph": 2, "part": "deleted"}
    assert hidden[("P161", "properties")] == {"part": "properties", "field": "description"}
    # Visible paragraph text does not include the deleted ID or the hidden mobile.
    document = loader_for("docx")(path, "docx", path.read_bytes())
    body = [b for b in document.blocks if b.part is None]
    assert all(ID not in b.text and PHONE not in b.text for b in body)


def test_docx_alternate_content_text_box_is_read_once(tmp_path: Path) -> None:
    box = f"<w:txbxContent><w:p><w:r><w:t>联系人 {ID}</w:t></w:r></w:p></w:txbxContent>"
    alternate = (
        f'<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>{box}</wps:txbx></w:drawing>'
        f"</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )
    builder = writers.DocxBuilder()
    builder.body.append(f"<w:p>{alternate}</w:p>")
    path = tmp_path / "box.docx"
    path.write_bytes(builder.build())
    assert located(path, "P101") == [{"paragraph": 1, "part": "textbox"}]


def test_docx_table_row_is_one_record(tmp_path: Path) -> None:
    cell = writers.CellSpec
    rows = [[cell(["姓名"]), cell(["身份证号码"])], [cell(["张三"]), cell([ID])]]
    builder = writers.DocxBuilder()
    builder.body.append(writers.table_xml(rows, [1000, 2000]))
    path = tmp_path / "t.docx"
    path.write_bytes(builder.build())
    document = loader_for("docx")(path, "docx", path.read_bytes())
    records = {b.text: b.locator.locate(0, 1).record for b in document.blocks}
    assert records["张三"] == records[ID] == ("table", 1, 2)


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------


@pytest.mark.skipif(not HAS_REPORTLAB, reason="reportlab (test extra) is needed to write PDFs")
def test_pdf_pages_lines_fields_and_records(tmp_path: Path) -> None:
    pdf = writers.PdfBuilder(size=9)
    pdf.text("某村低保对象公示")
    pdf.text(f"户主张三，身份证号码：{ID}，手机 {PHONE}。")
    headers = ["序号", "姓名", "身份证号码", "银行账号"]
    rows = [[str(i), f"王{i}", ID2 if i == 50 else ID3, CARD] for i in range(1, 61)]
    xs = pdf.columns([headers, *rows])
    pdf.cells(headers, xs, header=True)
    where = [pdf.cells(row, xs) for row in rows]
    path = tmp_path / "list.pdf"
    path.write_bytes(pdf.build())
    got = findings(path)
    assert ("P101", {"page": 1, "line": 2}) in got and ("P111", {"page": 1, "line": 2}) in got
    page, line = where[49]
    assert page == 2  # the table runs onto a second page, whose first line repeats the header
    assert ("P101", {"page": page, "line": line, "field": "身份证号码"}) in got
    assert ("P121", {"page": page, "line": line, "field": "银行账号"}) in got
    document = loader_for("pdf")(path, "pdf", path.read_bytes())
    second = document.blocks[1]
    start = second.text.index(ID2)
    assert second.locator.locate(start, start + 18).record == ("page", 2, line)
    card = second.text.index(CARD, start)
    assert second.locator.locate(card, card + len(CARD)).record == ("page", 2, line)


@pytest.mark.skipif(not HAS_REPORTLAB, reason="reportlab (test extra) is needed to write PDFs")
def test_pdf_rotated_text_is_read_too(tmp_path: Path) -> None:
    pdf = writers.PdfBuilder(size=10)
    pdf.text("公示")
    canvas = pdf.canvas
    canvas.saveState()
    canvas.translate(300, 300)
    canvas.rotate(90)
    canvas.drawString(0, 0, f"户主张三 身份证号 {ID}")
    canvas.restoreState()
    path = tmp_path / "rotated.pdf"
    path.write_bytes(pdf.build())
    assert located(path, "P101") == [{"page": 1, "line": 2}]


@pytest.mark.skipif(not HAS_REPORTLAB, reason="reportlab (test extra) is needed to write PDFs")
def test_pdf_without_text_layer_is_e001_not_a_pass(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(writers.scanned_pdf(["scanned list"]))
    report = _scan_paths([str(path)], Config(select=["P1", "E"]))
    [error] = report.errors
    assert "OCR" in error["message"] and "扫描" in error["message"]
    assert [f.rule_id for f in report.findings] == ["E001"]


# ---------------------------------------------------------------------------
# XLS
# ---------------------------------------------------------------------------


@pytest.mark.skipif(not HAS_XLWT, reason="xlwt (test extra) is needed to write .xls files")
def test_xls_hidden_sheets_rows_columns_and_numeric_ids(tmp_path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("公示")
    sheet.write_merge(0, 0, 0, 3, "某村低保公示")
    for c, header in enumerate(["序号", "姓名", "身份证号码", "联系电话"]):
        sheet.write(1, c, header)
    sheet.write(2, 0, 1)
    sheet.write(2, 1, "张三")
    sheet.write(2, 2, ID)
    sheet.write(2, 3, PHONE)
    sheet.write(3, 0, 2)
    sheet.write(3, 1, "李四")
    sheet.write(3, 2, float(ID2[:17] + "0"))
    sheet.write(4, 2, ID3)
    sheet.col(3).hidden = True
    sheet.row(4).hidden = True
    for state, name in ((1, "隐藏"), (2, "深度隐藏")):
        extra = book.add_sheet(name)
        extra.write(1, 1, ID)
        extra.visibility = state
    path = tmp_path / "book.xls"
    book.save(str(path))
    got = findings(path)
    assert ("P101", {"sheet": "公示", "cell": "C3", "row": 3, "field": "身份证号码"}) in got
    assert ("P103", {"sheet": "公示", "cell": "C4", "row": 4, "field": "身份证号码"}) in got
    assert ("P111", {"sheet": "公示", "cell": "D3", "row": 3, "field": "联系电话"}) in got
    hidden = sorted((loc["sheet"], loc["cell"]) for r, loc in got if r == "P161")
    assert hidden == [("公示", "C5"), ("公示", "D3"), ("深度隐藏", "B2"), ("隐藏", "B2")]
    document = loader_for("xls")(path, "xls", path.read_bytes())
    parts = {
        (b.locator.locate(0, 1).location["sheet"], b.locator.locate(0, 1).location["cell"]): b.part
        for b in document.blocks
    }
    assert parts[("公示", "C5")] == "hidden-row" and parts[("公示", "D3")] == "hidden-column"
    assert parts[("深度隐藏", "B2")] == parts[("隐藏", "B2")] == "hidden-sheet"


# ---------------------------------------------------------------------------
# XLSX depth
# ---------------------------------------------------------------------------


def hidden_workbook(path: Path) -> None:
    from openpyxl.comments import Comment
    from openpyxl.workbook.defined_name import DefinedName

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(["序号", "姓名", "身份证号码", "联系电话"])
    sheet.append([1, "张三", ID, PHONE])
    sheet.append([2, "李四", ID2, ""])
    sheet.column_dimensions["D"].hidden = True
    sheet.row_dimensions[3].hidden = True
    sheet["B2"].comment = Comment(f"核对：身份证 {ID3}", "审核人")
    very = book.create_sheet("系统")
    very["A1"] = ID
    very.sheet_state = "veryHidden"
    book.defined_names["联系人"] = DefinedName("联系人", attr_text=f'"{ID3}"')
    book.properties.keywords = f"户主 {ID2}"
    book.save(path)


def test_xlsx_hidden_rows_columns_comments_names_properties(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    hidden_workbook(path)
    got = findings(path)
    assert ("P101", {"sheet": "名单", "cell": "C2", "row": 2, "field": "身份证号码"}) in got
    p161 = sorted(str(sorted(loc.items())) for r, loc in got if r == "P161")
    expected = [
        {"sheet": "名单", "cell": "D2", "row": 2, "field": "联系电话"},  # hidden column
        {"sheet": "名单", "cell": "C3", "row": 3, "field": "身份证号码"},  # hidden row
        {"sheet": "名单", "cell": "B2", "row": 2, "part": "comment"},
        {"sheet": "系统", "cell": "A1", "row": 1},  # very hidden sheet
        {"part": "defined-name", "field": "联系人"},
        {"part": "properties", "field": "keywords"},
    ]
    assert p161 == sorted(str(sorted(e.items())) for e in expected)
    document = loader_for("xlsx")(path, "xlsx", path.read_bytes())
    parts = sorted({b.part for b in document.blocks if b.hidden})
    assert parts == ["comment", "defined-name", "hidden-column", "hidden-row", "hidden-sheet", "properties"]


def test_xlsx_streamed_blocks_give_the_same_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor.loaders import xlsx

    path = tmp_path / "book.xlsx"
    hidden_workbook(path)
    eager = findings(path)
    monkeypatch.setattr(xlsx, "STREAM_ABOVE", 0)
    document = xlsx.load_xlsx(path, "xlsx", path.read_bytes())
    assert isinstance(document.blocks, xlsx.StreamedBlocks)
    listed = list(document.blocks)
    assert len(document.blocks) == len(listed) and bool(document.blocks)
    assert document.blocks[3].text == listed[3].text and document.blocks[-1].text == listed[-1].text
    assert findings(path) == eager


def test_xlsx_header_below_blank_rows_is_found(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["C20"], sheet["D20"] = "姓名", "身份证号码"
    sheet["C21"], sheet["D21"] = "张三", ID
    path = tmp_path / "low.xlsx"
    book.save(path)
    assert located(path, "P101") == [{"sheet": "Sheet", "cell": "D21", "row": 21, "field": "身份证号码"}]


# ---------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------


def test_format_corpus_scores_and_locations() -> None:
    evaluate = load_module("formats_evaluate", FORMATS_DIR / "evaluate_formats.py")
    result = evaluate.evaluate()
    assert evaluate.failures(result) == [], "\n".join(result.missed + result.misplaced + result.detail)
    for fmt in evaluate.FORMATS:
        assert result.labels[(fmt, "CN_RESIDENT_ID")] >= 50
    assert sum(result.labels[(fmt, "P161")] for fmt in evaluate.FORMATS) >= 100


def test_committed_corpus_labels_point_at_their_values() -> None:
    """Each label's value sits where the loaders locate it, hidden where the label says; long numbers are labelled.

    (Regenerating and diffing is ``generate_formats.py --check``: the content comes from
    corpora/generate.py, which evolves on its own schedule.)
    """
    generate = load_module("formats_generate", FORMATS_DIR / "generate_formats.py")
    assert generate.verify(FORMATS_DIR / "samples") == []


def test_committed_corpus_is_small() -> None:
    size = sum(p.stat().st_size for p in FORMATS_DIR.rglob("*") if p.is_file())
    assert size < 3_000_000


def test_io_bytes_helper_is_deterministic() -> None:
    assert writers.zip_bytes([("a.txt", b"x")]) == writers.zip_bytes([("a.txt", b"x")])
    assert io.BytesIO(writers.zip_bytes([("a.txt", b"x")])).read(2) == b"PK"

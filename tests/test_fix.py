"""`auditor fix`: masks in place, nothing else changes, idempotent, never writes a raw value.

Each fixed file is compared with its original by auditor.fix.verify (cell by cell
for xlsx/csv, element and run by run for docx, byte by byte outside the masked
spans for text) and, where it matters, by direct checks written here.
"""

from __future__ import annotations

import codecs
import importlib.util
import io
import json
import re
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from synth import luhn_complete, make_id, minimal_pdf
from typer.testing import CliRunner

from auditor.config import Config
from auditor.engine import Scanner, scan_paths
from auditor.fix.changelog import Change
from auditor.fix.cli import register
from auditor.fix.masks import (
    hidden_positions,
    keep_positions,
    mask_address,
    mask_name,
    mask_value,
    value_positions,
)
from auditor.fix.plan import Mask, Planner, ProvidedSpan, TextUnit, apply_masks, apply_to_pieces, merge_overlaps
from auditor.fix.run import FixOptions, fix_paths
from auditor.fix.text import codec_for
from auditor.fix.verify import compare, compare_docx, compare_text, compare_xlsx, only_masked
from auditor.loaders.encoding import decode
from auditor.masking import Policy
from auditor.model import LineIndex
from auditor.recognizers.detect import Detector

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "samples"
ID = make_id("530102", "19900101", "123")
ID_X = next(
    make_id("110105", "19800202", f"{n:03d}")
    for n in range(1000)
    if make_id("110105", "19800202", f"{n:03d}")[-1] == "X"
)
ID2 = make_id("441224", "19751212", "456")
PHONE = "13812345678"
PHONE2 = "13987654321"
BANK = luhn_complete("621700123456789012")
RAW = (ID, ID_X, ID2, PHONE, PHONE2, BANK)
FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def fix_app() -> typer.Typer:
    """A fresh app with only `fix` (auditor.cli wires the same register)."""
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """auditor"""

    register(app)
    return app


def run_fix(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(fix_app(), ["fix", *args])
    return result.exit_code, result.stdout + (result.stderr if result.stderr_bytes else "")


def fix_one(path: Path, out: Path, config: Config | None = None):
    outcomes = fix_paths([str(path)], Scanner(config or Config()), FixOptions(output=out))
    assert len(outcomes) == 1
    return outcomes[0]


def no_raw(text: str | bytes, values: tuple[str, ...] = RAW) -> None:
    """None of the raw values, nor their last 8 hidden digits with the birth date, appear."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    for value in values:
        assert value not in text
        assert value.translate(FULLWIDTH) not in text


# -- pure masking helpers (property tests) -----------------------------------

REGIONS = ("530102", "110105", "441224", "370404")
ids = st.builds(
    lambda region, day, seq: make_id(region, day.strftime("%Y%m%d"), f"{seq:03d}"),
    st.sampled_from(REGIONS),
    st.dates(min_value=__import__("datetime").date(1900, 1, 1), max_value=__import__("datetime").date(2020, 12, 31)),
    st.integers(0, 999),
)
policies = st.builds(
    Policy, st.integers(0, 8), st.integers(0, 6), st.integers(0, 4), st.integers(0, 5), st.integers(0, 6)
)


@st.composite
def written(draw: st.DrawFn, value: str) -> str:
    """A value as people write it: separators between some digits, maybe full-width."""
    out = []
    for i, char in enumerate(value):
        if i and draw(st.integers(0, 5)) == 0:
            out.append(draw(st.sampled_from([" ", "-", "\u3000", "\u00a0"])))
        out.append(char)
    text = "".join(out)
    return text.translate(FULLWIDTH) if draw(st.booleans()) else text


def _shown(span: str) -> set[int]:
    positions = value_positions(span)
    return {k for k, offset in enumerate(positions) if span[offset] not in "*＊"}


@settings(max_examples=200)
@given(st.data(), ids, policies)
def test_masked_id_keeps_length_separators_and_width(data: st.DataObject, value: str, policy: Policy) -> None:
    span = data.draw(written(value))
    masked = mask_value(span, "CN_RESIDENT_ID", policy)
    assert len(masked) == len(span)
    for before, after in zip(span, masked, strict=True):
        assert before == after or ((before.isdigit() or before in "XＸ") and after in "*＊")
        if before != after:
            assert (after == "＊") == ("\uff10" <= before <= "\uff3a")
    allowed = keep_positions(18, policy.id_keep_first, policy.id_keep_last) - set(range(6, 14))
    assert _shown(masked) <= allowed
    assert mask_value(masked, "CN_RESIDENT_ID", policy) == masked  # idempotent


@given(ids)
def test_default_id_mask_is_first6_last4_and_reads_as_compliant(value: str) -> None:
    masked = mask_value(value, "CN_RESIDENT_ID", Policy())
    assert masked == value[:6] + "*" * 8 + value[14:]
    assert [d.kind for d in Detector().detect(f"身份证号 {masked}")] == ["masked"]


@given(st.data(), st.sampled_from(["138", "159", "186", "177", "199"]), st.integers(0, 10**8 - 1), policies)
def test_masked_mobile_keeps_policy_digits(data: st.DataObject, prefix: str, rest: int, policy: Policy) -> None:
    value = f"{prefix}{rest:08d}"
    span = data.draw(written(value))
    masked = mask_value(span, "PHONE_NUMBER", policy)
    assert len(masked) == len(span)
    assert _shown(masked) <= keep_positions(11, policy.mobile_keep_first, policy.mobile_keep_last)
    assert mask_value(masked, "PHONE_NUMBER", policy) == masked


@given(st.text("0123456789", min_size=12, max_size=19), st.integers(0, 6))
def test_masked_account_keeps_only_the_last_digits(digits: str, keep: int) -> None:
    masked = mask_value(digits, "BANK_CARD", Policy(bank_keep_last=keep))
    assert masked == "*" * (len(digits) - min(keep, len(digits))) + digits[len(digits) - min(keep, len(digits)) :]


@given(
    st.text("0123456789Xx*×●#＊０１２ -", max_size=30), st.sampled_from(["CN_RESIDENT_ID", "PHONE_NUMBER", "BANK_CARD"])
)
def test_masking_never_reveals_and_is_idempotent(span: str, entity: str) -> None:
    masked = mask_value(span, entity, Policy())
    assert only_masked(span, masked)
    assert mask_value(masked, entity, Policy()) == masked


def test_weak_masks_are_remasked_never_unmasked() -> None:
    weak = ID[:12] + "××××" + ID[16:]
    assert mask_value(weak, "CN_RESIDENT_ID", Policy()) == ID[:6] + "******××××" + ID[16:]
    assert mask_value("1381234****", "PHONE_NUMBER", Policy()) == "138********"
    assert mask_value(ID_X, "CN_RESIDENT_ID", Policy(id_keep_last=0)) == ID_X[:6] + "*" * 12


def test_hidden_positions_cover_birth_date_and_grade_digits() -> None:
    assert set(range(6, 14)) <= hidden_positions("CN_RESIDENT_ID", 18, Policy(id_keep_first=10))
    assert {18, 19} <= hidden_positions("OTHER_ID", 20, Policy())
    assert hidden_positions("CN_RESIDENT_ID", 15, Policy()) == frozenset(range(6, 12))


@given(st.text("张王李欧阳三华明德", min_size=2, max_size=5))
def test_name_mask_keeps_length_and_surname(name: str) -> None:
    masked = mask_name(name)
    assert len(masked) == len(name) and masked[0] == name[0]
    assert mask_name(masked) == masked
    assert mask_name("张三华") == "张*华" and mask_name("张三") == "张*" and mask_name("张三华", "given") == "张**"


def test_address_mask_cuts_at_group_or_village() -> None:
    assert mask_address("龙泉镇石桥村三组15号") == "龙泉镇石桥村三组***"
    assert mask_address("龙泉镇石桥村15号") == "龙泉镇石桥村***"
    assert mask_address(mask_address("龙泉镇石桥村三组15号")) == "龙泉镇石桥村三组***"


@given(st.lists(st.text("ab12*", max_size=6), min_size=1, max_size=6), st.data())
def test_pieces_get_the_same_result_as_the_joined_text(pieces: list[str], data: st.DataObject) -> None:
    text = "".join(pieces)
    if not text:
        return
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    mask = Mask(start, end, "*" * (end - start), "P101", "CN_RESIDENT_ID", "exposed")
    out = apply_to_pieces(pieces, [mask])
    assert "".join(out) == apply_masks(text, [mask])
    assert [len(p) for p in out] == [len(p) for p in pieces]  # run boundaries kept


def test_overlapping_masks_merge_to_their_union() -> None:
    a = Mask(0, 6, "ab**ef", "P101", "CN_RESIDENT_ID", "exposed")
    b = Mask(4, 8, "**gh", "P101", "CN_RESIDENT_ID", "exposed")
    assert [(m.start, m.end, m.replacement) for m in merge_overlaps([b, a])] == [(0, 8, "ab****gh")]


def test_span_provider_hook_masks_names_only_when_the_rule_is_enabled() -> None:
    def names(unit: TextUnit, document: object, block: object):
        for match in re.finditer("张三华", unit.text):
            yield ProvidedSpan(match.start(), match.end(), "PERSON_NAME", "P132", mask_name(match.group()))

    text = f"户主张三华，身份证号{ID}"
    off = Planner(Detector(), {"P101"}, [names]).masks(TextUnit(text))
    on = Planner(Detector(), {"P101", "P132"}, [names]).masks(TextUnit(text))
    assert [m.rule_id for m in off] == ["P101"]
    assert apply_masks(text, on) == f"户主张*华，身份证号{ID[:6]}********{ID[14:]}"


# -- text formats -------------------------------------------------------------


def _text_doc(newline: str) -> str:
    lines = [
        "2023年低保对象公示",
        "序号,姓名,身份证号码,联系电话,银行账号,备注",
        f'1,王某,{ID},{PHONE},{BANK},"住址：石桥村, 三组"',
        f'2,李某,{ID_X.lower()},{PHONE2[:3]} {PHONE2[3:7]} {PHONE2[7:]},,"多行{newline}备注"',
        f"3,赵某,{ID2.translate(FULLWIDTH)},1381234****,,{ID2[:6]} {ID2[6:14]} {ID2[14:]}",
        "监督电话：0878-1234567",
    ]
    return newline.join(lines) + newline


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("suffix", [".csv", ".txt", ".md"])
def test_text_files_change_only_inside_masked_spans(tmp_path: Path, encoding: str, newline: str, suffix: str) -> None:
    source = tmp_path / "in" / f"名单{suffix}"
    source.parent.mkdir()
    data = _text_doc(newline).encode(encoding)
    source.write_bytes(data)
    outcome = fix_one(source, tmp_path / "out")
    fixed = Path(outcome.output).read_bytes()
    assert source.read_bytes() == data  # original untouched
    assert outcome.status == "fixed"
    assert {c.rule_id for c in outcome.changes} == {"P101", "P111", "P112", "P121"}
    assert compare(outcome.format, data, fixed, outcome.changes) == []
    assert fixed.startswith(codecs.BOM_UTF8) == (encoding == "utf-8-sig")
    assert fixed.count(b"\r\n") == data.count(b"\r\n")
    assert len(fixed) == len(data)
    # Byte by byte: every differing byte lies inside a logged span's bytes.
    text, detected = decode(data)
    bom, codec = codec_for(data, detected)
    lines = LineIndex(text)
    ranges = []
    for change in outcome.changes:
        where = change.location
        start = lines.line_start(where["line"]) + where["column"] - 1
        end = lines.line_start(where["end_line"]) + where["end_column"]
        ranges.append((len(bom) + len(text[:start].encode(codec)), len(bom) + len(text[:end].encode(codec))))
    for i, (a, b) in enumerate(zip(data, fixed, strict=True)):
        if a != b:
            assert any(s <= i < e for s, e in ranges), f"byte {i} changed outside a masked span"
    no_raw(fixed.decode(codec, errors="replace"))
    assert "0878-1234567" in fixed.decode(codec, errors="replace")  # official contact untouched


def test_csv_quoting_and_cells_are_kept(tmp_path: Path) -> None:
    import csv

    source = tmp_path / "a.csv"
    source.write_text(_text_doc("\r\n"), encoding="utf-8", newline="")
    outcome = fix_one(source, tmp_path / "out")
    before = list(csv.reader(io.StringIO(source.read_bytes().decode("utf-8"), newline="")))
    after = list(csv.reader(io.StringIO(Path(outcome.output).read_bytes().decode("utf-8"), newline="")))
    assert [len(r) for r in before] == [len(r) for r in after]
    changed = {(r, c) for r, row in enumerate(before) for c, cell in enumerate(row) if cell != after[r][c]}
    assert changed == {(2, 2), (2, 3), (2, 4), (3, 2), (3, 3), (4, 2), (4, 3), (4, 5)}
    assert all(only_masked(before[r][c], after[r][c]) for r, c in changed)
    assert after[2][5] == "住址：石桥村, 三组" and after[3][5] == "多行\r\n备注"


def test_json_numbers_become_masked_strings_and_json_stays_valid(tmp_path: Path) -> None:
    source = tmp_path / "a.json"
    numeric = int(ID[:15] + "000")
    source.write_text(
        json.dumps({"records": [{"sfzh": ID, "lxdh": int(PHONE), "身份证号": numeric}]}, indent=2), encoding="utf-8"
    )
    outcome = fix_one(source, tmp_path / "out")
    fixed = Path(outcome.output).read_text(encoding="utf-8")
    record = json.loads(fixed)["records"][0]
    expected = {
        "sfzh": ID[:6] + "*" * 8 + ID[14:],
        "lxdh": "138****5678",
        "身份证号": ID[:6] + "*" * 8 + ID[14] + "000",
    }
    assert record == expected
    assert any("JSON" in c.note for c in outcome.changes)
    assert compare("json", source.read_bytes(), fixed.encode(), outcome.changes) == []


def test_scientific_notation_id_is_replaced_by_region_and_asterisks(tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text("序号,姓名,身份证号码\n1,王某,5.30102E+17\n", encoding="utf-8")
    outcome = fix_one(source, tmp_path / "out")
    assert Path(outcome.output).read_text(encoding="utf-8") == "序号,姓名,身份证号码\n1,王某,530102************\n"
    assert outcome.changes[0].rule_id == "P103" and outcome.changes[0].masked == "530102************"
    assert compare("csv", source.read_bytes(), Path(outcome.output).read_bytes(), outcome.changes) == []


def test_html_masks_through_entities_and_in_hidden_markup(tmp_path: Path) -> None:
    source = tmp_path / "a.html"
    body = (
        "<html><body><!-- 原始数据 " + PHONE2 + " -->\n"
        f'<p title="身份证 {ID2}">身份证号：{ID[:6]}&nbsp;{ID[6:14]}&nbsp;{ID[14:]}</p>\n'
        f"<table><tr><th>姓名</th><th>手机</th></tr><tr><td>王某</td><td>&#49;{PHONE[1:]}</td></tr></table>\n"
        "</body></html>\n"
    )
    source.write_text(body, encoding="gb18030")
    outcome = fix_one(source, tmp_path / "out")
    fixed = Path(outcome.output).read_text(encoding="gb18030")
    assert f"{ID[:6]}&nbsp;********&nbsp;{ID[14:]}" in fixed
    assert "&#49;38****5678" in fixed  # the entity stays: its digit is a visible one
    assert {c.location.get("part") for c in outcome.changes} == {None, "comment", "attribute"}
    no_raw(fixed)
    assert re.sub(r"[0-9*]", "", fixed) == re.sub(r"[0-9*]", "", body)  # markup untouched


# -- xlsx ---------------------------------------------------------------------


def _workbook(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "低保名单"
    ws["A1"] = "2023年低保名单"
    ws.merge_cells("A1:G1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    for col, header in enumerate(["序号", "姓名", "身份证号码", "联系电话", "银行账号", "金额", "备注"], 1):
        cell = ws.cell(2, col, header)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
    ws.append([1, "王某", ID, int(PHONE), BANK, 960.5, None])
    ws.append([2, "李某", int(ID2[:15] + "000"), PHONE2, None, 1200, "=C3"])
    ws["C3"].number_format = "@"
    ws["F3"].number_format = "#,##0.00"
    ws["G4"] = "=C3"
    ws["G3"] = CellRichText(TextBlock(InlineFont(b=True), "证号" + ID_X[:9]), ID_X[9:] + "（核对）")
    ws["B3"].comment = Comment(f"电话 {PHONE2}", "村委会")
    ws.column_dimensions["C"].width = 22
    ws.column_dimensions["D"].hidden = True
    ws.row_dimensions[4].height = 30
    ws.freeze_panes = "A3"
    hidden = wb.create_sheet("原始数据")
    hidden.append(["姓名", "身份证号码"])
    hidden.append(["王某", ID])
    hidden.sheet_state = "hidden"
    notes = wb.create_sheet("说明")
    notes["A1"] = "本表不含其他数据"
    from openpyxl.workbook.defined_name import DefinedName

    wb.defined_names["联系人"] = DefinedName("联系人", attr_text=f'"{PHONE}"')
    wb.properties.creator = f"经办 {PHONE2}"
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(_with_cached_formula(buffer.getvalue(), "G4", ID))


def _with_cached_formula(data: bytes, cell: str, value: str) -> bytes:
    """openpyxl writes no cached formula values; Excel does. Add one, as Excel would."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                payload = payload.replace(
                    f'<c r="{cell}"><f>C3</f><v></v></c>'.encode(),
                    f'<c r="{cell}" t="str"><f>C3</f><v>{value}</v></c>'.encode(),
                )
            dst.writestr(info, payload)
    return out.getvalue()


def test_xlsx_cells_change_only_where_masked(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    source = tmp_path / "名单.xlsx"
    _workbook(source)
    outcome = fix_one(source, tmp_path / "out")
    fixed = Path(outcome.output).read_bytes()
    assert compare_xlsx(source.read_bytes(), fixed, outcome.changes) == []
    wb = load_workbook(io.BytesIO(fixed), rich_text=True)
    ws = wb["低保名单"]
    assert ws["C3"].value == ID[:6] + "*" * 8 + ID[14:]
    assert ws["D3"].value == "138****5678"
    assert ws["C4"].value == ID2[:6] + "*" * 8 + ID2[14] + "000"  # stored as a number: 15 digits kept
    assert ws["E3"].value == "*" * 15 + BANK[-4:]
    assert ws["F3"].value == 960.5 and ws["F3"].number_format == "#,##0.00"
    assert ws["G4"].value == "=C3"  # formula kept, reported for a fix at the source
    assert ws["B3"].comment.text == "电话 139****4321" and ws["B3"].comment.author == "村委会"
    rich = ws["G3"].value
    assert [type(p).__name__ for p in rich] == ["TextBlock", "str"] and rich[0].font.b
    assert str(rich) == "证号" + ID_X[:6] + "********" + ID_X[14:] + "（核对）"
    assert wb["原始数据"].sheet_state == "hidden" and wb["原始数据"]["B2"].value.startswith(ID[:6] + "*")
    assert wb.sheetnames == ["低保名单", "原始数据", "说明"]
    assert wb.defined_names["联系人"].attr_text == '"138****5678"'
    assert wb.properties.creator == "经办 139****4321"
    manual = [c for c in outcome.changes if not c.applied]
    assert [(c.location["cell"], c.rule_id) for c in manual] == [("G4", "P101")]
    notes = {c.location["cell"]: c.note for c in outcome.changes if c.location.get("sheet") == "低保名单"}
    assert "number" in notes["D3"] and "number" in notes["C4"]
    hidden = [c for c in outcome.changes if c.location.get("sheet") == "原始数据"]
    assert hidden and all(c.location.get("part") == "hidden-sheet" for c in hidden)


def test_xlsx_parts_the_rewrite_drops_are_named(tmp_path: Path) -> None:
    source = tmp_path / "a.xlsx"
    _workbook(source)
    src = zipfile.ZipFile(io.BytesIO(source.read_bytes()))
    buffer = io.BytesIO()
    drawing = "application/vnd.openxmlformats-officedocument.drawing+xml"
    with zipfile.ZipFile(buffer, "w") as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                override = f'<Override PartName="/xl/drawings/drawing9.xml" ContentType="{drawing}"/></Types>'
                payload = payload.replace(b"</Types>", override.encode())
            dst.writestr(info, payload)
        dst.writestr("xl/drawings/drawing9.xml", "<xdr:wsDr xmlns:xdr='urn:x'/>")
    source.write_bytes(buffer.getvalue())
    outcome = fix_one(source, tmp_path / "out")
    assert any("drawing+xml" in w for w in outcome.warnings)


def test_xlsx_rescan_is_clean_but_for_the_formula(tmp_path: Path) -> None:
    source = tmp_path / "in" / "名单.xlsx"
    source.parent.mkdir()
    _workbook(source)
    fix_one(source, tmp_path / "out")
    report = scan_paths([str(tmp_path / "out" / "名单.xlsx")], Config(select=["P1"]))
    # openpyxl keeps the formula but not its cached value, so nothing readable is left.
    assert report.findings == []


# -- docx ---------------------------------------------------------------------

DELETED = (
    '<w:del xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:id="90" w:author="a" '
    'w:date="2023-01-01T00:00:00Z"><w:r><w:delText>旧号码 {}</w:delText></w:r></w:del>'
)


def _document(path: Path) -> None:
    from docx import Document
    from docx.oxml import parse_xml
    from docx.shared import Pt

    doc = Document()
    doc.add_paragraph("2023年低保对象公示")
    paragraph = doc.add_paragraph("户主王某，身份证号")
    bold = paragraph.add_run(ID[:10])
    bold.bold = True
    tail = paragraph.add_run(ID[10:] + "，联系电话" + PHONE + "。")
    tail.italic = True
    tail.font.size = Pt(9)
    paragraph._p.append(parse_xml(DELETED.format(PHONE2)))
    table = doc.add_table(rows=2, cols=3)
    for col, header in enumerate(["姓名", "银行账号", "身份证号码"]):
        table.cell(0, col).text = header
    table.cell(1, 0).text = "李某"
    table.cell(1, 1).text = BANK
    table.cell(1, 2).text = ID2
    doc.sections[0].header.paragraphs[0].text = f"联系人 {PHONE2}"
    doc.sections[0].footer.paragraphs[0].text = f"核对 {ID_X}"
    doc.add_comment(paragraph.runs, text=f"原号 {ID2}", author="审核")
    doc.core_properties.title = f"名单 {ID}"
    doc.add_paragraph("监督电话：0878-1234567")
    doc.save(path)


def test_docx_changes_only_masked_text_in_runs(tmp_path: Path) -> None:
    from docx import Document

    source = tmp_path / "公示.docx"
    _document(source)
    outcome = fix_one(source, tmp_path / "out")
    fixed = Path(outcome.output).read_bytes()
    assert compare_docx(source.read_bytes(), fixed) == []
    before, after = Document(str(source)), Document(io.BytesIO(fixed))
    assert len(before.paragraphs) == len(after.paragraphs)
    for p, q in zip(before.paragraphs, after.paragraphs, strict=True):
        assert [(r.bold, r.italic, r.font.size) for r in p.runs] == [(r.bold, r.italic, r.font.size) for r in q.runs]
        assert all(only_masked(r.text, s.text) for r, s in zip(p.runs, q.runs, strict=True))
    runs = after.paragraphs[1].runs
    assert runs[1].text == ID[:6] + "****" and runs[2].text.startswith("****" + ID[14:])
    assert after.tables[0].cell(1, 1).text == "*" * 15 + BANK[-4:]
    assert after.sections[0].header.paragraphs[0].text == "联系人 139****4321"
    assert after.paragraphs[-1].text == "监督电话：0878-1234567"
    parts = {c.location.get("part") for c in outcome.changes}
    assert {"header", "footer", "comment", "deleted", "properties", None} <= parts
    bank = next(c for c in outcome.changes if c.rule_id == "P121")
    assert (bank.location["table"], bank.location["row"], bank.location["col"]) == (1, 2, 2)
    with zipfile.ZipFile(io.BytesIO(fixed)) as archive:
        for name in archive.namelist():
            no_raw(archive.read(name))
    assert fix_one(Path(outcome.output), tmp_path / "again").status == "unchanged"


# -- idempotence, the corpus, and the change log -----------------------------


def _load(name: str, script: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "corpora" / script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fixed_corpus(tmp_path_factory: pytest.TempPathFactory):
    check = _load("corpus_fix_check", "fix_check.py")
    out = tmp_path_factory.mktemp("fixed") / "samples"
    return check, out, check.fix_corpus(SAMPLES, out)


def test_corpus_rescan_has_no_privacy_findings_left(fixed_corpus) -> None:
    check, out, outcomes = fixed_corpus
    assert not [o.path for o in outcomes if o.status == "error"]
    counts, errors = check.remaining(out, "default")
    assert errors == []
    assert {rule: counts.get(rule, 0) for rule in check.MUST_BE_ZERO} == dict.fromkeys(check.MUST_BE_ZERO, 0)
    strict_out = out.parent / "strict"
    check.fix_corpus(SAMPLES, strict_out, "strict")
    strict, _ = check.remaining(strict_out, "strict")
    assert strict.get("P132", 0) == 0
    assert {rule: strict.get(rule, 0) for rule in check.MUST_BE_ZERO} == dict.fromkeys(check.MUST_BE_ZERO, 0)


def test_corpus_copies_differ_only_in_masked_values(fixed_corpus) -> None:
    check, out, outcomes = fixed_corpus
    compared, problems = check.diff_check(outcomes, SAMPLES, out)
    assert compared >= 50
    assert problems == {}
    unchanged = [o for o in outcomes if o.status == "unchanged"]
    for outcome in unchanged:
        assert Path(outcome.output).read_bytes() == Path(outcome.path).read_bytes()


def test_fixing_a_fixed_corpus_changes_nothing(fixed_corpus, tmp_path: Path) -> None:
    _, out, _ = fixed_corpus
    again = fix_paths([str(out)], Scanner(Config()), FixOptions(output=tmp_path / "again"))
    assert [o.path for o in again if o.status != "unchanged" or o.changes] == []
    for outcome in again:
        assert Path(outcome.output).read_bytes() == Path(outcome.path).read_bytes()


def test_change_log_holds_no_raw_value(fixed_corpus) -> None:
    from auditor.fix.changelog import to_csv, to_json

    _, _, outcomes = fixed_corpus
    labels = [json.loads(line) for line in (SAMPLES / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    raw = {
        re.sub(r"[\s\-]", "", label["value"])
        for label in labels
        if label["expect"] == "finding" and not re.search(r"[*×●＊#xX]", label["value"][:-1])
    }
    assert len(raw) > 500
    log = to_json(outcomes) + to_csv(outcomes)
    runs = re.findall(r"[0-9Xx０-９Ｘｘ]{8,}", re.sub(r"[\s\-]", "", log))  # a raw value would be such a run
    leaked = [value for value in raw if any(value in run for run in runs)]
    assert leaked == [], f"{len(leaked)} raw values in the change log"
    assert len(json.loads(to_json(outcomes))["changes"]) == sum(len(o.changes) for o in outcomes)


# -- the command line -----------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    (root / "村").mkdir(parents=True)
    (root / "村" / "a.csv").write_text(f"姓名,身份证号码,手机\n王某,{ID},{PHONE}\n", encoding="utf-8")
    (root / "clean.txt").write_text("本镇发放补贴960元。\n", encoding="utf-8")
    (root / "notes.jsonl").write_text(f'{{"id": "{ID}"}}\n', encoding="utf-8")
    return root


def test_cli_writes_a_mirror_and_a_change_log(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = run_fix(str(tree), "--output", str(out))
    assert code == 0, output
    assert (out / "村" / "a.csv").read_text(
        encoding="utf-8"
    ) == f"姓名,身份证号码,手机\n王某,{ID[:6]}********{ID[14:]},138****5678\n"
    assert (out / "clean.txt").read_bytes() == (tree / "clean.txt").read_bytes()
    assert not (out / "notes.jsonl").exists()  # unsupported files are not copied (they may leak)
    assert (tree / "村" / "a.csv").read_text(encoding="utf-8").count(ID) == 1  # original untouched
    log = json.loads((out / "auditor-fix-log.json").read_text(encoding="utf-8"))
    assert {c["rule_id"] for c in log["changes"]} == {"P101", "P111"}
    assert log["changes"][0]["location"]["line"] == 2
    csv_log = (out / "auditor-fix-log.csv").read_text(encoding="utf-8")
    no_raw(output + json.dumps(log, ensure_ascii=False) + csv_log)


def test_cli_dry_run_shows_masked_forms_and_writes_nothing(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = run_fix(str(tree), "--output", str(out), "--dry-run")
    assert code == 0
    assert not out.exists()
    assert f"{ID[:6]}********{ID[14:]}" in output and "138****5678" in output
    no_raw(output)
    code, output = run_fix(str(tree), "--dry-run", "--format", "json")
    summary = json.loads(output)
    assert summary["dry_run"] is True and summary["summary"]["by_rule"] == {"P101": 1, "P111": 1}


@pytest.mark.parametrize("where", ["same", "inside", "contains"])
def test_cli_refuses_to_write_into_the_input_tree(tree: Path, where: str) -> None:
    output = {"same": tree, "inside": tree / "fixed", "contains": tree.parent}[where]
    before = (tree / "村" / "a.csv").read_bytes()
    code, output_text = run_fix(str(tree / "村") if where == "contains" else str(tree), "--output", str(output))
    assert code == 2, output_text
    assert (tree / "村" / "a.csv").read_bytes() == before
    assert not (tree / "fixed").exists()


def test_cli_refuses_a_file_output_onto_itself(tree: Path) -> None:
    code, _ = run_fix(str(tree / "村" / "a.csv"), "--output", str(tree / "村"))
    assert code == 2


@pytest.mark.parametrize(
    "args",
    [[], ["--in-place", "--output", "x"], ["--in-place", "--backup-suffix", ""], ["-"], ["--output", "x", "missing"]],
)
def test_cli_usage_errors_exit_2(tree: Path, tmp_path: Path, args: list[str]) -> None:
    paths = [] if "-" in args or "missing" in args else [str(tree)]
    code, _ = run_fix(*paths, *[str(tmp_path / a) if a in ("x", "missing") else a for a in args])
    assert code == 2


def test_cli_in_place_keeps_a_backup_and_never_overwrites_one(tree: Path, tmp_path: Path) -> None:
    target = tree / "村" / "a.csv"
    original = target.read_bytes()
    code, output = run_fix(str(tree), "--in-place", "--log", str(tmp_path / "log.json"))
    assert code == 0
    assert "请勿发布" in output  # the backup still holds the raw data
    assert (tree / "村" / "a.csv.bak").read_bytes() == original
    assert ID not in target.read_text(encoding="utf-8")
    code, _ = run_fix(str(tree), "--in-place", "--log", str(tmp_path / "log.json"))  # idempotent: no new backup
    assert not (tree / "村" / "a.csv.bak.1").exists()
    second = target.read_bytes() + f"李某,{ID2},\n".encode()
    target.write_bytes(second)
    run_fix(str(tree), "--in-place", "--log", str(tmp_path / "log.json"))
    assert (tree / "村" / "a.csv.bak").read_bytes() == original
    assert (tree / "村" / "a.csv.bak.1").read_bytes() == second
    assert (tmp_path / "log.csv").exists()


def test_cli_reports_unreadable_files_and_still_writes_the_rest(tree: Path, tmp_path: Path) -> None:
    (tree / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    code, output = run_fix(str(tree), "--output", str(tmp_path / "out"))
    assert code == 2
    assert "broken.xlsx" in output
    assert (tmp_path / "out" / "村" / "a.csv").exists()


def _pdf(line: str) -> bytes:
    """A one-page PDF with one line of Helvetica text (ASCII only)."""
    content = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        " /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return minimal_pdf([body.encode() for body in objects])


def test_cli_pdf_must_be_fixed_at_the_source(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "leak.pdf").write_bytes(_pdf(f"ID {ID} mobile {PHONE}"))
    (folder / "clean.pdf").write_bytes(_pdf("Subsidy 960 yuan"))
    code, output = run_fix(str(folder), "--output", str(tmp_path / "out"))
    assert code == 1, output
    assert "源文档" in output and f"{ID[:6]}********{ID[14:]}" in output
    assert not (tmp_path / "out" / "leak.pdf").exists()  # never copy a leak into the de-identified tree
    assert (tmp_path / "out" / "clean.pdf").read_bytes() == (folder / "clean.pdf").read_bytes()
    no_raw(output)


def test_cli_respects_the_config(tree: Path, tmp_path: Path) -> None:
    config = tmp_path / "auditor.toml"
    config.write_text('ignore = ["P111"]\n[policy]\nid-keep-first = 2\nid-keep-last = 3\n', encoding="utf-8")
    code, _ = run_fix(str(tree / "村" / "a.csv"), "--output", str(tmp_path / "out"), "--config", str(config))
    assert code == 0
    assert (tmp_path / "out" / "a.csv").read_text(encoding="utf-8").splitlines()[
        1
    ] == f"王某,{ID[:2]}{'*' * 13}{ID[15:]},{PHONE}"


def test_inline_ignore_keeps_the_accepted_value(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text(f"村委会值班手机 {PHONE} auditor: ignore P111 -- 公开值班电话\n户主 {ID}\n", encoding="utf-8")
    outcome = fix_one(source, tmp_path / "out")
    fixed = Path(outcome.output).read_text(encoding="utf-8")
    assert PHONE in fixed and ID not in fixed
    assert [c.rule_id for c in outcome.changes] == ["P101"]
    assert any("auditor: ignore" in w for w in outcome.warnings)


def test_allow_paths_are_left_out_and_not_copied(tree: Path, tmp_path: Path) -> None:
    config = tmp_path / "auditor.toml"
    config.write_text('allow-paths = ["村"]\n', encoding="utf-8")
    code, output = run_fix(str(tree), "--output", str(tmp_path / "out"), "--config", str(config))
    assert code == 0, output
    assert not (tmp_path / "out" / "村" / "a.csv").exists()
    assert (tmp_path / "out" / "clean.txt").exists()


def test_span_providers_see_every_block_of_a_document(tmp_path: Path) -> None:
    def names(unit: TextUnit, document: object, block: object):
        assert document is not None and block is not None
        for match in re.finditer("王德明", unit.text):
            yield ProvidedSpan(match.start(), match.end(), "PERSON_NAME", "P132", mask_name(match.group()))

    source = tmp_path / "a.csv"
    source.write_text(f"姓名,身份证号码\n王德明,{ID}\n", encoding="utf-8")
    scanner = Scanner(Config(extend_select=["P132"]))
    outcome = fix_paths([str(source)], scanner, FixOptions(output=tmp_path / "out", providers=[names]))[0]
    assert (tmp_path / "out" / "a.csv").read_text(
        encoding="utf-8"
    ) == f"姓名,身份证号码\n王*明,{ID[:6]}********{ID[14:]}\n"
    assert [c.rule_id for c in outcome.changes] == ["P132", "P101"]


def test_verifier_catches_changes_that_are_not_masking(tmp_path: Path) -> None:
    """The checker used above must fail on a real difference, or its silence means nothing."""
    data = f"a,{ID}\nb,x\n".encode()
    masked = f"a,{ID[:6]}********{ID[14:]}\nb,y\n".encode()
    change = Change({"line": 1, "column": 3, "end_line": 1, "end_column": 20}, "P101", "CN_RESIDENT_ID", "exposed", "")
    assert compare_text(data, masked, [change]) == ["difference outside logged spans at offset 23"]
    assert compare_text(data, data.replace(b"\n", b"\r\n"), [change])
    source = tmp_path / "a.xlsx"
    _workbook(source)
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    wb = load_workbook(source)
    wb["低保名单"]["F3"].font = Font(italic=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    assert any("font" in p for p in compare_xlsx(source.read_bytes(), buffer.getvalue(), []))


def test_a_workbook_openpyxl_cannot_open_is_an_error_not_a_crash(tmp_path: Path) -> None:
    """calamine reads it (scan finds the ID); openpyxl chokes on a content-types entry: no rewrite, no traceback."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证号码"])
    book.active.append(["张三", ID])
    plain = io.BytesIO()
    book.save(plain)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            part = source.read(name)
            if name == "[Content_Types].xml":
                part = part.replace(b"<Override ", b'<Override Bogus="1" ', 1)  # openpyxl: TypeError
            archive.writestr(name, part)
    path = tmp_path / "低保.xlsx"
    path.write_bytes(broken.getvalue())
    assert [f.rule_id for f in scan_paths([str(path)]).findings if f.rule_id == "P101"] == ["P101"]
    outcome = fix_one(path, tmp_path / "out")
    assert outcome.status == "error" and "openpyxl" in (outcome.message or "")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.xlsx"))

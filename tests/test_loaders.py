"""Every loader: encodings detected, and each finding located exactly in the source."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from synth import make_id

from auditor.config import Config
from auditor.engine import scan_paths as _scan_paths
from auditor.loaders.delimited import DelimitedLocator
from auditor.model import Block, Document, LineIndex, TextLocator
from auditor.suppress import MARKER

ID = make_id()


def scan_paths(paths: list[str]):
    """Identifier rules only: workflow (W2xx) and people (P13x–P15x) have their own tests."""
    return _scan_paths(paths, Config(ignore=["W", "P13", "P14", "P15"]))


def locations(path: Path) -> list[dict]:
    report = scan_paths([str(path)])
    return [f.location for f in report.findings if f.rule_id == "P101"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_text_encodings_and_columns(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "notice.txt"
    path.write_bytes(f"关于低保的公示\n户主：张三，身份证号：{ID}\n".encode(encoding))
    [loc] = locations(path)
    assert (loc["line"], loc["column"], loc["end_line"], loc["end_column"]) == (2, 12, 2, 29)


def test_csv_rows_count_the_title_and_fields_come_from_the_header(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(f"某村2024年低保公示名单,,,\n序号,姓名,身份证号码,金额\n1,张三,{ID},960\n", encoding="gbk")
    [loc] = locations(path)
    assert loc["row"] == 3 and loc["field"] == "身份证号码"
    assert (loc["line"], loc["column"]) == (3, 6)


def test_csv_quoted_multiline_records(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(f'姓名,备注,身份证号码\n张三,"第一行\n第二行",{ID}\n李四,无,{ID}\n', encoding="utf-8")
    found = locations(path)
    assert [(loc["row"], loc["line"], loc["field"]) for loc in found] == [(2, 3, "身份证号码"), (3, 4, "身份证号码")]


def test_tsv(tmp_path: Path) -> None:
    path = tmp_path / "list.tsv"
    path.write_text(f"姓名\t身份证号码\n张三\t{ID}\n", encoding="utf-8")
    [loc] = locations(path)
    assert (loc["row"], loc["field"], loc["column"]) == (2, "身份证号码", 4)


def test_json_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text(f'{{\n  "姓名": "张三",\n  "身份证号": "{ID}"\n}}\n', encoding="utf-8")
    [loc] = locations(path)
    assert (loc["line"], loc["column"]) == (3, 12)


def test_html_table_cells_and_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><body>\n<p>公示&nbsp;名单</p>\n<table>\n<tr><th>姓名</th><th>身份证号码</th></tr>\n"
        f"<tr><td>张三</td><td><span>{ID}</span></td></tr>\n</table>\n<p>户主李四 {ID}</p>\n</body></html>\n",
        encoding="utf-8",
    )
    cell, para = locations(path)
    assert (cell["line"], cell["column"], cell["field"], cell["row"], cell["col"]) == (5, 26, "身份证号码", 2, 2)
    assert (para["line"], para["column"]) == (7, 9)


def test_xlsx_title_row_hidden_sheet_and_numeric_ids(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "低保"
    sheet["A1"] = "某村低保公示"
    sheet.merge_cells("A1:C1")
    sheet.append(["序号", "姓名", "身份证号码"])
    sheet.append([1, "张三", ID])
    sheet.append([2, "李四", int(ID[:17] + "0")])
    hidden = workbook.create_sheet("底稿")
    hidden.sheet_state = "hidden"
    hidden["B2"] = ID
    workbook.save(path)
    report = scan_paths([str(path)])
    got = sorted((f.rule_id, f.location["sheet"], f.location["cell"], f.location.get("field")) for f in report.findings)
    assert got == [
        ("P101", "低保", "C3", "身份证号码"),
        ("P101", "底稿", "B2", None),
        ("P103", "低保", "C4", "身份证号码"),
        ("P161", "底稿", "B2", None),
    ]


def test_every_match_maps_back_to_the_original_text(tmp_path: Path) -> None:
    text = f"甲 {ID}\n乙 {ID[:6]} {ID[6:14]} {ID[14:]}\n丙 " + "".join(chr(ord(c) + 0xFEE0) for c in ID) + "\n"
    path = tmp_path / "mixed.txt"
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    for loc in locations(path):
        line = lines[loc["line"] - 1]
        span = line[loc["column"] - 1 : loc["end_column"]]
        assert span[0] not in " 甲乙丙" and span[-1] not in " "
        assert len(span.replace(" ", "")) == 18


def _html_cells(markup: str) -> list[tuple]:
    from auditor.loaders.html import load_html

    document = load_html(Path("page.html"), "html", markup.encode("utf-8"))
    found = []
    for block in document.blocks:
        position = block.locator.locate(0, len(block.text))
        location = {k: v for k, v in position.location.items() if k not in ("column", "end_column")}
        found.append((block.text.strip(), location, position.record, block.locator.field_at(0)))
    return found


def test_html_plain_rows_read_like_tag_by_tag_rows() -> None:
    """Rows of plain cells take a shortcut through the walk; what they yield must not differ."""
    rows = [
        ["某村公示"],
        ["序号", "姓名", "身份证号码"],
        ["1", "张三", ID],
        ["2", "李四", f"&nbsp;{ID}"],
        ["3", " ", ID],
    ]
    plain = "<table>\n" + "".join(
        "<tr>" + "".join(f"\n  <td>{cell}</td>" for cell in row) + "\n</tr>\n" for row in rows
    )
    tagged = "<table>\n" + "".join(
        "<tr class='r'>" + "".join(f"\n  <td class='c'><span>{cell}</span></td>" for cell in row) + "\n</tr>\n"
        for row in rows
    )
    got = _html_cells(plain + "</table>")
    assert got == _html_cells(tagged + "</table>")
    assert got[-1] == (
        ID,
        {"table": 1, "row": 5, "col": 3, "field": "身份证号码", "line": 23, "end_line": 23},
        ("table", 1, 5),
        "身份证号码",
    )


def test_gc_paused_restores_the_collector() -> None:
    import gc

    from auditor.gcpause import gc_paused

    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # the caller's choice stands
    finally:
        gc.enable()
    with pytest.raises(KeyError), gc_paused():
        raise KeyError("a loader's error goes on")
    assert gc.isenabled()


def test_a_worker_collects_cyclic_garbage_between_files_once_it_has_grown() -> None:
    """In a worker the collector is off; collect_if_grown frees cycles once there are many, not before."""
    script = """
import gc, weakref
from auditor.gcpause import WORKER_COLLECT_AFTER, collect_if_grown, pause_in_worker

class Node:
    pass

def cycles(n):
    first = None
    for _ in range(n):
        a, b = Node(), Node()
        a.other, b.other = b, a
        first = first or weakref.ref(a)
    return first

pause_in_worker()
assert not gc.isenabled()
few = cycles(100)
collect_if_grown()
assert few() is not None, "collected too early"
many = cycles(WORKER_COLLECT_AFTER)
collect_if_grown()
assert few() is None and many() is None, "cycles kept"
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "ok", done.stderr


def test_xlsx_hidden_rows_only_scanned_where_the_sheet_spells_hidden(tmp_path: Path) -> None:
    import io

    from auditor.loaders.safety import open_ooxml

    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "身份证号码"])
    workbook.active.append(["张三", ID])
    plain = workbook.create_sheet("plain")
    plain.append(["x"])
    workbook.active.row_dimensions[2].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    found: set[str] = set()
    open_ooxml(buffer.getvalue(), "xlsx", b'hidden="', found)
    assert "xl/worksheets/sheet1.xml" in found and "xl/worksheets/sheet2.xml" not in found


@given(st.text(alphabet="ab张\n\r", max_size=40), st.data())
def test_line_index_maps_every_offset_to_its_line_and_column(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(0, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    assert LineIndex(text).line_col(offset) == (line, column)


@given(st.text(alphabet="ab张\n\r", max_size=40), st.data())
def test_line_index_span_is_line_col_of_both_ends(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text) + 1))
    index = LineIndex(text)
    assert index.span(start, end) == (*index.line_col(start), *index.line_col(max(start, end - 1)))


@settings(max_examples=300)
@given(st.text(alphabet="姓名号a1|\t\n ", max_size=60), st.integers(0, 60))
@example("|姓名|号码|\n|a|1|", 11)
@example("姓名\t号码\na\t1", 8)
def test_field_at_shortcut_for_a_text_without_table_lines(text: str, offset: int) -> None:
    """field_at's shortcut (no tab, under two pipes) answers as the line-by-line lookup does."""
    offset = min(offset, len(text))
    reference = TextLocator(text)
    reference._tables = True  # the line-by-line lookup, whatever the text holds
    assert TextLocator(text).field_at(offset) == reference.field_at(offset)


@given(st.lists(st.sampled_from(["auditor: ignore", "auditor", ": ignore", "张三", "", "审核："]), max_size=6))
def test_may_match_is_false_only_when_no_block_matches(texts: list[str]) -> None:
    document = Document("d.txt", "txt", [Block(text, TextLocator(text)) for text in texts])
    if any(MARKER.search(text) for text in texts):
        assert document.may_match(MARKER)
    if not MARKER.search("\n".join(texts)):
        assert not document.may_match(MARKER)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, ""),
        ("", ""),
        ("张三", "张三"),
        (True, "TRUE"),
        (False, "FALSE"),
        (0.0, "0"),
        (13812345678.0, "13812345678"),
        (-42.0, "-42"),
        (1234.5, "1234.5"),
        (5.32328e17, "532328000000000000"),  # an ID a spreadsheet stored as a number: 15 digits, then zeros
        (float("inf"), "inf"),
        (7, "7"),
    ],
)
def test_xlsx_cells_read_as_a_spreadsheet_shows_them(value: object, shown: str) -> None:
    from auditor.loaders.xlsx import cell_text

    assert cell_text(value) == shown


def test_xlsx_cell_block_is_its_own_locator_and_compares_by_value() -> None:
    from auditor.loaders.cells import CellBlock

    cell = CellBlock("张三", "名单", 3, 27, "姓名")
    position = cell.locator.locate(0, 2)
    assert position.location == {"sheet": "名单", "cell": "AB3", "row": 3, "field": "姓名"}
    assert position.record == ("sheet", "名单", 3)
    assert cell.locator.in_table and cell.locator.field_at(1) == "姓名"
    assert (cell.hidden, cell.part) == (False, None)
    # Block's generated __eq__ and __repr__ would follow ``locator`` (the cell itself) without end.
    assert cell == CellBlock("张三", "名单", 3, 27, "姓名")
    assert cell != CellBlock("张三", "名单", 3, 27, "姓名", True, "hidden-row")
    assert repr(cell).startswith("CellBlock(") and "名单" in repr(cell)
    assert cell != Block("张三", cell)


def test_html_table_cell_is_its_own_locator_and_compares_by_value() -> None:
    from auditor.loaders.html import load_html
    from auditor.loaders.html_cells import TableCell

    page = "<table><tr><td>姓名</td><td>身份证号</td></tr>\n<tr><td>张三</td><td>" + ID + "</td></tr></table>"
    document = load_html(Path("list.html"), "html", page.encode("utf-8"))
    cell = next(b for b in document.blocks if b.text == ID)
    assert cell.__class__ is TableCell and cell.locator is cell
    location = cell.locator.locate(0, 18).location
    assert (location["table"], location["row"], location["col"], location["field"]) == (1, 2, 2, "身份证号")
    assert (location["line"], location["column"]) == (2, 20)
    twin = load_html(Path("list.html"), "html", page.encode("utf-8")).blocks[document.blocks.index(cell)]
    assert twin == cell and twin is not cell  # by value, without following ``locator`` forever
    assert repr(cell).startswith("TableCell(") and cell != document.blocks[0]


def field_index_from_the_record_start(locator: DelimitedLocator, record: int, offset: int) -> int:
    """Delimiters outside quotes from the record's first line to ``offset``, counted afresh (the spec)."""
    first_line = record if locator.record_lines is None else locator.record_lines[record - 1]
    index, quoted = 0, False
    for char in locator.text[locator.lines.line_start(first_line) : offset]:
        if char == '"':
            quoted = not quoted
        elif char == locator.delimiter and not quoted:
            index += 1
    return index


@given(st.text(alphabet='ab,"\n', max_size=60), st.lists(st.integers(0, 60), max_size=15))
def test_a_field_index_carried_on_is_the_one_counted_afresh(text: str, offsets: list[int]) -> None:
    # _field_index carries its count from the last offset of the same record: any order of offsets agrees
    locator = DelimitedLocator(text, ",")
    for offset in (min(o, len(text)) for o in offsets):
        line, _ = locator.lines.line_col(offset)
        record = locator._record(line)
        assert locator._field_index(record, offset) == field_index_from_the_record_start(locator, record, offset)

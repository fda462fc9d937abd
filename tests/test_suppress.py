"""Inline suppressions (issue 8): `auditor: ignore P111` in a line, a csv cell, an xlsx or docx comment."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from synth import make_id
from typer.testing import CliRunner

from auditor import suppress
from auditor.cli import app
from auditor.loaders import format_of
from auditor.suppress import parse_codes

ID1, ID2 = make_id(seq="001"), make_id(seq="002")
PHONE = "13912345678"
REASON = "本人书面同意公开"  # document text: must never be echoed


def scan(runner: CliRunner, *args: str) -> tuple[int, dict, str]:
    result = runner.invoke(app, ["scan", *args, "--select", "P10,P11,P12,P16", "--format", "json"])
    report = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    return result.exit_code, report, result.stderr


def rules_at(report: dict) -> list[tuple[str, object]]:
    def where(location: dict) -> object:
        return location.get("cell") or location.get("row") or location.get("paragraph") or location.get("line")

    return sorted((f["rule_id"], where(f["location"])) for f in report["findings"])


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        (" P111", ("P111",)),
        (" P111,P101 -- 已核实", ("P111", "P101")),
        ("：P111、P121 本人同意", ("P111", "P121")),
        (" P1 W", ("P1", "W")),
        (" [P111] reason", ("P111",)),
        (" Please keep", ()),
        (" P1111", ()),
        ("", ()),
    ],
)
def test_parse_codes(text: str, codes: tuple[str, ...]) -> None:
    assert parse_codes(text) == codes


@given(st.lists(st.sampled_from([b"auditor", b"AUDITOR", b"AuDiToR", b"audit", b"or", b"x", b"\xe5\xae\xa1", b" "])))
def test_marker_hint_sees_the_word_in_any_ascii_case_even_across_a_chunk_cut(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    expected = re.search(rb"[Aa][Uu][Dd][Ii][Tt][Oo][Rr]", data) is not None
    assert suppress._mentions_auditor(data) is expected
    original = suppress._HINT_CHUNK
    try:
        suppress._HINT_CHUNK = 3  # cuts fall inside the word
        assert suppress._mentions_auditor(data) is expected
    finally:
        suppress._HINT_CHUNK = original


def test_text_line_marker_suppresses_that_line_only(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(
        f"张三 手机 {PHONE} auditor: ignore P111 -- {REASON}\n李四 手机 13812345678\n身份证号 {ID1}\n",
        encoding="utf-8",
    )
    code, report, _ = scan(runner, str(path))
    assert code == 1
    assert rules_at(report) == [("P101", 3), ("P111", 2)]


def test_marker_for_another_rule_or_prefix(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "notice.md"
    path.write_text(
        f"身份证号 {ID1} <!-- auditor: ignore P111 -->\n身份证号 {ID2} <!-- auditor: ignore P1 -->\n",
        encoding="utf-8",
    )
    _, report, _ = scan(runner, str(path))
    assert rules_at(report) == [("P101", 1)]


def test_csv_cell_marker_suppresses_its_row_even_across_lines(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        f'序号,身份证号码,联系电话,备注\n1,{ID1},{PHONE},"auditor: ignore P101\n{REASON}"\n2,"{ID2}\n",{PHONE},\n',
        encoding="utf-8",
    )
    _, report, _ = scan(runner, str(path))
    assert rules_at(report) == [("P101", 3), ("P111", 2), ("P111", 3)]


def test_html_comment_and_json_string(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        f"<table><tr><td>{ID1}</td><td>auditor: ignore P101</td></tr>\n"
        f"<tr><td>{ID2}</td></tr></table>\n<p>{PHONE}</p><!-- auditor: ignore P111 -->\n",
        encoding="utf-8",
    )
    data = tmp_path / "data.json"
    data.write_text(json.dumps({"id": ID1, "note": "auditor: ignore P101"}) + "\n", encoding="utf-8")
    _, report, _ = scan(runner, str(page), str(data))
    assert [(f["location"]["path"], f["rule_id"]) for f in report["findings"]] == [(str(page), "P101")]
    assert report["findings"][0]["location"]["row"] == 2


def test_unused_unknown_and_codeless_markers_are_reported_without_their_reason(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(
        f"身份证号 {ID1} auditor: ignore P101\n"
        f"没有号码 auditor: ignore P111 {REASON}\n"
        f"auditor: ignore P999 {REASON}\n"
        f"auditor: ignore {REASON}\n",
        encoding="utf-8",
    )
    code, report, stderr = scan(runner, str(path))
    assert code == 0 and report["findings"] == []
    assert "auditor: ignore" not in stderr  # only with --report-unused-ignores

    code, _, stderr = scan(runner, str(path), "--report-unused-ignores", "--quiet")
    assert code == 0
    assert f"{path}:2:6: auditor: ignore P111 — 未使用" in stderr
    assert f"{path}:3:1: auditor: ignore P999 — 未知的规则代码" in stderr
    assert f"{path}:4:1: auditor: ignore (无代码)" in stderr
    assert f"{path}:1:" not in stderr
    assert REASON not in stderr
    assert stderr.strip().splitlines()[-1].startswith("auditor: 1 files, 0 findings, 1 suppressed inline, 3 unused")


def test_inline_ignores_can_be_turned_off(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(f"身份证号 {ID1} auditor: ignore P101\n", encoding="utf-8")
    assert scan(runner, str(path))[0] == 0
    assert scan(runner, str(path), "--no-inline-ignores")[0] == 1
    (tmp_path / "auditor.toml").write_text("inline-ignores = false\n", encoding="utf-8")
    assert scan(runner, str(path))[0] == 1


def test_gb18030_file(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_bytes(f"身份证号：{ID1}（auditor：ignore P101 已核实）\n手机 {PHONE}\n".encode("gb18030"))
    _, report, _ = scan(runner, str(path))
    assert rules_at(report) == [("P111", 2)]


# --- comments in office documents ---------------------------------------------------------------


def test_xlsx_cell_comment_and_cell_value(runner: CliRunner, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from openpyxl.comments import Comment

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(["序号", "身份证号码", "联系电话", "备注"])
    sheet.append([1, ID1, PHONE, None])
    sheet.append([2, ID2, PHONE, f"auditor: ignore P111 {REASON}"])
    sheet["B2"].comment = Comment(f"auditor: ignore P101 -- {REASON}", "审核人")
    path = tmp_path / "list.xlsx"
    book.save(path)
    from auditor.loaders import loader_for

    document = loader_for("xlsx")(path, "xlsx", path.read_bytes())
    if not any(block.part == "comment" for block in document.blocks):
        pytest.skip("the xlsx loader does not read cell comments yet (blocks with part='comment')")
    code, report, stderr = scan(runner, str(path), "--report-unused-ignores")
    assert code == 1
    assert rules_at(report) == [("P101", "B3"), ("P111", "C2")]
    assert REASON not in stderr


def _docx(path: Path, paragraphs: list[str], comments: dict[int, str]) -> None:
    """A minimal WordprocessingML package; ``comments`` maps a paragraph index to its comment text."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    body = []
    for index, text in enumerate(paragraphs):
        run = f"<w:r><w:t>{text}</w:t></w:r>"
        if index in comments:
            run = (
                f'<w:commentRangeStart w:id="{index}"/>{run}<w:commentRangeEnd w:id="{index}"/>'
                f'<w:r><w:commentReference w:id="{index}"/></w:r>'
            )
        body.append(f"<w:p>{run}</w:p>")
    notes = "".join(
        f'<w:comment w:id="{i}" w:author="审核人"><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:comment>'
        for i, t in comments.items()
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml"/><Override PartName="/word/comments.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "word/_rels/document.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{rel}/comments" Target="comments.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "word/document.xml", f'<w:document xmlns:w="{w}"><w:body>{"".join(body)}</w:body></w:document>'
        )
        archive.writestr("word/comments.xml", f'<w:comments xmlns:w="{w}">{notes}</w:comments>')


def test_docx_comment_suppresses_the_commented_paragraph(runner: CliRunner, tmp_path: Path) -> None:
    if format_of(Path("x.docx")) is None:
        pytest.skip("the docx loader is not registered yet (auditor.loaders.FORMATS has no .docx)")
    path = tmp_path / "notice.docx"
    _docx(path, [f"身份证号 {ID1}", f"身份证号 {ID2}"], {0: f"auditor: ignore P101 {REASON}"})
    code, report, stderr = scan(runner, str(path), "--report-unused-ignores")
    assert code == 1, stderr
    assert rules_at(report) == [("P101", 2)]
    assert REASON not in stderr

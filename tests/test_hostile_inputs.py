"""Hostile and broken input: each bad file is E001 with a clear reason, exit 2, and the rest of the scan goes on.

The committed cases live in corpora/formats/hostile/ (written by
generate_formats.py; expected.jsonl says what each message must mention):
password-protected docx/xlsx/pdf, truncated zips and PDFs, zip bombs (declared
size, ratio, a member that lies about its size), XML entity bombs, a PDF whose
page tree loops, a PDF stream bomb, wrong extensions, 0-byte files and a scan
without a text layer. More are built here on the fly.
"""

from __future__ import annotations

import io
import json
import re
import socket
import subprocess
import sys
import time
import traceback
import warnings
import zipfile
import zlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from synth import make_id, minimal_pdf
from typer.testing import CliRunner

from auditor.cli import app
from auditor.loaders import pdf, safety

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "corpora" / "formats" / "hostile"
SAMPLES = ROOT / "corpora" / "formats" / "samples"
ID = make_id()
CASES = [
    (item["path"], item["mentions"])
    for item in map(json.loads, (HOSTILE / "expected.jsonl").read_text(encoding="utf-8").splitlines())
]
REQUIRED = {
    "加密.docx",
    "加密.xlsx",
    "截断.docx",
    "截断.xlsx",
    "压缩炸弹_声明超大.xlsx",
    "实体炸弹.docx",
    "页面树循环.pdf",
    "数据流截断.pdf",
}


def scan(*paths: Path) -> tuple[int, dict[str, Any], str, float]:
    started = time.monotonic()
    result = CliRunner().invoke(app, ["scan", *map(str, paths), "--format", "json", "--ignore", "W"])
    elapsed = time.monotonic() - started
    return result.exit_code, json.loads(result.stdout), result.stdout, elapsed


def assert_e001_and_scan_goes_on(bad: Path, good: Path, mentions: str) -> str:
    code, report, stdout, elapsed = scan(bad, good)
    assert code == 2
    files = {Path(f["path"]).name: f for f in report["files"]}
    entry = files[bad.name]
    assert entry["status"] == "error", entry
    assert mentions in entry["error"], entry["error"]
    assert any(f["rule_id"] == "E001" and Path(f["location"]["path"]).name == bad.name for f in report["findings"])
    assert [e["path"] for e in report["errors"]] == [str(bad)]
    assert files[good.name]["status"] == "scanned" and files[good.name]["findings"] >= 1
    assert elapsed < 30, f"{bad.name} took {elapsed:.1f}s"
    assert ID not in stdout
    return entry["error"]


def test_every_required_hostile_case_is_committed() -> None:
    assert {name for name, _ in CASES} >= REQUIRED


@pytest.mark.parametrize(("name", "mentions"), CASES, ids=[name for name, _ in CASES])
def test_committed_hostile_file(name: str, mentions: str, good: Path) -> None:
    message = assert_e001_and_scan_goes_on(HOSTILE / name, good, mentions)
    english = message.rindex("(")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message[:english]), "Chinese first, English alongside"


@pytest.mark.parametrize("fraction", [0.05, 0.3, 0.6, 0.95])
@pytest.mark.parametrize("sample", ["docx", "xlsx", "xls", "pdf"])
def test_truncated_anywhere_is_e001(sample: str, fraction: float, tmp_path: Path, good: Path) -> None:
    source = sorted((SAMPLES / sample).glob(f"*.{sample}"))[0].read_bytes()
    bad = tmp_path / f"cut.{sample}"
    bad.write_bytes(source[: int(len(source) * fraction)])
    code, report, _, _ = scan(bad, good)
    statuses = {Path(f["path"]).name: f["status"] for f in report["files"]}
    assert statuses == {bad.name: "error", good.name: "scanned"} and code == 2


def test_zip_with_too_many_entries(tmp_path: Path, good: Path) -> None:
    bad = tmp_path / "many.xlsx"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(safety.MAX_ENTRIES + 1):
            archive.writestr(f"xl/media/{i}.bin", b"")
    assert_e001_and_scan_goes_on(bad, good, "上限")


def test_entity_bomb_in_a_sheet_calamine_would_read(tmp_path: Path, good: Path) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "x"
    source = tmp_path / "ok.xlsx"
    book.save(source)
    bad = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                payload = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + payload.split(b"?>", 1)[-1]
            dst.writestr(info.filename, payload)
    assert_e001_and_scan_goes_on(bad, good, "实体")


def test_entity_bomb_past_the_head_check_is_refused_by_the_parser(tmp_path: Path, good: Path) -> None:
    """A DOCTYPE after 5 KB of comment escapes the safety check's look at each entry's head:
    parse_xml itself must stop at it, before expat expands a single entity."""
    book = openpyxl.Workbook()
    book.active["A1"] = "x"
    source = tmp_path / "ok.xlsx"
    book.save(source)
    bad = tmp_path / "late-bomb.xlsx"
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 9))
    prolog = f'<!--{"x" * 5000}--><!DOCTYPE w [<!ENTITY l0 "lol">{laughs}]>'
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                body = payload.split(b"?>", 1)[-1].replace(b"<sheets>", b"<sheets>&l8;", 1)
                payload = prolog.encode() + body
            dst.writestr(info.filename, payload)
    assert_e001_and_scan_goes_on(bad, good, "实体")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_parse_xml_refuses_any_doctype(encoding: str) -> None:
    text = f'<?xml version="1.0" encoding="{encoding.upper()}"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'
    with pytest.raises(safety.LoadError, match="实体"):
        safety.parse_xml(text.encode(encoding), "a.xml")


def test_parse_xml_builds_the_stdlib_tree() -> None:
    """The tree is ElementTree's own: namespaced tags, attributes, text and tails as it builds them."""
    import xml.etree.ElementTree as ET

    data = '<w:document xmlns:w="urn:w" w:a="1"><w:p>一<w:r x="y">二</w:r>三</w:p><!-- c --><?pi x?></w:document>'
    ours = safety.parse_xml(data.encode(), "d.xml")
    assert ET.tostring(ours) == ET.tostring(ET.fromstring(data))
    assert [node.tag for node in ours.iter()] == ["{urn:w}document", "{urn:w}p", "{urn:w}r"]


def test_nothing_is_fetched_and_no_macro_runs(tmp_path: Path, good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """External links and a VBA project are ignored: the files are scanned with no network access at all."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the scanner tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证号码"])
    book.active.append(["张三", ID])
    source = tmp_path / "plain.xlsx"
    book.save(source)
    macro = tmp_path / "macro.xlsm"
    external = (
        '<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'externalLinkPath" Target="http://127.0.0.1:9/leak.xlsx" TargetMode="External"/>'
    )
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(macro, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                payload = payload.replace(b"</Relationships>", external.encode() + b"</Relationships>")
            dst.writestr(info.filename, payload)
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"Sub AutoOpen()")
    sys.path.insert(0, str(ROOT / "corpora" / "formats"))
    import writers

    builder = writers.DocxBuilder()
    builder.body.append(writers.paragraph_xml([f"户主 {ID}"]))
    docx = tmp_path / "linked.docx"
    data = builder.build()
    with (
        zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as dst,
        zipfile.ZipFile(__import__("io").BytesIO(data)) as src,
    ):
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "word/_rels/document.xml.rels":
                payload = payload.replace(b"</Relationships>", external.encode() + b"</Relationships>")
            dst.writestr(info.filename, payload)
    code, report, _, _ = scan(macro, docx, good)
    assert code == 1
    assert {f["status"] for f in report["files"]} == {"scanned"}
    assert all(f["findings"] >= 1 for f in report["files"])


def test_hostile_folder_scan_has_bounded_memory_and_time() -> None:
    """All hostile files in one scan, in a child process: peak RSS and wall time stay small."""
    script = (
        "import resource, subprocess, sys, time\n"
        "t = time.monotonic()\n"
        "subprocess.run([sys.executable, '-m', 'auditor', 'scan', sys.argv[1], '--format', 'json',"
        " '--output', '/dev/null'], check=False)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.monotonic() - t)\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(HOSTILE)], capture_output=True, text=True, cwd=ROOT)
    peak_kb, seconds = out.stdout.split()
    assert int(peak_kb) < 700 * 1024, f"peak RSS {int(peak_kb) // 1024} MB"
    assert float(seconds) < 60


def test_zip_checks_reject_before_inflating() -> None:
    """The declared-size bomb is rejected from the central directory alone (no member is read)."""
    data = (HOSTILE / "压缩炸弹_声明超大.xlsx").read_bytes()
    with pytest.raises(safety.LoadError, match="1 GB"):
        safety.checked_zip(data)
    assert safety.sniff(b"") == "empty" and safety.sniff(b"%PDF-1.7") == "pdf"
    assert safety.content_kind((SAMPLES / "docx").glob("*.docx").__next__().read_bytes()) == "docx"


def _zip(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", compression) as archive:
        warnings.simplefilter("ignore")  # a duplicate name is the point of one case
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_checked_zip_serves_what_zipfile_reads(compression: int) -> None:
    """Members the check kept read back as zipfile reads them; of two with one name, the last."""
    big = b"<x>" + b"7" * (safety.KEEP_BELOW + 1) + b"</x>"
    data = _zip([("a.xml", b"<a>1</a>"), ("twice.xml", b"<one/>"), ("twice.xml", big), ("b.xml", b"<b/>")], compression)
    archive = safety.checked_zip(data)
    plain = zipfile.ZipFile(io.BytesIO(data))
    assert archive.inflated == {"a.xml": b"<a>1</a>", "b.xml": b"<b/>"}  # too big: not kept, nor its namesake
    for name in ("a.xml", "twice.xml", "b.xml"):
        assert archive.read(name) == plain.read(name)
        assert archive.read(plain.getinfo(name)) == plain.read(name)


def _declare_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with ``name``'s uncompressed size in the central directory replaced by ``size``: a lying member."""
    entry = data.index(b"PK\x01\x02")  # central directory entries: the name starts 46 bytes in
    while data[entry + 46 : entry + 46 + len(name)] != name.encode():
        entry = data.index(b"PK\x01\x02", entry + 4)
    return data[: entry + 24] + size.to_bytes(4, "little") + data[entry + 28 :]


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
@pytest.mark.parametrize("length", [200, safety.KEEP_BELOW + 10])
def test_a_member_that_inflates_past_its_declared_size_is_a_bomb(compression: int, length: int) -> None:
    """Small members are inflated in one call and big ones streamed: both stop one byte past the declared size."""
    content = b"<a>" + b"7" * length + b"</a>"
    data = _declare_size(_zip([("a.xml", content)], compression), "a.xml", len(content) - 1)
    with pytest.raises(safety.LoadError, match="压缩炸弹"):
        safety.checked_zip(data)
    assert safety.checked_zip(_declare_size(data, "a.xml", len(content))).inflated.keys() == (
        {"a.xml"} if length < safety.KEEP_BELOW else set()
    )


@given(st.binary(max_size=300), st.sampled_from([b'hidden="', b"ab"]), st.booleans())
def test_small_members_find_the_marker_as_the_stream_does(content: bytes, marker: bytes, stored: bool) -> None:
    """The one-call inflate of a small member says what the streamed one says (pieces of 7 bytes force seams)."""
    data = _zip([("a.bin", content)], zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo("a.bin")
    small = safety._verify_entry(data, info, marker)
    original = safety._inflate
    try:
        safety._inflate = lambda raw, stored, step=7: original(raw, stored, step)  # type: ignore[assignment]
        safety.KEEP_BELOW, keep = -1, safety.KEEP_BELOW
        streamed = safety._verify_entry(data, info, marker)
    finally:
        safety._inflate, safety.KEEP_BELOW = original, keep
    assert small == (marker in content, content) and streamed == (marker in content, None)


HEAD_PIECES = [b"<!", b"<!DocType", b"<!entity", b"<\x00!\x00", b"<?xml", b"a", b"\x00"]


@given(st.lists(st.sampled_from(HEAD_PIECES)).map(b"".join))
def test_the_dtd_test_skips_lowering_only_where_no_declaration_can_be(head: bytes) -> None:
    lowered = head.lower()
    assert safety._has_dtd(head) == (b"<!doctype" in lowered or b"<!entity" in lowered or b"<\x00!\x00" in head)


def test_checked_zip_keeps_no_member_whose_crc_fails() -> None:
    """A damaged member is read through zipfile, which raises as it always did: never served unchecked."""
    data = bytearray(_zip([("a.xml", b"<a>" + b"5" * 200 + b"</a>")], zipfile.ZIP_STORED))
    at = data.index(b"5" * 200)
    data[at] = ord("6")  # same size, wrong CRC
    archive = safety.checked_zip(bytes(data))
    assert "a.xml" not in archive.inflated
    with pytest.raises(zipfile.BadZipFile, match="CRC"):
        archive.read("a.xml")


def decompress_corrupted_reference(data: bytes) -> bytes:
    """pdfminer.six's own retry for a damaged Flate stream (byte at a time), as the contract."""
    inflater = zlib.decompressobj()
    result = b""
    index = 0
    try:
        for index in range(len(data)):
            result += inflater.decompress(data[index : index + 1])
        index = len(data)
    except zlib.error:
        if index < len(data) - 3:
            raise
    return result


@given(
    payload=st.binary(max_size=3000) | st.text(alphabet="BT ET 0123", max_size=6000).map(str.encode),
    cut=st.floats(0.0, 1.0),
    flips=st.lists(st.tuples(st.floats(0.0, 0.999), st.integers(0, 255)), max_size=3),
    chunk=st.sampled_from([1, 7, 64, pdf.CORRUPT_CHUNK]),
)
def test_damaged_stream_inflates_as_pdfminer_would(
    payload: bytes, cut: float, flips: list[tuple[float, int]], chunk: int
) -> None:
    """Same bytes or the same refusal as pdfminer's retry, at every chunk size."""
    damaged = bytearray(zlib.compress(payload))
    for where, value in flips:
        damaged[int(where * len(damaged))] = value
    data = bytes(damaged[: max(1, int(cut * len(damaged)))])
    try:
        expected: bytes | None = decompress_corrupted_reference(data)
    except zlib.error:
        expected = None
    try:
        got: bytes | None = pdf.decompress_corrupted(data, chunk)
    except zlib.error:
        got = None
    assert got == expected


def test_pdfminer_uses_the_linear_retry(good: Path) -> None:
    scan(HOSTILE / "数据流截断.pdf", good)
    import pdfminer.pdftypes

    assert pdfminer.pdftypes.decompress_corrupted is pdf.decompress_corrupted


def test_damaged_stream_keeps_text_before_a_bad_checksum_and_refuses_earlier_damage() -> None:
    payload = b"BT (1234) Tj ET " * 2000
    packed = bytearray(zlib.compress(payload))
    packed[-2] ^= 0xFF  # the Adler-32 checksum
    assert pdf.decompress_corrupted(bytes(packed), 64) == payload
    packed = bytearray(zlib.compress(payload))
    packed[2] = 0xFF  # the first block's header names the reserved block type 3
    with pytest.raises(zlib.error):
        pdf.decompress_corrupted(bytes(packed), 64)


def _operators_pdf(lines: int) -> bytes:
    """One page of nothing but vector drawing: a few KB on disk, seconds of pdfminer per page."""
    stream = zlib.compress(b"BT ET " + b"0 0 m 1 1 l S\n" * lines, 9)
    return minimal_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        ]
    )


def test_the_time_budget_stops_pdfminer_inside_a_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not only between pages: the budget is checked as the content stream is read."""
    monkeypatch.setattr(pdf, "TIME_BUDGET", 0.0)
    with pytest.raises(safety.LoadError, match="秒上限") as caught:
        list(pdf._page_texts(_operators_pdf(2000)))
    frames = [frame.f_code.co_name for frame, _ in traceback.walk_tb(caught.value.__traceback__)]
    assert "fillbuf" in frames and "process_page" in frames
    monkeypatch.setattr(pdf, "TIME_BUDGET", 120.0)
    assert [text for text, _ in pdf._page_texts(_operators_pdf(10))] == [""]  # the clock was reset


def test_a_library_quoting_an_id_does_not_put_it_in_the_report(tmp_path: Path, good: Path) -> None:
    """pdfminer prints the objects of a broken dictionary: an ID string there must not reach E001."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /X (%s) /B >> >>"
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(
        minimal_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                page % ID.encode(),
                b"<< /Length 5 >>\nstream\nBT ET\nendstream",
            ]
        )
    )
    message = assert_e001_and_scan_goes_on(bad, good, "PDF")
    assert "Invalid dictionary construct" in message  # the library's words stay, its quote of the value goes


@given(
    value=st.sampled_from([ID, "13812345678", "6222021234567890123"]),
    shape=st.sampled_from(["plain", "spaced", "bytes", "wide"]),
    name=st.sampled_from(["", "张三", "欧阳建国"]),
    around=st.text(alphabet="abc :,[]()'/", max_size=20),
)
def test_a_reason_never_carries_a_value(value: str, shape: str, name: str, around: str) -> None:
    from auditor.loaders.errors import reason

    shown = {
        "plain": value,
        "spaced": " ".join(value[i : i + 4] for i in range(0, len(value), 4)),
        "bytes": repr((name + value).encode("utf-8")),
        "wide": value.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    }[shape]
    text = reason(ValueError(f"{around}{name}{shown}{around} at line 12, column 1002"))
    assert text.startswith("ValueError: ") and "line 12, column 1002" in text
    assert re.search(r"\d(?:[ \-]?\d){4}", text) is None  # no five digits in a row, spaced or not
    assert name == "" or name not in text
    assert all(ord(ch) < 128 or ch == "…" for ch in text)

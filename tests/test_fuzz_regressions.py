"""Inputs that mutation fuzzing (corpora/formats/fuzz_loaders.py) found crashing, hanging or blowing up a scan.

Each is rebuilt here on the fly, small and deterministic, from a committed sample or
from scratch, and must now be a clean result: status ``error`` with an E001 whose
message is Chinese first, or a normal scan, while the next file is still scanned.
Results come from ``Scanner.scan_target`` itself, the boundary the loaders must
hold (the CLI's last-resort guard would hide an escaping exception). A case that
could abort the process or allocate gigabytes if it regressed runs in a child
process with an address-space limit.
"""

from __future__ import annotations

import io
import json
import random
import re
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synth import make_id, minimal_pdf

from auditor.config import Config
from auditor.engine import Scanner, Target
from auditor.loaders import pdf, xlsx
from auditor.loaders.safety import CheckedZip
from auditor.model import FileResult
from auditor.recognizers.names import text_names

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "formats" / "samples"
ID = make_id()
BOUND = 30.0  # seconds, as in test_hostile_inputs.assert_e001_and_scan_goes_on


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(Config())


def scan_one(scanner: Scanner, path: Path) -> FileResult:
    return scanner.scan_target(Target(str(path), path, True))


def assert_clean_error(result: FileResult, mentions: str) -> str:
    """Status error, an E001 finding, and a message that names the problem in Chinese first."""
    assert result.status == "error", (result.status, result.error)
    message = result.error or ""
    assert mentions in message, message
    english = message.rindex("(")
    assert re.search(r"[\u4e00-\u9fff]", message[:english]), "Chinese first, English alongside"
    assert any(f.rule_id == "E001" for f in result.findings)
    assert ID not in message
    return message


def assert_e001_and_scan_goes_on(scanner: Scanner, bad: Path, good: Path, mentions: str) -> str:
    """The bad file is E001 within BOUND seconds and the good one after it is scanned with its finding."""
    started = time.monotonic()
    message = assert_clean_error(scan_one(scanner, bad), mentions)
    elapsed = time.monotonic() - started
    after = scan_one(scanner, good)
    assert after.status == "scanned" and after.findings
    assert elapsed < BOUND, f"{bad.name} took {elapsed:.1f}s"
    return message


def assert_scanned_in_bounded_time(scanner: Scanner, path: Path) -> FileResult:
    """The file scans, with no E001, within BOUND seconds: what an input that once took minutes must do now."""
    started = time.monotonic()
    result = scan_one(scanner, path)
    assert result.status == "scanned", result.error
    assert time.monotonic() - started < BOUND
    return result


CHILD = textwrap.dedent(
    """
    import json, resource, sys
    from pathlib import Path
    limit = int(sys.argv[2]) << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from auditor.config import Config
    from auditor.engine import Scanner, Target
    path = Path(sys.argv[1])
    result = Scanner(Config()).scan_target(Target(str(path), path, True))
    print(json.dumps({"status": result.status, "error": result.error,
                      "e001": any(f.rule_id == "E001" for f in result.findings)}))
    """
)


def scan_in_child(path: Path, address_mb: int = 2048) -> dict[str, Any]:
    """scan_target in a child process that may map at most ``address_mb``: an abort or a blow-up stays there."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(address_mb)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, f"the scan died (exit {done.returncode}): {done.stderr[-300:]}"
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


# -- xlsx ------------------------------------------------------------------------------


def rewrite_zip(source: bytes, change: Any, added: dict[str, bytes] | None = None) -> bytes:
    """The package with ``change(name, data)`` applied to each member and ``added`` members after
    them, re-zipped with valid CRCs."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info.filename)))
        for name, data in (added or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def two_cell_book(far: str, tag: str = '<c r="{}" t="inlineStr"><is><t>x</t></is></c>') -> bytes:
    """A workbook with a value in A1 and one more cell, written as ``tag`` at ``far``."""
    cell = tag.format(far).encode()
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe5\xa7\x93\xe5\x90\x8d</t></is></c></row>'
        b'<row r="2">' + cell + b"</row></sheetData></worksheet>"
    )
    members = {
        "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/xl/workbook.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        b'<Override PartName="/xl/worksheets/sheet1.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        b'<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("far", "tag"),
    [
        ("XFD1048576", '<c r="{}" t="inlineStr"><is><t>x</t></is></c>'),  # both ends of a valid sheet
        ("A2147483647", '<c r="{}"><v>1</v></c>'),  # what the fuzzer made of a row number
        ("xfd1048576", "<c t='n' r = '{}'><v>1</v></c>"),  # spellings calamine reads too
        ("B99999999999999999999", '<c r="{}"><v>1</v></c>'),  # 20 digits: calamine wraps them into 32 bits
        ("AAAAAAAAAAAAAAAAAAAAB1", '<c r="{}"><v>1</v></c>'),  # 21 letters: the column wraps the same way
    ],
)
def test_values_far_apart_in_a_sheet_are_e001_not_an_abort(far: str, tag: str, tmp_path: Path) -> None:
    """calamine allocates the whole box around a sheet's values: 17 billion cells aborted the process."""
    bad = tmp_path / "far.xlsx"
    bad.write_bytes(two_cell_book(far, tag))
    result = scan_in_child(bad)
    assert result["status"] == "error" and result["e001"], result
    assert "too sparse" in result["error"] and "单元格上限" in result["error"]


def test_the_fuzzed_row_number_in_a_committed_sample_is_e001(tmp_path: Path) -> None:
    """The fuzzer's case: one row of a real-looking sheet renumbered to 2147483647 (cells follow their row)."""
    source = sorted((SAMPLES / "xlsx").glob("*.xlsx"))[0].read_bytes()

    def renumber(name: str, data: bytes) -> bytes:
        if not re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name):
            return data
        last = max(int(r) for r in re.findall(rb'<row r="(\d+)"', data))
        data = data.replace(b'<row r="%d"' % last, b'<row r="2147483647"')
        return re.sub(rb'(<c r="[A-Z]+)%d"' % last, rb'\g<1>2147483647"', data)

    bad = tmp_path / "renumbered.xlsx"
    bad.write_bytes(rewrite_zip(source, renumber))
    result = scan_in_child(bad)
    assert result["status"] == "error" and result["e001"] and "too sparse" in result["error"], result


def test_a_long_reference_that_calamine_reads_as_near_is_scanned(scanner: Scanner, tmp_path: Path) -> None:
    """Leading zeros make a reference long, not far: B00000000000000000002 is B2, and no E001."""
    path = tmp_path / "zeros.xlsx"
    path.write_bytes(two_cell_book("B00000000000000000002"))
    result = scan_one(scanner, path)
    assert result.status == "scanned", result.error


def test_a_forged_reference_is_not_repeated_in_the_e001_message(tmp_path: Path) -> None:
    """The span in the message stops at the sheet grid: the digits of a reference can be anything, an ID too."""
    bad = tmp_path / "forged.xlsx"
    bad.write_bytes(two_cell_book(f"B{ID}"))
    result = scan_in_child(bad)
    assert result["status"] == "error" and result["e001"], result
    assert ID[:17] not in result["error"] and ">1048576" in result["error"], result["error"]


def shared_strings_book(attributes: str, name: str = "xl/sharedStrings.xml") -> bytes:
    """A workbook whose B2 is shared string 0, an ID, from a table with these ``<sst>`` attributes."""
    namespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    table = f'<sst xmlns="{namespace}" {attributes}><si><t>{ID}</t></si></sst>'
    book = two_cell_book("B2", '<c r="{}" t="s"><v>0</v></c>')
    return rewrite_zip(book, lambda _, data: data, {name: table.encode()})


@pytest.mark.parametrize("name", ["xl/sharedStrings.xml", "XL/SHAREDSTRINGS.XML"])  # calamine ignores the case
def test_a_shared_strings_table_claiming_billions_is_e001_not_an_abort(name: str, tmp_path: Path) -> None:
    """calamine reserves uniqueCount strings on opening: a 1 KB table claiming four billion asked for 96 GB."""
    bad = tmp_path / "claims.xlsx"
    bad.write_bytes(shared_strings_book('uniqueCount="4000000000"', name))
    result = scan_in_child(bad)
    assert result["status"] == "error" and result["e001"], result
    assert "shared strings table" in result["error"] and "4000000000" not in result["error"]


@pytest.mark.parametrize("attributes", ['uniqueCount="1"', 'count="4000000000" uniqueCount="1000000"'])
def test_a_shared_strings_count_within_reason_is_scanned(attributes: str, scanner: Scanner, tmp_path: Path) -> None:
    """A truthful count, a huge ``count`` (calamine does not read it) or a small lie: the ID is still found."""
    path = tmp_path / "strings.xlsx"
    path.write_bytes(shared_strings_book(attributes))
    result = scan_one(scanner, path)
    assert result.status == "scanned", result.error
    assert [f.rule_id for f in result.findings if f.rule_id.startswith("P10")] == ["P101"]


def test_a_shared_strings_table_with_a_bad_checksum_is_e001(scanner: Scanner, tmp_path: Path) -> None:
    """A stored table whose bytes no longer match its CRC passes the safety check (nothing is kept);
    reading it for its count raised BadZipFile out of the loader (fuzzer, seed 2026, xlsx case 1700)."""
    stored = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(shared_strings_book('uniqueCount="1"'))) as src,
        zipfile.ZipFile(stored, "w") as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    bad = tmp_path / "checksum.xlsx"
    bad.write_bytes(stored.getvalue().replace(ID.encode(), ID[::-1].encode()))  # same length, other bytes
    message = assert_clean_error(scan_one(scanner, bad), "corrupt zip entry xl/sharedStrings.xml")
    assert ID[::-1] not in message


@pytest.mark.parametrize(
    "part",
    [
        b"<sst>" + b" " * ((1 << 20) - 10) + b'<x uniqueCount="4000000000"/></sst>',  # across the first piece's end
        b'<sst pad="' + b"a" * ((1 << 21) - 20) + b'" uniqueCount="4000000000"></sst>',  # same, in a tag of 2 MB
    ],
)
def test_unique_counts_are_found_in_a_part_read_piece_by_piece(part: bytes) -> None:
    """A table too big to be kept inflated is read a megabyte at a time; no count escapes between pieces."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", part)
    checked = CheckedZip(data.getvalue())  # nothing kept: the streamed path
    assert xlsx._unique_counts(checked, "xl/sharedStrings.xml") == [b"4000000000"]


def test_a_far_cell_without_a_value_is_still_scanned(scanner: Scanner, tmp_path: Path) -> None:
    """A formatted empty cell at the last row and column is common and calamine skips it: no E001."""
    path = tmp_path / "styled.xlsx"
    path.write_bytes(two_cell_book("XFD1048576", '<c r="{}" s="0"/>'))
    result = scan_one(scanner, path)
    assert result.status == "scanned", result.error


def test_a_dense_sheet_is_not_sparse(tmp_path: Path) -> None:
    """The bounding box and the number of values of an ordinary sheet, as the check reads them."""
    rows = b"".join(
        b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>1</v></c>' % (col, r) for col in (b"A", b"B", b"C")) + b"</row>"
        for r in range(1, 101)
    )
    path = tmp_path / "dense.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet><sheetData>" + rows + b"</sheetData></worksheet>")
    with zipfile.ZipFile(path) as archive:
        assert xlsx._extent(archive, "xl/worksheets/sheet1.xml") == (100, 3, 300)


def test_a_sheet_listed_thousands_of_times_is_read_once(scanner: Scanner, tmp_path: Path) -> None:
    """The fuzzer duplicated a <sheet> element 20,000 times: 4.8 million blocks from a 60 KB file."""
    book = two_cell_book("B2", f'<c r="{{}}" t="inlineStr"><is><t>{ID}</t></is></c>')

    def repeat(name: str, data: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return data
        sheet = re.search(rb"<sheet [^>]*/>", data)
        assert sheet is not None
        return data.replace(sheet.group(), sheet.group() * 2000)

    path = tmp_path / "repeated.xlsx"
    path.write_bytes(rewrite_zip(book, repeat))
    result = scan_one(scanner, path)
    assert result.status == "scanned"
    assert len([f for f in result.findings if f.rule_id.startswith("P10")]) == 1


class PanicException(BaseException):
    """What pyo3 raises for a Rust panic: a BaseException, so ``except Exception`` lets it through."""


def test_a_calamine_panic_is_e001(scanner: Scanner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import python_calamine

    def panic(*args: Any, **kwargs: Any) -> None:
        raise PanicException("called `Option::unwrap()` on a `None` value")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", panic)
    path = tmp_path / "panics.xlsx"
    path.write_bytes(two_cell_book("B2"))
    assert_clean_error(scan_one(scanner, path), "PanicException")


@pytest.mark.parametrize("sample", ["xlsx", "docx"])
def test_a_zip_naming_an_unknown_version_is_e001(sample: str, scanner: Scanner, tmp_path: Path, good: Path) -> None:
    """zipfile raises NotImplementedError for 'zip file version 8.4' (one flipped bit in the fuzz case)."""
    data = bytearray(sorted((SAMPLES / sample).glob(f"*.{sample}"))[0].read_bytes())
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<H", data, central + 6, 84)  # version needed to extract
    bad = tmp_path / f"version.{sample}"
    bad.write_bytes(bytes(data))
    assert_e001_and_scan_goes_on(scanner, bad, good, "zip")


# -- html ------------------------------------------------------------------------------


def test_a_huge_colspan_is_scanned_without_gigabytes(tmp_path: Path) -> None:
    """colspan="999999999" made the header grid 12 x 10^9 cells; 50,000 colspan=1000 cells too."""
    page = (
        "<table><tr><th>姓名</th><th>身份证号码</th>"
        '<td colspan="999999999">x</td>' + "<td colspan=1000>x</td>" * 50_000 + "</tr>"
        f"<tr><td>张三</td><td>{ID}</td></tr></table>"
    )
    path = tmp_path / "colspan.html"
    path.write_text(page, encoding="utf-8")
    result = scan_in_child(path, address_mb=2048)
    assert result == {"status": "scanned", "error": None, "e001": False}


def test_colspan_is_read_as_browsers_do() -> None:
    from auditor.loaders.html import _colspan

    spelt = ("1", "2", "0002", "999", "1000", "1001", "9" * 5000)
    assert [_colspan(value) for value in spelt] == [1, 2, 2, 999, 1000, 1000, 1000]


def test_a_table_header_still_names_its_columns(scanner: Scanner, tmp_path: Path) -> None:
    path = tmp_path / "table.html"
    path.write_text(
        f"<table><tr><th>序号</th><th colspan=2>姓名</th><th>身份证号码</th></tr>"
        f"<tr><td>1</td><td>张</td><td>三</td><td>{ID}</td></tr></table>",
        encoding="utf-8",
    )
    result = scan_one(scanner, path)
    assert result.status == "scanned"
    assert {f.location.get("field") for f in result.findings if f.rule_id.startswith("P10")} == {"身份证号码"}


# -- csv -------------------------------------------------------------------------------


def test_cells_of_one_long_record_are_placed_in_linear_time(scanner: Scanner, tmp_path: Path) -> None:
    """A quote left open for many lines makes them one record: each line's column was counted from the
    record's start again, 8 s for a 59 KB file (fuzzer, seed 31, csv case 1363), 100 s for this one
    (120 KB: the quoted field stays under the csv module's limit of 128 KB)."""
    path = tmp_path / "名单.csv"
    path.write_text('序号,姓名,备注\n1,张三,"未闭合\n' + "2,a\n" * 30_000 + '"\n', encoding="utf-8")
    assert_scanned_in_bounded_time(scanner, path)


# -- people checks -----------------------------------------------------------------------


def test_context_slots_in_one_long_run_are_read_in_linear_time() -> None:
    """A cell of 户主… repeated 20,000 times (no break): each slot matched the rest of the run, minutes."""
    started = time.monotonic()
    found = text_names("户主王明华" * 20_000)
    assert len(found) == 20_000 and found[0].value == "王明华"
    assert time.monotonic() - started < BOUND


def test_sign_off_names_repeated_in_one_paragraph_are_skipped_in_linear_time(scanner: Scanner, tmp_path: Path) -> None:
    """A footer paragraph of 制表人：… repeated: every name found was tested against every sign-off span."""
    path = tmp_path / "notice.txt"
    path.write_text("关于发放补贴的通知\n" + "制表人：毛英　" * 32_000 + "\n", encoding="utf-8")
    assert_scanned_in_bounded_time(scanner, path)


# -- pdf -------------------------------------------------------------------------------


def one_page_pdf(content: bytes, extra: bytes = b"") -> bytes:
    """One page with Helvetica as /F1 and ``content`` as its (deflated) content stream."""
    stream = zlib.compress(content, 9)
    return minimal_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R " + extra + b">>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


TEXT = b"BT /F1 12 Tf 72 700 Td (ID %s) Tj ET\n" % ID.encode()


def test_an_inline_image_full_of_e_is_read_in_linear_time(scanner: Scanner, tmp_path: Path) -> None:
    """pdfminer appended byte by byte after every 'E' of inline image data: 2 KB held a scan for minutes."""
    bad = tmp_path / "inline.pdf"
    bad.write_bytes(one_page_pdf(TEXT + b"BI /W 1 /H 1 /BPC 8 /CS /G ID " + b"E" * 1_600_000 + b" EI\n"))
    started = time.monotonic()
    result = scan_one(scanner, bad)
    assert result.status == "scanned" and any(f.rule_id.startswith("P10") for f in result.findings)
    assert time.monotonic() - started < BOUND


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(st.sampled_from([b"E", b"I", b" ", b"\n", b"\r", b"x", b"EI", b"E I", b"~>", b"~"]), max_size=40),
    target=st.sampled_from([b"EI", b"~>"]),
    bufsize=st.sampled_from([1, 3, 4096]),
)
def test_inline_data_is_what_pdfminer_reads(data: list[bytes], target: bytes, bufsize: int) -> None:
    """Same bytes and the same end position as pdfminer's own get_inline_data, across buffer edges."""
    from pdfminer import pdfinterp
    from pdfminer.pdftypes import PDFStream

    pdf._install_bounded_zlib()
    original = pdfinterp.PDFContentParser.__mro__[2]  # BudgetedContentParser -> _Budgeted -> pdfminer's
    assert original.__module__ == "pdfminer.pdfinterp"
    body = b"ID " + b"".join(data) + b" " + target + b" Q"

    def read(parser_class: Any) -> Any:
        parser = parser_class([PDFStream({}, body)])
        parser.BUFSIZ = bufsize
        try:
            return parser.get_inline_data(3, target), parser.charpos, parser.bufpos
        except Exception as exc:
            return type(exc).__name__

    assert read(pdfinterp.PDFContentParser) == read(original)


def test_operands_piled_up_then_popped_one_by_one_is_linear(
    scanner: Scanner, tmp_path: Path, good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pdfminer rebuilt the whole operand stack per operator: 200,000 numbers then 200,000 'w' took 68 s.

    The content allowance would stop this file early; it is raised so the stack itself is what is timed.
    """
    monkeypatch.setattr(pdf, "CONTENT_FLOOR", 64 << 20)
    bad = tmp_path / "operands.pdf"
    bad.write_bytes(one_page_pdf(TEXT + b"1 " * 200_000 + b"w\n" * 200_000))
    started = time.monotonic()
    result = scan_one(scanner, bad)
    assert result.status == "scanned"
    assert time.monotonic() - started < BOUND
    assert scan_one(scanner, good).status == "scanned"


def test_nested_parentheses_in_a_string_are_e001_in_bounded_time(scanner: Scanner, tmp_path: Path, good: Path) -> None:
    """Every nested '(' copied the whole string so far: a few KB of deflated '((((…))))' never finished."""
    bad = tmp_path / "parens.pdf"
    bad.write_bytes(one_page_pdf(TEXT + b"BT /F1 12 Tf (" + b"(" * 1_000_000 + b")" * 1_000_000 + b") Tj ET"))
    assert_e001_and_scan_goes_on(scanner, bad, good, "PDF")


TOKENS = [b"(", b")", b"\\", b"\\(", b"\\)", b"\\n", b"\\101", b"\\1", b"#", b"#4", b"#41", b"#g", b"/", b"/A"]
TOKENS += [b"a", b"1", b" ", b"\n", b"\r\n", b"<", b">", b"4", b"[", b"]", b"\xe4", b"\xff", b"%", b"\\\r\n"]


@settings(max_examples=150, deadline=None)
@given(pieces=st.lists(st.sampled_from(TOKENS), max_size=60), bufsize=st.sampled_from([1, 2, 5, 4096]))
def test_in_place_tokens_are_pdfminer_tokens(pieces: list[bytes], bufsize: int) -> None:
    """Strings and names built in place come out exactly as pdfminer's own states make them."""
    from pdfminer.psparser import PSEOF, PSBaseParser

    pdf._install_bounded_zlib()
    original = type("Original", (PSBaseParser,), dict(pdf._TOKEN_STATES))
    data = b"".join(pieces)

    def tokens(parser_class: Any) -> list[Any]:
        parser = parser_class(io.BytesIO(data))
        parser.BUFSIZ = bufsize
        found = []
        try:
            while len(found) < 500:
                position, token = parser.nexttoken()
                found.append((position, type(token).__name__, getattr(token, "name", token)))
        except PSEOF:
            pass
        except Exception as exc:
            found.append(type(exc).__name__)
        return found

    assert tokens(PSBaseParser) == tokens(original)


def lzw_encode(data: bytes) -> bytes:
    """PDF LZW as pdfminer reads it (9-12 bit codes, a clear code before the table overflows)."""
    out, acc, bits, width = bytearray(), 0, 0, 9

    def emit(code: int) -> None:
        nonlocal acc, bits
        acc, bits = (acc << width) | code, bits + width
        while bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
        acc &= (1 << bits) - 1

    table, next_code, word = {bytes((i,)): i for i in range(256)}, 258, b""
    emit(256)
    for byte in data:
        if word + bytes((byte,)) in table:
            word += bytes((byte,))
            continue
        emit(table[word])
        table[word + bytes((byte,))] = next_code
        next_code += 1
        if next_code == 4096:
            emit(256)
            table, next_code, width = {bytes((i,)): i for i in range(256)}, 258, 9
        elif next_code == 1 << width:
            width += 1
        word = bytes((byte,))
    if word:
        emit(table[word])
        if next_code + 1 == 1 << width:
            width += 1
    emit(257)
    if bits:
        out.append((acc << (8 - bits)) & 0xFF)
    return bytes(out)


def test_an_lzw_bomb_stops_at_the_stream_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """75 KB of LZW codes made 100 MB (over 1000:1): a file under 1 MB could ask for gigabytes.

    Built here at a smaller scale: the same ratio against a cap lowered to 1 MB.
    """
    from pdfminer.lzw import lzwdecode as pdfminer_lzwdecode

    sample = bytes(random.Random(7).choice(b"BT ET 0123 Tj\n") for _ in range(20_000))
    assert pdf.lzwdecode(lzw_encode(sample)) == pdfminer_lzwdecode(lzw_encode(sample)) == sample
    monkeypatch.setattr(pdf, "MAX_STREAM", 1 << 20)
    bomb = lzw_encode(b" " * (3 << 19))
    assert len(bomb) < 4_000
    with pytest.raises(pdf.LoadError, match="压缩炸弹"):
        pdf.lzwdecode(bomb)


def test_pdfminer_uses_the_bounded_lzw(scanner: Scanner, tmp_path: Path) -> None:
    path = tmp_path / "lzw.pdf"
    stream = lzw_encode(TEXT)
    path.write_bytes(
        minimal_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> >> >>",
                b"<< /Length %d /Filter /LZWDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            ]
        )
    )
    assert scan_one(scanner, path).status == "scanned"
    import pdfminer.pdftypes

    assert pdfminer.pdftypes.lzwdecode is pdf.lzwdecode


def test_a_page_of_millions_of_characters_is_e001(scanner: Scanner, tmp_path: Path, good: Path) -> None:
    """6 KB of deflated 'Tj' made 680,000 characters: 10 s and 540 MB of pdfminer objects for one page."""
    bad = tmp_path / "chars.pdf"
    bad.write_bytes(one_page_pdf(b"BT /F1 12 Tf 72 700 Td " + b"(Hello world 12345) Tj " * 40_000 + b"ET"))
    assert len(bad.read_bytes()) < 20_000
    assert_e001_and_scan_goes_on(scanner, bad, good, "字符")


def test_content_far_beyond_the_file_is_e001(
    scanner: Scanner, tmp_path: Path, good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fuzzer's case: a content stream repeated until a 22 KB file held 8 MB of operators (34 s, 780 MB).

    The floor is lowered so the test is quick; the allowance still follows the file's size.
    """
    monkeypatch.setattr(pdf, "CONTENT_FLOOR", 512 << 10)
    bad = tmp_path / "grown.pdf"
    bad.write_bytes(one_page_pdf(TEXT + b"\x00\x01 0 0 m 1 1 l S q Q\n" * 100_000))
    assert len(bad.read_bytes()) < 10_000
    message = assert_e001_and_scan_goes_on(scanner, bad, good, "压缩炸弹")
    assert "MB" in message


def test_blank_content_costs_nothing_against_the_allowance() -> None:
    """A stream of spaces (the committed 数据流截断.pdf: 32 MB of them) is not a content bomb: no text, not a bomb."""
    pages = list(pdf._page_texts(one_page_pdf(TEXT + b" " * 8_000_000)))
    assert len(pages) == 1 and ID in pages[0][0]

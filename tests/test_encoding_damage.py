"""A few damaged bytes do not make a text file unreadable; a file of another encoding is not mistaken for one."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from synth import make_id

from auditor.engine import scan_paths
from auditor.loaders import LoadError
from auditor.loaders import encoding as encoding_module
from auditor.loaders.encoding import decode

ID = make_id()
HEADER = "序号,姓名,身份证号码,监督电话\n"
ROWS = "".join(f"{n},张三{n},{ID},0871-6512345\n" for n in range(1, 31))


def flip_in_chinese(data: bytes, which: int) -> bytes:
    """Overwrite one byte of a multi-byte character (never a digit, comma or newline)."""
    wide = [i for i, byte in enumerate(data) if byte >= 0x80]
    position = wide[which % len(wide)]
    return data[:position] + b"\xff" + data[position + 1 :]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_one_bad_byte_is_replaced_and_the_rest_decodes(encoding: str) -> None:
    data = flip_in_chinese((HEADER + ROWS).encode(encoding), 40)
    text, detected = decode(data, tolerate_damage=True)
    assert detected == encoding
    assert 1 <= text.count("\ufffd") <= 3  # one per byte left of the broken character, at most
    assert text.count(ID) == 30 and text.startswith("序号,姓名,身份证号码")


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-8-sig"])
def test_a_rewrite_refuses_a_damaged_file_rather_than_change_its_bytes(encoding: str) -> None:
    data = flip_in_chinese((HEADER + ROWS).encode(encoding), 40)
    with pytest.raises(LoadError, match="修正文件编码"):
        decode(data)


def test_a_short_gbk_file_is_gbk_not_damaged_utf8() -> None:
    text, detected = decode("电话,13812345678\n".encode("gbk"), tolerate_damage=True)
    assert (text, detected) == ("电话,13812345678\n", "gb18030")


def test_heavy_damage_is_still_an_error() -> None:
    noise = bytes(range(0x80, 0x100)) * 8  # 1 KB that no Chinese encoding reads without many errors
    with pytest.raises(LoadError):
        decode(b"\xef\xbb\xbf" + noise, tolerate_damage=True)


def test_a_damaged_csv_is_scanned_with_its_header(tmp_path: Path) -> None:
    path = tmp_path / "低保.csv"
    path.write_bytes(flip_in_chinese((HEADER + ROWS).encode("utf-8"), 200))
    report = scan_paths([str(path)])
    assert [f.status for f in report.files] == ["scanned"]
    ids = [f for f in report.findings if f.rule_id == "P101"]
    assert len(ids) == 30 and {f.location["field"] for f in ids} == {"身份证号码"}
    assert not [f for f in report.findings if f.rule_id == "P111"]  # 监督电话 column still read as official


@given(which=st.integers(0, 10_000), encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_a_bad_byte_in_chinese_text_never_hides_an_id(which: int, encoding: str) -> None:
    text, _ = decode(flip_in_chinese((HEADER + ROWS).encode(encoding), which), tolerate_damage=True)
    assert text.count(ID) == 30


def _old_decode_choice(data: bytes) -> bool:
    """Whether the whole-file rule takes ``data`` as damaged UTF-8 (what decode asked before the head test)."""
    return encoding_module._damaged_utf8(encoding_module._with_damage(data, "utf-8"), data)


PIECES = st.sampled_from(
    [
        "身份证号码".encode(),
        "身份证号码".encode("gbk"),
        b"110101199003077777,",
        b"\xff",
        "监".encode()[:2],  # a UTF-8 character cut short
        b"a" * 300,
    ]
)


@given(pieces=st.lists(PIECES, min_size=1, max_size=400))
def test_the_head_test_only_rules_out_files_the_whole_file_rule_rules_out(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    if encoding_module._utf8_unless_head_rules_out(data) is None:
        assert not _old_decode_choice(data)


def test_a_character_cut_by_the_head_is_not_counted_as_damage() -> None:
    """Four bad bytes (the allowance) plus a character the head's end cuts: still damaged UTF-8."""
    head = encoding_module.HEAD_BYTES_MIN
    data = b"\xff" * 4 + b"a" * (head - 5) + "监".encode() + "身份证号码".encode() * 10
    assert len(data) < 5000 and encoding_module.damage_allowed(data) == 4
    assert data[:head].decode("utf-8", errors="replace").count("\ufffd") == 5
    text, detected = decode(data, tolerate_damage=True)
    assert detected == "utf-8" and text.count("\ufffd") == 4


def test_a_long_gbk_file_is_ruled_out_by_its_head() -> None:
    data = ("序号,姓名,身份证号码\n" * 2000).encode("gbk")
    assert encoding_module._utf8_unless_head_rules_out(data) is None
    assert decode(data, tolerate_damage=True)[1] == "gb18030"

"""Every output format: schemas validate and no raw personal value ever appears."""

from __future__ import annotations

import io
import json
import re
import socket
from pathlib import Path

import jsonschema
import pytest
from synth import luhn_complete, make_id

from auditor.config import Config
from auditor.engine import scan_paths
from auditor.formatters import FORMATS, chunks_for, formatter_for
from auditor.formatters.streaming import write_chunks
from auditor.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpora" / "samples"
RAW_IDS = [make_id(seq=f"{n:03d}") for n in range(5)]
RAW_PHONE = "13912345678"
RAW_CARD = luhn_complete("621700000000000000")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small mixed corpus in every text format, plus the shipped samples when present."""
    root = tmp_path_factory.mktemp("corpus")
    rows = "\n".join(f"{i},张{i},{v},{RAW_PHONE},{RAW_CARD}" for i, v in enumerate(RAW_IDS))
    (root / "list.csv").write_text(f"序号,姓名,身份证号码,联系电话,银行账号\n{rows}\n", encoding="utf-8-sig")
    (root / "notice.txt").write_text(f"拟将张三（{RAW_IDS[0]}，手机{RAW_PHONE}）纳入低保。\n", encoding="gb18030")
    (root / "page.html").write_text(f"<p>{RAW_IDS[1]}</p><table><tr><td>{RAW_CARD}</td></tr></table>", "utf-8")
    (root / "data.json").write_text(json.dumps({"id": RAW_IDS[2], "tel": RAW_PHONE}), encoding="utf-8")
    return root


def raw_values(root: Path) -> set[str]:
    values = set(RAW_IDS) | {RAW_PHONE, RAW_CARD}
    labels = SAMPLES / "labels.jsonl"
    if root == SAMPLES and labels.is_file():
        for line in labels.read_text(encoding="utf-8").splitlines():
            label = json.loads(line)
            if label.get("expect") == "finding" and label.get("value"):
                values.add(re.sub(r"[\s\-]", "", label["value"]))
    return values


def targets(corpus: Path) -> list[Path]:
    return [corpus, SAMPLES] if SAMPLES.is_dir() else [corpus]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_raw_value_in_any_output_format(corpus: Path, fmt: str) -> None:
    rules = load_rules()
    for root in targets(corpus):
        report = scan_paths([str(root)])
        assert report.findings, "the corpus must produce findings for this test to mean anything"
        rendered = formatter_for(fmt)(report, rules)
        digits_only = re.sub(r"[\s\-]", "", rendered)
        for value in raw_values(root):
            assert value not in rendered
            assert value not in digits_only


def test_json_validates_against_the_shipped_schema(corpus: Path) -> None:
    schema = json.loads((ROOT / "auditor" / "schemas" / "findings.schema.json").read_text(encoding="utf-8"))
    document = json.loads(formatter_for("json")(scan_paths([str(corpus)]), load_rules()))
    jsonschema.Draft202012Validator(schema).validate(document)


def test_shipped_schema_equals_the_reference(shared_dir: Path) -> None:
    reference = json.loads((shared_dir / "schemas" / "findings.schema.json").read_text(encoding="utf-8"))
    shipped = json.loads((ROOT / "auditor" / "schemas" / "findings.schema.json").read_text(encoding="utf-8"))
    assert shipped == reference


def test_sarif_validates_against_2_1_0(corpus: Path, shared_dir: Path) -> None:
    schema = json.loads((shared_dir / "schemas" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    for root in targets(corpus):
        log = json.loads(formatter_for("sarif")(scan_paths([str(root)]), load_rules()))
        jsonschema.Draft4Validator(schema).validate(log)
        assert len(log["runs"][0]["results"]) == len(scan_paths([str(root)]).findings)


def test_fingerprints_are_keyed_and_stable_across_line_shifts(tmp_path: Path) -> None:
    import hashlib

    path = tmp_path / "a.txt"
    path.write_text(f"{RAW_IDS[0]}\n", encoding="utf-8")
    first = scan_paths([str(path)]).findings[0].fingerprint
    path.write_text(f"新增一行\n\n{RAW_IDS[0]}\n", encoding="utf-8")
    assert scan_paths([str(path)]).findings[0].fingerprint == first
    assert first not in {
        hashlib.sha256(RAW_IDS[0].encode()).hexdigest()[:32],
        hashlib.sha1(RAW_IDS[0].encode()).hexdigest(),
    }
    other_key = scan_paths([str(path)], Config(fingerprint_key="another")).findings[0].fingerprint
    assert other_key != first


def test_scan_works_with_network_blocked(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise OSError("network access attempted during a scan")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    report = scan_paths([str(p) for p in targets(corpus)])
    assert report.findings and not report.errors

    from auditor.recognizers.presidio import build_analyzer

    for engine in ("noop", "spacy"):
        results = build_analyzer(engine).analyze(text=f"身份证{RAW_IDS[0]}", language="zh")
        assert [r.entity_type for r in results] == ["CN_RESIDENT_ID"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_streamed_report_is_the_rendered_report(corpus: Path, fmt: str) -> None:
    """`scan -o` writes the report piece by piece; the bytes must be those of the one-string render."""
    rules = load_rules()
    report = scan_paths([str(corpus)])
    sink = io.StringIO()
    write_chunks(chunks_for(fmt)(report, rules), sink)
    assert sink.getvalue() == formatter_for(fmt)(report, rules)
    if fmt == "json":
        assert sink.getvalue() == json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt in ("json", "sarif"):  # exactly json.dumps's layout, results streamed or not
        assert sink.getvalue() == json.dumps(json.loads(sink.getvalue()), ensure_ascii=False, indent=2) + "\n"


def test_write_chunks_keeps_every_piece_in_order_across_its_buffer() -> None:
    pieces = ["甲" * 700_000, "b", "", "c" * (1 << 20), "末"]
    sink = io.StringIO()
    write_chunks(iter(pieces), sink)
    assert sink.getvalue() == "".join(pieces)


def test_text_report_lists_each_finding_on_one_line_under_its_rule(tmp_path: Path) -> None:
    """Grouped by rule with a count, one line per finding (never wrapped, so grep finds it), its
    location in words below, how to fix after the group, and a closing summary."""
    folder = tmp_path / "某某村民委员会关于2023年度最低生活保障对象动态调整情况的公示（第二批次）"
    folder.mkdir()
    path = folder / "公示名单.txt"
    path.write_text(f"张三 {RAW_IDS[0]}\n李四 {RAW_IDS[1]}\n", encoding="utf-8")
    rules = load_rules()
    report = scan_paths([str(path)], config=Config(select=["P101"]))
    lines = formatter_for("text")(report, rules).splitlines()

    assert lines[0] == f"P101 {rules['P101'].title['zh']}  (2)"
    finding_lines = [line for line in lines if line.startswith(f"  {path}:")]
    assert [line.split("  [")[0] for line in finding_lines] == [f"  {path}:1:4", f"  {path}:2:4"]
    assert all(len(line) > 120 and "[错误] 公开了完整的身份证号码" in line for line in finding_lines)
    assert "      位置：第1行第4列" in lines
    assert f"  怎么改：{rules['P101'].fix['zh']}" in lines
    assert lines[-1] == "共检查 1 个文件，发现 2 个问题（错误 2）。"


def test_text_report_in_colour_is_the_plain_report_with_ansi_styles(tmp_path: Path) -> None:
    path = tmp_path / "名单.txt"
    path.write_text(f"{RAW_IDS[0]}\n", encoding="utf-8")
    report = scan_paths([str(path)], config=Config(select=["P101"]))
    rules = load_rules()
    coloured = "".join(chunks_for("text", color=True)(report, rules))
    assert coloured.startswith("\x1b[1;31mP101 ")  # an error rule's header: bold red
    assert f"\x1b[1m{path}:1:1\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == formatter_for("text")(report, rules)
    assert "\x1b[" not in "".join(chunks_for("text")(report, rules))

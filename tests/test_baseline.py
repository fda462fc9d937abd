"""Baselines (issue 8): accept today's findings, fail on new ones, survive edits, hold no values.

Also the config allowlists (paths by glob, findings by fingerprint), which filter the same way.
"""

from __future__ import annotations

import hmac
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from synth import make_id
from typer.testing import CliRunner

from auditor.allowlist import PathAllowlist, glob_regex
from auditor.baseline import BaselineError, load
from auditor.cli import app
from auditor.findings import FindingMaker, KeyedPrefix, fingerprint
from auditor.loaders.encoding import decode
from auditor.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpora" / "samples"
NEW_ID = make_id("110105", "19750315", "287")


def scan(runner: CliRunner, *args: str) -> tuple[int, dict, str]:
    result = runner.invoke(app, ["scan", *args, "--format", "json"])
    report = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    return result.exit_code, report, result.stderr


def make_baseline(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, ["baseline", *args])
    assert result.exit_code == 0, result.output
    return result.stderr


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the labelled corpus, scanned as ``samples`` from its parent directory."""
    if not SAMPLES.is_dir():
        pytest.skip("corpora/samples is absent")
    shutil.copytree(SAMPLES, tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "samples"


def _utf8_text_file(corpus: Path) -> Path:
    labels = [json.loads(line) for line in (corpus / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    name = next(x["path"] for x in labels if x["format"] == "txt" and x["encoding"] == "utf-8")
    return corpus / name


def test_corpus_baseline_then_clean_scan_then_exactly_the_new_finding(runner: CliRunner, corpus: Path) -> None:
    code, before, _ = scan(runner, "samples")
    assert code == 1 and before["findings"]
    make_baseline(runner, "samples", "--output", "baseline.json")

    code, report, stderr = scan(runner, "samples", "--baseline", "baseline.json")
    assert code == 0, stderr
    assert report["findings"] == []
    assert f"{len(before['findings'])} findings in the baseline are not shown" in stderr

    target = _utf8_text_file(corpus)
    with target.open("a", encoding="utf-8") as handle:
        handle.write(f"\n补充登记：{NEW_ID}\n")
    code, report, _ = scan(runner, "samples", "--baseline", "baseline.json")
    assert code == 1
    [finding] = report["findings"]
    assert finding["rule_id"] == "P101"
    assert finding["location"]["path"] == str(Path("samples") / target.relative_to(corpus))
    assert finding["evidence"] == NEW_ID[:6] + "*" * 8 + NEW_ID[-4:]


def test_baseline_file_holds_no_value_no_evidence_no_line(runner: CliRunner, corpus: Path) -> None:
    make_baseline(runner, "samples", "--output", "baseline.json")
    text = Path("baseline.json").read_text(encoding="utf-8")
    _, report, _ = scan(runner, "samples")
    digits = re.sub(r"[\s\-]", "", text)
    values = set()
    for line in (corpus / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        if label.get("value"):
            values.add(re.sub(r"[\s\-]", "", label["value"]))
    assert values and not [v for v in values if v in digits]
    evidence = {f["evidence"] for f in report["findings"] if f["evidence"]}
    assert evidence and not [e for e in evidence if e in text]
    data = json.loads(text)
    assert data["findings"] and all(set(e) == {"path", "rule_id", "fingerprint"} for e in data["findings"])
    assert data["findings"] == sorted(data["findings"], key=lambda e: (e["path"], e["rule_id"], e["fingerprint"]))


def _fingerprints(runner: CliRunner, path: Path) -> list[str]:
    _, report, _ = scan(runner, str(path), "--select", "P")
    assert report["findings"]
    return sorted(f["fingerprint"] for f in report["findings"])


def test_moving_lines_does_not_change_fingerprints(runner: CliRunner, tmp_path: Path) -> None:
    ids = [make_id(seq=f"{n:03d}") for n in range(4)]
    table = tmp_path / "list.csv"
    rows = [f"{n},{v},13912345{n:03d}" for n, v in enumerate(ids)]
    table.write_text("序号,身份证号码,联系电话\n" + "\n".join(rows) + "\n", encoding="utf-8")
    notice = tmp_path / "notice.txt"
    notice.write_text(f"拟将以下对象纳入低保。\n身份证号 {ids[0]}\n身份证号 {ids[1]}\n", encoding="utf-8")
    before = _fingerprints(runner, table), _fingerprints(runner, notice)

    table.write_text("序号,身份证号码,联系电话\n" + "\n".join(reversed(rows)) + "\n", encoding="utf-8")
    notice.write_text(f"新的说明。\n\n\n身份证号 {ids[0]}\n其他内容\n身份证号 {ids[1]}\n", encoding="utf-8")
    assert (_fingerprints(runner, table), _fingerprints(runner, notice)) == before


def test_corpus_file_with_lines_shifted_stays_baselined(runner: CliRunner, corpus: Path) -> None:
    make_baseline(runner, "samples", "--output", "baseline.json")
    for target in sorted(corpus.rglob("*.txt"))[:5]:
        text, encoding = decode(target.read_bytes())
        target.write_bytes(("\n\n\n" + text).encode(encoding))
    code, report, stderr = scan(runner, "samples", "--baseline", "baseline.json")
    assert code == 0 and report["findings"] == [], stderr
    assert "stale" not in stderr


def test_fixed_findings_are_reported_stale_but_partial_scans_are_not(runner: CliRunner, tmp_path: Path) -> None:
    leak, other = tmp_path / "a.txt", tmp_path / "b.txt"
    leak.write_text(f"身份证号 {make_id(seq='001')}\n身份证号 {make_id(seq='002')}\n", encoding="utf-8")
    other.write_text(f"身份证号 {make_id(seq='003')}\n", encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    make_baseline(runner, str(leak), str(other), "--output", str(baseline), "--select", "P")

    leak.write_text(f"身份证号 {make_id(seq='001')}\n", encoding="utf-8")  # one fixed
    code, report, stderr = scan(runner, str(leak), str(other), "--baseline", str(baseline), "--select", "P")
    assert code == 0 and report["findings"] == []
    assert "1 stale baseline entries" in stderr
    assert re.search(rf"P101 {re.escape(str(leak))} [0-9a-f]{{32}}", stderr)

    code, _, stderr = scan(runner, str(other), "--baseline", str(baseline), "--select", "P")
    assert code == 0 and "stale" not in stderr  # a.txt was not scanned: its entries are not stale


def test_rename_shows_findings_again(runner: CliRunner, tmp_path: Path) -> None:
    """Documented choice: the path is part of the fingerprint, so a renamed or copied file is re-reviewed."""
    old = tmp_path / "old.txt"
    old.write_text(f"身份证号 {make_id()}\n", encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    make_baseline(runner, str(old), "--output", str(baseline), "--select", "P")
    new = old.rename(tmp_path / "new.txt")
    code, report, _ = scan(runner, str(new), "--baseline", str(baseline), "--select", "P")
    assert code == 1 and [f["rule_id"] for f in report["findings"]] == ["P101"]


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_a_previous_report_works_as_a_baseline(runner: CliRunner, tmp_path: Path, fmt: str) -> None:
    leak = tmp_path / "a.txt"
    leak.write_text(f"身份证号 {make_id()} 手机 13912345678\n", encoding="utf-8")
    previous = tmp_path / f"report.{fmt}"
    runner.invoke(app, ["scan", str(leak), "--select", "P", "--format", fmt, "--output", str(previous)])
    code, report, _ = scan(runner, str(leak), "--select", "P", "--baseline", str(previous))
    assert code == 0 and report["findings"] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline file not found"),
        ("{not json", "not valid JSON"),
        ('{"something": 1}', "not an auditor baseline"),
        ('{"auditor_baseline": 1, "findings": [{"path": 1}]}', "malformed baseline"),
        ('{"auditor_baseline": 9, "findings": []}', "unsupported baseline version"),
    ],
)
def test_missing_or_invalid_baseline_exits_2(
    runner: CliRunner, tmp_path: Path, content: str | None, message: str
) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text("没有个人信息。\n", encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    if content is not None:
        baseline.write_text(content, encoding="utf-8")
    code, _, stderr = scan(runner, str(clean), "--baseline", str(baseline))
    assert code == 2
    assert message in stderr


def test_baseline_made_with_another_key_is_refused(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    leak = tmp_path / "a.txt"
    leak.write_text(f"身份证号 {make_id()}\n", encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    monkeypatch.setenv("AUDITOR_FINGERPRINT_KEY", "key-one")
    stderr = make_baseline(runner, str(leak), "--output", str(baseline))
    assert "default fingerprint key" not in stderr
    monkeypatch.setenv("AUDITOR_FINGERPRINT_KEY", "key-two")
    code, _, stderr = scan(runner, str(leak), "--baseline", str(baseline))
    assert code == 2 and "different fingerprint key" in stderr
    with pytest.raises(BaselineError):
        load(baseline, b"key-two")


def test_default_key_warning_and_baseline_not_scanned_as_a_document(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"身份证号 {make_id()}\n", encoding="utf-8")
    baseline = tmp_path / ".auditor-baseline.json"
    stderr = make_baseline(runner, str(tmp_path), "--output", str(baseline), "--select", "P")
    assert "default fingerprint key is public" in stderr
    make_baseline(runner, str(tmp_path), "--output", str(baseline), "--select", "P")  # again, over the old one
    code, report, _ = scan(runner, str(tmp_path), "--baseline", str(baseline), "--select", "P")
    assert code == 0
    status = {Path(f["path"]).name: (f["status"], f["error"]) for f in report["files"]}
    assert status[".auditor-baseline.json"][0] == "skipped"
    assert len(json.loads(baseline.read_text(encoding="utf-8"))["findings"]) == 1


def test_baseline_from_config(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"身份证号 {make_id()}\n", encoding="utf-8")
    (tmp_path / "auditor.toml").write_text('baseline = "known.json"\nselect = ["P"]\n', encoding="utf-8")
    assert scan(runner, str(tmp_path / "a.txt"))[0] == 2  # configured but not made yet
    make_baseline(runner, str(tmp_path / "a.txt"), "--output", str(tmp_path / "known.json"))
    code, report, _ = scan(runner, str(tmp_path / "a.txt"))
    assert code == 0 and report["findings"] == []


# --- config allowlists ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("*.sample.csv", "a/b/list.sample.csv", True),
        ("*.sample.csv", "a/list.csv", False),
        ("archive", "docs/archive/2019/x.csv", False),  # checked per parent by PathAllowlist
        ("archive", "archive", True),
        ("docs/*.csv", "docs/x.csv", True),
        ("docs/*.csv", "docs/sub/x.csv", False),
        ("docs/**/*.csv", "docs/sub/deeper/x.csv", True),
        ("docs/**", "docs/sub/x.csv", True),
        ("/docs/x.csv", "docs/x.csv", True),
        ("file?.txt", "file1.txt", True),
        ("file[!0-9].txt", "file1.txt", False),
    ],
)
def test_glob_semantics(glob: str, path: str, matches: bool) -> None:
    assert bool(glob_regex(glob).fullmatch(path)) is matches


def test_allow_paths_skip_files_and_directories(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("docs/archive/2019/old.csv", "docs/test.sample.csv", "docs/new.csv"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text(f"身份证号码\n{make_id()}\n", encoding="utf-8")
    Path("auditor.toml").write_text(
        'allow-paths = ["archive", "*.sample.csv"]\nselect = ["P"]\n',
        encoding="utf-8",
    )
    code, report, _ = scan(runner, "docs")
    assert code == 1
    assert {f["location"]["path"] for f in report["findings"]} == {str(Path("docs/new.csv"))}
    skipped = {f["path"] for f in report["files"] if f["status"] == "skipped"}
    assert skipped == {str(Path("docs/archive/2019/old.csv")), str(Path("docs/test.sample.csv"))}
    assert PathAllowlist(["docs/archive/**"]).reason("docs/archive/x.csv", Path("docs/archive/x.csv"))


def test_allow_fingerprints_accept_one_finding_with_a_reason(runner: CliRunner, tmp_path: Path) -> None:
    leak = tmp_path / "a.txt"
    leak.write_text(f"身份证号 {make_id(seq='001')} 和 {make_id(seq='002')}\n", encoding="utf-8")
    _, report, _ = scan(runner, str(leak), "--select", "P101")
    first, second = report["findings"]
    (tmp_path / "auditor.toml").write_text(
        f'select = ["P101"]\nallow-fingerprints = [{{fingerprint = "{first["fingerprint"]}", reason = "已核实"}}]\n',
        encoding="utf-8",
    )
    code, report, stderr = scan(runner, str(leak), "--quiet")
    assert code == 1 and [f["fingerprint"] for f in report["findings"]] == [second["fingerprint"]]
    assert "1 allowlisted" in stderr


@pytest.mark.parametrize(
    "toml",
    [
        "allow-paths = 3",
        'allow-paths = [""]',
        "allow-fingerprints = [1]",
        'allow-fingerprints = [{fingerprint = "ab", why = "x"}]',
        "baseline = 1",
        'inline-ignores = "no"',
    ],
)
def test_invalid_allowlist_config_exits_2(runner: CliRunner, tmp_path: Path, toml: str) -> None:
    (tmp_path / "a.txt").write_text("无\n", encoding="utf-8")
    (tmp_path / "auditor.toml").write_text(toml + "\n", encoding="utf-8")
    assert scan(runner, str(tmp_path / "a.txt"))[0] == 2


@pytest.mark.parametrize("key", [b"k", b"auditor-default-fingerprint-key-v1", b"x" * 100])
def test_a_findings_fingerprint_is_the_keyed_hash_of_rule_path_and_identity(key: bytes) -> None:
    """FindingMaker keeps a keyed state per file and rule; its fingerprints must stay those of
    ``fingerprint()`` (baselines written by earlier versions hold them), rules interleaved."""
    maker = FindingMaker(load_rules(), "村/名单.xlsx", key)
    for identity in ("CN_RESIDENT_ID:X#1", "CN_RESIDENT_ID:X#2", "张三"):
        for rule_id in ("P101", "P111"):
            made = maker.make(rule_id, {"sheet": "Sheet1", "cell": "C2"}, identity=identity, evidence="1101**")
            assert made.fingerprint == fingerprint(key, rule_id, "村/名单.xlsx", identity)
    # Pinned: HMAC-SHA256 over the parts joined by U+001F, first 32 hex digits.
    assert fingerprint(b"k", "P101", "a", "b") == "31a18627e99da8fa1e6a141c274c0bc6"


@given(key=st.binary(max_size=200), prefix=st.binary(max_size=300), rest=st.binary(max_size=300))
def test_keyed_prefix_is_hmac_sha256_of_prefix_and_rest(key: bytes, prefix: bytes, rest: bytes) -> None:
    """KeyedPrefix does RFC 2104 by hand for speed: it must be hmac's answer for every key
    length (empty, shorter than, equal to and longer than SHA-256's 64-byte block)."""
    state = KeyedPrefix.start(key, prefix)
    expected = hmac.new(key, prefix + rest, "sha256").hexdigest()
    assert state.hexdigest(rest) == expected
    assert state.hexdigest(rest) == expected  # the kept states are copied, never consumed

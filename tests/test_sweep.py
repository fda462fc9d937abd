"""auditor sweep (issue 9): store, resume after kill -9 / Ctrl-C, incremental reuse, units, exports.

The tree is synthetic (tests/synth.py identifiers, valid by construction). Every
raw value written is remembered so the privacy test can look for it in the
database, the HTML page and the exports.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import jsonschema
import pytest
import typer
from synth import luhn_complete, make_id
from typer.testing import CliRunner

from auditor.config import Config
from auditor.engine import CRASH_MESSAGE, scan_paths
from auditor.rules import load_rules
from auditor.sweep.cli import register
from auditor.sweep.export import write_csv, write_json
from auditor.sweep.html import HtmlOptions, write_html
from auditor.sweep.runner import SweepOptions, run_sweep
from auditor.sweep.store import SCHEMA_VERSION, Store, StoreError
from auditor.sweep.units import UnitMap, diff, glob_regex, rollup
from auditor.sweep.walk import cache_key, code_version

ROOT = Path(__file__).resolve().parents[1]
UNITS = ("石门镇/石门村", "石门镇/青龙村", "白沙乡/白沙村", "东山街道/东山社区")
SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰"


@dataclasses.dataclass
class Tree:
    root: Path
    raw: set[str]  # every raw personal value written (never allowed in outputs)
    files: int


def _person(rng: random.Random, raw: set[str]) -> tuple[str, str, str, str]:
    region = rng.choice(("530102", "532328", "450981", "110105"))
    birth = f"{rng.randint(1940, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    pid = make_id(region, birth, f"{rng.randint(0, 999):03d}")
    phone = rng.choice(("138", "139", "150", "186")) + "".join(rng.choice("0123456789") for _ in range(8))
    bank = luhn_complete("622848" + "".join(rng.choice("0123456789") for _ in range(12)))
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
    raw.update((pid, phone, bank, name))
    return name, pid, phone, bank


def make_tree(root: Path, per_unit: int = 6, rows: int = 8, seed: int = 7) -> Tree:
    """Subsidy tables (csv), notices (txt), a clean file, an unreadable pdf, in four units."""
    rng = random.Random(seed)
    raw: set[str] = set()
    count = 0
    for u, unit in enumerate(UNITS):
        folder = root / unit
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(per_unit):
            if i % 3 == 0:
                lines = ["序号,姓名,身份证号码,联系电话,银行账号,金额"]
                for r in range(rows):
                    name, pid, phone, bank = _person(rng, raw)
                    lines.append(f"{r + 1},{name},{pid},{phone},{bank},{rng.randint(200, 900)}")
                (folder / f"低保名单_{i:03d}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
            elif i % 3 == 1:
                text = ["关于临时救助对象的公示", ""]
                for _ in range(rows):
                    name, pid, phone, _bank = _person(rng, raw)
                    text.append(f"经评议，拟将{name}（身份证号{pid}，联系电话{phone}）纳入临时救助。")
                text.append("监督电话：0871-65123456")
                (folder / f"公示_{i:03d}.txt").write_text("\n".join(text) + "\n", encoding="gb18030")
            else:
                (folder / f"通知_{i:03d}.md").write_text("# 通知\n\n本村将于下周召开村民代表大会。\n", encoding="utf-8")
            count += 1
        if u == 0:
            (folder / "扫描件.pdf").write_bytes(b"%PDF-1.4 not really")
            count += 1
    (root / "说明.txt").write_text("本目录为乡镇公开文件汇总。\n", encoding="utf-8")
    return Tree(root, raw, count + 1)


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    return make_tree(tmp_path / "公开文件")


def sweep(tree_root: Path, db: Path, jobs: int = 1, config: Config | None = None, **kw):  # type: ignore[no-untyped-def]
    return run_sweep(SweepOptions(root=tree_root, db=db, config=config or Config(), jobs=jobs, **kw))


def run_findings(db: Path, run_id: int | None = None) -> Counter:
    """Multiset of (path, rule, fingerprint, location) of a run (the latest completed by default)."""
    with Store(db) as store:
        if run_id is None:
            run_id = store.db.execute("SELECT max(id) FROM runs WHERE status='completed'").fetchone()[0]
        found: Counter = Counter()
        for row in store.run_files(run_id):
            for finding in store.findings(row["result_id"]):
                found[(row["path"], finding[1], finding[0], json.dumps(finding[8], ensure_ascii=False))] += 1
    return found


def view_findings(db: Path, run_id: int) -> Counter:
    """The same through the ``findings`` SQL view (what a supervisor's own queries see)."""
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT fi.path, fi.rule_id, fi.fingerprint, fi.location FROM run_files rf"
        " JOIN findings fi ON fi.result_id=rf.result_id WHERE rf.run_id=?",
        (run_id,),
    ).fetchall()
    con.close()
    return Counter((p, r, f, json.dumps({"path": p, **json.loads(loc)}, ensure_ascii=False)) for p, r, f, loc in rows)


# -- agreement with scan ------------------------------------------------------------


def test_sweep_finds_exactly_what_scan_finds(tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "s.sqlite"
    outcome = sweep(tree.root, db, jobs=2)
    assert (outcome.files, outcome.scanned, outcome.reused, outcome.interrupted) == (tree.files, tree.files, 0, False)
    monkeypatch.chdir(tree.root)
    report = scan_paths(["."])
    expected = Counter(
        (f.location["path"], f.rule_id, f.fingerprint, json.dumps(f.to_dict()["location"], ensure_ascii=False))
        for f in report.findings
    )
    assert run_findings(db) == expected
    assert view_findings(db, outcome.run_id) == expected
    assert sum(expected.values()) > 50
    assert outcome.errors == 1  # the fake pdf, reported as E001, never silently passed
    with Store(db) as store:
        assert [(p, k) for p, k, _ in store.errors(outcome.run_id)] == [("石门镇/石门村/扫描件.pdf", "file")]


# -- incremental ---------------------------------------------------------------------


def test_unchanged_files_are_reused_and_changed_ones_rescanned(tree: Tree, tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    first = sweep(tree.root, db)
    second = sweep(tree.root, db)
    assert (second.scanned, second.reused) == (0, tree.files)
    assert run_findings(db, first.run_id) == run_findings(db, second.run_id)

    touched = next(tree.root.glob("白沙乡/白沙村/*.csv"))
    os.utime(touched, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))  # same content, new mtime
    changed = next(tree.root.glob("东山街道/东山社区/*.txt"))
    changed.write_bytes(changed.read_bytes() + "补充说明。\n".encode("gb18030"))
    new_file = tree.root / "白沙乡" / "新增.md"
    new_file.write_text("# 新增\n", encoding="utf-8")
    third = sweep(tree.root, db)
    assert (third.scanned, third.reused) == (2, tree.files - 1)


def test_sidecar_change_rescans_its_document(tree: Tree, tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    sweep(tree.root, db)
    doc = next(tree.root.glob("石门镇/青龙村/*.md"))
    sidecar = doc.with_name(doc.name + ".workflow.json")
    sidecar.write_text(json.dumps({"document": doc.name, "steps": []}), encoding="utf-8")
    again = sweep(tree.root, db)
    assert again.scanned == 2  # the new sidecar itself (skipped) and the document it describes


def test_config_or_rules_change_rescans_everything(tree: Tree, tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    sweep(tree.root, db)
    ignored = sweep(tree.root, db, config=Config(ignore=["P121"]))
    assert (ignored.scanned, ignored.reused) == (tree.files, 0)
    assert not any(rule == "P121" for _, rule, _, _ in run_findings(db))

    rules = load_rules()
    changed = dict(rules)
    changed["P111"] = dataclasses.replace(rules["P111"], severity="warning")
    assert cache_key(Config(), rules) != cache_key(Config(), changed)
    assert cache_key(Config(), rules) != cache_key(Config(fingerprint_key="another key"), rules)
    assert cache_key(Config(), rules) == cache_key(Config(fail_on="never"), rules)  # cannot change findings
    with_rules = run_sweep(SweepOptions(root=tree.root, db=db, rules=changed, jobs=1))
    assert (with_rules.scanned, with_rules.reused) == (tree.files, 0)


# -- resume after kill -9 and Ctrl-C ---------------------------------------------------


def _sweep_cmd(root: Path, db: Path, jobs: int) -> list[str]:
    return [sys.executable, "-m", "auditor.sweep", str(root), "--db", str(db), "--jobs", str(jobs), "-q"]


def _recorded(db: Path) -> int:
    """Files recorded so far in the latest run, read while the sweep writes (WAL)."""
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            row = con.execute("SELECT COUNT(*) FROM run_files WHERE run_id=(SELECT max(id) FROM runs)").fetchone()
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0
    return int(row[0])


def _as_from_a_terminal() -> None:
    """In the child: SIGINT not ignored, as when a user starts the sweep (a background CI job inherits it ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_and_stop(root: Path, db: Path, sig: int, after: int, jobs: int = 2) -> tuple[int, int]:
    """Start a sweep, send ``sig`` once ``after`` files are recorded; (exit code, files recorded)."""
    proc = subprocess.Popen(
        _sweep_cmd(root, db, jobs),
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_as_from_a_terminal,
    )
    try:
        deadline = time.monotonic() + 120
        while _recorded(db) < after:
            assert proc.poll() is None, f"sweep ended before it could be stopped: {proc.communicate()}"
            assert time.monotonic() < deadline, "sweep made no progress"
            time.sleep(0.05)
        os.kill(proc.pid, sig)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        with contextlib.suppress(ProcessLookupError):  # workers die with their parent; clean our group anyway
            os.killpg(proc.pid, signal.SIGKILL)
    return code, _recorded(db)


def _skip_if_code_changed(before: str) -> None:
    """Resume requires the same cache key, which covers the auditor sources: if someone edited
    them while this test ran (a shared working tree), the restart rightly starts over."""
    if code_version.__wrapped__() != before:
        pytest.skip("auditor sources changed while the test ran; resume correctly refused (re-run the test)")


@pytest.fixture
def big_tree(tmp_path: Path) -> Tree:
    return make_tree(tmp_path / "大目录", per_unit=90, rows=250)


def test_kill_9_mid_sweep_then_resume_equals_uninterrupted(big_tree: Tree, tmp_path: Path) -> None:
    killed_db = tmp_path / "killed.sqlite"
    before = code_version.__wrapped__()
    code, done = _start_and_stop(big_tree.root, killed_db, signal.SIGKILL, after=25)
    assert code == -signal.SIGKILL
    assert 25 <= done < big_tree.files, "the kill must land mid-way"
    con = sqlite3.connect(killed_db)
    assert con.execute("SELECT status FROM runs").fetchall() == [("running",)]
    con.close()

    resumed = subprocess.run(_sweep_cmd(big_tree.root, killed_db, 2), cwd=ROOT, capture_output=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr.decode()
    _skip_if_code_changed(before)

    clean_db = tmp_path / "clean.sqlite"
    sweep(big_tree.root, clean_db, jobs=2)
    assert run_findings(killed_db) == run_findings(clean_db)

    con = sqlite3.connect(killed_db)
    assert con.execute("SELECT id, status, pass FROM runs").fetchall() == [(1, "completed", 2)]
    # every file was scanned exactly once: what finished before the kill was not scanned again
    assert con.execute("SELECT COUNT(*), COUNT(DISTINCT file_id) FROM results").fetchone() == (
        big_tree.files,
        big_tree.files,
    )
    con.close()


def test_ctrl_c_marks_interrupted_and_the_next_sweep_resumes(big_tree: Tree, tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    before = code_version.__wrapped__()
    code, done = _start_and_stop(big_tree.root, db, signal.SIGINT, after=10)
    assert code == 130
    assert done < big_tree.files
    with Store(db) as store:
        run = store.latest_run(str(big_tree.root.resolve()))
        assert run is not None and run.status == "interrupted"
    code_version.cache_clear()  # as a fresh process would see the sources
    outcome = sweep(big_tree.root, db, jobs=2)
    _skip_if_code_changed(before)
    assert outcome.resumed and outcome.run_id == run.id
    assert outcome.reused >= done and outcome.scanned == big_tree.files - outcome.reused


def test_a_second_sweep_on_the_same_store_is_refused_while_one_runs(tree: Tree, tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    with Store(db, lock=True), pytest.raises(StoreError, match="another sweep"):
        Store(db, lock=True)


def test_a_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    Store(db).close()
    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION + 1),))
    con.commit()
    con.close()
    with pytest.raises(StoreError, match=r"newer|更新"):
        Store(db)


# -- units and comparison --------------------------------------------------------------


def test_units_by_depth_and_by_mapping_file(tree: Tree, tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    outcome = sweep(tree.root, db)
    mapping = tmp_path / "units.yaml"
    mapping.write_text("石门镇: [石门镇]\n白沙与东山:\n  - 白沙乡/**\n  - '东山街道/*/*.csv'\n", encoding="utf-8")
    with Store(db) as store:
        run = store.run(outcome.run_id)
        assert run is not None
        depth1 = rollup(store, run, UnitMap(1))
        depth2 = rollup(store, run, UnitMap(2))
        mapped = rollup(store, run, UnitMap.from_file(mapping))
    assert {u.name for u in depth1.units} == {"石门镇", "白沙乡", "东山街道", "（根目录）"}
    assert {u.name for u in depth2.units} == set(UNITS) | {"（根目录）"}
    assert {u.name for u in mapped.units} == {"石门镇", "白沙与东山", "（未归属）"}
    for report in (depth1, depth2, mapped):
        assert sum(u.findings for u in report.units) == report.total.findings == outcome.findings
        assert sum(u.files for u in report.units) == tree.files
        for unit in report.units:
            assert sum(unit.by_rule.values()) == sum(unit.by_severity.values()) == unit.findings
            worst = unit.worst_files()
            assert [w.findings for w in worst] == sorted((w.findings for w in worst), reverse=True) or worst
    shimen = next(u for u in depth1.units if u.name == "石门镇")
    assert shimen.unreadable == 1 and shimen.files_affected >= 4
    assert depth1.units[0].score >= depth1.units[-1].score


def test_glob_patterns() -> None:
    assert glob_regex("石门镇").fullmatch("石门镇/a/b.csv")
    assert not glob_regex("石门镇").fullmatch("石门镇乙/a.csv")
    assert glob_regex("*/青龙村").fullmatch("石门镇/青龙村/x.txt")
    assert glob_regex("**/*.csv").fullmatch("a/b/c.csv")
    assert glob_regex("**/*.csv").fullmatch("c.csv")
    assert not glob_regex("a/*.csv").fullmatch("a/b/c.txt")


def test_comparison_counts_new_fixed_and_still_open(tree: Tree, tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    first = sweep(tree.root, db)
    table = next(tree.root.glob("白沙乡/白沙村/*.csv"))
    lines = table.read_text(encoding="utf-8").splitlines()
    removed_rows = lines[1:3]
    table.write_text("\n".join([lines[0], *lines[3:]]) + "\n", encoding="utf-8")  # two people de-listed
    rng = random.Random(99)
    raw: set[str] = set()
    name, _pid, phone, _ = _person(rng, raw)
    notice = next(tree.root.glob("东山街道/东山社区/*.md"))
    notice.write_text(notice.read_text(encoding="utf-8") + f"\n联系人{name}，电话{phone}。\n", encoding="utf-8")
    deleted = next(tree.root.glob("石门镇/青龙村/*.txt"))
    with Store(db) as store:
        run1 = store.run(first.run_id)
        assert run1 is not None
        deleted_findings = next(
            r["findings"] for r in store.run_files(run1.id) if r["path"] == deleted.relative_to(tree.root).as_posix()
        )
    deleted.unlink()
    second = sweep(tree.root, db)
    with Store(db) as store:
        run2 = store.run(second.run_id)
        assert run2 is not None
        report = rollup(store, run2, UnitMap(1))
    total = report.total
    assert report.previous is not None and report.previous.id == first.run_id
    assert total.new == 1  # the new mobile (P111)
    # two rows × (ID, phone, bank, …) fixed, plus everything of the deleted file
    per_row = sum(1 for _ in removed_rows)
    assert total.fixed >= 2 * 3 + deleted_findings and per_row == 2
    assert total.removed_files == 1
    assert total.new + total.still_open == second.findings
    assert total.still_open + total.fixed == first.findings
    baisha = next(u for u in report.units if u.name == "白沙乡")
    assert baisha.fixed >= 6 and baisha.new == 0


def test_diff_is_a_multiset() -> None:
    row = ("fp1", "P101", "n", "privacy", "error", "CN_RESIDENT_ID", "m", "e", "{}")
    other = ("fp2", "P111", "n", "privacy", "error", "PHONE_NUMBER", "m", "e", "{}")
    changes, fixed = diff([row, row, other], [row, other, other])
    assert changes == ["open", "new", "open"]
    assert fixed == [other]


# -- outputs: no raw values, schema, csv ------------------------------------------------


def _all_outputs(tree: Tree, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    db = tmp_path / "s.sqlite"
    sweep(tree.root, db)
    table = next(tree.root.glob("白沙乡/白沙村/*.csv"))
    table.write_text("\n".join(table.read_text(encoding="utf-8").splitlines()[:-1]) + "\n", encoding="utf-8")
    outcome = sweep(tree.root, db)
    texts: dict[str, str] = {}
    with Store(db) as store:
        run = store.run(outcome.run_id)
        assert run is not None
        report = rollup(store, run, UnitMap(1))
        for name, since in (("html", False), ("html_since", True)):
            out = io.StringIO()
            write_html(out, store, report, load_rules(), HtmlOptions(since_last=since))
            texts[name] = out.getvalue()
        for name, writer in (("csv", write_csv), ("json", write_json)):
            for since in (False, True):
                out = io.StringIO()
                writer(out, store, run, UnitMap(1), since)
                texts[f"{name}{'_since' if since else ''}"] = out.getvalue()
    return db, texts


def test_database_html_and_exports_hold_no_raw_personal_values(tree: Tree, tmp_path: Path) -> None:
    _db, texts = _all_outputs(tree, tmp_path)
    assert len(tree.raw) > 100
    blobs = {name: text.encode("utf-8") for name, text in texts.items()}
    blobs["db"] = b"".join(p.read_bytes() for p in tmp_path.glob("s.sqlite*"))
    for name, blob in blobs.items():
        leaked = [v for v in tree.raw if v.encode() in blob]
        assert not leaked, f"{name} holds {len(leaked)} raw values"
    assert "********" in texts["html"] and "****" in texts["csv"]  # masked evidence is there


def test_json_export_is_a_spec_document_with_sweep_details(tree: Tree, tmp_path: Path) -> None:
    _, texts = _all_outputs(tree, tmp_path)
    schemas = [json.loads((ROOT / "auditor" / "schemas" / "findings.schema.json").read_text(encoding="utf-8"))]
    reference = ROOT.parent / "shared" / "schemas" / "findings.schema.json"  # reference copy, CI only
    if reference.is_file():
        schemas.append(json.loads(reference.read_text(encoding="utf-8")))
    full, since = json.loads(texts["json"]), json.loads(texts["json_since"])
    for doc in (full, since):
        for schema in schemas:
            jsonschema.validate(doc, schema)
    assert full["summary"]["findings"] == len(full["findings"]) > 0
    assert full["sweep"]["comparison"]["fixed"] >= 3 and full["sweep"]["comparison"]["new"] == 0
    assert since["findings"] == [] and len(since["sweep"]["fixed"]) == full["sweep"]["comparison"]["fixed"]
    assert {u["unit"] for u in full["sweep"]["units"]} >= {"石门镇", "白沙乡", "东山街道"}
    assert any(e["path"].endswith("扫描件.pdf") for e in full["errors"])


def test_csv_export_rows_units_and_changes(tree: Tree, tmp_path: Path) -> None:
    _, texts = _all_outputs(tree, tmp_path)
    assert texts["csv"].startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(texts["csv"].lstrip("\ufeff"))))
    changes = Counter(r["变化 change"] for r in rows)
    assert changes["已整改 fixed"] >= 3 and changes["仍存在 open"] > 50
    assert {r["单位 unit"] for r in rows} >= {"石门镇", "白沙乡", "东山街道"}
    since = list(csv.DictReader(io.StringIO(texts["csv_since"].lstrip("\ufeff"))))
    assert since and all(r["变化 change"] == "已整改 fixed" for r in since)
    assert all(not r["证据（已遮蔽）masked evidence"].startswith(("=", "+", "-", "@")) for r in rows)


def test_html_is_self_contained(tree: Tree, tmp_path: Path) -> None:
    _, texts = _all_outputs(tree, tmp_path)
    page = texts["html"]
    assert page.startswith("<!DOCTYPE html>") and 'lang="zh-CN"' in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    lowered = page.lower()
    for needle in ("<link", "src=", "@import", "url(", "https://"):
        assert needle not in lowered, needle
    assert lowered.count("http://") == lowered.count('xmlns="http://www.w3.org/2000/svg"')
    assert 'id="unit-table"' in page and 'id="chart-units"' in page and 'id="chart-trend"' in page
    assert "怎么改" in page and "已整改" in page


# -- command line ----------------------------------------------------------------------


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _main() -> None:
        """Test app."""

    register(app)
    return app


def test_cli_sweep_html_and_exports(tree: Tree, tmp_path: Path, cli: typer.Typer, runner: CliRunner) -> None:
    db, html, out = tmp_path / "r" / "s.sqlite", tmp_path / "r" / "报告.html", tmp_path / "r" / "f.csv"
    args = ["sweep", str(tree.root), "--db", str(db), "--jobs", "1", "--html", str(html)]
    result = runner.invoke(cli, [*args, "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "巡查完成" in result.output and html.is_file() and out.is_file()
    result = runner.invoke(cli, ["sweep", str(tree.root), "--db", str(db), "--report-only", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout[result.stdout.index("{") :])
    assert doc["sweep"]["run"]["id"] == 1


def test_cli_usage_errors(tree: Tree, tmp_path: Path, cli: typer.Typer, runner: CliRunner) -> None:
    db = tmp_path / "s.sqlite"
    assert runner.invoke(cli, ["sweep", str(tmp_path / "missing"), "--db", str(db)]).exit_code == 2
    assert runner.invoke(cli, ["sweep", str(tree.root), "--db", str(db), "--report-only"]).exit_code == 2
    assert runner.invoke(cli, ["sweep", str(tree.root), "--db", str(db), "--select", "X9"]).exit_code == 2
    bad_units = tmp_path / "units.yaml"
    bad_units.write_text("- not a mapping\n", encoding="utf-8")
    assert runner.invoke(cli, ["sweep", str(tree.root), "--db", str(db), "--units", str(bad_units)]).exit_code == 2


def test_outputs_inside_the_root_are_not_swept(tree: Tree, cli: typer.Typer, runner: CliRunner) -> None:
    db, html = tree.root / "reports" / "s.sqlite", tree.root / "reports" / "r.html"
    for _ in range(2):
        result = runner.invoke(cli, ["sweep", str(tree.root), "--db", str(db), "--jobs", "1", "--html", str(html)])
        assert result.exit_code == 0, result.output
    with Store(db) as store:
        paths = {r["path"] for r in store.run_files(2)}
    assert not any(p.startswith("reports/") for p in paths)


# -- robustness ---------------------------------------------------------------------------


class _CrashingPool:
    """Stands in for the process pool: scans inline, but a batch holding 'crash' kills its 'worker'."""

    restarts = 0

    def __init__(self, jobs: int, config: Config, rules: dict) -> None:
        from auditor.engine import Scanner

        self.scanner = Scanner(config, rules)

    def submit(self, batch: list) -> Future:
        from auditor.sweep.worker import scan_one

        future: Future = Future()
        if any("crash" in task.rel for task in batch):
            future.set_exception(BrokenProcessPool("a worker died"))
        else:
            future.set_result([scan_one(self.scanner, task) for task in batch])
        return future

    def restart(self) -> None:
        _CrashingPool.restarts += 1

    def close(self, cancel: bool = False) -> None:
        pass


def test_a_file_that_kills_its_worker_is_an_error_and_the_rest_is_scanned(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import auditor.sweep.runner as runner

    (tree.root / "白沙乡" / "crash.txt").write_text("坏文件\n", encoding="utf-8")
    monkeypatch.setattr(runner, "_Pool", _CrashingPool)
    db = tmp_path / "s.sqlite"
    outcome = sweep(tree.root, db, jobs=2, batch_files=4)
    assert outcome.files == tree.files + 1 and not outcome.interrupted
    with Store(db) as store:
        errors = {path: message for path, _, message in store.errors(outcome.run_id)}
    assert errors["白沙乡/crash.txt"] == CRASH_MESSAGE
    assert _CrashingPool.restarts >= 1
    clean = tmp_path / "clean.sqlite"
    sweep(tree.root, clean, jobs=1)  # inline: the crash file is just a text file there
    expected = Counter({k: v for k, v in run_findings(clean).items() if k[0] != "白沙乡/crash.txt"})
    got = Counter({k: v for k, v in run_findings(db).items() if k[0] != "白沙乡/crash.txt"})
    assert got == expected


def test_a_folder_that_cannot_be_listed_is_reported(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import auditor.sweep.walk as walk_module

    real = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if str(path).endswith("青龙村"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(walk_module.os, "scandir", scandir)
    outcome = sweep(tree.root, tmp_path / "s.sqlite")
    with Store(tmp_path / "s.sqlite") as store:
        errors = {(path, kind) for path, kind, _ in store.errors(outcome.run_id)}
    assert ("石门镇/青龙村/", "walk") in errors


def test_history_keeps_detail_for_recent_runs_and_totals_for_all(tree: Tree, tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    notice = next(tree.root.glob("东山街道/东山社区/*.md"))
    for round_no in range(4):
        notice.write_text(notice.read_text(encoding="utf-8") + f"第{round_no}次补充。\n", encoding="utf-8")
        sweep(tree.root, db, keep_runs=2)
    con = sqlite3.connect(db)
    assert [r[0] for r in con.execute("SELECT DISTINCT run_id FROM run_files ORDER BY run_id")] == [3, 4]
    # one result per file plus the notice's version still referenced by run 3
    assert con.execute("SELECT COUNT(*) FROM results").fetchone()[0] == tree.files + 1
    con.close()
    with Store(db) as store:
        history = store.completed_runs(str(tree.root.resolve()))
        assert [r.id for r in history] == [1, 2, 3, 4]
        assert all(r.summary["files"] == tree.files for r in history)


def test_a_stored_finding_row_holds_what_the_report_says_less_the_path() -> None:
    from auditor.model import Finding
    from auditor.sweep.worker import finding_row

    location = {"path": "a/名单.xlsx", "sheet": "Sheet1", "cell": "C3", "row": 3, "field": None, "extra": 1}
    finding = Finding(
        "P101", "id-number-exposed", "privacy", "error", "公开了…", "CN_RESIDENT_ID", "5301**", location, "f"
    )
    data = finding.to_dict()
    stored = {k: v for k, v in data["location"].items() if k != "path"}
    assert finding_row(finding) == (
        "f", "P101", "id-number-exposed", "privacy", "error", "CN_RESIDENT_ID", "公开了…", "5301**", stored
    )  # fmt: skip
    assert list(stored) == ["sheet", "cell", "row"]

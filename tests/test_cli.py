"""The command line contract: exit codes, --fail-on, --select/--ignore, E001, rules commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from synth import make_id
from typer.testing import CliRunner

from auditor.cli import app

ID = make_id()
PHONE_WEAK = "1381234****"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "leak": tmp_path / "list.csv",
        "weak": tmp_path / "weak.txt",
        "clean": tmp_path / "clean.txt",
        "empty_txt": tmp_path / "empty.txt",
        "header_only": tmp_path / "header.csv",
        "corrupt_xlsx": tmp_path / "corrupt.xlsx",
        "empty_xlsx": tmp_path / "empty.xlsx",
        "binary_csv": tmp_path / "binary.csv",
    }
    paths["leak"].write_text(f"序号,姓名,身份证号码,金额\n1,王德明,{ID},960\n", encoding="utf-8")
    paths["weak"].write_text(f"联系人手机 {PHONE_WEAK}\n", encoding="utf-8")
    paths["clean"].write_text("本镇今年共发放补贴960元。监督电话：0878-1234567\n", encoding="utf-8")
    paths["empty_txt"].write_bytes(b"")
    paths["header_only"].write_text("序号,姓名,身份证号码,金额\n", encoding="utf-8")
    paths["corrupt_xlsx"].write_bytes(b"PK\x03\x04 this is not really a zip archive")
    paths["empty_xlsx"].write_bytes(b"")
    paths["binary_csv"].write_bytes(bytes(range(256)) * 4)
    return paths


def run(runner: CliRunner, *args: str) -> tuple[int, dict]:
    """Scan with JSON output; workflow rules (W2xx, tested elsewhere) are left out unless selected."""
    args_list = list(args)
    if "--ignore" in args_list:
        args_list[args_list.index("--ignore") + 1] += ",W,P13,P14,P15"
    elif "--select" not in args_list:
        args_list += ["--ignore", "W,P13,P14,P15"]
    result = runner.invoke(app, ["scan", *args_list, "--format", "json"])
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}


def test_help_lists_the_commands(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("scan", "rules"):
        assert command in result.stdout


def test_exit_0_on_clean_and_1_on_a_leak(runner: CliRunner, files: dict[str, Path]) -> None:
    assert run(runner, str(files["clean"]))[0] == 0
    code, report = run(runner, str(files["leak"]))
    assert code == 1
    assert report["summary"]["by_rule"] == {"P101": 1}


def test_empty_text_and_header_only_csv_are_clean(runner: CliRunner, files: dict[str, Path]) -> None:
    code, report = run(runner, str(files["empty_txt"]), str(files["header_only"]))
    assert code == 0
    assert [f["status"] for f in report["files"]] == ["scanned", "scanned"]


@pytest.mark.parametrize("bad", ["corrupt_xlsx", "empty_xlsx", "binary_csv"])
def test_unreadable_input_is_e001_exit_2_and_the_rest_is_scanned(
    runner: CliRunner, files: dict[str, Path], bad: str
) -> None:
    code, report = run(runner, str(files[bad]), str(files["leak"]))
    assert code == 2
    assert report["errors"] and report["errors"][0]["path"] == str(files[bad])
    statuses = {f["path"]: f["status"] for f in report["files"]}
    assert statuses == {str(files[bad]): "error", str(files["leak"]): "scanned"}
    assert report["summary"]["by_rule"] == {"E001": 1, "P101": 1}


def test_fail_on(runner: CliRunner, files: dict[str, Path]) -> None:
    weak = str(files["weak"])  # P112 is a warning
    assert run(runner, weak)[0] == 0
    assert run(runner, weak, "--fail-on", "warning")[0] == 1
    assert run(runner, weak, "--fail-on", "info")[0] == 1
    assert run(runner, str(files["leak"]), "--fail-on", "never")[0] == 0


def test_select_and_ignore(runner: CliRunner, files: dict[str, Path]) -> None:
    leak, weak = str(files["leak"]), str(files["weak"])
    code, report = run(runner, leak, weak, "--ignore", "P101")
    assert code == 0 and report["summary"]["by_rule"] == {"P112": 1}
    code, report = run(runner, leak, weak, "--select", "P11")
    assert code == 0 and report["summary"]["by_rule"] == {"P112": 1}
    code, report = run(runner, leak, weak, "--select", "P1", "--ignore", "P112")
    assert code == 1 and report["summary"]["by_rule"] == {"P101": 1}


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_code_is_a_usage_error(runner: CliRunner, files: dict[str, Path], option: str) -> None:
    result = runner.invoke(app, ["scan", str(files["leak"]), option, "P999"])
    assert result.exit_code == 2
    assert "P999" in result.stderr


def test_missing_path_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["scan", str(tmp_path / "nope.csv")]).exit_code == 2


def test_stdin(runner: CliRunner) -> None:
    result = runner.invoke(app, ["scan", "-", "--format", "json"], input=f"身份证 {ID}\n")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["findings"][0]["location"]["path"] == "-"


def test_report_written_to_file_on_exit_1_and_2(runner: CliRunner, files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.json"
    args = [
        "scan",
        str(files["leak"]),
        str(files["empty_xlsx"]),
        "--ignore",
        "W,P13,P14,P15",
        "--format",
        "json",
        "-o",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["findings"] == 2


def test_directory_scan_reports_unsupported_documents(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"{ID}\n", encoding="utf-8")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG")
    (tmp_path / "a.txt.workflow.json").write_text("{}", encoding="utf-8")
    code, report = run(runner, str(tmp_path))
    statuses = {Path(f["path"]).name: f["status"] for f in report["files"]}
    assert statuses == {"a.txt": "scanned", "picture.png": "skipped", "a.txt.workflow.json": "skipped"}
    assert code == 1


def test_rules_commands(runner: CliRunner, tmp_path: Path) -> None:
    listing = runner.invoke(app, ["rules", "list"])
    assert listing.exit_code == 0 and "P101" in listing.stdout and "E001" in listing.stdout
    shown = runner.invoke(app, ["rules", "show", "P101"])
    assert shown.exit_code == 0 and "怎么改" in shown.stdout and "个人信息保护法" in shown.stdout
    assert runner.invoke(app, ["rules", "show", "P999"]).exit_code == 2
    rules_dir = Path(__file__).resolve().parent.parent / "rules"
    assert runner.invoke(app, ["rules", "validate", str(rules_dir)]).exit_code == 0
    (tmp_path / "P101.yaml").write_text("code: P101\nname: Bad Name\n", encoding="utf-8")
    invalid = runner.invoke(app, ["rules", "validate", str(tmp_path)])
    assert invalid.exit_code == 2 and "P101.yaml" in invalid.stderr


def test_config_discovered_upward_and_applied(runner: CliRunner, files: dict[str, Path]) -> None:
    config = files["leak"].parent / "auditor.toml"
    config.write_text('[severity]\nP101 = "warning"\n', encoding="utf-8")
    code, report = run(runner, str(files["leak"]))
    assert code == 0 and report["findings"][0]["severity"] == "warning"
    config.write_text('fail-on = "sometimes"\n', encoding="utf-8")
    assert runner.invoke(app, ["scan", str(files["leak"])]).exit_code == 2


def test_pyproject_tool_section_and_policy(runner: CliRunner, files: dict[str, Path]) -> None:
    (files["leak"].parent / "pyproject.toml").write_text(
        "[tool.auditor.policy]\nmobile-keep-first = 7\nmobile-keep-last = 0\n", encoding="utf-8"
    )
    code, report = run(runner, str(files["weak"]))
    assert code == 0 and report["findings"] == []


def test_parallel_scan_gives_the_same_report(runner: CliRunner, files: dict[str, Path]) -> None:
    folder = str(files["leak"].parent)
    serial = run(runner, folder, "--jobs", "1")
    parallel = run(runner, folder, "--jobs", "2")
    automatic = run(runner, folder)
    assert serial == parallel == automatic and serial[0] == 2


def test_automatic_jobs_use_every_core_only_for_big_scans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor import engine

    monkeypatch.setattr(engine.os, "cpu_count", lambda: 4)
    small = [tmp_path / "a.txt", tmp_path / "b.txt"]
    for path in small:
        path.write_text("通知", encoding="utf-8")
    targets = [engine.Target(str(p), p, False) for p in small]
    assert engine.auto_workers(targets) == 1
    assert engine.auto_workers(targets[:1]) == 1
    big = tmp_path / "big.csv"
    big.write_bytes(b"0" * engine.PARALLEL_MIN_BYTES)
    assert engine.auto_workers([*targets, engine.Target(str(big), big, False)]) == 4
    assert engine.auto_workers([*targets, engine.Target("-", None, True)]) == 1


def test_file_results_survive_pickling_between_processes() -> None:
    import pickle

    from auditor.model import FileResult, Finding

    finding = Finding("P101", "身份证号码", "privacy", "error", "m", "CN_RESIDENT_ID", "5301**", {"line": 1}, "f")
    result = FileResult("a.csv", "csv", "0" * 64, "scanned", None, [finding, finding])
    assert pickle.loads(pickle.dumps(result)) == result
    assert pickle.loads(pickle.dumps(FileResult("b.txt", None, None, "error", "E"))) == FileResult(
        "b.txt", None, None, "error", "E"
    )


def test_the_cli_does_not_import_the_web_stack_or_models_to_start() -> None:
    """`auditor scan one.txt` in a pre-commit hook pays every import: Flask (for `serve` only, ~0.16 s),
    Presidio and spaCy (for the Presidio adapter only) are loaded when their command runs."""
    code = "import sys, auditor.cli; print(sorted({'flask', 'presidio_analyzer', 'spacy'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("tty", "env", "expected"),
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"NO_COLOR": "1"}, False),
        (True, {"TERM": "dumb"}, False),
    ],
)
def test_text_is_coloured_only_for_a_terminal(
    monkeypatch: pytest.MonkeyPatch, tty: bool, env: dict[str, str], expected: bool
) -> None:
    from auditor.cli import _colour_terminal

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert _colour_terminal(_Stream(tty)) is expected


def test_scan_output_through_a_pipe_has_no_colour(tmp_path: Path) -> None:
    path = tmp_path / "名单.txt"
    path.write_text(f"{make_id()}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["scan", str(path)])
    assert "P101" in result.output and "\x1b[" not in result.output

"""One file's surprise never ends a scan: an unexpected exception or a dead worker is that file's E001."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from synth import make_id
from typer.testing import CliRunner

import auditor.engine as engine
from auditor.cli import app
from auditor.config import Config
from auditor.engine import CRASH_MESSAGE, Scanner, Target, scan_paths
from auditor.selection import SelectionError

ID = make_id()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Twenty small lists, each with one exposed ID, and one file named to misbehave."""
    for number in range(20):
        (tmp_path / f"list_{number:02d}.csv").write_text(f"序号,姓名,身份证号码\n1,张三,{ID}\n", encoding="utf-8")
    (tmp_path / "list_07_boom.csv").write_text(f"序号,姓名,身份证号码\n1,李四,{ID}\n", encoding="utf-8")
    return tmp_path


def _misbehave_on_boom(monkeypatch: pytest.MonkeyPatch, action: str) -> None:
    real = Scanner.scan_target

    def scan_target(self: Scanner, target: Target) -> engine.FileResult:
        if "boom" in target.display:
            if action == "die":
                os._exit(3)  # what the kernel's OOM killer or a native crash looks like to the pool
            raise KeyError("a loader bug")
        return real(self, target)

    monkeypatch.setattr(Scanner, "scan_target", scan_target)


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_unexpected_exception_is_that_files_e001(folder: Path, jobs: int, monkeypatch: pytest.MonkeyPatch) -> None:
    _misbehave_on_boom(monkeypatch, "raise")
    report = scan_paths([str(folder)], jobs=jobs)
    status = {Path(f.path).name: (f.status, f.error) for f in report.files}
    assert status["list_07_boom.csv"] == ("error", "内部错误 (internal error): KeyError")
    assert all(s == "scanned" for name, (s, _) in status.items() if name != "list_07_boom.csv")
    assert len(status) == 21


@pytest.mark.skipif(os.name != "posix", reason="the worker inherits the patched scanner through fork")
def test_a_worker_that_dies_costs_one_file_and_the_order_is_kept(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected_order = [f.path for f in scan_paths([str(folder)], jobs=1).files]
    _misbehave_on_boom(monkeypatch, "die")
    report = scan_paths([str(folder)], jobs=2)
    assert [f.path for f in report.files] == expected_order
    status = {Path(f.path).name: (f.status, f.error) for f in report.files}
    assert status["list_07_boom.csv"] == ("error", CRASH_MESSAGE)
    assert all(s == "scanned" for name, (s, _) in status.items() if name != "list_07_boom.csv")
    e001 = [f for f in report.findings if f.rule_id == "E001"]
    assert [Path(f.location["path"]).name for f in e001] == ["list_07_boom.csv"]
    assert sum(f.rule_id == "P101" for f in report.findings) == 20


def test_the_cli_exits_2_and_reports_the_rest(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _misbehave_on_boom(monkeypatch, "raise")
    result = CliRunner().invoke(app, ["scan", str(folder), "--format", "json", "--ignore", "W", "--jobs", "1"])
    assert result.exit_code == 2
    assert result.stdout.count('"rule_id": "P101"') == 20
    assert ID not in result.stdout


def test_a_native_panic_is_that_files_e001_but_ctrl_c_still_stops(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class PanicException(BaseException):
        """What pyo3 raises for a Rust panic (it derives from BaseException, not Exception)."""

    real = Scanner.scan_target
    raised: list[type[BaseException]] = [PanicException]

    def scan_target(self: Scanner, target: Target) -> engine.FileResult:
        if "boom" in target.display:
            raise raised[0]("calamine")
        return real(self, target)

    monkeypatch.setattr(Scanner, "scan_target", scan_target)
    report = scan_paths([str(folder)], jobs=1)
    status = {Path(f.path).name: (f.status, f.error) for f in report.files}
    assert status["list_07_boom.csv"] == ("error", "内部错误 (internal error): PanicException")
    raised[0] = KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        scan_paths([str(folder)], jobs=1)


@pytest.mark.parametrize(
    ("files", "workers", "size"),
    [(4403, 2, engine.PARALLEL_CHUNK), (21, 2, 2), (3, 2, 1), (200, 4, 12)],
)
def test_tasks_are_big_but_every_worker_gets_several(files: int, workers: int, size: int) -> None:
    assert engine.chunk_size(files, workers) == size


def test_tasks_close_early_on_big_files(tmp_path: Path) -> None:
    """Long lists go a few to a task, small files sixteen, and every file once, in order."""
    sizes = [300_000, 10, 10, 200_000, 100_000, *([1_000] * 150)]
    targets = []
    for number, size in enumerate(sizes):
        path = tmp_path / f"{number:02d}.txt"
        path.write_bytes(b"x" * size)
        targets.append(Target(str(path), path, False))
    targets.append(Target(str(tmp_path / "gone.txt"), tmp_path / "gone.txt", False))
    chunks = engine.plan_chunks(targets, workers=2)
    assert [i for chunk in chunks for i in chunk] == list(range(len(targets)))
    assert [len(chunk) for chunk in chunks[:3]] == [1, 4, engine.PARALLEL_CHUNK]


def test_a_folder_is_walked_in_the_order_of_its_sorted_paths(tmp_path: Path) -> None:
    """'a-b' sorts after the folder 'a' as a path part but before 'a/…' as a string: parts decide."""
    for rel in ["a/x.txt", "a-b.txt", "a.b/y.txt", "a/c/z.txt", "A.txt", "b.txt", "a/.git/skip.txt", "张/1.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    walked = [target.path for target in engine.iter_targets([str(tmp_path)])]
    expected = sorted(p for p in tmp_path.rglob("*") if p.is_file() and ".git" not in p.parts)
    assert walked == expected and len(walked) == 7


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_bad_selection_fails_before_any_file_or_worker(
    folder: Path, jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unknown code must not reach a worker's initializer: it broke the pool, and every
    file was rescanned alone before the error came out."""

    def no_pool(*args: object) -> None:
        raise AssertionError("a pool was started")

    monkeypatch.setattr(engine, "_scan_parallel", no_pool)
    with pytest.raises(SelectionError, match="NOPE"):
        scan_paths([str(folder)], Config(select=["NOPE"]), jobs=jobs)

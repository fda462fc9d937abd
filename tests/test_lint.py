"""The code stays lint-clean, formatted and type-correct: the suite checks it, so CI does.

The compiled build (README, "编译版") compiles modules from their annotations, and a type error
in one of them fails that build; checking the whole package keeps every module ready to join it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMATTED = ("auditor", "tests", "bench", "corpora")


def run_module(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_finds_no_problem() -> None:
    done = run_module("ruff", "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_code_is_formatted() -> None:
    done = run_module("ruff", "format", "--no-cache", "--check", *FORMATTED)
    assert done.returncode == 0, done.stdout + done.stderr


def test_package_type_checks(tmp_path: Path) -> None:
    done = run_module("mypy", "--ignore-missing-imports", "--cache-dir", str(tmp_path / "mypy"), "auditor")
    assert done.returncode == 0, done.stdout + done.stderr

"""The opt-in compiled build (mypyc): its module list, and that each run tests the build it means to.

The suite runs twice in .ci/run: against the source tree (pure Python), then its detection tests
against a compiled wheel with AUDITOR_EXPECT_COMPILED=1. Each run checks it got the build it asked for.
"""

from __future__ import annotations

import os
import tomllib
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

from typer.testing import CliRunner

from auditor import buildinfo
from auditor.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXPECT_COMPILED = os.environ.get("AUDITOR_EXPECT_COMPILED") == "1"


def mypyc_hook() -> dict:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["mypyc"]


def test_the_compiled_modules_are_the_build_hooks_list() -> None:
    hook = mypyc_hook()
    modules = [path.lstrip("/").removesuffix(".py").replace("/", ".") for path in hook["include"]]
    assert modules == list(buildinfo.COMPILED_MODULES)
    assert hook["enable-by-default"] is False  # `pip install .` stays pure Python


def test_every_compiled_module_has_its_source() -> None:
    for name in buildinfo.COMPILED_MODULES:
        assert (ROOT / (name.replace(".", "/") + ".py")).is_file(), name


def test_this_run_uses_the_build_it_asked_for() -> None:
    compiled = buildinfo.compiled_modules()
    if EXPECT_COMPILED:
        assert compiled == list(buildinfo.COMPILED_MODULES)
        assert buildinfo.build_name() == "mypyc 编译版 (compiled)"
    else:
        assert compiled == []
        assert buildinfo.build_name() == "纯 Python 版 (pure Python)"


def test_the_source_tree_holds_no_compiled_module() -> None:
    """A compiled build made inside the source tree leaves extension modules beside the sources
    (hatch-mypyc compiles in place), and Python loads those before the .py files: later edits
    would be silently ignored by every run from the tree. Build it from a copy (README)."""
    suffixes = tuple(EXTENSION_SUFFIXES)
    stale = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "auditor").rglob("*") if p.name.endswith(suffixes))
    assert stale == [], f"remove them (git clean -fX auditor): {stale}"


def test_version_names_the_build() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip().endswith(buildinfo.build_name())

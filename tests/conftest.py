"""Shared fixtures: a CLI runner and the optional ../shared reference folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (reference material for CI only)")
    return SHARED


@pytest.fixture(scope="module")
def scanner():  # type: ignore[no-untyped-def]
    """One scanner per test module (rules and recognizers load once)."""
    from auditor.engine import Scanner

    return Scanner()


@pytest.fixture(scope="module")
def client(scanner):  # type: ignore[no-untyped-def]
    """The serve app as a script-like client (no cookies, no browser headers), as `curl -F file=@…` is."""
    from auditor.serve.app import create_app

    return create_app(scanner).test_client(use_cookies=False)

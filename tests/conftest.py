"""Shared fixtures: synthetic identifiers (valid by construction) and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.recognizers.idcard import check_char

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def make_id(region: str = "530102", birth: str = "19900101", seq: str = "123") -> str:
    body = region + birth + seq
    return body + check_char(body)


def luhn_complete(prefix: str) -> str:
    from auditor.recognizers.bank import luhn_ok

    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (reference material for CI only)")
    return SHARED

"""What the browser tests share: the Debian Chromium they drive and the rule for skipping.

CI installs Chromium (`.ci/run`); elsewhere the tests skip with the reason.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def playwright_or_skip() -> ModuleType:
    """playwright.sync_api, or skip the calling test module when it or Chromium is missing."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright (pip install playwright) is not installed: browser test skipped"
    )
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip(
            f"{CHROMIUM} is absent (apt-get install -y chromium): browser test skipped", allow_module_level=True
        )
    return sync_api

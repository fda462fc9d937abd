"""The sweep HTML report in a real browser: headless Chromium opens the file from disk.

Needs Debian's Chromium (/usr/bin/chromium) and the playwright Python package
(never ``playwright install``: no browser download). Skips with the reason when
either is missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, playwright_or_skip
from test_sweep import make_tree, sweep

from auditor.rules import load_rules
from auditor.sweep.html import HtmlOptions, write_html
from auditor.sweep.store import Store
from auditor.sweep.units import UnitMap, rollup

sync_api = playwright_or_skip()


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two sweeps (so the comparison columns and trend line exist), then the page on disk."""
    base = tmp_path_factory.mktemp("browser")
    tree = make_tree(base / "公开文件")
    db = base / "s.sqlite"
    sweep(tree.root, db)
    table = next(tree.root.glob("白沙乡/白沙村/*.csv"))
    table.write_text("\n".join(table.read_text(encoding="utf-8").splitlines()[:-2]) + "\n", encoding="utf-8")
    outcome = sweep(tree.root, db)
    page = base / "报告.html"
    with Store(db) as store:
        run = store.run(outcome.run_id)
        assert run is not None
        with page.open("w", encoding="utf-8") as fh:
            write_html(fh, store, rollup(store, run, UnitMap(1)), load_rules(), HtmlOptions())
    return page


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def test_report_renders_offline_with_unit_table_and_charts(browser, report_file: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(report_file.as_uri())
    page.wait_for_load_state("load")

    assert page.title().startswith("政务公开合规巡查报告")
    rows = page.locator("#unit-table tbody tr")
    assert rows.count() == 4  # 石门镇, 白沙乡, 东山街道 and the root folder
    assert page.locator("#unit-table thead th").count() == 12  # with new / fixed / open columns
    assert page.locator("#chart-units rect.bar").count() >= 3
    assert page.locator("#chart-units").is_visible()
    assert page.locator("#chart-trend polyline.line").count() == 3
    assert page.locator("#chart-rules rect.bar").count() >= 3
    assert page.locator("section.unit details").count() >= 3
    assert "已整改" in page.locator("#unit-table").inner_text()

    # sort by findings (4th column), ascending then descending
    header = page.locator("#unit-table thead th").nth(3)
    header.click()
    ascending = [int(v) for v in page.locator("#unit-table tbody tr td:nth-child(4)").all_inner_texts()]
    assert ascending == sorted(ascending)
    header.click()
    descending = [int(v) for v in page.locator("#unit-table tbody tr td:nth-child(4)").all_inner_texts()]
    assert descending == sorted(ascending, reverse=True)
    assert header.get_attribute("aria-sort") == "descending"

    page.fill("#unit-filter", "白沙")
    assert page.locator("#unit-table tbody tr:visible").count() == 1

    page.locator("section.unit details summary").first.click()
    assert page.locator("section.unit details[open] td.ev").first.inner_text().count("*") >= 4

    assert all(url.startswith("file://") for url in requests), requests
    assert not problems, problems
    page.close()

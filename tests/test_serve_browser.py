"""`auditor serve` in a real browser: upload, verdict, download the fixed copy, re-scan, errors, sign a step.

Needs Debian's Chromium (/usr/bin/chromium) and the playwright Python package
(never ``playwright install``: no browser download). Skips with the reason when
either is missing. Screenshots of every state go to test-artifacts/serve/.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, playwright_or_skip
from werkzeug.serving import make_server

from auditor.serve.app import create_app

ROOT = Path(__file__).resolve().parent.parent
EXPOSED = ROOT / "corpora" / "samples" / "shimen" / "低保数据导出.xlsx"
ARTIFACTS = ROOT / "test-artifacts" / "serve"
sync_api = playwright_or_skip()


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The real app on a free localhost port, in a thread, for the whole module."""
    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, base_url: str):  # type: ignore[no-untyped-def]
    """A fresh page that records every request and every console problem."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 900})
    tab = context.new_page()
    tab.requests = []  # type: ignore[attr-defined]
    tab.problems = []  # type: ignore[attr-defined]
    tab.on("request", lambda r: tab.requests.append(r.url))
    tab.on("console", lambda m: tab.problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.problems.append(str(e)))
    tab.goto(base_url + "/")
    yield tab
    assert all(url.startswith(base_url) or url.startswith("blob:") for url in tab.requests), tab.requests
    expected = "status of 422"  # a file that cannot be scanned is answered 422 on purpose
    assert [p for p in tab.problems if expected not in p] == []
    context.close()


def shot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def scan(page, file: Path) -> str:  # type: ignore[no-untyped-def]
    page.evaluate("document.getElementById('result').replaceChildren()")  # so we wait for the new verdict
    page.set_input_files("#file", str(file))
    page.click("#scan-button")
    page.wait_for_selector("#verdict, #message")
    return page.locator("#verdict, #message").first.inner_text()


def finding_codes(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Read every code in one call, so a list re-rendered mid-read cannot leave a stale locator waiting."""
    return page.locator("#findings .code").all_inner_texts()


def wait_for_codes(page, codes: list[str], timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    """Wait until the findings list shows exactly ``codes`` (the re-check after a sign is asynchronous).

    Polled from Python: the page's CSP forbids the eval that a polling wait_for_function needs.
    """
    deadline = time.monotonic() + timeout
    while finding_codes(page) != codes and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert finding_codes(page) == codes


def expected_count(base_url: str, file: Path) -> int:
    import json
    import urllib.request
    import uuid

    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a{file.suffix}"\r\n\r\n'.encode()
        + file.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        base_url + "/scan",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return len(json.load(response)["findings"])


def test_exposed_ids_then_fixed_copy_is_clean(page, base_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shot(page, "1-start")
    assert scan(page, EXPOSED) == "需要修改"
    count = int(page.inner_text("#finding-count"))
    assert count == expected_count(base_url, EXPOSED)
    assert page.locator("#findings li").count() == count
    assert page.locator("mark").count() > 0
    shot(page, "2-needs-changes")

    with page.expect_download() as info:
        page.click("#download")
    fixed = tmp_path / f"fixed{EXPOSED.suffix}"
    info.value.save_as(str(fixed))
    assert info.value.suggested_filename.endswith("_已修改.xlsx")
    assert scan(page, fixed) == "可以发布"
    shot(page, "3-fixed-rescan")


def test_clean_file_can_be_published(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clean = tmp_path / "通知.txt"
    clean.write_text("关于召开2023年村民代表大会的通知\n地点：村委会会议室\n", encoding="utf-8")
    assert scan(page, clean) == "可以发布"
    shot(page, "4-clean")


def test_corrupt_file_shows_an_error_and_the_server_keeps_running(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "名单.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    assert scan(page, broken) == "无法检查此文件"
    assert page.inner_text("#error-message").strip()
    shot(page, "5-corrupt")
    clean = tmp_path / "通知.txt"
    clean.write_text("村委会通知\n", encoding="utf-8")
    assert scan(page, clean) == "可以发布"


def test_record_two_steps_and_download_the_record(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    notice = tmp_path / "公示.txt"
    notice.write_text("关于2023年度低保对象的公示\n经村民代表大会评议，现予公示。\n", encoding="utf-8")
    assert scan(page, notice) == "可以发布"
    assert page.locator("#sign-step option:checked").inner_text().startswith("撰写")
    page.fill("#sign-by", "李明华")
    page.fill("#sign-note", "初稿")
    with page.expect_download() as info:
        page.click("#sign-button")
    assert info.value.suggested_filename == "公示.txt.workflow.json"
    first = tmp_path / "first.json"
    info.value.save_as(str(first))
    assert [s["by"] for s in json.loads(first.read_text(encoding="utf-8"))["steps"]] == ["李明华"]
    page.wait_for_selector("#sign-result .note.ok")
    assert "李明华" in page.inner_text("#workflow")
    assert page.locator("#sign-step option:checked").inner_text().startswith("校对（排版前）")
    wait_for_codes(page, ["W203"] * 4)  # the page checked the file again with the new record: no W201
    assert page.inner_text("#verdict") == "需要修改"  # four steps to go; W203 is an error, as in `auditor scan`
    assert "W201" not in page.inner_text("#result")
    assert page.locator("#sign-step option:checked").inner_text().startswith("校对（排版前）")
    assert "公示.txt.workflow.json" in page.inner_text("#sign-result")
    shot(page, "7-signed-first")

    page.fill("#sign-by", "王建国")  # the record just downloaded is carried to the next step
    page.fill("#sign-note", "")
    with page.expect_download() as info:
        page.click("#sign-button")
    second = tmp_path / "second.json"
    info.value.save_as(str(second))
    steps = json.loads(second.read_text(encoding="utf-8"))["steps"]
    assert [(s["step"], s["by"]) for s in steps] == [("draft", "李明华"), ("proofread", "王建国")]
    page.wait_for_selector("#workflow:has-text('王建国')")
    wait_for_codes(page, ["W203"] * 3)
    assert page.locator("#sign-step option:checked").inner_text().startswith("排版")
    page.locator("#workflow-card").scroll_into_view_if_needed()
    shot(page, "7-signed")

    # the scan form keeps the record in use: checking again does not bring W201 back
    assert page.evaluate("document.getElementById('record').files[0].name") == "公示.txt.workflow.json"
    page.click("#scan-button")
    page.wait_for_selector("#sign-result:empty", state="attached")
    assert finding_codes(page) == ["W203"] * 3


def test_scan_form_takes_the_record_too(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    notice = tmp_path / "公示.txt"
    notice.write_text("关于2023年度低保对象的公示\n", encoding="utf-8")
    record = tmp_path / "公示.txt.workflow.json"
    steps = [{"step": "撰写", "by": "李明华", "at": "2022-03-01T09:00:00+08:00"}]
    record.write_text(json.dumps({"document": notice.name, "steps": steps}, ensure_ascii=False), encoding="utf-8")
    page.set_input_files("#record", str(record))
    assert scan(page, notice) == "需要修改"
    assert finding_codes(page) == ["W203"] * 4
    assert page.locator("#sign-step option:checked").inner_text().startswith("校对（排版前）")
    assert "公示.txt.workflow.json" in page.inner_text("#sign-record-note")
    record.write_text("{broken", encoding="utf-8")
    page.set_input_files("#record", str(record))
    assert scan(page, notice) == "需要修改"
    assert finding_codes(page) == ["W202"]


def test_phone_screen(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    tab = context.new_page()
    tab.goto(base_url + "/")
    assert scan(tab, EXPOSED) == "需要修改"
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must not scroll sideways (wide tables scroll inside their own box)"
    shot(tab, "6-phone")
    context.close()

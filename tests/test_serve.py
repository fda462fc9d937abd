"""`auditor serve` through Flask's test client: verdicts, masking, limits, token and CSRF guards."""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import signal
from pathlib import Path

import jsonschema
import pytest
import typer
from typer.testing import CliRunner

from auditor.engine import Scanner, Target
from auditor.loaders import loader_for
from auditor.serve.app import create_app
from auditor.serve.cli import register
from auditor.serve.security import BindError

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpora" / "samples"
EXPOSED = SAMPLES / "shimen" / "低保数据导出.xlsx"  # IDs, phones, bank accounts; all fixable
LINKED = SAMPLES / "baisha" / "2023年残疾人两项补贴名单_04.xlsx"  # also names + disability (P141)
SCHEMA = json.loads((ROOT / "auditor" / "schemas" / "findings.schema.json").read_text(encoding="utf-8"))
CLEAN = "关于召开2023年村民代表大会的通知\n时间：3月5日上午9时\n地点：村委会会议室\n".encode()
ID_SHAPED = re.compile(r"\d{17}[\dXx]")
MUST_BE_ZERO = ("P101", "P102", "P103", "P111", "P112", "P121", "P131", "P161", "P162")


def post(client, url: str, name: str, data: bytes, **headers: str):  # type: ignore[no-untyped-def]
    return client.post(url, data={"file": (io.BytesIO(data), name)}, headers=headers)


def verdict(html: str) -> str:
    match = re.search(r'id="verdict">([^<]*)<', html)
    assert match, html[:2000]
    return match.group(1)


def raw_values(path: Path, scanner: Scanner) -> set[str]:
    """Every value the page must hide: what `auditor fix` masks, plus anything shaped like an ID number."""
    from auditor.fix.run import Fixer

    document = loader_for("xlsx")(path, "xlsx", path.read_bytes())
    planned = Fixer(scanner).planner.document_masks(document)
    values = {block.text[m.start : m.end] for block, masks in planned for m in masks}
    values |= {m.group(0) for block in document.blocks for m in ID_SHAPED.finditer(block.text)}
    cells = {
        (b.locator.locate(0, 0).location.get("sheet"), b.locator.locate(0, 0).location.get("cell")): b.text
        for b in document.blocks
    }
    result = scanner.scan_target(Target(path.name, path, True))
    return values | {cells[(f.location["sheet"], f.location["cell"])] for f in result.findings if "cell" in f.location}


def test_index_is_self_contained_and_accessible(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert 'name="viewport"' in html
    assert '<label for="file">' in html and 'id="file" name="file" type="file"' in html
    assert 'action="/scan"' in html and 'name="csrf_token"' in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "every asset must be served locally"
    for asset in ("/static/app.css", "/static/app.js"):
        assert client.get(asset).status_code == 200


def test_exposed_ids_need_changes_and_html_never_shows_a_raw_value(client, scanner: Scanner) -> None:  # type: ignore[no-untyped-def]
    data = EXPOSED.read_bytes()
    report = post(client, "/scan", EXPOSED.name, data, Accept="application/json").get_json()
    response = post(client, "/scan", EXPOSED.name, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert verdict(html) == "需要修改"
    assert f'id="finding-count">{len(report["findings"])}<' in html
    assert html.count('<li class="sev-') == len(report["findings"])
    assert "工作表「" in html and "「身份证号码」列" in html  # locations in words
    raws = raw_values(EXPOSED, scanner)
    assert len(raws) > 20
    leaked = sorted(v for v in raws if v in html)
    assert leaked == [], f"{len(leaked)} raw values in the page"
    assert "<mark>" in html  # the preview highlights (masked) problem cells
    assert 'id="download"' in html and "下载修改后的文件" in html


def test_names_linked_to_ids_in_text_are_masked_in_the_preview(client, scanner: Scanner) -> None:  # type: ignore[no-untyped-def]
    path = SAMPLES / "baisha" / "2021-04_低保动态调整公告_003.txt"
    result = scanner.scan_target(Target(path.name, path, True))
    lines = path.read_text(encoding="utf-8").splitlines()
    raws = set()
    for finding in result.findings:
        where = finding.location
        if where.get("line") and where.get("line") == where.get("end_line"):
            raws.add(lines[where["line"] - 1][where["column"] - 1 : where["end_column"]])
    assert raws and any(f.rule_id == "P131" for f in result.findings)
    html = post(client, "/scan", path.name, path.read_bytes()).get_data(as_text=True)
    assert verdict(html) == "需要修改"
    assert sorted(v for v in raws if v in html) == []


def test_help_panel_says_why_and_how(client, scanner: Scanner) -> None:  # type: ignore[no-untyped-def]
    html = post(client, "/scan", EXPOSED.name, EXPOSED.read_bytes()).get_data(as_text=True)
    rule = scanner.rules["P101"]
    assert 'id="help-P101"' in html
    assert "为什么重要" in html and "怎样修改" in html
    assert rule.title["zh"] in html
    assert rule.fix["zh"].split("`")[0] in html


def test_json_variant_is_the_spec_report(client, scanner: Scanner) -> None:  # type: ignore[no-untyped-def]
    response = post(client, "/scan", LINKED.name, LINKED.read_bytes(), Accept="application/json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    report = response.get_json()
    jsonschema.validate(report, SCHEMA)
    assert report["summary"]["by_rule"]["P101"] > 0
    assert report["files"][0]["path"] == LINKED.name
    body = response.get_data(as_text=True)
    assert not [v for v in raw_values(LINKED, scanner) if v in body]


def test_fixed_download_rescans_clean(client) -> None:  # type: ignore[no-untyped-def]
    response = post(client, "/fix", EXPOSED.name, EXPOSED.read_bytes())
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data[:2] == b"PK"  # still an xlsx
    report = post(client, "/scan", EXPOSED.name, response.data, Accept="application/json").get_json()
    assert not [f for f in report["findings"] if f["rule_id"] in MUST_BE_ZERO]
    assert verdict(post(client, "/scan", EXPOSED.name, response.data).get_data(as_text=True)) == "可以发布"


def test_clean_file_can_be_published(client) -> None:  # type: ignore[no-untyped-def]
    html = post(client, "/scan", "通知.txt", CLEAN).get_data(as_text=True)
    assert verdict(html) == "可以发布"
    assert "村民代表大会" in html  # the preview shows the text itself
    assert 'id="download"' not in html  # nothing for `auditor fix` to do


def test_corrupt_file_gives_a_clear_message_and_the_app_keeps_working(client) -> None:  # type: ignore[no-untyped-def]
    response = post(client, "/scan", "名单.xlsx", b"PK\x03\x04 this is not a workbook")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert verdict(html) == "无法检查此文件"
    assert 'id="error-message"' in html and "Traceback" not in html
    assert post(client, "/fix", "名单.xlsx", b"garbage").status_code == 422
    assert verdict(post(client, "/scan", "通知.txt", CLEAN).get_data(as_text=True)) == "可以发布"


def test_missing_file_field_is_explained(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/scan", data={})
    assert response.status_code == 400
    assert "请选择要检查的文件" in response.get_data(as_text=True)


def test_oversized_upload_is_refused(scanner: Scanner) -> None:
    small = create_app(scanner, max_mb=0.01).test_client(use_cookies=False)
    response = post(small, "/scan", "big.txt", b"x" * 50_000)
    assert response.status_code == 413
    assert "文件太大" in response.get_data(as_text=True)
    json_response = post(small, "/scan", "big.txt", b"x" * 50_000, Accept="application/json")
    assert json_response.status_code == 413 and "文件太大" in json_response.get_json()["error"]


def test_non_localhost_bind_needs_a_token(scanner: Scanner) -> None:
    with pytest.raises(BindError):
        create_app(scanner, host="0.0.0.0")
    create_app(scanner, host="127.0.0.1")
    app = create_app(scanner, host="0.0.0.0", token="s3cret-token")
    anonymous = app.test_client(use_cookies=False)
    assert anonymous.get("/").status_code == 401
    assert post(anonymous, "/scan", "通知.txt", CLEAN).status_code == 401
    assert anonymous.get("/?token=wrong").status_code == 401
    assert anonymous.get("/?token=s3cret-token").status_code == 200
    bearer = post(anonymous, "/scan", "通知.txt", CLEAN, Authorization="Bearer s3cret-token")
    assert bearer.status_code == 200
    browser = app.test_client()
    assert browser.get("/?token=s3cret-token").status_code == 200
    assert browser.get("/").status_code == 200  # the cookie set on the first visit carries the token


def test_cli_refuses_a_non_localhost_bind_without_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUDITOR_SERVE_TOKEN", raising=False)
    cli = typer.Typer()
    register(cli)

    @cli.command("noop")
    def noop() -> None:  # a second command keeps typer from collapsing the app into `serve`
        """Placeholder."""

    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 2
    assert "--token" in result.output


def test_browser_posts_need_the_csrf_token(scanner: Scanner) -> None:
    browser = create_app(scanner).test_client()
    page = browser.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    origin = {"Origin": "http://localhost"}
    body = {"file": (io.BytesIO(CLEAN), "通知.txt")}
    assert browser.post("/scan", data=body, headers=origin).status_code == 403
    body = {"file": (io.BytesIO(CLEAN), "通知.txt"), "csrf_token": "forged"}
    assert browser.post("/scan", data=body, headers=origin).status_code == 403
    body = {"file": (io.BytesIO(CLEAN), "通知.txt"), "csrf_token": token}
    cross = {"Origin": "http://evil.example"}
    assert browser.post("/scan", data=body, headers=cross).status_code == 403
    body = {"file": (io.BytesIO(CLEAN), "通知.txt"), "csrf_token": token}
    assert browser.post("/scan", data=body, headers=origin).status_code == 200


def test_uploads_leave_no_files_behind(client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    post(client, "/scan", EXPOSED.name, EXPOSED.read_bytes())
    post(client, "/fix", EXPOSED.name, EXPOSED.read_bytes())
    assert list(tmp_path.iterdir()) == []


def test_uploaded_names_cannot_escape_the_temp_dir(client) -> None:  # type: ignore[no-untyped-def]
    report = post(client, "/scan", "../../etc/通知.txt", CLEAN, Accept="application/json").get_json()
    assert report["files"][0]["path"] == "通知.txt"


def test_long_and_dotted_names_are_shortened_not_a_crash(client) -> None:  # type: ignore[no-untyped-def]
    from auditor.serve.analysis import MAX_NAME_BYTES, clean_name

    long_name = "村" * 150 + ".txt"  # 454 bytes in UTF-8: more than a file system allows
    response = post(client, "/scan", long_name, CLEAN, Accept="application/json")
    assert response.status_code == 200
    shown = response.get_json()["files"][0]["path"]
    assert shown.endswith(".txt") and len(shown.encode()) <= MAX_NAME_BYTES
    assert clean_name("..") == clean_name("a/..") == clean_name(".") == "upload"
    assert post(client, "/scan", "..", CLEAN).status_code in (200, 422)


@pytest.mark.parametrize(("url", "reader"), [("/scan", "analyse"), ("/fix", "_fixed_bytes")])
def test_an_upload_that_kills_its_reader_costs_that_request_not_the_server(
    client, monkeypatch: pytest.MonkeyPatch, url: str, reader: str
) -> None:  # type: ignore[no-untyped-def]
    """A native abort (calamine on a forged workbook) ends the child reading the upload: the clerk
    gets the crash message and the next upload is answered. In-process, it would end this test run."""
    from auditor.engine import CRASH_MESSAGE
    from auditor.serve import app as serve_app

    monkeypatch.setattr(serve_app, reader, lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL))
    response = post(client, url, "名单.xlsx", EXPOSED.read_bytes())
    assert response.status_code == 422
    assert CRASH_MESSAGE in response.get_data(as_text=True)
    monkeypatch.undo()
    assert verdict(post(client, "/scan", "notice.txt", CLEAN).get_data(as_text=True)) == "可以发布"


def test_a_refusal_raised_while_reading_the_upload_reaches_the_page(client) -> None:  # type: ignore[no-untyped-def]
    """ServeError and SignRefused cross back from the child with their status and message."""
    from auditor.serve.app import ServeError
    from auditor.serve.signing import SignRefused

    for error in (ServeError(415, "不支持"), SignRefused(409, "记录不允许")):
        copy = pickle.loads(pickle.dumps(error))
        assert (type(copy), copy.status, copy.message) == (type(error), error.status, error.message)
    response = post(client, "/fix", "notice.pdf", b"%PDF-1.4\n")  # pdf is read-only for `auditor fix`
    assert response.status_code == 422

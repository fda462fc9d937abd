"""`auditor serve` records a review step (`auditor sign`) and hands back the updated record.

Through Flask's test client: the record downloads under the name `auditor sign`
gives it, is accepted by the record loader and `auditor workflow show`, grows
step by step, and every refusal is a clear 4xx, never a 500. `/scan` takes the
same record as an optional upload and checks the workflow (W201–W207) against it.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from typer.testing import CliRunner

from auditor.engine import Scanner
from auditor.findings import FindingMaker
from auditor.serve.app import create_app
from auditor.serve.records import next_slot, record_extension
from auditor.serve.signing import step_options
from auditor.workflow.checks import check_workflow
from auditor.workflow.record import load_sidecar
from auditor.workflow.settings import WorkflowSettings

DOC_NAME = "公示.txt"
DOC = "关于2023年度低保对象的公示\n经村民代表大会评议，现予公示。\n".encode()
RECORD_NAME = DOC_NAME + ".workflow.json"
CHAIN = [("draft", "李明华"), ("proofread", "王建国"), ("layout", "杨春燕"), ("proofread", "赵德胜")]
APPROVER = ("approve", "周海波")


def sign(client, step: str, by: str, record: bytes | None = None, *, record_name: str = RECORD_NAME, **extra):  # type: ignore[no-untyped-def]
    data = {"file": (io.BytesIO(extra.pop("doc", DOC)), extra.pop("name", DOC_NAME)), "step": step, "by": by}
    if record is not None:
        data["record"] = (io.BytesIO(record), record_name)
    data.update(extra.pop("form", {}))
    return client.post("/sign", data=data, headers=extra)


def download_name(response) -> str:  # type: ignore[no-untyped-def]
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    match = re.search(r"filename\*=UTF-8''([^;]+)", disposition)
    return unquote(match.group(1)) if match else re.search(r"filename=([^;]+)", disposition).group(1)


def message(response) -> str:  # type: ignore[no-untyped-def]
    if response.is_json:
        return response.get_json()["error"]
    found = re.search(r'id="message">([^<]*)<', response.get_data(as_text=True))
    assert found, response.get_data(as_text=True)[:2000]
    return found.group(1)


def save(folder: Path, record: bytes, doc: bytes = DOC, name: str = DOC_NAME) -> Path:
    """Put file and record side by side, as the clerk does after the download."""
    (folder / name).write_bytes(doc)
    (folder / (name + ".workflow.json")).write_bytes(record)
    return folder / name


def workflow_codes(path: Path, scanner: Scanner) -> list[str]:
    make = FindingMaker(rules=scanner.rules, path=str(path))
    return sorted(f.rule_id for f in check_workflow(path, None, make, scanner.workflow))


def sign_chain(client, steps: list[tuple[str, str]], doc: bytes = DOC) -> bytes:  # type: ignore[no-untyped-def]
    record = None
    for step, by in steps:
        response = sign(client, step, by, record, doc=doc)
        assert response.status_code == 200, message(response)
        record = response.data
    assert record is not None
    return record


def test_scan_page_offers_the_sign_form(client) -> None:  # type: ignore[no-untyped-def]
    html = client.post("/scan", data={"file": (io.BytesIO(DOC), DOC_NAME)}).get_data(as_text=True)
    form = re.search(r'<form id="sign-form".*?</form>', html, re.S).group(0)
    assert 'action="/sign"' in form and 'name="csrf_token"' in form
    assert "记录一个步骤" in form and "Record a step" in form
    for field in ("sign-record", "sign-step", "sign-by", "sign-note"):
        assert f'<label for="{field}">' in form and f'id="{field}"' in form
    options = re.findall(r'<option value="(\w+)"', form)
    assert options == ["draft", "proofread", "layout", "proofread", "approve"]
    assert re.search(r'<option value="draft" selected>', form)  # a file without a record starts with 撰写
    scan_form = re.search(r'<form id="scan-form".*?</form>', html, re.S).group(0)
    assert (
        '<label for="record">已有的记录文件（可选）' in scan_form
        and 'id="record" name="record" type="file"' in scan_form
    )


def test_first_step_downloads_a_record_the_loader_and_show_accept(client, scanner: Scanner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    response = sign(client, "draft", "李明华")
    assert response.status_code == 200, message(response)
    assert download_name(response) == RECORD_NAME
    record = json.loads(response.data)
    assert record["document"] == DOC_NAME
    assert [(s["step"], s["by"]) for s in record["steps"]] == [("draft", "李明华")]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", record["steps"][0]["at"])

    doc = save(tmp_path, response.data)
    chain, problems = load_sidecar(tmp_path / RECORD_NAME, DOC_NAME, WorkflowSettings())
    assert problems == [] and chain is not None and [s.step for s in chain.steps] == ["draft"]
    from auditor.cli import app

    shown = CliRunner().invoke(app, ["workflow", "show", str(doc)])
    assert shown.exit_code == 0, shown.output
    assert RECORD_NAME in shown.output and "李明华" in shown.output and "撰写" in shown.output
    assert workflow_codes(doc, scanner) == ["W203"] * 4  # valid (no W202), four steps still to come


def test_next_step_with_the_record_uploaded_makes_two(client, scanner: Scanner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = sign(client, "draft", "李明华").data
    # browsers rename a second download; the record is recognised by its content, not its name
    response = sign(client, "proofread", "王建国", first, record_name="公示.txt.workflow (1).json")
    assert response.status_code == 200, message(response)
    assert download_name(response) == RECORD_NAME
    steps = json.loads(response.data)["steps"]
    assert [(s["step"], s["by"]) for s in steps] == [("draft", "李明华"), ("proofread", "王建国")]
    assert workflow_codes(save(tmp_path, response.data), scanner) == ["W203"] * 3


def test_whole_chain_passes_every_workflow_check(client, scanner: Scanner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    record = sign_chain(client, [*CHAIN, APPROVER])
    data = json.loads(record)
    assert [s["step"] for s in data["steps"]] == ["draft", "proofread", "layout", "proofread", "approve"]
    import hashlib

    assert data["sha256"] == hashlib.sha256(DOC).hexdigest()  # approval pins the uploaded file
    assert workflow_codes(save(tmp_path, record), scanner) == []
    edited = save(tmp_path, record, DOC + "补充一户。\n".encode())
    assert workflow_codes(edited, scanner) == ["W206"]


def test_json_variant_returns_the_status_and_the_record(client) -> None:  # type: ignore[no-untyped-def]
    first = sign(client, "draft", "李明华").data
    response = sign(client, "proofread", "王建国", first, Accept="application/json")
    assert response.status_code == 200 and response.is_json
    body = response.get_json()
    assert body["sidecar"]["name"] == RECORD_NAME
    assert len(json.loads(body["sidecar"]["content"])["steps"]) == 2
    assert body["signed"]["step"] == "proofread" and body["signed"]["sha256"] is None
    text = "\n".join(body["status"]["lines"])
    assert "李明华" in text and "王建国" in text and "W203" in text
    assert [f["rule_id"] for f in body["status"]["findings"]] == ["W203"] * 3
    assert body["status"]["next_slot"] == 2  # 排版 comes next
    assert step_options()[body["status"]["next_slot"]][0] == "layout"


def test_separation_of_duties_is_warned_not_refused(client) -> None:  # type: ignore[no-untyped-def]
    first = sign(client, "draft", "李明华").data
    body = sign(client, "proofread", "李明华", first, Accept="application/json").get_json()
    assert body["warnings"] and "W205" in body["warnings"][0]
    assert "W205" in [f["rule_id"] for f in body["status"]["findings"]]


@pytest.mark.parametrize(
    ("done", "step", "expected"),
    [
        (0, "approve", "下一步只能是 撰写"),
        (1, "layout", "下一步只能是 撰写（draft） 或 校对（proofread）"),
        (2, "approve", "不能现在签“审核（approve）”"),
    ],
)
def test_out_of_order_step_is_refused(client, done: int, step: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    record = sign_chain(client, CHAIN[:done]) if done else None
    for accept in ("text/html", "application/json"):
        response = sign(client, step, "孙八", record, Accept=accept)
        assert response.status_code == 409
        text = message(response)
        assert expected in text and "step out of order" in text
        assert text.index("不能现在签") < text.index("step out of order")  # Chinese first, English alongside


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"{not json", RECORD_NAME),
        (b'{"steps": []}', RECORD_NAME),
        (b'{"steps": [{"step": "review", "by": "x", "at": "2022-03-01T09:00:00+08:00"}]}', RECORD_NAME),
        (b'{"document": "other.txt", "steps": [{"step": "draft", "by": "x", "at": "2022-03-01T09:00Z"}]}', RECORD_NAME),
        ('{"steps": "草稿"}'.encode("gbk"), RECORD_NAME),
        (b"", RECORD_NAME),
        (b"steps: [\n  - bad: yaml: here", "公示.txt.workflow.yaml"),
        (b"a: &x [1]\nb: *x\n", "record.yml"),
        (b"\x00\xff" * 100, "whatever.bin"),
    ],
)
def test_malformed_record_is_a_4xx_not_a_500(client, content: bytes, name: str) -> None:  # type: ignore[no-untyped-def]
    response = sign(client, "proofread", "王建国", content, record_name=name)
    assert 400 <= response.status_code < 500
    assert "记录文件" in message(response) and "Traceback" not in response.get_data(as_text=True)


def test_bad_form_fields_are_400(client) -> None:  # type: ignore[no-untyped-def]
    cases = [
        ({"step": "review"}, "未知的步骤"),
        ({"by": "  "}, "不能为空"),
        ({"by": "李" * 41}, "姓名过长"),
        ({"form": {"note": "备" * 201}}, "备注过长"),
        ({"name": RECORD_NAME}, "记录文件"),
    ]
    for change, expected in cases:
        args = {"step": "draft", "by": "李明华", **change}
        response = sign(client, args.pop("step"), args.pop("by"), **args)
        assert response.status_code == 400 and expected in message(response), (change, message(response))
    response = client.post("/sign", data={"step": "draft", "by": "李明华"})
    assert response.status_code == 400 and "请再次选择同一文件" in message(response)


def test_personal_data_in_the_note_is_refused_and_not_echoed(client) -> None:  # type: ignore[no-untyped-def]
    id_number, phone = "110101199003071234", "13812345678"
    response = sign(client, "draft", "李明华", form={"note": f"张三 身份证{id_number} 电话{phone}"})
    assert response.status_code == 400 and "个人信息" in message(response)
    body = response.get_data(as_text=True)
    assert id_number not in body and phone not in body
    assert sign(client, "draft", id_number).status_code == 400  # an ID typed into the name field
    ok = sign(client, "draft", "李明华", form={"note": "按评议结果修改第3段"})
    assert json.loads(ok.data)["steps"][0]["x-note"] == "按评议结果修改第3段"


def test_browser_post_without_csrf_token_is_refused(scanner: Scanner) -> None:
    browser = create_app(scanner).test_client()
    page = browser.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    origin = {"Origin": "http://localhost"}
    form = {"step": "draft", "by": "李明华"}
    response = browser.post("/sign", data={"file": (io.BytesIO(DOC), DOC_NAME), **form}, headers=origin)
    assert response.status_code == 403
    forged = {"file": (io.BytesIO(DOC), DOC_NAME), "csrf_token": "forged", **form}
    assert browser.post("/sign", data=forged, headers=origin).status_code == 403
    cross = {"file": (io.BytesIO(DOC), DOC_NAME), "csrf_token": token, **form}
    assert browser.post("/sign", data=cross, headers={"Origin": "http://evil.example"}).status_code == 403
    good = {"file": (io.BytesIO(DOC), DOC_NAME), "csrf_token": token, **form}
    assert browser.post("/sign", data=good, headers=origin).status_code == 200


def test_yaml_record_stays_yaml(client) -> None:  # type: ignore[no-untyped-def]
    record = "document: 公示.txt\nsteps:\n  - step: 撰写\n    by: 李明华\n    at: 2022-03-01T09:00:00+08:00\n".encode()
    response = sign(client, "proofread", "王建国", record, record_name="公示.txt.workflow.yaml")
    assert response.status_code == 200, message(response)
    assert download_name(response) == "公示.txt.workflow.yaml"
    assert [s["step"] for s in yaml.safe_load(response.data)["steps"]] == ["撰写", "proofread"]


def test_signing_leaves_no_files_behind(client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    first = sign(client, "draft", "李明华").data
    sign(client, "proofread", "王建国", first)
    sign(client, "approve", "王建国", first)  # refused
    sign(client, "proofread", "王建国", b"{broken")  # refused
    assert list(tmp_path.iterdir()) == []


def test_messages_never_show_the_private_folder(client) -> None:  # type: ignore[no-untyped-def]
    for response in (sign(client, "approve", "孙八"), sign(client, "proofread", "王建国", b"{broken")):
        assert "auditor-serve-" not in response.get_data(as_text=True)


def test_next_slot_and_record_extension() -> None:
    assert next_slot([]) == 0 and next_slot(["draft"]) == 1 and next_slot(["draft", "draft"]) == 1
    assert next_slot(["draft", "proofread", "proofread"]) == 2
    assert next_slot(["draft", "proofread", "layout"]) == 3
    assert next_slot(["draft", "proofread", "layout", "proofread", "approve"]) == 4
    assert next_slot(["approve", "draft"]) == 0  # out of order: `auditor sign` will say why
    assert record_extension("a.txt.workflow (1).json", b"") == "json"
    assert record_extension("A.YML", b"{}") == "yml"
    assert record_extension("record", b'\xef\xbb\xbf {"steps": []}') == "json"
    assert record_extension("record", b"steps: []") == "yaml"


# --- /scan with the record uploaded next to the file --------------------------

DRAFTED = json.dumps(
    {"document": DOC_NAME, "steps": [{"step": "撰写", "by": "李明华", "at": "2022-03-01T09:00:00+08:00"}]},
    ensure_ascii=False,
).encode()


def scan(client, record: bytes | None = None, *, record_name: str = RECORD_NAME, doc: bytes = DOC, **headers: str):  # type: ignore[no-untyped-def]
    data = {"file": (io.BytesIO(doc), DOC_NAME)}
    if record is not None:
        data["record"] = (io.BytesIO(record), record_name)
    return client.post("/scan", data=data, headers=headers)


def scan_codes(client, record: bytes | None = None, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    """Rule codes of the JSON report's workflow findings."""
    response = scan(client, record, Accept="application/json", **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return sorted(f["rule_id"] for f in response.get_json()["findings"] if f["rule_id"].startswith("W"))


def page_codes(html: str) -> list[str]:
    """Rule codes in the page's findings list, in order."""
    listed = re.search(r'<ol id="findings".*?</ol>', html, re.S)
    return re.findall(r'class="code" href="#help-(\w+)"', listed.group(0)) if listed else []


def verdict_of(html: str) -> str:
    match = re.search(r'id="verdict">([^<]*)<', html)
    assert match, html[:2000]
    return match.group(1)


def selected_slot(html: str) -> int:
    form = re.search(r'<select id="sign-step".*?</select>', html, re.S).group(0)
    options = re.findall(r"<option [^>]*>", form)
    return next(i for i, option in enumerate(options) if " selected" in option)


def test_scan_without_a_record_reports_w201(client) -> None:  # type: ignore[no-untyped-def]
    assert scan_codes(client) == ["W201"]
    html = scan(client).get_data(as_text=True)
    assert page_codes(html) == ["W201"] and selected_slot(html) == 0
    empty = client.post("/scan", data={"file": (io.BytesIO(DOC), DOC_NAME), "record": (io.BytesIO(b""), "")})
    assert page_codes(empty.get_data(as_text=True)) == ["W201"]  # an empty file input is no record


def test_scan_with_a_drafted_record_lists_only_the_missing_steps(client) -> None:  # type: ignore[no-untyped-def]
    assert scan_codes(client, DRAFTED) == ["W203"] * 4
    response = scan(client, DRAFTED)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and verdict_of(html) == "需要修改"  # W203 is an error, as in `auditor scan`
    assert page_codes(html) == ["W203"] * 4
    findings = re.search(r'<ol id="findings".*?</ol>', html, re.S).group(0)
    for missing in ("校对（排版前）", "排版", "校对（排版后）", "审核"):
        assert missing in findings
    assert "撰写" not in findings
    status = re.search(r'<pre id="workflow">(.*?)</pre>', html, re.S).group(1)
    assert f"记录 record: {RECORD_NAME}" in status and "李明华" in status
    assert selected_slot(html) == 1  # 校对（排版前） comes next


def test_scan_uses_the_record_sign_returned_under_any_name(client) -> None:  # type: ignore[no-untyped-def]
    record = sign_chain(client, CHAIN[:3])
    assert scan_codes(client, record, record_name="公示.txt.workflow (2).json") == ["W203"] * 2
    assert selected_slot(scan(client, record, record_name="record").get_data(as_text=True)) == 3
    yaml_record = yaml.safe_dump(json.loads(DRAFTED), allow_unicode=True).encode()
    assert scan_codes(client, yaml_record, record_name="公示.txt.workflow.yml") == ["W203"] * 4


def test_scan_with_the_whole_chain_is_clean_until_the_file_changes(client) -> None:  # type: ignore[no-untyped-def]
    record = sign_chain(client, [*CHAIN, APPROVER])
    assert scan_codes(client, record) == []
    assert verdict_of(scan(client, record).get_data(as_text=True)) == "可以发布"
    assert scan_codes(client, record, doc=DOC + "补充一户。\n".encode()) == ["W206"]


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"{not json", RECORD_NAME, "JSON 语法错误"),
        (b"", RECORD_NAME, "JSON 语法错误"),
        (b'{"steps": []}', RECORD_NAME, "不能为空"),
        (b'{"steps": [{"step": "review", "by": "x", "at": "2022-03-01T09:00:00+08:00"}]}', RECORD_NAME, "未知的步骤"),
        (DRAFTED.replace(DOC_NAME.encode(), "别的.txt".encode()), RECORD_NAME, "指向另一个文件"),
        (b"steps: [\n  - bad: yaml: here", "公示.txt.workflow.yaml", "YAML 语法错误"),
        (b"a: &x [1]\nb: *x\n", "record.yml", "YAML 语法错误"),
        (b"\x00\xff" * 100, "whatever.bin", "UTF-8"),
        (b" " * (1 << 20) + b"{}", RECORD_NAME, "过大"),
    ],
)
def test_malformed_record_is_a_w202_finding_not_an_error(client, content: bytes, name: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    assert scan_codes(client, content, record_name=name)[0] == "W202"
    response = scan(client, content, record_name=name)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Traceback" not in html and "auditor-serve-" not in html
    assert "W202" in page_codes(html) and "W201" not in page_codes(html)
    findings = re.search(r'<ol id="findings".*?</ol>', html, re.S).group(0)
    assert reason in findings
    assert selected_slot(html) == 0


def test_scanning_with_a_record_leaves_no_files_behind(client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    scan(client, DRAFTED)
    scan(client, DRAFTED, Accept="application/json")
    scan(client, b"{broken")
    scan(client, b"\x00\xff", record_name="x.yaml", Accept="application/json")
    assert list(tmp_path.iterdir()) == []

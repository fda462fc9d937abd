"""Workflow compliance (issue 5): records, sign-off blocks, W201–W207, `auditor sign`."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import unicodedata
from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import typer
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from auditor.findings import FindingMaker
from auditor.model import Block, Document, FixedLocator, TextLocator
from auditor.rules import load_rules
from auditor.workflow import WorkflowSettings, check_workflow, is_sidecar, signoff_spans
from auditor.workflow.cli import register
from auditor.workflow.record import record_schema
from auditor.workflow.sign import SignError, describe, publish, sign
from auditor.workflow.steps import (
    STEP_ALIASES,
    allowed_next,
    missing_slots,
    normalise_step,
    order_violation,
    person_key,
    schema_step_names,
)
from auditor.workflow.textdoc import load_text_document

ROOT = Path(__file__).resolve().parent.parent
CN = timezone(timedelta(hours=8))
GOOD = "撰稿：李明华　校对：王建国　排版：杨春燕　校对：赵德胜　审核：周海波"


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def run(path: Path, rules, settings: WorkflowSettings | None = None, document: Document | None = None):
    document = document if document is not None else load_text_document(path)
    make = FindingMaker(rules=rules, path=str(path))
    return check_workflow(path, document, make, settings or WorkflowSettings())


def codes(findings) -> list[str]:
    return sorted(f.rule_id for f in findings)


def text_doc(text: str, path: str = "x.txt") -> Document:
    return Document(path, "txt", [Block(text, TextLocator(text))])


def steps(*spec: tuple[str, str, str]) -> list[dict[str, str]]:
    return [{"step": s, "by": by, "at": at} for s, by, at in spec]


FIVE = steps(
    ("draft", "李明华", "2022-03-01T09:00:00+08:00"),
    ("proofread", "王建国", "2022-03-01T10:00:00+08:00"),
    ("layout", "杨春燕", "2022-03-01T11:00:00+08:00"),
    ("proofread", "赵德胜", "2022-03-01T12:00:00+08:00"),
    ("approve", "周海波", "2022-03-01T13:00:00+08:00"),
)


def write_doc(tmp_path: Path, record: dict | str | None, suffix: str = "json", text: str = "公示正文\n") -> Path:
    doc = tmp_path / "公示.txt"
    doc.write_text(text, encoding="utf-8")
    if record is not None:
        if isinstance(record, dict):
            record = json.dumps(record, ensure_ascii=False) if suffix == "json" else yaml.safe_dump(record)
        (tmp_path / f"公示.txt.workflow.{suffix}").write_text(record, encoding="utf-8")
    return doc


# --- step names and order (pure; property tests) -----------------------------------

LETTER = {"draft": "D", "proofread": "P", "layout": "L", "approve": "A"}
step_lists = st.lists(st.sampled_from(["draft", "proofread", "layout", "approve"]), max_size=9)


def letters(seq: list[str]) -> str:
    return "".join(LETTER[s] for s in seq)


@given(st.sampled_from([(step, alias) for step, aliases in STEP_ALIASES.items() for alias in aliases]), st.data())
def test_every_alias_normalises_whatever_the_case_width_and_spacing(pair, data):
    step, alias = pair
    spaced = data.draw(st.sampled_from([alias, f" {alias} ", alias.upper(), "\u3000".join(alias), alias.title()]))
    assert normalise_step(spaced) == step
    assert normalise_step(step) == step  # canonical names are fixed points


KNOWN = {re.sub(r"\s", "", a).casefold() for aliases in STEP_ALIASES.values() for a in aliases}


@given(st.text(max_size=6))
def test_unknown_names_do_not_normalise(text):
    key = re.sub(r"[\s\u3000]", "", unicodedata.normalize("NFKC", text)).casefold()
    assert (normalise_step(text) is not None) == (key in KNOWN)


def test_issue_step_names():
    for name in ("撰写", "撰稿"):
        assert normalise_step(name) == "draft"
    for name in ("校对", "初校", "二校", "复校"):
        assert normalise_step(name) == "proofread"
    for name in ("排版", "编排"):
        assert normalise_step(name) == "layout"
    for name in ("审核", "审定", "审批", "签发", "终审"):
        assert normalise_step(name) == "approve"


@given(step_lists)
def test_order_matches_the_chain_grammar(seq):
    in_order = re.fullmatch("D*P*L*P*A*", letters(seq)) is not None
    assert (order_violation(seq) is None) == in_order


@given(step_lists)
def test_order_violation_points_at_a_real_inversion(seq):
    violation = order_violation(seq)
    if violation:
        bad, earlier = violation
        assert earlier < bad
        assert re.fullmatch("D*P*L*P*A*", letters(seq[: bad + 1])) is None
        assert re.fullmatch("D*P*L*P*A*", letters(seq[:bad])) is not None


@given(step_lists)
def test_nothing_missing_exactly_for_a_complete_ordered_chain(seq):
    complete = re.fullmatch("D+P+L+P+A+", letters(seq)) is not None
    if order_violation(seq) is None:
        assert (missing_slots(seq) == []) == complete
    else:
        assert not complete


@given(step_lists)
def test_missing_slots_when_in_order_name_the_gaps(seq):
    if order_violation(seq) is not None:
        return
    missing = missing_slots(seq)
    assert (0 in missing) == ("draft" not in seq)
    assert (2 in missing) == ("layout" not in seq)
    assert (4 in missing) == ("approve" not in seq)
    if "layout" in seq:
        first, last = seq.index("layout"), len(seq) - 1 - seq[::-1].index("layout")
        assert (1 in missing) == ("proofread" not in seq[:first])
        assert (3 in missing) == ("proofread" not in seq[last:])


@given(step_lists)
def test_sign_accepts_exactly_the_prefixes_of_a_complete_chain(seq):
    signed: list[str] = []
    accepted = True
    for step in seq:
        if step not in allowed_next(signed):
            accepted = False
            break
        signed.append(step)
    prefix = re.fullmatch(r"(D+(P+(L+(P+(A+)?)?)?)?)?", letters(seq)) is not None
    assert accepted == prefix


@given(st.text(min_size=1, max_size=5))
def test_person_key_ignores_spacing_and_width(name):
    assert person_key(name) == person_key(" ".join(name))
    assert person_key("张　晓东") == person_key("张晓东")
    assert person_key("阿依古丽•买买提") == person_key("阿依古丽·买买提")


def test_schema_enum_is_the_alias_table():
    enum = record_schema()["$defs"]["step"]["properties"]["step"]["enum"]
    assert enum == schema_step_names()
    assert all(normalise_step(name) for name in enum)


# --- sidecar records: W202, timestamps -------------------------------------------------


def test_valid_json_and_yaml_sidecars(tmp_path, rules):
    import hashlib

    for suffix in ("json", "yaml", "yml"):
        folder = tmp_path / suffix
        folder.mkdir()
        doc = write_doc(folder, None)
        sha = hashlib.sha256(doc.read_bytes()).hexdigest()
        record = {"document": doc.name, "sha256": sha, "steps": FIVE, "published_at": "2022-03-02T09:00:00+08:00"}
        write_doc(folder, record, suffix)
        assert run(doc, rules) == []


@pytest.mark.parametrize(
    ("content", "suffix"),
    [
        ('{"steps": [', "json"),
        ("{'steps': []}", "json"),
        ("steps:\n  - step: draft\n   by: x\n", "yaml"),
        ("steps: [unclosed", "yml"),
        ("\x00\x01", "json"),
        ("", "yaml"),
        ("[1, 2]", "json"),
        ("a: &a [1, 2]\nb: [*a, *a]\nsteps: []\n", "yaml"),
        ("steps: !!python/object:os.system [echo]\n", "yaml"),
        ("{}" + " " * (1 << 20), "json"),
    ],
)
def test_malformed_record_is_w202_not_a_crash(tmp_path, rules, content, suffix):
    doc = write_doc(tmp_path, content, suffix)
    assert codes(run(doc, rules)) == ["W202"]


def test_non_utf8_record_is_w202(tmp_path, rules):
    doc = write_doc(tmp_path, None)
    (tmp_path / "公示.txt.workflow.json").write_bytes(json.dumps({"steps": FIVE}, ensure_ascii=False).encode("gbk"))
    assert codes(run(doc, rules)) == ["W202"]


@pytest.mark.parametrize("bad", ["review", "复核", "publish", ""])
def test_unknown_step_name_is_w202(tmp_path, rules, bad):
    record = {"steps": [*FIVE[:4], {"step": bad, "by": "周海波", "at": "2022-03-01T13:00:00+08:00"}]}
    findings = run(write_doc(tmp_path, record), rules)
    assert codes(findings) == ["W202"]
    assert "第 5 步" in findings[0].message


def test_chinese_and_title_case_step_names_are_valid(tmp_path, rules):
    names = ["撰稿", "Proofread", "编排", "复校", "签发"]
    record = {"steps": [dict(s, step=n) for s, n in zip(FIVE, names, strict=True)]}
    findings = run(write_doc(tmp_path, record), rules, WorkflowSettings(require_approval_hash=False))
    assert findings == []


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: r["steps"][0].pop("by"),
        lambda r: r["steps"][1].update(at="2022-02-30T10:00:00+08:00"),
        lambda r: r["steps"][1].update(at="yesterday"),
        lambda r: r.update(sha256="not-a-hash"),
        lambda r: r.update(publish_at="2022-03-02T10:00:00+08:00"),
        lambda r: r.update(steps=[]),
        lambda r: r.update(document="其他.txt"),
        lambda r: r["steps"][2].update(by=" "),
    ],
)
def test_schema_problems_are_w202(tmp_path, rules, mutate):
    record = {"steps": json.loads(json.dumps(FIVE))}
    mutate(record)
    assert codes(run(write_doc(tmp_path, record), rules)) == ["W202"]


def test_duplicate_keys_are_w202(tmp_path, rules):
    text = '{"published_at": "2022-03-02T10:00:00+08:00", "published_at": "2022-03-03T10:00:00+08:00", "steps": []}'
    (tmp_path / "json").mkdir()
    assert codes(run(write_doc(tmp_path / "json", text), rules)) == ["W202"]
    (tmp_path / "yaml").mkdir()
    findings = run(write_doc(tmp_path / "yaml", "steps: []\nsteps: []\n", "yaml"), rules)
    assert codes(findings) == ["W202"] and "steps" in findings[0].message


def test_w202_messages_do_not_quote_record_values(tmp_path, rules):
    record = {"steps": [*FIVE[:4], {"step": "周海波", "by": "周海波", "at": "周海波"}]}
    for finding in run(write_doc(tmp_path, record), rules):
        assert "周海波" not in finding.message
        assert finding.evidence is None


def test_several_sidecars_use_json_and_say_so(tmp_path, rules):
    doc = write_doc(tmp_path, {"steps": FIVE}, "json")
    write_doc(tmp_path, {"steps": FIVE}, "yaml")
    findings = run(doc, rules, WorkflowSettings(require_approval_hash=False))
    assert codes(findings) == ["W202"]
    assert "workflow.yaml" in findings[0].message


def test_naive_timestamps_assumed_in_the_configured_zone(tmp_path, rules):
    naive = [dict(s, at=s["at"][:19]) for s in FIVE]
    # Naive approval 13:00 Shanghai = 05:00Z; publication at 05:30Z is after it.
    record = {"steps": naive, "published_at": "2022-03-01T05:30:00Z"}
    doc = write_doc(tmp_path, record)
    relaxed = WorkflowSettings(require_approval_hash=False)
    assert run(doc, rules, relaxed) == []
    # In UTC the same naive approval is 13:00Z: the publication now precedes it.
    utc = WorkflowSettings(naive_timezone="UTC", require_approval_hash=False)
    assert codes(run(doc, rules, utc)) == ["W207"]


def test_naive_timestamps_rejected_when_configured(tmp_path, rules):
    naive = [dict(s, at=s["at"][:19]) for s in FIVE]
    findings = run(write_doc(tmp_path, {"steps": naive}), rules, WorkflowSettings(naive_timezone="reject"))
    assert codes(findings) == ["W202"]  # one finding for all five, not five
    assert "第 1、2、3、4、5 步" in findings[0].message


def test_settings_validation():
    with pytest.raises(ValueError):
        WorkflowSettings(naive_timezone="Mars/Base")
    with pytest.raises(ValueError):
        WorkflowSettings.from_mapping({"no-such-key": True})
    with pytest.raises(ValueError):
        WorkflowSettings.from_mapping({"require-workflow": "yes"})
    settings = WorkflowSettings.from_mapping({"naive-timezone": "reject"}, require_workflow=True)
    assert settings.require_workflow and settings.tzinfo() is None


def test_rule_parameters_document_the_setting_defaults(rules):
    defaults = {f.name: f.default for f in fields(WorkflowSettings)}
    for code in ("W201", "W202", "W205", "W206"):
        for key, value in rules[code].parameters.items():
            if key in defaults:
                assert defaults[key] == value, (code, key)


# --- W201, W203–W207 on sidecars ----------------------------------------------------------


def test_w201_warning_by_default_error_when_required(tmp_path, rules):
    doc = write_doc(tmp_path, None)
    (finding,) = run(doc, rules)
    assert (finding.rule_id, finding.severity, finding.category) == ("W201", "warning", "workflow")
    assert finding.location == {"path": str(doc)}
    (finding,) = run(doc, rules, WorkflowSettings(require_workflow=True))
    assert finding.severity == "error"


def test_w201_without_document_and_for_other_file_sidecars(tmp_path, rules):
    doc = write_doc(tmp_path, None)
    (tmp_path / "别的.txt.workflow.json").write_text(json.dumps({"steps": FIVE}), encoding="utf-8")
    make = FindingMaker(rules=rules, path=str(doc))
    assert codes(check_workflow(doc, None, make, WorkflowSettings())) == ["W201"]


def test_sidecars_are_found_in_precedence_order_and_named_in_w201(tmp_path, rules):
    from auditor.workflow.record import find_sidecars

    doc = write_doc(tmp_path, None)
    (finding,) = run(doc, rules)
    assert "公示.txt.workflow.json/.workflow.yaml/.workflow.yml" in finding.message
    (tmp_path / "公示.txt.workflow.yaml").mkdir()  # a folder of that name is no record
    assert find_sidecars(doc) == [] and find_sidecars(str(doc)) == []
    for suffix in (".workflow.yml", ".workflow.json"):
        (tmp_path / f"公示.txt{suffix}").write_text(json.dumps({"steps": FIVE}), encoding="utf-8")
    assert find_sidecars(doc) == [tmp_path / "公示.txt.workflow.json", tmp_path / "公示.txt.workflow.yml"]
    several = [f for f in run(doc, rules) if "只采用 公示.txt.workflow.json" in f.message]
    assert [f.rule_id for f in several] == ["W202"]


def test_sidecar_itself_is_not_checked(tmp_path, rules):
    doc = write_doc(tmp_path, {"steps": FIVE})
    sidecar = tmp_path / "公示.txt.workflow.json"
    assert is_sidecar(sidecar) and is_sidecar(Path("A.XLSX.WORKFLOW.YML")) and not is_sidecar(doc)
    assert check_workflow(sidecar, None, FindingMaker(rules=rules, path=str(sidecar)), WorkflowSettings()) == []


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ((1, 2, 3, 4), ["W203"]),  # no draft
        ((0, 1, 3, 4), ["W203"]),  # no layout
        ((0, 1, 2, 3), ["W203"]),  # no approval (and so no W206)
        ((0, 1, 2, 4), ["W203"]),  # no proofread after layout
        ((0, 2, 3, 4), ["W203"]),  # no proofread before layout
        ((0, 1, 2, 4, 3), ["W204"]),  # approval before the second proofread
        ((1, 0, 2, 3, 4), ["W204"]),
    ],
)
def test_missing_and_misordered_steps(tmp_path, rules, order, expected):
    record = {"steps": [FIVE[i] for i in order]}
    if 4 in order:
        import hashlib

        record["sha256"] = hashlib.sha256("公示正文\n".encode()).hexdigest()
    findings = run(write_doc(tmp_path, record), rules)
    assert codes(findings) == expected


def test_w204_by_timestamps_across_zones(tmp_path, rules):
    record = {"steps": json.loads(json.dumps(FIVE))}
    record["steps"][3]["at"] = "2022-03-01T11:30:00+09:00"  # 10:30 in Shanghai, before layout at 11:00
    findings = run(write_doc(tmp_path, record), rules, WorkflowSettings(require_approval_hash=False))
    assert codes(findings) == ["W204"]
    record["steps"][3]["at"] = "2022-03-01T03:30:00Z"  # 11:30 in Shanghai: fine
    assert run(write_doc(tmp_path, record), rules, WorkflowSettings(require_approval_hash=False)) == []


@pytest.mark.parametrize(
    ("who", "settings", "expected"),
    [
        ({1: "李明华"}, WorkflowSettings(), 1),  # first proofread by the drafter
        ({1: "李明华"}, WorkflowSettings(allow_drafter_first_proofread=True), 0),
        ({3: "李明华"}, WorkflowSettings(allow_drafter_first_proofread=True), 1),
        ({1: "李明华"}, WorkflowSettings(forbid_drafter_proofread=False), 0),
        ({4: "李 明华"}, WorkflowSettings(), 1),  # approval by the drafter, name spaced
        ({4: "王建国"}, WorkflowSettings(), 1),  # approval by a proofreader
        ({4: "王建国"}, WorkflowSettings(forbid_proofreader_approve=False), 0),
        ({3: "杨春燕"}, WorkflowSettings(), 0),  # layout proofreads own layout: off by default
        ({3: "杨春燕"}, WorkflowSettings(forbid_layout_self_proofread=True), 1),
    ],
)
def test_w205_separation_of_duties(tmp_path, rules, who, settings, expected):
    record = {"steps": json.loads(json.dumps(FIVE))}
    for index, name in who.items():
        record["steps"][index]["by"] = name
    import dataclasses

    settings = dataclasses.replace(settings, require_approval_hash=False)
    findings = run(write_doc(tmp_path, record), rules, settings)
    assert codes(findings) == ["W205"] * expected
    for finding in findings:
        assert finding.evidence is None
        assert not any(name in finding.message for name in ("李明华", "王建国", "杨春燕"))


def test_w206_missing_hash_is_configurable(tmp_path, rules):
    doc = write_doc(tmp_path, {"steps": FIVE})
    assert codes(run(doc, rules)) == ["W206"]
    assert run(doc, rules, WorkflowSettings(require_approval_hash=False)) == []


def test_w207_published_before_last_approval(tmp_path, rules):
    record = {"steps": [*FIVE, {"step": "签发", "by": "孙八", "at": "2022-03-01T15:00:00+08:00"}]}
    record["published_at"] = "2022-03-01T14:00:00+08:00"
    relaxed = WorkflowSettings(require_approval_hash=False)
    assert codes(run(write_doc(tmp_path, record), rules, relaxed)) == ["W207"]
    record["published_at"] = "2022-03-01"  # a bare date: midnight, before approval
    assert codes(run(write_doc(tmp_path, record), rules, relaxed)) == ["W207"]
    record["published_at"] = "2022-03-01T07:00:00Z"  # 15:00 Shanghai: same instant is fine
    assert run(write_doc(tmp_path, record), rules, relaxed) == []


def test_fingerprints_are_stable_and_name_free(tmp_path, rules):
    record = {"steps": json.loads(json.dumps(FIVE))}
    record["steps"][4]["by"] = "李明华"
    doc = write_doc(tmp_path, record)
    relaxed = WorkflowSettings(require_approval_hash=False)
    first = run(doc, rules, relaxed)[0].fingerprint
    record["steps"][0]["by"] = record["steps"][4]["by"] = "王小二"
    assert run(write_doc(tmp_path, record), rules, relaxed)[0].fingerprint == first


# --- embedded sign-off blocks ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        GOOD,
        "撰写:李明华、校对:王建国、排版:杨春燕、二校:赵德胜、审定:周海波",
        "撰稿：李明华\n初校：王建国\n排版：杨春燕\n\n复校：赵德胜\n审核：周海波",
        "撰  稿：李明华　　校  对：王建国\n排  版：杨春燕　　校  对：赵德胜\n审  核：周海波　　签  发：孙八",
        "（撰稿：李明华　校对：王建国　排版：杨春燕　校对：赵德胜　终审：周海波）",
        "撰稿：李明华校对：王建国排版：杨春燕校对：赵德胜审核：周海波",
        "**撰稿**：李明华 | **校对**：王建国 | **排版**：杨春燕 | **校对**：赵德胜 | **审核**：周海波",
        "撰稿人：李明华 校对人：王建国 排版：杨春燕 校对：赵德胜 审核人：周海波\n责任编辑：孙八",
        "撰稿 : 李明华 ; 校对 : 王建国 ; 编排 : 杨春燕 ; 校对 : 赵德胜 ; 审批 : 周海波",
        '  "footer": "撰稿：李明华　校对：王建国　排版：杨春燕　校对：赵德胜　审核：周海波",',
        "撰稿∶李明华　校对∶王建国　排版∶杨春燕　校对∶赵德胜　审核∶周海波",
        "撰稿：阿依古丽·买买提　校对：王建国　排版：杨春燕　校对：赵德胜　审核：周海波",
        "1. 撰稿：李明华\n2. 校对：王建国\n3. 排版：杨春燕\n4. 校对：赵德胜\n5. 审核：周海波（镇长）",
        "撰稿：李明华　校对：王建国　排版：杨春燕　校对：赵德胜　审核：周海波　2022年3月3日",
    ],
)
def test_embedded_signoff_shapes_are_valid(tmp_path, rules, text):
    doc = tmp_path / "公示.txt"
    doc.write_text(f"关于低保的公示\n\n正文。\n\n{text}\n", encoding="utf-8")
    assert run(doc, rules) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("撰稿：李明华　校对：王建国　校对：赵德胜　审核：周海波", ["W203"]),
        ("撰稿：李明华　校对：王建国　排版：　校对：赵德胜　审核：周海波", ["W203"]),
        ("撰稿：李明华　审核：周海波　校对：王建国　排版：杨春燕　校对：赵德胜", ["W204"]),
        ("撰稿：李明华　校对：李明华　排版：杨春燕　校对：赵德胜　审核：周海波", ["W205"]),
        ("撰稿：李明华　校对：王建国　排版：杨春燕　校对：赵德胜　审核：王建国", ["W205"]),
        (f"{GOOD}\n初审：孙八　复审：孙八　终审：周海波", ["W205"]),
        ("经镇政府审核，现予公示。", ["W201"]),
        ("审核：经镇党委研究同意后予以公示", ["W201"]),
        ("责任编辑：孙八", ["W201"]),
        ("作者：孙八　来源：元马镇", ["W201"]),
    ],
)
def test_embedded_violations(tmp_path, rules, text, expected):
    doc = tmp_path / "公示.txt"
    doc.write_text(f"关于低保的公示\n\n{text}\n", encoding="utf-8")
    assert codes(run(doc, rules)) == expected


def test_embedded_findings_point_at_the_signoff_line(rules):
    document = text_doc("标题\n\n正文\n撰稿：李明华　审核：周海波　校对：王建国　排版：杨春燕　校对：赵德胜\n")
    make = FindingMaker(rules=rules, path="x.txt")
    (finding,) = check_workflow(Path("x.txt"), document, make, WorkflowSettings())
    assert finding.rule_id == "W204"
    assert finding.location["line"] == 4 and finding.location["column"] == 15  # the misplaced 校对
    assert finding.evidence is None and "王建国" not in finding.message


def test_repeated_footer_counts_once(rules):
    document = text_doc(f"正文\n{GOOD}\n\n第 1 页\n\n{GOOD}\n")
    assert check_workflow(Path("x.txt"), document, FindingMaker(rules=rules, path="x.txt"), WorkflowSettings()) == []


def test_signoff_across_html_blocks_and_spreadsheet_cells(rules):
    html = Document(
        "x.html",
        "html",
        [
            Block(t, TextLocator(t))
            for t in ("正文", "撰稿：李明华　校对：王建国", "排版：杨春燕　校对：赵德胜", "审核：", "周海波")
        ],
    )
    make = FindingMaker(rules=rules, path="x.html")
    assert check_workflow(Path("x.html"), html, make, WorkflowSettings()) == []
    cells = [
        Block("撰稿：", FixedLocator({"sheet": "低保", "cell": "A20", "row": 20}, ("低保", 20))),
        Block("李明华", FixedLocator({"sheet": "低保", "cell": "B20", "row": 20}, ("低保", 20))),
        Block("审核：周海波", FixedLocator({"sheet": "低保", "cell": "C20", "row": 20}, ("低保", 20))),
    ]
    sheet = Document("x.xlsx", "xlsx", cells)
    findings = check_workflow(Path("x.xlsx"), sheet, FindingMaker(rules=rules, path="x.xlsx"), WorkflowSettings())
    assert codes(findings) == ["W203"] * 3  # two proofreads and layout are missing
    assert findings[0].location["cell"] == "A20"
    assert [b.text[s:e] for b, s, e in signoff_spans(sheet)] == ["李明华", "周海波"]


def test_signoff_spans_cover_exactly_the_names():
    text = f"低保户 张*华\n{GOOD}\n责任编辑：孙八、钱九\n联系电话：0878-1234567\n"
    document = text_doc(text)
    names = [b.text[s:e] for b, s, e in signoff_spans(document)]
    assert names == ["李明华", "王建国", "杨春燕", "赵德胜", "周海波", "孙八", "钱九"]
    assert signoff_spans(text_doc("经镇政府审核：同意\n校对：本公示经反复核实无误后予以公布\n")) == []


def test_a_scan_finds_the_signoff_lines_once_for_both_readers(tmp_path, monkeypatch):
    # The people checks (names to skip) and the workflow check (the embedded record) share one search.
    import auditor.engine as engine
    from auditor.config import Config

    doc = tmp_path / "公示.txt"
    doc.write_text(f"低保户：张三华，身份证号 530102199001011234\n{GOOD}\n", encoding="utf-8")
    calls = []
    real = engine.signoff_lines
    monkeypatch.setattr(engine, "signoff_lines", lambda document: calls.append(document) or real(document))
    report = engine.scan_paths([str(doc)], config=Config())
    assert len(calls) == 1
    assert not [f for f in report.findings if f.rule_id.startswith("W")]  # the embedded chain was read
    assert [f.evidence for f in report.findings if f.rule_id == "P131"] == ["张**"]  # the people checks ran


def test_gb18030_document_with_signoff(tmp_path, rules):
    doc = tmp_path / "公示.txt"
    doc.write_bytes(f"公示\n{GOOD}\n".encode("gb18030"))
    assert run(doc, rules) == []


def test_sidecar_takes_precedence_over_embedded(tmp_path, rules):
    bad_text = "撰稿：李明华　校对：李明华\n"
    doc = write_doc(tmp_path, None, text=bad_text)
    import hashlib

    write_doc(tmp_path, {"steps": FIVE, "sha256": hashlib.sha256(bad_text.encode()).hexdigest()}, text=bad_text)
    assert run(doc, rules) == []


# --- auditor sign / workflow show / publish ------------------------------------------------


def sign_all(doc: Path, upto: int = 5) -> None:
    names = ["李明华", "王建国", "杨春燕", "赵德胜", "周海波"]
    labels = ["draft", "proofread", "layout", "proofread", "approve"]
    base = datetime(2022, 3, 1, 9, tzinfo=CN)
    for i in range(upto):
        sign(doc, labels[i], names[i], (base + timedelta(hours=i)).isoformat())


def test_sign_builds_a_valid_record_and_pins_the_hash(tmp_path, rules):
    doc = write_doc(tmp_path, None)
    result = sign(doc, "撰写", "李明华", now=datetime(2022, 3, 1, 9, tzinfo=CN))
    assert result.created and result.sidecar.name == "公示.txt.workflow.json"
    assert codes(run(doc, rules)) == ["W203"] * 4
    sign_all_rest = [("校对", "王建国"), ("排版", "杨春燕"), ("二校", "赵德胜"), ("签发", "周海波")]
    for step, by in sign_all_rest:
        sign(doc, step, by, now=datetime(2022, 3, 1, 12, tzinfo=CN))
    data = json.loads(result.sidecar.read_text(encoding="utf-8"))
    assert [s["step"] for s in data["steps"]] == ["draft", "proofread", "layout", "proofread", "approve"]
    assert data["document"] == doc.name and len(data["sha256"]) == 64
    assert data["steps"][0]["at"] == "2022-03-01T09:00:00+08:00"
    assert run(doc, rules) == []


def test_sign_defaults_to_now_with_an_offset(tmp_path):
    doc = write_doc(tmp_path, None)
    result = sign(doc, "draft", "李明华")
    assert result.at.utcoffset() is not None
    assert abs((datetime.now(UTC) - result.at).total_seconds()) < 60


def test_file_edited_after_approval_is_w206(tmp_path, rules):
    doc = write_doc(tmp_path, None)
    sign_all(doc)
    assert run(doc, rules) == []
    doc.write_text("公示正文\n补充一户。\n", encoding="utf-8")
    findings = run(doc, rules)
    assert codes(findings) == ["W206"]
    assert findings[0].location == {"path": str(doc)}


@pytest.mark.parametrize(
    ("done", "step", "message"),
    [
        (0, "layout", "下一步只能是 撰写"),
        (1, "layout", "下一步只能是 撰写（draft） 或 校对（proofread）"),
        (1, "approve", "上一步是 撰写"),
        (2, "approve", "不能现在签“审核（approve）”"),
        (3, "draft", "上一步是 排版"),
        (4, "layout", "下一步只能是 校对（proofread） 或 审核（approve）"),
        (5, "proofread", "下一步只能是 审核（approve）"),
    ],
)
def test_sign_refuses_out_of_order_steps(tmp_path, done, step, message):
    doc = write_doc(tmp_path, None)
    sign_all(doc, done)
    before = [p.read_bytes() for p in tmp_path.glob("*.workflow.json")]
    with pytest.raises(SignError) as info:
        sign(doc, step, "孙八", "2022-03-02T09:00:00+08:00")
    assert message in str(info.value) and not info.value.usage
    assert [p.read_bytes() for p in tmp_path.glob("*.workflow.json")] == before  # nothing written


def test_sign_refuses_time_travel_bad_names_and_broken_records(tmp_path):
    doc = write_doc(tmp_path, None)
    sign_all(doc, 2)
    with pytest.raises(SignError, match="早于上一步"):
        sign(doc, "layout", "杨春燕", "2022-03-01T08:00:00+08:00")
    with pytest.raises(SignError) as info:
        sign(doc, "review", "杨春燕")
    assert info.value.usage
    with pytest.raises(SignError) as info:
        sign(doc, "layout", "杨春燕", "2022-03-01 12:00", WorkflowSettings(naive_timezone="reject"))
    assert info.value.usage
    with pytest.raises(SignError, match="不存在"):
        sign(tmp_path / "none.txt", "draft", "x")
    (tmp_path / "公示.txt.workflow.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(SignError, match="无效"):
        sign(doc, "layout", "杨春燕")


def test_sign_extends_a_yaml_sidecar_in_yaml(tmp_path, rules):
    doc = write_doc(tmp_path, {"steps": FIVE[:3]}, "yaml")
    result = sign(doc, "proofread", "赵德胜", "2022-03-01T12:00:00+08:00")
    assert not result.created and result.sidecar.suffix == ".yaml"
    result = sign(doc, "approve", "周海波", "2022-03-01T13:00:00+08:00")
    data = yaml.safe_load(result.sidecar.read_text(encoding="utf-8"))
    assert len(data["steps"]) == 5 and data["sha256"] == result.sha256
    assert run(doc, rules) == []


def test_sign_warns_but_records_separation_problems(tmp_path):
    doc = write_doc(tmp_path, None)
    sign(doc, "draft", "李明华", "2022-03-01T09:00:00+08:00")
    result = sign(doc, "proofread", "李明华", "2022-03-01T10:00:00+08:00")
    assert result.warnings and "W205" in result.warnings[0]


def test_publish(tmp_path, rules):
    doc = write_doc(tmp_path, None)
    sign_all(doc, 4)
    with pytest.raises(SignError, match="尚未审核"):
        publish(doc, "2022-03-02T09:00:00+08:00")
    sign_all_five = datetime(2022, 3, 1, 13, tzinfo=CN).isoformat()
    sign(doc, "approve", "周海波", sign_all_five)
    with pytest.raises(SignError, match="早于审核"):
        publish(doc, "2022-03-01T12:00:00+08:00")
    publish(doc, "2022-03-02T09:00:00+08:00")
    assert run(doc, rules) == []
    doc.write_text("改过\n", encoding="utf-8")
    with pytest.raises(SignError, match="已被修改"):
        publish(doc, "2022-03-03T09:00:00+08:00")


def test_describe_shows_the_chain(tmp_path, rules):
    doc = write_doc(tmp_path, None)
    sign_all(doc)
    lines, findings = describe(doc, load_text_document(doc), WorkflowSettings(), rules)
    text = "\n".join(lines)
    assert "公示.txt.workflow.json" in text and "周海波" in text and "一致" in text and findings == []


def test_cli_sign_and_show(tmp_path):
    app = typer.Typer()

    @app.command("version")
    def version() -> None:  # a second command keeps typer in multi-command mode
        pass

    register(app)
    runner = CliRunner()
    doc = write_doc(tmp_path, None)
    result = runner.invoke(
        app, ["sign", str(doc), "--step", "撰稿", "--by", "李明华", "--at", "2022-03-01T09:00:00+08:00"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["sign", str(doc), "--step", "approve", "--by", "周海波"])
    assert result.exit_code == 1 and "下一步只能是" in result.output
    result = runner.invoke(app, ["sign", str(doc), "--step", "nonsense", "--by", "周海波"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["workflow", "show", str(doc)])
    assert result.exit_code == 0 and "李明华" in result.output and "W203" in result.output
    result = runner.invoke(app, ["workflow", "show", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2


# --- rules and corpus -------------------------------------------------------------------------


def test_workflow_rules_are_in_the_catalogue(rules):
    for code in ("W201", "W202", "W203", "W204", "W205", "W206", "W207"):
        rule = rules[code]
        assert rule.category == "workflow" and rule.title["zh"] and rule.fix["en"] and rule.basis
    assert rules["W201"].severity == "warning"


def _load_script(name: str):
    """Import a corpus script by path; registered first because its dataclasses look their module up."""
    module_name = f"_workflow_corpus_{name}"
    path = ROOT / "corpora" / "workflow" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def test_generated_corpus_finds_every_planted_violation_and_nothing_on_valid(tmp_path):
    generator = _load_script("generate_workflow")
    labels = generator.generate(tmp_path / "docs")
    planted: dict[str, int] = {}
    for label in labels:
        for code in label["expect"]:
            planted[code] = planted.get(code, 0) + 1
    assert all(planted.get(f"W20{i}", 0) >= 10 for i in range(1, 8))
    valid = [label for label in labels if not label["expect"]]
    assert {label["format"] for label in valid} == {"txt", "md", "csv", "html", "json"}
    assert {label["record"] for label in valid} >= {"sidecar-json", "sidecar-yaml", "sidecar-yml", "embedded"}
    for loader in ("builtin", "auto"):
        result = _load_script("evaluate_workflow").run(tmp_path, loader)
        assert result.ok, (loader, [r.missed for r in result.rows.values()], result.valid_with_findings)


def test_checked_in_corpus_is_current(tmp_path):
    generator = _load_script("generate_workflow")
    generator.generate(tmp_path / "docs")
    shipped = ROOT / "corpora" / "workflow"
    assert (tmp_path / "labels.jsonl").read_text(encoding="utf-8") == (shipped / "labels.jsonl").read_text(
        encoding="utf-8"
    )
    for path in (tmp_path / "docs").rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (shipped / "docs" / path.relative_to(tmp_path / "docs")).read_bytes(), path

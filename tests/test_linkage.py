"""People rules on whole documents: P131/P132/P141/P151/P162, one finding per named person at the name."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from synth import make_id

from auditor.checks.linkage import _merged, _overlaps, check_people
from auditor.checks.privacy import iter_detections
from auditor.findings import FindingMaker
from auditor.loaders import loader_for
from auditor.model import Document, Finding
from auditor.recognizers.detect import Detector
from auditor.rules import load_rules
from auditor.workflow.signoff import signoff_spans

RULES = load_rules()
ALL = {"P131", "P132", "P141", "P151", "P162", "P161"}
ID = make_id()
MASKED_ID = ID[:6] + "*" * 8 + ID[-4:]


def load(name: str, text: str, encoding: str = "utf-8") -> Document:
    fmt = Path(name).suffix.lstrip(".")
    return loader_for(fmt)(Path(name), fmt, text.encode(encoding))


def people(document: Document, enabled: set[str] = ALL) -> list[Finding]:
    detections = list(iter_detections(document, Detector()))
    make = FindingMaker(RULES, document.path)
    return check_people(document, detections, make, enabled, signoff_spans(document))


def rules_at(findings: list[Finding]) -> list[tuple[str, int | None, int | None]]:
    return sorted((f.rule_id, f.location.get("line"), f.location.get("column")) for f in findings)


CSV = (
    "序号,户主姓名,身份证号码,残疾类别,家庭住址,联系电话\n"
    f"1,张建华,{ID},肢体,龙泉村3组15号,138****5678\n"
    f"2,李秀英,{MASKED_ID},无,龙泉村3组,139****1234\n"
    f"3,岩罕,{MASKED_ID},,龙泉村4组,13812345678\n"
)


def test_record_rules_fire_once_per_person_at_the_name() -> None:
    findings = people(load("a.csv", CSV))
    assert rules_at(findings) == [
        ("P131", 2, 3),
        ("P131", 4, 3),
        ("P132", 2, 3),
        ("P132", 3, 3),
        ("P132", 4, 3),
        ("P141", 2, 3),
        ("P151", 2, 3),
    ]
    p131 = [f for f in findings if f.rule_id == "P131"]
    assert "身份证号码" in p131[0].message and "详细住址" in p131[0].message
    assert "手机号码" in p131[1].message
    assert {f.entity for f in findings} == {"PERSON_NAME", "SENSITIVE_INFO", "ADDRESS"}
    assert all(f.location["field"] == "户主姓名" and f.location["row"] for f in findings)


def test_no_raw_name_leaves_the_check() -> None:
    findings = people(load("a.csv", CSV))
    dumped = json.dumps([f.to_dict() for f in findings], ensure_ascii=False)
    assert "张建华" not in dumped and "李秀英" not in dumped and "岩罕" not in dumped
    assert {f.evidence for f in findings if f.rule_id == "P132"} == {"张**", "李**", "岩*"}


def test_p132_is_off_unless_selected() -> None:
    findings = people(load("a.csv", CSV), ALL - {"P132"})
    assert "P132" not in {f.rule_id for f in findings}
    assert people(load("a.csv", CSV), set()) == []


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["", "*", "****"]), st.sampled_from(["138****5678", "139××××1234", ""]))
def test_p131_never_fires_when_every_identifier_is_masked(extra_mask: str, phone: str) -> None:
    text = f"序号,姓名,身份证号,联系电话\n1,王志强,{MASKED_ID},{phone}\n"
    assert [f.rule_id for f in people(load("b.csv", text))] == ["P132"]


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["身份证号码：" + ID, "手机：13812345678", "账号：6228480000000000007"]))
def test_p131_fires_for_every_exposed_identifier_in_a_sentence(identifier: str) -> None:
    text = f"公告\n1. 王志强，男，{identifier}，住龙泉村3组。\n监督电话：0878-1234567。\n"
    assert sorted(f.rule_id for f in people(load("c.txt", text))) == ["P131", "P132"]


def test_sentences_are_records_in_free_text() -> None:
    text = f"拟将张建华纳入低保。身份证号码：{ID}。\n经评议，李秀英，女，身份证号码：{ID}。\n"
    rules = rules_at(people(load("d.txt", text)))
    assert ("P131", 2, 5) in rules and not any(r == "P131" and line == 1 for r, line, _ in rules)


def test_staff_in_sign_off_lines_and_officials_are_not_findings() -> None:
    text = (
        f"镇长李明华带队入户核查。\n户主：张建华，身份证号码：{ID}。\n"
        "撰稿：王五　校对：赵六　排版：钱七　校对：孙八　审核：周九\n"
    )
    findings = people(load("e.txt", text))
    assert {f.location["line"] for f in findings} == {2}


def test_other_ids_need_their_column_and_masked_ones_comply() -> None:
    text = (
        "序号,姓名,护照号码,往来港澳通行证号码,社会保障卡号\n"
        "1,王志强,E12345678,C1234567,H12345678\n"
        "2,李秀英,E12****78,,\n"
    )
    findings = people(load("f.csv", text))
    p162 = [f for f in findings if f.rule_id == "P162"]
    assert len(p162) == 2  # the 7-digit permit is too short, the masked passport complies
    assert {f.evidence for f in p162} == {"E******78", "H******78"}
    assert ("P131", 2, 3) in rules_at(findings) and ("P131", 3, 3) not in rules_at(findings)


def test_json_records_are_objects() -> None:
    text = json.dumps(
        {"title": "名单", "records": [{"xm": "张建华", "sfzh": ID}, {"xm": "李秀英", "sfzh": MASKED_ID}]},
        ensure_ascii=False,
        indent=2,
    )
    findings = people(load("g.json", text))
    assert sorted(f.rule_id for f in findings) == ["P131", "P132", "P132"]


def test_minors_school_data_is_sensitive_for_everyone_in_the_row() -> None:
    text = "序号,学生姓名,就读学校,年级,监护人,监护人联系电话\n1,王小龙,镇中心小学,三年级,王德顺,138****5678\n"
    findings = people(load("h.csv", text))
    assert [f.rule_id for f in findings if f.rule_id == "P141"] == ["P141", "P141"]
    assert all("未成年人" in f.message for f in findings if f.rule_id == "P141")


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)), max_size=12),
    st.integers(0, 70),
    st.integers(1, 8),
)
def test_overlaps_in_merged_spans_is_the_scan_over_all_of_them(
    spans: list[tuple[int, int]], start: int, size: int
) -> None:
    # the bisect over merged spans answers what testing every span answered (sign-off names skipped)
    spans = [(s, s + n) for s, n in spans]
    end = start + size
    assert _overlaps(_merged(spans), start, end) == any(s < end and start < e for s, e in spans)

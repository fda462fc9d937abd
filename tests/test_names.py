"""Person names, sensitive info, addresses and other IDs: the pure detectors and their Presidio wrappers."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from auditor.recognizers.address import cell_address, text_addresses
from auditor.recognizers.minority import INTERPUNCT, is_dai_name, is_interpunct_name, is_tibetan_name, minority_name
from auditor.recognizers.names import (
    _GIVEN_CHARS,
    _NOT_GIVEN,
    _TOKEN,
    _SlotToken,
    cell_names,
    header_kind,
    is_masked_name,
    mask_name,
    text_names,
)
from auditor.recognizers.otherid import cell_other_ids, mask_other_id, text_other_ids
from auditor.recognizers.segments import decode_json_string
from auditor.recognizers.sensitive import cell_sensitive, text_sensitive
from auditor.recognizers.surnames import name_data

COMMON = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳秀英敏静丽强磊军勇艳杰娟涛明超兰霞平刚华玉萍红梅建国志海燕春花文永正荣兴德顺富凤东龙云飞光辉"
COMPOUND = ("欧阳", "司马", "上官", "诸葛", "皇甫", "令狐", "慕容", "公孙")

names = st.builds(
    lambda s, g: s + g,
    st.sampled_from(list(COMMON) + list(COMPOUND)),
    st.text(alphabet=GIVEN, min_size=1, max_size=2),
)


def found(text: str) -> list[str]:
    return [text[m.start : m.end] for m in text_names(text) if not m.masked]


# ---------------------------------------------------------------------------
# Masks
# ---------------------------------------------------------------------------


@settings(deadline=None)  # timing is not what these check (shared CI machines)
@given(names)
def test_masking_keeps_the_surname_and_the_length(name: str) -> None:
    masked = mask_name(name)
    surname = name_data().surname_of(name)
    assert len(masked) == len(name)
    assert masked.startswith(surname if len(name) > 2 else name[0])
    assert set(masked[len(surname) if len(name) > 2 else 1 :]) == {"*"}


@settings(deadline=None)  # timing is not what these check (shared CI machines)
@given(names)
def test_a_masked_name_is_recognised_as_masked(name: str) -> None:
    assert is_masked_name(mask_name(name))
    assert not is_masked_name(name)


@pytest.mark.parametrize("token", ["张*", "张某", "张某某", "张**", "张×华", "刘x甲", "岩某", "某某", "王＊", "李○○"])
def test_masked_forms(token: str) -> None:
    assert is_masked_name(token)


@settings(deadline=None)  # timing is not what these check (shared CI machines)
@given(names, st.sampled_from(["某", "某某", "*", "**", "×"]))
def test_masked_names_in_text_are_never_exposed(name: str, mask: str) -> None:
    surname = name_data().surname_of(name) if len(name) > 2 else name[0]
    text = f"经评议，拟将{surname}{mask}、{surname}{mask}等2户纳入低保。"
    assert found(text) == []
    assert all(m.masked for m in text_names(text))


# ---------------------------------------------------------------------------
# Name columns
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("姓名", "name"),
        ("户主姓名", "name"),
        ("学生姓名", "name"),
        ("监护人", "name"),
        ("xm", "name"),
        ("户主身份证号", None),
        ("监护人联系电话", None),
        ("与户主关系", None),
        ("经办人", "role"),
        ("法定代表人", "role"),
        ("备注", "text"),
    ],
)
def test_header_kinds(header: str, kind: str | None) -> None:
    assert header_kind(header) == kind


@settings(deadline=None)  # timing is not what these check (shared CI machines)
@given(names)
def test_every_name_in_a_name_column_is_found(name: str) -> None:
    [mention] = cell_names(name)
    assert (mention.start, mention.end, mention.masked) == (0, len(name), False)


@pytest.mark.parametrize("cell", ["岩罕", "玉香旺", "扎西多吉", "沙马拉则", "阿依古丽·买买提", "者每", "阿普"])
def test_names_without_a_han_surname_in_a_name_column(cell: str) -> None:
    assert [m.value for m in cell_names(cell)] == [cell]


def test_cells_with_annotations_lists_and_non_names() -> None:
    assert [m.value for m in cell_names("张三（户主）、李四")] == ["张三", "李四"]
    assert [(m.value, m.masked) for m in cell_names("张*")] == [("张*", True)]
    assert cell_names("合计") == [] and cell_names("镇民政办") == [] and cell_names("户主姓名") == []


# ---------------------------------------------------------------------------
# Free text
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("经村民代表大会民主评议，拟将张建华、李秀英等3户纳入低保。", ["张建华", "李秀英"]),
        ("户主：岩罕，家庭人口4人。", ["岩罕"]),
        ("户主张建国因病致贫。", ["张建国"]),
        ("1. 王志强，男，身份证号码：见附件。", ["王志强"]),
        ("补助资金已打入陈秀兰的一卡通账户。", ["陈秀兰"]),
        ("欧阳建华之子欧阳明，9岁。", ["欧阳建华", "欧阳明"]),
        ("赵德顺同志系脱贫监测对象。", ["赵德顺"]),
        ("扎西多吉、玉香、岩温龙等3户。", ["扎西多吉", "玉香", "岩温龙"]),
        ("阿依古丽·买买提，女，45岁。", ["阿依古丽·买买提"]),
        ("刑满释放人员张建国已纳入安置帮教。", ["张建国"]),
    ],
)
def test_names_in_context(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "本批补贴金额为1200元，涉及张家村、李家湾组、王家营等周边村组。",
        "按照高级农艺师提出的方案，于是调整了补贴标准。",
        "常务副镇长主持会议，强调安全生产。",
        "黄金周期间，杨家箐开展人居环境整治，全部农户参加。",
        "现将2023年第1季度龙泉村城乡最低生活保障对象名单予以公示。",
        "根据学生资助政策，经学校评议、镇学生资助管理中心审核，现予公示。",
        "郭庄小区2023年新增住户12户。",
        # Found on the mixed bench corpus (ledgers, tenders, notices): organisations, document
        # numbers and a surname that ends an ordinary word.
        "中标人：凌海华宇建设工程有限公司，中标金额：128,000.00元。",
        "招标代理机构：向阳顺通工程咨询有限公司",
        "根据白政通〔2023〕12号文件精神，现将有关事项通知如下。",
        "落实经费保障，确保工作按期完成。",
    ],
)
def test_traps_do_not_fire(text: str) -> None:
    assert found(text) == []


def test_officials_in_role_are_not_names() -> None:
    assert found("镇长李明华带队入户核查，王建国书记主持召开评议会。") == []
    assert found("联系人：赵德顺，联系电话：0878-1234567。") == []
    assert found("撰稿：张三　校对：李四　排版：王五") == []
    assert found("主持人：张建国（村党总支书记）　记录人：李芳（村文书）") == []
    assert found("参会人员：王建国（村委会主任）") == []
    assert found("九、评审专家：姚国祥、陈佳山、向浩华、田洋珺") == []  # a procurement result must publish them
    assert found("出席：张建国、李秀英、王芳。") == []


def test_minority_patterns() -> None:
    assert is_dai_name("岩罕") and is_dai_name("玉香旺") and is_dai_name("咪玉香") and not is_dai_name("岩石头")
    assert is_tibetan_name("扎西") and is_tibetan_name("次仁旺堆") and not is_tibetan_name("扎实")
    assert is_interpunct_name("阿依古丽·买买提") and not is_interpunct_name("中国·云南")
    assert minority_name("阿普") and not minority_name("阿姨")


@given(
    st.text(alphabet="王明华户主·•：，A ", max_size=40),
    st.lists(st.integers(0, 40), max_size=12),
    st.integers(0, 40),
)
def test_a_slot_token_is_what_the_token_pattern_matches(text: str, positions: list[int], hi: int) -> None:
    # _SlotToken remembers the last token: in any order of slots, each answer is the regex's own
    hi = min(hi, len(text))
    token = _SlotToken(text, hi)
    for position in positions:
        if position >= hi:
            continue
        match = _TOKEN.match(text, position, hi)
        expected = None if match is None else (match.end(), any(dot in match.group() for dot in INTERPUNCT))
        assert token.at(position) == expected


@example("王芳华", 0)
@example("王的华", 1)
@example("A王芳", 1)
@given(st.text(alphabet="王芳华的了是，。A1 \u3400\u9fff\u4e00\u4dbf\u9fa5\u33ff\ua000", max_size=5), st.integers(0, 5))
def test_given_chars_is_the_per_character_test(text: str, start: int) -> None:
    # _GIVEN_CHARS reads up to two characters that may be a given name: CJK and not a function word
    start = min(start, len(text))
    match = _GIVEN_CHARS.match(text, start)
    count = 0
    while count < 2 and start + count < len(text):
        char = text[start + count]
        if not ("\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf") or char in _NOT_GIVEN:
            break
        count += 1
    assert (match.end() - start if match else 0) == count


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="的了是在与及等为之月日村组镇乡县号，。、：；0123456789", max_size=40))
def test_function_words_and_numbers_are_never_names(text: str) -> None:
    assert found(text) == []


# ---------------------------------------------------------------------------
# Sensitive info, addresses, other IDs
# ---------------------------------------------------------------------------


def test_sensitive_columns_and_phrases() -> None:
    assert cell_sensitive("肢体", "残疾类别").category == "disability"
    assert cell_sensitive("尿毒症", "病种").category == "health"
    assert cell_sensitive("无", "病种") is None
    assert cell_sensitive("12", "年龄").category == "minor"
    assert cell_sensitive("45", "年龄") is None
    assert cell_sensitive("镇中心小学", "就读学校").category == "minor"
    categories = {h.category for h in text_sensitive("患有白血病，肢体二级残疾，刑满释放，信仰佛教，精神分裂症")}
    assert categories == {"health", "disability", "criminal", "religion", "mental"}
    assert text_sensitive("因病致贫，2023年新增") == []


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("住龙泉村3组15号", True),
        ("现住阳光苑2栋1单元302室", True),
        ("门牌号：12", True),
        ("住龙泉村3组", False),
        ("依据民发〔2021〕57号文件", False),
        ("第3号公告", False),
    ],
)
def test_addresses_down_to_the_house_number(text: str, hit: bool) -> None:
    assert bool(text_addresses(text)) is hit


def test_address_column() -> None:
    assert cell_address("龙泉村3组15号", "家庭住址") is not None
    assert cell_address("龙泉村3组", "家庭住址") is None
    assert cell_address("15号", "门牌号") is not None


def test_other_ids_need_a_cue() -> None:
    [hit] = text_other_ids("申请人护照号码：E12345678，已核验。")
    assert (hit.kind, hit.value) == ("passport", "E12345678")
    assert text_other_ids("订单号E12345678") == []
    assert [h.kind for h in cell_other_ids("C12345678", "往来港澳通行证号码")] == ["hk_macau_permit"]
    assert [h.kind for h in cell_other_ids("H12345678", "社会保障卡号")] == ["social_security"]


@settings(deadline=None)  # timing is not what these check (shared CI machines)
@given(st.from_regex(r"[EGC][A-Z]?\d{7,8}", fullmatch=True))
def test_other_id_evidence_keeps_length_and_hides_the_middle(value: str) -> None:
    masked = mask_other_id(value)
    assert len(masked) == len(value) and masked[0] == value[0] and "*" in masked
    assert value[1:-2] not in masked or len(value[1:-2]) == 0


# ---------------------------------------------------------------------------
# Helpers, Presidio and spaCy
# ---------------------------------------------------------------------------


def test_json_escapes_map_back_to_source_offsets() -> None:
    raw = "\\u5f20\\u5efa\\u534e，户主"
    text, offsets = decode_json_string(raw)
    assert text == "张建华，户主"
    assert offsets[:4] == [0, 6, 12, 18]


def test_presidio_recognizer_reports_names_but_not_masked_ones() -> None:
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    from auditor.recognizers.presidio_names import ALL_PEOPLE_RECOGNIZERS

    registry = RecognizerRegistry(supported_languages=["zh"])
    for recognizer in ALL_PEOPLE_RECOGNIZERS:
        registry.add_recognizer(recognizer())
    engine = AnalyzerEngine(
        registry=registry,
        nlp_engine=NoOpNlpEngine(models=[{"lang_code": "zh", "model_name": "no_op"}]),
        supported_languages=["zh"],
    )
    text = "拟将张建华、李*等2户纳入低保，张建华患有尿毒症，住龙泉村3组15号，护照号码：E12345678。"
    results = engine.analyze(text=text, language="zh")
    by_entity = {(r.entity_type, text[r.start : r.end]) for r in results}
    assert ("PERSON_NAME", "张建华") in by_entity
    assert not any(e == "PERSON_NAME" and "*" in v for e, v in by_entity)
    assert {e for e, _ in by_entity} == {"PERSON_NAME", "SENSITIVE_INFO", "ADDRESS", "OTHER_ID"}


def test_spacy_component_on_a_blank_chinese_pipeline() -> None:
    import spacy

    from auditor.recognizers.presidio_names import names_component

    nlp = spacy.blank("zh")
    nlp.add_pipe(names_component())
    doc = nlp("拟将张建华、王某等2户纳入低保。")
    assert [(e.text, e.label_) for e in doc.ents] == [("张建华", "PERSON")]


def test_a_paragraph_listing_thousands_of_people_finds_each_once() -> None:
    """Taken spans are a character map: the 2,000th name costs what the first did, and none is lost."""
    surnames, given = "王李张刘陈杨黄赵吴周", "伟芳娜敏静丽强磊军洋"
    people = [surnames[i % 10] + given[i // 10 % 10] + given[i // 100 % 10] for i in range(2000)]
    text = "经研究，同意以下人员纳入低保：" + "，".join(f"{name}（男，45岁）" for name in people) + "。"
    found = text_names(text)
    assert [m.value for m in found] == people

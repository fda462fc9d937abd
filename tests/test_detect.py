"""The detector on real-looking snippets: what must fire, what must not, and where."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from synth import luhn_complete, make_id

from auditor.buildinfo import compiled_modules
from auditor.normalize import fold_width, folds_into
from auditor.recognizers import detect as detect_module
from auditor.recognizers.context import ContextRules
from auditor.recognizers.detect import (
    _SCI_HINT,
    MAY_HOLD_CANDIDATE,
    RUN_RE,
    SCI_RE,
    SHORTEST_CANDIDATE,
    Cue,
    Detection,
    Detector,
    _may_be_scientific,
)

ID = make_id()
PHONE = "13812345678"
CARD = luhn_complete("622848000000000000")


def kinds(text: str, **kwargs) -> list[tuple[str, str, str]]:
    return [(d.entity, d.kind, text[d.start : d.end]) for d in Detector().detect(text, **kwargs)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"户主张三，身份证号{ID}。", [("CN_RESIDENT_ID", "exposed", ID)]),
        (f"{ID.lower()}", [("CN_RESIDENT_ID", "exposed", ID.lower())]),
        ("".join(chr(ord(c) + 0xFEE0) for c in ID), [("CN_RESIDENT_ID", "exposed", None)]),
        (f"{ID[:4]} {ID[4:8]} {ID[8:12]} {ID[12:16]} {ID[16:]}", [("CN_RESIDENT_ID", "exposed", None)]),
        (f"{ID[:6]}-{ID[6:14]}-{ID[14:]}", [("CN_RESIDENT_ID", "exposed", None)]),
        (f"1 {ID} 960", [("CN_RESIDENT_ID", "exposed", ID)]),
        (f"电话{PHONE}", [("PHONE_NUMBER", "exposed", PHONE)]),
        ("电话 138 1234 5678", [("PHONE_NUMBER", "exposed", "138 1234 5678")]),
        (f"+86{PHONE}", [("PHONE_NUMBER", "exposed", PHONE)]),
        (f"银行卡号{CARD}", [("BANK_CARD", "exposed", CARD)]),
        ("5.32328E+17", [("CN_RESIDENT_ID", "invalid", "5.32328E+17")]),
        (f"{ID[:15]}000", [("CN_RESIDENT_ID", "invalid", f"{ID[:15]}000")]),
        (f"{ID[:6]}{ID[8:17]}", [("CN_RESIDENT_ID", "exposed", f"{ID[:6]}{ID[8:17]}")]),
        (f"{ID}44", [("OTHER_ID", "exposed", f"{ID}44")]),
    ],
)
def test_fires(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    found = kinds(text)
    assert [(e, k) for e, k, _ in found] == [(e, k) for e, k, _ in expected]
    for (_, _, got), (_, _, want) in zip(found, expected, strict=True):
        if want is not None:
            assert got == want


@pytest.mark.parametrize(
    "text",
    [
        "统一社会信用代码：91350100M000100Y43",
        "订单号：202203011234567890",
        "发票号码 044031900111",
        "索引号：11530000MB1234567X/2022-00013",
        "日期20220301，金额703203.72元，12,345.00元",
        "统计用区划代码532328101202",
        "监督电话：13812345678",
        "咨询电话 0878-1234567",
        "如有异议请与镇民政办联系，联系电话：13812345678。",
        "依据国办公开办函〔2021〕30号",
    ],
)
def test_hard_negatives_do_not_fire(text: str) -> None:
    assert [k for k in kinds(text) if k[1] != "masked"] == []


@pytest.mark.parametrize(
    "text",
    ["530102********123X", "53**************3X", "530102＊＊＊＊＊＊＊＊123X", "138****5678", "138××××5678"],
)
def test_compliant_masks_are_never_exposed(text: str) -> None:
    assert all(kind == "masked" for _, kind, _ in kinds(text))


@pytest.mark.parametrize("text", ["5301021990******3X", "530102199001****3X", "1381234****"])
def test_weak_masks(text: str) -> None:
    assert [kind for _, kind, _ in kinds(text)] == ["weak_mask"]


def test_phone_in_a_contact_column_is_personal() -> None:
    assert kinds(PHONE, header="联系电话", in_table=True) == [("PHONE_NUMBER", "exposed", PHONE)]


def test_any_long_number_in_an_account_column_is_an_account() -> None:
    assert kinds("123456789012", header="一卡通账号", in_table=True) == [("BANK_CARD", "exposed", "123456789012")]


def test_evidence_never_contains_the_raw_value() -> None:
    for detection in Detector().detect(f"{ID} {PHONE} 卡号{CARD}"):
        assert detection.evidence != detection.value
        assert "*" in detection.evidence


_M = "*×●#○◯■□"
# Tokens of 11–30 characters: one of 10 classifies as nothing (test_a_ten_character_token_is_nothing).
ORACLE_TOKEN = re.compile(rf"(?<![0-9A-Za-z{_M}])(?<!\d\.)[0-9{_M}][0-9Xx{_M}]{{10,29}}(?![0-9A-Za-z{_M}])(?!\.\d)")
# As the detector, a decimal fraction glued to the end (…-000.5) ends no group: (?!\.\d), like ORACLE_TOKEN.
ORACLE_GROUP = re.compile(
    r"(?<![0-9A-Za-z.])\d{1,8}(?:[ \-]\d{1,8}){1,6}(?:[Xx](?![0-9A-Za-z]))?(?![0-9A-Za-z])(?!\.\d)"
)


# The two splitter tests below record what the run splitter hands to classification by
# subclassing Detector. A class compiled by mypyc cannot be subclassed from Python, so they run on
# the pure-Python build only: the splitter is the same source in both.
needs_interpreted_detector = pytest.mark.skipif(
    "auditor.recognizers.detect" in compiled_modules(),
    reason="subclasses Detector, which the compiled build does not allow; the pure-Python run covers it",
)


class _Recorder(Detector):
    """Records every token the run splitter hands to classification."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: list[tuple[int, int]] = []

    def classify(self, token, start, end, cue):  # type: ignore[no-untyped-def]
        self.tokens.append((start, end))
        return None


@needs_interpreted_detector
@settings(max_examples=400)
@given(st.text(alphabet="0123456789Xx*× .-a张", max_size=60))
def test_run_splitter_finds_exactly_the_tokens_of_the_reference_regex(text: str) -> None:
    recorder = _Recorder()
    recorder.detect(text + "\n")
    expected = {(m.start(), m.end()) for m in ORACLE_TOKEN.finditer(text + "\n")}
    single_part = {(s, e) for s, e in recorder.tokens if " " not in text[s:e] and "-" not in text[s:e]}
    assert single_part == expected


@needs_interpreted_detector
@settings(max_examples=400)
@given(st.text(alphabet="0123456789X -a.", max_size=60))
@example("00000000-000.0")  # found by CI: groups ending in a decimal fraction
@example(" 2722486 1811 6a75")  # …or in a group glued to a letter: the groups before it still count
def test_every_reference_digit_group_is_considered(text: str) -> None:
    """Every window of whole digit groups that the reference regex yields is tried as a candidate."""
    recorder = _Recorder()
    recorder.detect(text + "\n")
    tried = set(recorder.tokens)
    for match in ORACLE_GROUP.finditer(text + "\n"):
        if match.end() - match.start() < 12:
            continue
        parts = [(m.start() + match.start(), m.end() + match.start()) for m in re.finditer(r"\d+[Xx]?", match.group())]
        for i in range(len(parts)):
            for j in range(i + 1, min(len(parts), i + 7)):
                compact = sum(e - s for s, e in parts[i : j + 1])
                if compact in (11, 13, 15, 16, 17, 18, 19, 20):
                    assert (parts[i][0], parts[j][1]) in tried, (text, match.group())


def test_resident_address_before_a_contact_phone_is_not_an_office() -> None:
    text = "户主王某，住青石镇白岩村3组，联系电话：13812345678。"
    assert [k[:2] for k in kinds(text)] == [("PHONE_NUMBER", "exposed")]


def test_disability_certificate_with_x_check_digit() -> None:
    assert [k[:2] for k in kinds(f"残疾人证号 {'11010519491231002X'}44")] == [("OTHER_ID", "exposed")]


def test_spaced_mobile_before_a_decimal_column_is_found() -> None:
    """A space-separated row (序号 姓名 手机 面积 金额): the area's decimal does not hide the phone before it."""
    found = [(d.entity, d.kind) for d in Detector().detect("1 张三 138 1234 5678 2.5 1200")]
    assert found == [("PHONE_NUMBER", "exposed")]


_LOOSE_RUN = re.compile(r"[0-9*×●#○◯■□][0-9Xx*×●#○◯■□ \-]{9,}")
_FOLDABLE = "0123456789０１２３４５６７８９Xxｘ＊*×●# -－\u3000\u00a0\u2010\u2014.Ee+＋１Ｅｅa张"


@settings(max_examples=600)
@given(st.text(alphabet=_FOLDABLE, max_size=40))
@example("１２３４５\u3000６７８９０")
@example("５.３２３２８Ｅ+１７")
def test_the_precheck_passes_every_text_that_can_hold_a_candidate(text: str) -> None:
    """detect() skips a text the precheck rejects: that must never hide a run or a damaged number.

    The precheck is exactly "a run of 10 or more characters, or the scientific-notation hint",
    in the folded text: a superset of what RUN_RE finds, by a margin this test pins down.
    """
    folded = fold_width(text)
    hint = any(hint in folded for hint in ("E+", "e+", "E1", "e1"))
    passes = MAY_HOLD_CANDIDATE.search(text) is not None
    assert passes == (_LOOSE_RUN.search(folded) is not None or hint)
    if RUN_RE.search(folded) is not None or SCI_RE.search(folded) is not None:
        assert passes


def _found(detections: list[Detection]) -> list[tuple[str, str, int, int, str, str]]:
    return [(d.entity, d.kind, d.start, d.end, d.evidence, d.detail) for d in detections]


def _detected_with(name: str, replacement: re.Pattern[str], text: str, header: str | None = None) -> list[tuple]:
    """What detect() finds with the module's regex ``name`` replaced: the general path a shortcut skips."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(detect_module, name, replacement)
        return _found(Detector().detect(text, header=header))


# Runs of 10 characters or more, as the finder matched them before (less trailing separators),
# in the unfolded text the finder reads.
_RUN_OF_TEN_OR_MORE = re.compile(
    f"[{detect_module._FOLDS_TO_HEAD}][{detect_module._FOLDS_TO_TAIL}]{{8,}}[{detect_module._FOLDS_TO_LAST}]"
)


@settings(max_examples=600)
@given(st.text(alphabet="0123456789 -Xx*.a张E+", max_size=48))
@example("2023-05-12")
@example("1234567890 ")
@example("138 1234 567 -")
def test_runs_shorter_than_eleven_characters_never_held_a_candidate(text: str) -> None:
    """RUN_RE skips runs of 10 characters (ISO dates) and trailing separators: same detections."""
    assert _found(Detector().detect(text)) == _detected_with("_RAW_RUN_RE", _RUN_OF_TEN_OR_MORE, text)


@settings(max_examples=400)
@given(
    token=st.text(alphabet="0123456789Xx*×●#", min_size=10, max_size=10),
    header=st.sampled_from([None, "银行账号", "身份证号码", "联系电话", "订单号"]),
)
def test_a_ten_character_token_is_nothing(token: str, header: str | None) -> None:
    """Why the finder may skip runs of 10 characters: no identifier is that short, in any column."""
    cue = Cue(token, 0, header is not None, header)
    assert Detector().classify(token, 0, 10, cue) is None


_NEVER = re.compile(r"(?!)")


@settings(max_examples=500)
@given(
    before=st.text(alphabet="0123456789 -a张：", max_size=6),
    landline=st.from_regex(r"0\d{2,3}-\d{7,8}", fullmatch=True),
    after=st.text(alphabet="0123456789 -a张X", max_size=6),
    header=st.sampled_from([None, "银行账号", "联系电话", "身份证号码"]),
)
@example(before="", landline="0878-5288148", after="", header=None)
@example(before="", landline="1878-5288148", after="", header=None)  # not a landline: a mobile in groups
def test_skipping_landline_runs_changes_nothing(before: str, landline: str, after: str, header: str | None) -> None:
    """A run that is just an area code and a number goes no further than one regex: same result."""
    text = before + landline + after
    assert _found(Detector().detect(text, header=header)) == _detected_with("_LANDLINE", _NEVER, text, header)


@settings(max_examples=300)
@given(st.text(alphabet=_FOLDABLE, max_size=40))
@example(f"身份证{ID}")
def test_detect_from_the_precheck_is_detect_without_it(text: str) -> None:
    """iter_detections runs the precheck per block, then detect(first=where it matched): the
    same as searching for runs from the start, and nothing when the precheck fails."""
    hint = MAY_HOLD_CANDIDATE.search(text)
    from_start = _found(Detector().detect(text, first=0))
    assert _found(Detector().detect(text)) == (from_start if hint else [])
    if hint is None:
        assert from_start == []
    else:
        assert _found(Detector().detect(text, first=hint.start())) == from_start


@settings(max_examples=300)
@given(st.text(alphabet=_FOLDABLE + "Ee\uff25\uff45+.17", max_size=SHORTEST_CANDIDATE - 1), st.booleans())
@example("5.32328E1", True)
@example("5.3232E17", True)
@example("１３８１２３４５６", False)
def test_a_text_shorter_than_the_shortest_candidate_holds_none(text: str, id_column: bool) -> None:
    """iter_detections skips blocks shorter than SHORTEST_CANDIDATE without the precheck; and the
    bound is tight: a damaged ID of that length is found."""
    header = "身份证号码" if id_column else None
    assert Detector().detect(text, header=header, first=0) == []
    assert len("5.32328E17") == SHORTEST_CANDIDATE
    assert Detector().detect("5.32328E17", header="身份证号码")


@settings(max_examples=300)
@given(st.text(alphabet="Ee\uff25\uff45+1\uff11\uff0b张0 ", max_size=12))
def test_the_e_test_rules_out_only_texts_without_the_hint(text: str) -> None:
    """_may_be_scientific's quick ``in`` tests never hide a scientific-notation hint."""
    assert _may_be_scientific(text) == (_SCI_HINT.search(text) is not None)


def test_the_e_test_spells_out_every_mark_that_folds_to_e() -> None:
    assert set(folds_into("Ee")) == {"E", "e", "Ｅ", "ｅ"}


@settings(max_examples=600)
@given(
    token=st.one_of(
        st.text(alphabet="0123456789Xx*×●#", min_size=9, max_size=32),
        st.builds(lambda n: make_id(seq=f"{n:03d}"), st.integers(0, 999)),
        st.from_regex(r"1[3-9]\d{9}|62\d{14,17}|\d{6}\*{8}\d{3}[\dX]", fullmatch=True),
    ),
    header=st.sampled_from([None, "银行账号", "身份证号码", "联系电话", "订单号"]),
)
def test_a_cell_that_is_one_token_is_detected_as_the_general_path_does(token: str, header: str | None) -> None:
    """The whole-token shortcut (most cells of a list) gives what the run finder gives."""
    assert _found(Detector().detect(token, header=header)) == _detected_with("_WHOLE_TOKEN", _NEVER, token, header)


_CONTEXT_WORDS = ["身份证号：", "银行账号", "联系电话", "监督电话", "订单号", "住址", "办公室", "\n", "\t"]


@settings(max_examples=1500)
@given(
    st.lists(
        st.one_of(st.text(alphabet=_FOLDABLE + "ＡａXＸ．", min_size=1, max_size=6), st.sampled_from(_CONTEXT_WORDS)),
        max_size=14,
    ),
    st.sampled_from([None, "银行账号", "身份证号码", "联系电话"]),
)
@example(["Ａ１３８１２３４５６７８"], None)  # a full-width letter glued to the front: no mobile
@example(["监督电话：１３８\u3000１２３４\u3000５６７８"], None)
@example(["５.３２３２８Ｅ１７"], "身份证号码")
@example([f"户主{ID[:6]}－{ID[6:14]}－{ID[14:]}"], None)
def test_detect_finds_in_a_text_what_it_finds_in_the_text_folded(pieces: list[str], header: str | None) -> None:
    """Only runs and the windows before them are folded, not the whole text: the same detections
    (offsets, values' evidence, context) as in the text folded first, which is what detect() did."""
    text = "".join(pieces)
    folded = fold_width(text)
    assert _found(Detector().detect(text, header=header)) == _found(Detector().detect(folded, header=header))


def test_an_official_word_from_config_matches_the_folded_window() -> None:
    """A configured word in ASCII digits still marks a phone written after it in full-width digits."""
    detector = Detector(context=ContextRules(extra_official=("12345便民",)))
    assert detector.detect("１２３４５便民：13812345678") == []
    assert detector.detect(fold_width("１２３４５便民：13812345678")) == []
    assert len(Detector().detect("１２３４５便民：13812345678")) == 1

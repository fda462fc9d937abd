"""The recognizers are ordinary Presidio recognizers for language zh."""

from __future__ import annotations

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NoOpNlpEngine
from synth import luhn_complete, make_id

from auditor.recognizers.presidio import (
    CnBankCardRecognizer,
    CnMobileRecognizer,
    CnResidentIdRecognizer,
    build_analyzer,
)

ID = make_id()
CARD = luhn_complete("622848000000000000")
TEXT = f"经评议，拟将张建华（身份证号{ID}，联系电话13812345678，卡号{CARD}）纳入低保。监督电话13912345678。"


def test_in_a_standard_analyzer_engine() -> None:
    registry = RecognizerRegistry(supported_languages=["zh"])
    for recognizer in (CnResidentIdRecognizer(), CnMobileRecognizer(), CnBankCardRecognizer()):
        registry.add_recognizer(recognizer)
    engine = AnalyzerEngine(
        registry=registry,
        nlp_engine=NoOpNlpEngine(models=[{"lang_code": "zh", "model_name": "no_op"}]),
        supported_languages=["zh"],
    )
    results = sorted(engine.analyze(text=TEXT, language="zh"), key=lambda r: r.start)
    assert [(r.entity_type, TEXT[r.start : r.end]) for r in results] == [
        ("CN_RESIDENT_ID", ID),
        ("PHONE_NUMBER", "13812345678"),
        ("BANK_CARD", CARD),
    ]
    assert results[0].score == 1.0


def test_entity_filter_and_blank_spacy_engine() -> None:
    engine = build_analyzer("spacy")
    results = engine.analyze(text=TEXT, language="zh", entities=["PHONE_NUMBER"])
    assert [TEXT[r.start : r.end] for r in results] == ["13812345678"]


def test_masked_values_are_not_reported() -> None:
    engine = build_analyzer()
    assert engine.analyze(text="身份证号530102********123X 电话138****5678", language="zh") == []

"""Presidio recognizers (language ``zh``) over the same pure detection code the scanner uses.

Anyone running Presidio can add these to a ``RecognizerRegistry``; the scanner
itself calls :class:`~auditor.recognizers.detect.Detector` directly for speed.
Context is checked in character windows, so a blank ``zh`` pipeline (or the
NoOp engine) is enough.
"""

from __future__ import annotations

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from auditor.masking import Policy
from auditor.recognizers.detect import Detection, Detector

REPORTED_KINDS = frozenset(("exposed", "weak_mask", "invalid"))


class _DetectorRecognizer(EntityRecognizer):
    """Shared body: run the detector, keep this recognizer's entity, skip compliant masks."""

    ENTITY = ""
    NAME = ""
    name: str  # set by EntityRecognizer.__init__, which does not annotate it

    def __init__(self, policy: Policy | None = None, supported_language: str = "zh") -> None:
        self._detector = Detector(policy)
        super().__init__(supported_entities=[self.ENTITY], name=self.NAME, supported_language=supported_language)

    def load(self) -> None:
        """Nothing to load: rules and tables ship with the package."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and self.ENTITY not in entities:
            return []
        results = []
        for detection in self._detector.detect(text):
            if detection.entity == self.ENTITY and detection.kind in REPORTED_KINDS:
                results.append(self._result(detection))
        return results

    def _result(self, detection: Detection) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=self.name,
            original_score=detection.score,
            textual_explanation=f"{detection.kind}{detection.detail}",
        )
        return RecognizerResult(
            self.ENTITY,
            detection.start,
            detection.end,
            detection.score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                "kind": detection.kind,
            },
        )


class CnResidentIdRecognizer(_DetectorRecognizer):
    """Resident ID numbers: 18-digit MOD 11-2, 15-digit legacy, weak masks, damaged numbers."""

    ENTITY = "CN_RESIDENT_ID"
    NAME = "CnResidentIdRecognizer"


class CnMobileRecognizer(_DetectorRecognizer):
    """Mainland mobiles, outside official-contact context (监督电话 …)."""

    ENTITY = "PHONE_NUMBER"
    NAME = "CnMobileRecognizer"


class CnBankCardRecognizer(_DetectorRecognizer):
    """Luhn-valid cards with an issuer prefix; long numbers after an account cue."""

    ENTITY = "BANK_CARD"
    NAME = "CnBankCardRecognizer"


class CnOtherIdRecognizer(_DetectorRecognizer):
    """Disability certificate numbers (ID + category + grade)."""

    ENTITY = "OTHER_ID"
    NAME = "CnOtherIdRecognizer"


ALL_RECOGNIZERS = (CnResidentIdRecognizer, CnMobileRecognizer, CnBankCardRecognizer, CnOtherIdRecognizer)


def build_analyzer(engine: str = "noop"):
    """A standard AnalyzerEngine for ``zh`` that works offline.

    ``engine="noop"`` uses Presidio's NoOpNlpEngine; ``"spacy"`` a blank spaCy
    ``zh`` pipeline (character segmentation). Neither downloads anything; the
    registry is built by hand so no default recognizer (tldextract …) loads.
    """
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

    registry = RecognizerRegistry(supported_languages=["zh"])
    for recognizer in ALL_RECOGNIZERS:
        registry.add_recognizer(recognizer())
    return AnalyzerEngine(registry=registry, nlp_engine=_nlp_engine(engine), supported_languages=["zh"])


def _nlp_engine(engine: str):
    if engine == "noop":
        from presidio_analyzer.nlp_engine import NoOpNlpEngine

        return NoOpNlpEngine(models=[{"lang_code": "zh", "model_name": "no_op"}])
    if engine == "spacy":
        return BlankZhNlpEngine()
    raise ValueError(f"unknown engine {engine!r}")


def _blank_zh_engine_class():
    import spacy
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    class _BlankZh(SpacyNlpEngine):
        """spaCy over spacy.blank('zh'): offline, no model download."""

        def __init__(self) -> None:
            super().__init__(models=[{"lang_code": "zh", "model_name": "blank-zh"}])

        def load(self) -> None:
            nlp = spacy.blank("zh")
            nlp.max_length = 5_000_000
            self.nlp = {"zh": nlp}  # type: ignore[assignment]  # SpacyNlpEngine declares it None until loaded

    return _BlankZh


def BlankZhNlpEngine():
    return _blank_zh_engine_class()()

"""Presidio recognizers (language ``zh``) for person names, addresses, sensitive info and other IDs.

Same pattern as :mod:`auditor.recognizers.presidio`: the pure detectors do the
work, Presidio gets ``RecognizerResult`` s. Masked names are not reported.
:func:`names_component` registers a spaCy component that puts the same names
into ``doc.ents`` of a blank (or any) Chinese pipeline.
"""

from __future__ import annotations

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from auditor.recognizers.address import text_addresses
from auditor.recognizers.names import text_names
from auditor.recognizers.otherid import text_other_ids
from auditor.recognizers.sensitive import text_sensitive

COMPONENT = "auditor_person_names"


class _TextRecognizer(EntityRecognizer):
    """Shared body: one entity, spans from a pure function, a short explanation."""

    ENTITY = ""
    NAME = ""
    name: str  # set by EntityRecognizer.__init__, which does not annotate it

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(supported_entities=[self.ENTITY], name=self.NAME, supported_language=supported_language)

    def load(self) -> None:
        """Nothing to load: the data files ship with the package."""

    def spans(self, text: str) -> list[tuple[int, int, float, str]]:
        raise NotImplementedError

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and self.ENTITY not in entities:
            return []
        return [self._result(s, e, score, why) for s, e, score, why in self.spans(text)]

    def _result(self, start: int, end: int, score: float, why: str) -> RecognizerResult:
        explanation = AnalysisExplanation(recognizer=self.name, original_score=score, textual_explanation=why)
        return RecognizerResult(
            self.ENTITY,
            start,
            end,
            score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


class CnPersonNameRecognizer(_TextRecognizer):
    """Chinese person names in running text (surname model + context); masked names skipped."""

    ENTITY = "PERSON_NAME"
    NAME = "CnPersonNameRecognizer"

    def spans(self, text: str) -> list[tuple[int, int, float, str]]:
        return [(m.start, m.end, min(1.0, 0.5 + m.score / 4), m.source) for m in text_names(text) if not m.masked]


class CnAddressRecognizer(_TextRecognizer):
    """Residential addresses down to the house number, building or room."""

    ENTITY = "ADDRESS"
    NAME = "CnAddressRecognizer"

    def spans(self, text: str) -> list[tuple[int, int, float, str]]:
        return [(h.start, h.end, 0.7, "house number") for h in text_addresses(text)]


class CnSensitiveInfoRecognizer(_TextRecognizer):
    """Health, disability, criminal-record, religion and minors' phrases (PIPL Art. 28)."""

    ENTITY = "SENSITIVE_INFO"
    NAME = "CnSensitiveInfoRecognizer"

    def spans(self, text: str) -> list[tuple[int, int, float, str]]:
        return [(h.start, h.end, 0.6, h.category) for h in text_sensitive(text)]


class CnOtherIdRecognizerText(_TextRecognizer):
    """Passports, 港澳/台湾通行证 and 社会保障卡号 after their cue word."""

    ENTITY = "OTHER_ID"
    NAME = "CnOtherIdTextRecognizer"

    def spans(self, text: str) -> list[tuple[int, int, float, str]]:
        return [(h.start, h.end, 0.8, h.kind) for h in text_other_ids(text)]


ALL_PEOPLE_RECOGNIZERS = (
    CnPersonNameRecognizer,
    CnAddressRecognizer,
    CnSensitiveInfoRecognizer,
    CnOtherIdRecognizerText,
)


def names_component() -> str:
    """Register (once) and return the name of a spaCy component setting PERSON entities.

    ``nlp = spacy.blank("zh"); nlp.add_pipe(names_component())`` — works offline with
    any segmenter; spans are aligned to tokens by expansion.
    """
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.util import filter_spans

    if not Language.has_factory(COMPONENT):

        @Language.component(COMPONENT)
        def _names(doc: Doc) -> Doc:
            spans = [
                doc.char_span(m.start, m.end, label="PERSON", alignment_mode="expand")
                for m in text_names(doc.text)
                if not m.masked
            ]
            doc.ents = filter_spans([s for s in spans if s is not None] + list(doc.ents))
            return doc

    return COMPONENT

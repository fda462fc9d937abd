"""Privacy rules P101–P121, P161, P162 from recognizer detections."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.findings import FindingMaker
from auditor.model import Block, Document, Finding
from auditor.recognizers.detect import MAY_HOLD_CANDIDATE, SHORTEST_CANDIDATE, Detection, Detector

RULE_OF: dict[tuple[str, str], str] = {
    ("CN_RESIDENT_ID", "exposed"): "P101",
    ("CN_RESIDENT_ID", "weak_mask"): "P102",
    ("CN_RESIDENT_ID", "invalid"): "P103",
    ("PHONE_NUMBER", "exposed"): "P111",
    ("PHONE_NUMBER", "weak_mask"): "P112",
    ("BANK_CARD", "exposed"): "P121",
    ("OTHER_ID", "exposed"): "P162",
}
HIDDEN_RULE = "P161"


def iter_detections(document: Document, detector: Detector) -> Iterator[tuple[Block, Detection]]:
    """Every recognised value (masked ones included) with the block it sits in.

    Offsets in a Detection are offsets in ``block.text``; the block's locator maps them
    to the source. Shared by the privacy rules and by ``auditor fix``.
    """
    may_hold = MAY_HOLD_CANDIDATE.search
    for block in document.blocks:
        text = block.text
        if len(text) < SHORTEST_CANDIDATE:
            continue  # most cells (names, villages, amounts, short dates) are shorter: not even a search
        hint = may_hold(text)
        if hint is None:
            continue  # nor do most longer ones (addresses, notes, prose): skip the call
        locator = block.locator
        detections = detector.detect(text, in_table=locator.in_table, header_at=locator.field_at, first=hint.start())
        for detection in detections:
            yield block, detection


def check_privacy(
    document: Document,
    detector: Detector,
    make: FindingMaker,
    enabled: set[str],
    detections: list[tuple[Block, Detection]] | None = None,
) -> list[Finding]:
    """One finding per exposed value occurrence, located exactly; P161 in addition when hidden.

    ``detections`` may be passed in when other checks (names, linkage) share them.
    """
    findings: list[Finding] = []
    seen: dict[str, int] = {}  # occurrences so far per value (a plain dict: Counter's misses cost a call)
    pairs = detections if detections is not None else iter_detections(document, detector)
    for block, detection in pairs:
        locator = block.locator
        rule_id = RULE_OF.get((detection.entity, detection.kind))
        if rule_id is None:
            continue
        position = locator.locate(detection.start, detection.end)
        identity = _identity(detection, seen)
        if rule_id in enabled:
            findings.append(
                make.make(
                    rule_id,
                    position.location,
                    identity=identity,
                    evidence=detection.evidence,
                    detail=detection.detail,
                    entity=detection.entity,
                )
            )
        if block.hidden and HIDDEN_RULE in enabled:
            findings.append(
                make.make(
                    HIDDEN_RULE,
                    position.location,
                    identity=identity,
                    evidence=detection.evidence,
                    detail=f"（{block.part or 'hidden'}）",
                    entity=detection.entity,
                )
            )
    return findings


def _identity(detection: Detection, seen: dict[str, int]) -> str:
    """Value plus occurrence number: stable when lines move, distinct for repeats."""
    key = f"{detection.entity}:{detection.value.upper()}"
    count = seen[key] = seen.get(key, 0) + 1
    return f"{key}#{count}"

"""What to mask in a text: the scanner's detections (plus future span providers) → Masks.

The fixer asks the same Detector, through the same ``iter_detections``, that the
scan uses, so a fix masks exactly what a scan reports; format modules only map
the Masks back to bytes, cells or runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from auditor.checks.privacy import HIDDEN_RULE, RULE_OF, iter_detections
from auditor.fix.masks import MASK, WIDE_MASK, mask_scientific, mask_value
from auditor.model import Block, Document
from auditor.normalize import fold_width
from auditor.recognizers.detect import SCI_RE, Detection, Detector

HeaderAt = Callable[[int], str | None]


@dataclass(frozen=True, slots=True)
class Mask:
    """Replace ``text[start:end]`` with ``replacement`` (a masked form; never the raw value)."""

    start: int
    end: int
    replacement: str
    rule_id: str
    entity: str
    kind: str
    note: str = ""

    @property
    def same_length(self) -> bool:
        return len(self.replacement) == self.end - self.start


@dataclass(frozen=True, slots=True)
class TextUnit:
    """A text to plan plus the context detectors need (column header, table, hidden)."""

    text: str
    header_at: HeaderAt | None = None
    in_table: bool = False
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class ProvidedSpan:
    """A value a span provider wants masked, with its already-masked form (same length)."""

    start: int
    end: int
    entity: str
    rule_id: str
    replacement: str
    kind: str = "exposed"


class KeepRule(Protocol):
    """Which planned masks to leave alone (values a reviewer accepted inline)."""

    def __call__(self, location: dict[str, Any], mask: Mask) -> bool:
        """For masks planned from the loader's blocks, at the scan's locations."""
        ...

    def swept(self, location: dict[str, Any], mask: Mask) -> bool:
        """For a format module's own sweep (its own locations): also spares values kept above."""
        ...


# Hook for values that are not number-shaped: P131/P132 names (→ 张*华, masks.mask_name),
# P151 addresses (cut at 村/组, masks.mask_address), P162 identifiers of other kinds.
# Called once per block with the whole document, because those rules are record-level
# (a name counts when its row holds an identifier): a provider may analyse the document
# once and answer per block. Free-standing texts (comments, headers) pass None, None.
# No provider is registered yet: name and address recognition belong to another issue.
SpanProvider = Callable[[TextUnit, Document | None, Block | None], Iterable[ProvidedSpan]]


@dataclass(slots=True)
class Planner:
    """Turns detections into Masks under the policy and the enabled rule set."""

    detector: Detector
    enabled: set[str]
    providers: Sequence[SpanProvider] = field(default_factory=tuple)

    def masks(self, unit: TextUnit) -> list[Mask]:
        """Masks for a free-standing text (a comment, a docx paragraph, a metadata field)."""
        if not unit.text:
            return []
        detections = self.detector.detect(unit.text, in_table=unit.in_table, header_at=unit.header_at)
        return self._resolve(unit, detections, None, None)

    def document_masks(self, document: Document, keep: KeepRule | None = None) -> list[tuple[Block, list[Mask]]]:
        """Masks per block of a loaded document, found exactly as ``scan`` finds them.

        One walk over the blocks (a big workbook re-reads its sheets on every walk);
        ``keep(location, mask)`` True leaves a value alone (an inline ``auditor: ignore``).
        """
        result: list[tuple[Block, list[Mask]]] = []
        if self.providers:  # providers look at every block, not only those with a number in them
            for block in document.blocks:
                single = Document(document.path, document.format, [block])
                detections = [d for _, d in iter_detections(single, self.detector)]
                self._flush(block, detections, keep, result, document)
            return result
        current: Block | None = None
        pending: list[Detection] = []
        for block, detection in iter_detections(document, self.detector):
            if block is not current:
                self._flush(current, pending, keep, result)
                current, pending = block, []
            pending.append(detection)
        self._flush(current, pending, keep, result)
        return result

    def _flush(
        self,
        block: Block | None,
        detections: list[Detection],
        keep: KeepRule | None,
        result: list[tuple[Block, list[Mask]]],
        document: Document | None = None,
    ) -> None:
        if block is None:
            return
        locator = block.locator
        unit = TextUnit(block.text, locator.field_at, locator.in_table, block.hidden)
        masks = self._resolve(unit, detections, document, block)
        if keep is not None:
            masks = [m for m in masks if not keep(locator.locate(m.start, m.end).location, m)]
        if masks:
            result.append((block, masks))

    def _resolve(
        self, unit: TextUnit, detections: Iterable[Detection], document: Document | None, block: Block | None
    ) -> list[Mask]:
        masks = [m for d in detections if (m := self._mask_of(unit, d)) is not None]
        for provider in self.providers:
            for span in provider(unit, document, block):
                if self._wanted(span.rule_id, unit.hidden) and span.replacement != unit.text[span.start : span.end]:
                    masks.append(Mask(span.start, span.end, span.replacement, span.rule_id, span.entity, span.kind))
        return merge_overlaps(masks)

    def _wanted(self, rule_id: str, hidden: bool) -> bool:
        return rule_id in self.enabled or (hidden and HIDDEN_RULE in self.enabled)

    def _mask_of(self, unit: TextUnit, detection: Detection) -> Mask | None:
        """Exposed, weakly masked and invalid values are masked; compliant masks are left alone."""
        rule_id = RULE_OF.get((detection.entity, detection.kind))
        if rule_id is None or not self._wanted(rule_id, unit.hidden):
            return None
        span = unit.text[detection.start : detection.end]
        note = ""
        if SCI_RE.fullmatch(fold_width(span)):
            replacement = mask_scientific(detection.value)
            note = "科学计数法显示的身份证号整体替换 (scientific-notation ID replaced)"
        else:
            replacement = mask_value(span, detection.entity, self.detector.policy)
        if replacement == span:
            return None
        return Mask(detection.start, detection.end, replacement, rule_id, detection.entity, detection.kind, note)


def merge_overlaps(masks: list[Mask]) -> list[Mask]:
    """Sorted, non-overlapping masks; overlapping same-length masks are combined character-wise."""
    merged: list[Mask] = []
    for mask in sorted(masks, key=lambda m: (m.start, -m.end)):
        if not merged or mask.start >= merged[-1].end:
            merged.append(mask)
            continue
        previous = merged[-1]
        if previous.same_length and mask.same_length:
            merged[-1] = _combine(previous, mask)
        elif mask.end - mask.start > previous.end - previous.start:
            merged[-1] = mask
    return merged


def _combine(first: Mask, second: Mask) -> Mask:
    """Union of two same-length masks over one text: a position either hides stays hidden."""
    end = max(first.end, second.end)
    chars: list[str] = [""] * (end - first.start)
    for mask in (first, second):
        for i, char in enumerate(mask.replacement):
            slot = mask.start - first.start + i
            if not chars[slot] or char in (MASK, WIDE_MASK):
                chars[slot] = char
    return Mask(first.start, end, "".join(chars), first.rule_id, first.entity, first.kind, first.note)


def apply_masks(text: str, masks: Sequence[Mask]) -> str:
    """``text`` with every (sorted, non-overlapping) mask applied."""
    out: list[str] = []
    cursor = 0
    for mask in masks:
        out.append(text[cursor : mask.start])
        out.append(mask.replacement)
        cursor = mask.end
    out.append(text[cursor:])
    return "".join(out)


def apply_to_pieces(pieces: Sequence[str], masks: Sequence[Mask]) -> list[str]:
    """Masks over ``"".join(pieces)`` applied piece by piece (runs keep their boundaries).

    A same-length mask changes characters where they stand; a length-changing one
    (a scientific-notation ID) goes whole into the piece where it starts.
    """
    chars = [list(piece) for piece in pieces]
    slots: list[tuple[int, int]] = [(p, i) for p, piece in enumerate(pieces) for i in range(len(piece))]
    for mask in masks:
        if mask.same_length:
            for k, char in enumerate(mask.replacement):
                p, i = slots[mask.start + k]
                chars[p][i] = char
            continue
        for k in range(mask.start, mask.end):
            p, i = slots[k]
            chars[p][i] = mask.replacement if k == mask.start else ""
    return ["".join(piece) for piece in chars]

"""Span provider for names, detailed addresses and other identifiers (issue 3's recognizers).

The identifier detector finds IDs, phones and accounts; this provider adds what
the people scan finds, so that after ``fix`` no record still links a name to an
identifier (P131): other IDs are masked (P162), addresses are cut at 村/组
(P151), and names are masked when P132 is enabled (strict profile).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from auditor.checks.linkage import scan_people
from auditor.fix.masks import mask_address, mask_name
from auditor.fix.plan import ProvidedSpan, TextUnit
from auditor.model import Block, Document
from auditor.recognizers.otherid import mask_other_id
from auditor.workflow import signoff_spans

_UNIT = re.compile(r"\\u[0-9a-fA-F]{4}|.", re.S)


def _mask_units(raw: str, masker: Callable[[str], str]) -> str:
    """Mask a value that may be spelled with JSON ``\\uXXXX`` escapes, keeping it valid and same-length.

    The masker sees the decoded characters; a masked escaped character becomes ``\\u002a`` (``*``).
    """
    if "\\" not in raw:
        return masker(raw)
    units = _UNIT.findall(raw)
    decoded = "".join(chr(int(u[2:], 16)) if len(u) == 6 else u for u in units)
    masked = masker(decoded)
    out = []
    for unit, before, after in zip(units, decoded, masked, strict=True):
        out.append(unit if before == after else ("\\u002a" if len(unit) == 6 else after))
    return "".join(out)


class PeopleSpans:
    """Computes the people scan once per document and hands out each block's spans."""

    def __init__(self) -> None:
        self._document: Document | None = None
        self._spans: dict[int, list[ProvidedSpan]] = {}

    def __call__(self, unit: TextUnit, document: Document | None, block: Block | None) -> Iterable[ProvidedSpan]:
        if document is None or block is None:
            return ()
        if document is not self._document:
            self._document = document
            self._spans = self._collect(document)
        return self._spans.get(id(block), ())

    @staticmethod
    def _collect(document: Document) -> dict[int, list[ProvidedSpan]]:
        scan = scan_people(document, signoff_spans(document), want_sensitive=False)
        spans: dict[int, list[ProvidedSpan]] = defaultdict(list)
        for block, hit in scan.other_ids:
            masked = mask_other_id(block.text[hit.start : hit.end])
            spans[id(block)].append(ProvidedSpan(hit.start, hit.end, "OTHER_ID", "P162", masked))
        for block, start, end in scan.addresses:
            masked = _mask_units(block.text[start:end], mask_address)
            spans[id(block)].append(ProvidedSpan(start, end, "ADDRESS", "P151", masked))
        for person in scan.people:
            masked = _mask_units(person.block.text[person.start : person.end], mask_name)
            spans[id(person.block)].append(ProvidedSpan(person.start, person.end, "PERSON_NAME", "P132", masked))
        return spans

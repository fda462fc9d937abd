"""People rules: P131 name + identifier, P132 name exposed, P141 name + sensitive info,
P151 name + detailed address, and the P162 identifiers that are not resident-ID based.

Record-level rules emit one finding per named person in the record, located at
the name (SPEC §5). A record is a table row, list item or sentence (a JSON
object for JSON). Staff names in sign-off lines (``excluded``) and officials
named in their role are not privacy findings.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from auditor.findings import FindingMaker
from auditor.model import Block, Document, Finding, Position
from auditor.recognizers import otherid
from auditor.recognizers.address import AddressHit, cell_address, is_address_header, text_addresses
from auditor.recognizers.detect import Detection
from auditor.recognizers.names import NameMention, cell_names, header_kind, text_names
from auditor.recognizers.otherid import KIND_ZH, OtherIdHit, cell_other_ids, text_other_ids
from auditor.recognizers.segments import RecordKeys, segments
from auditor.recognizers.sensitive import (
    CATEGORY_ZH,
    SensitiveHit,
    cell_sensitive,
    header_category,
    text_sensitive,
)

PEOPLE_RULES = ("P131", "P132", "P141", "P151", "P162", "P161")
PEOPLE_SCAN_RULES = frozenset(PEOPLE_RULES[:5])  # P161 alone does not start a people scan
LINK_KINDS = frozenset(("exposed", "weak_mask", "invalid"))  # anything short of a compliant mask
ENTITY_ZH = {
    "CN_RESIDENT_ID": "身份证号码",
    "PHONE_NUMBER": "手机号码",
    "BANK_CARD": "银行账号",
    "OTHER_ID": "其他证件号码",
    "ADDRESS": "详细住址",
}
CELL_CACHE = 4096  # distinct cell values whose detector results a scan keeps
RULE_ENTITY = {"P131": "PERSON_NAME", "P132": "PERSON_NAME", "P141": "SENSITIVE_INFO", "P151": "ADDRESS"}


class Person(NamedTuple):
    """A name in a block (block offsets). A named tuple: one is made for every name of a document."""

    block: Block
    start: int
    end: int
    mention: NameMention
    position: Position | None = None  # where the name is, when working out its record located it


def _record(records: dict[tuple[Any, ...], Record], key: tuple[Any, ...]) -> Record:
    found = records.get(key)
    if found is None:
        found = records[key] = Record()
    return found


@dataclass(slots=True)
class Record:
    """What one record holds: its people and what is tied to them."""

    people: list[Person] = field(default_factory=list)
    links: set[str] = field(default_factory=set)
    sensitive: set[str] = field(default_factory=set)
    address: bool = False


@dataclass(slots=True)
class Scan:
    """Everything found in a document, before rules are applied."""

    people: list[Person] = field(default_factory=list)
    masked: list[Person] = field(default_factory=list)
    other_ids: list[tuple[Block, OtherIdHit]] = field(default_factory=list)
    addresses: list[tuple[Block, int, int]] = field(default_factory=list)  # detailed addresses, block offsets
    records: dict[tuple[Any, ...], Record] = field(default_factory=dict)
    keys: RecordKeys | None = None


def scan_people(
    document: Document,
    excluded: list[tuple[Block, int, int]] | None = None,
    want_sensitive: bool = True,
    want_address: bool = True,
    want_other: bool = True,
) -> Scan:
    """Names, sensitive info, detailed addresses and other identifiers, grouped by record."""
    keys = RecordKeys(document)
    scan = Scan(keys=keys)
    skip = _spans_by_block(excluded or [])
    plans: dict[str | None, Plan] = {}
    cells: dict[tuple[str, str], Hits] = {}  # columns repeat their values (备注: 新增, 残疾类别: 肢体二级 …)

    def plan_for(header: str | None) -> Plan:
        plan = plans.get(header)
        if plan is None:
            plan = plans[header] = _plan(header, want_sensitive, want_address, want_other)
        return plan

    def record(block: Block, offset: int) -> Record:
        return _record(scan.records, keys.key(block, offset))

    for seg in segments(document, lambda header: plan_for(header).active):
        if seg.header is None:
            hits = _detect(seg.text, None, plan_for(None))
        else:
            cached = cells.get((seg.header, seg.text))
            if cached is None:
                if len(cells) >= CELL_CACHE:
                    cells.clear()  # a streamed workbook of a million rows must not be held here
                cached = cells[(seg.header, seg.text)] = _detect(seg.text, seg.header, plan_for(seg.header))
            hits = cached
        block = seg.block
        for mention in hits.names:
            start, end = seg.to_block(mention.start), seg.to_block(mention.end - 1) + 1
            if mention.masked:
                scan.masked.append(Person(block, start, end, mention))
            elif not (skip and _overlaps(skip.get(id(block), ()), start, end)):
                key, position = keys.key_and_position(block, start, end)
                person = Person(block, start, end, mention, position)
                scan.people.append(person)
                _record(scan.records, key).people.append(person)
        for sensitive in hits.sensitive:
            record(block, seg.to_block(sensitive.start)).sensitive.add(sensitive.category)
        for address in hits.addresses:
            start, end = seg.to_block(address.start), seg.to_block(address.end - 1) + 1
            scan.addresses.append((block, start, end))
            found = record(block, start)
            found.address = True
            found.links.add("ADDRESS")
        for other in hits.other_ids:
            start, end = seg.to_block(other.start), seg.to_block(other.end - 1) + 1
            scan.other_ids.append((block, OtherIdHit(start, end, other.value, other.kind)))
            record(block, start).links.add("OTHER_ID")
    return scan


def check_people(
    document: Document,
    detections: list[tuple[Block, Detection]],
    make: FindingMaker,
    enabled: set[str],
    excluded: list[tuple[Block, int, int]],
) -> list[Finding]:
    """P131/P132/P141/P151 per named person and P162 for passports, permits, social-security numbers."""
    if enabled.isdisjoint(PEOPLE_SCAN_RULES):
        return []
    scan = scan_people(
        document,
        excluded,
        want_sensitive="P141" in enabled,
        want_address="P151" in enabled or "P131" in enabled,
        want_other=bool(enabled.intersection(("P131", "P162"))),
    )
    findings: list[Finding] = []
    seen: dict[str, int] = {}  # findings so far per rule and value: the n in a fingerprint's identity
    findings += _other_id_findings(scan, make, enabled, seen)
    if not scan.people:
        return findings
    if "P131" in enabled:
        _link_detections(scan, detections, scan.keys or RecordKeys(document))
    by_person = {id(p): r for r in scan.records.values() for p in r.people}
    rules: dict[int, list[tuple[str, str]]] = {}  # per record: every person in it gets the same rules
    for person in scan.people:
        record = by_person[id(person)]
        todo = rules.get(id(record))
        if todo is None:
            todo = rules[id(record)] = _record_rules(record, enabled)
        if todo:
            _person_findings(person, todo, make, seen, findings)
    return findings


def _link_detections(scan: Scan, detections: list[tuple[Block, Detection]], keys: RecordKeys) -> None:
    """Exposed IDs, phones and bank accounts join the record they sit in, if a named person is there."""
    records = scan.records
    for block, detection in detections:
        if detection.kind in LINK_KINDS and detection.entity in ENTITY_ZH:
            found = records.get(keys.key(block, detection.start))
            if found is not None:
                found.links.add(detection.entity)


def _record_rules(record: Record, enabled: set[str]) -> list[tuple[str, str]]:
    """(rule, detail) each named person of the record gets: P132 if selected, then the record-level rules."""
    todo: list[tuple[str, str]] = []
    if "P132" in enabled:
        todo.append(("P132", ""))
    if "P131" in enabled and record.links:
        todo.append(("P131", _links_detail(frozenset(record.links))))
    if "P141" in enabled and record.sensitive:
        todo.append(("P141", _sensitive_detail(frozenset(record.sensitive))))
    if "P151" in enabled and record.address:
        todo.append(("P151", "（住址精确到门牌号）"))
    return todo


@lru_cache(maxsize=64)
def _links_detail(links: frozenset[str]) -> str:
    """（同一记录中有身份证号码、手机号码）: a handful of combinations, worded once each."""
    return "（同一记录中有" + "、".join(ENTITY_ZH[k] for k in ENTITY_ZH if k in links) + "）"


@lru_cache(maxsize=256)
def _sensitive_detail(categories: frozenset[str]) -> str:
    return "（" + "、".join(CATEGORY_ZH[c] for c in sorted(categories)) + "）"


def _person_findings(
    person: Person, todo: list[tuple[str, str]], make: FindingMaker, seen: dict[str, int], out: list[Finding]
) -> None:
    """One finding per rule of the person's record, located at the name, added to ``out``."""
    position = person.position
    if position is None:
        position = person.block.locator.locate(person.start, person.end)
    evidence = person.mention.evidence
    for rule, detail in todo:
        key = f"{rule}:{person.mention.value}"
        seen[key] = count = seen.get(key, 0) + 1
        out.append(
            make.make(
                rule,
                position.location,
                identity=f"{key}#{count}",
                evidence=evidence,
                detail=detail,
                entity=RULE_ENTITY[rule],
            )
        )


def _other_id_findings(scan: Scan, make: FindingMaker, enabled: set[str], seen: dict[str, int]) -> list[Finding]:
    out: list[Finding] = []
    for block, hit in scan.other_ids:
        if "*" in hit.value:
            continue
        position = block.locator.locate(hit.start, hit.end)
        key = f"OTHER_ID:{hit.value.upper()}"
        seen[key] = count = seen.get(key, 0) + 1
        identity = f"{key}#{count}"
        for rule, detail in (("P162", f"（{KIND_ZH[hit.kind]}）"), ("P161", f"（{block.part or 'hidden'}）")):
            if rule in enabled and (rule == "P162" or block.hidden):
                out.append(
                    make.make(
                        rule,
                        position.location,
                        identity=identity,
                        evidence=hit.evidence,
                        detail=detail,
                        entity="OTHER_ID",
                    )
                )
    return out


@dataclass(frozen=True, slots=True)
class Plan:
    """Which detectors read the cells under one header (free text: ``header`` None), decided once.

    ``names`` is cell_names for a name column, text_names for free text and free-text columns;
    ``sensitive``/``address``/``other`` say whether the detector runs at all, and ``text`` whether
    a cell that is not a column value (empty sensitive cell, address without a number) is read as
    free text too (free-text columns such as 备注).
    """

    names: Callable[[str], list[NameMention]] | None
    sensitive: bool
    address: bool
    other: bool
    text: bool
    free: bool

    @property
    def active(self) -> bool:
        """Whether a cell under this header can give anything (most columns: no; skipped unread)."""
        return self.names is not None or self.sensitive or self.address or self.other


@lru_cache(maxsize=1024)
def _plan(header: str | None, want_sensitive: bool, want_address: bool, want_other: bool) -> Plan:
    if header is None:
        return Plan(text_names, want_sensitive, want_address, want_other, True, True)
    kind = header_kind(header)
    text = kind == "text"
    names = cell_names if kind == "name" else text_names if text else None
    return Plan(
        names,
        want_sensitive and (text or header_category(header) is not None),
        want_address and (text or is_address_header(header)),
        want_other and otherid.header_kind(header) is not None,
        text,
        False,
    )


class Hits(NamedTuple):
    """What the detectors find in one segment's text, at offsets in that text."""

    names: Sequence[NameMention]
    sensitive: Sequence[SensitiveHit]
    addresses: Sequence[AddressHit]
    other_ids: Sequence[OtherIdHit]


def _detect(text: str, header: str | None, plan: Plan) -> Hits:
    """Run the detectors the plan asks for (a pure function of the text and its header)."""
    return Hits(
        plan.names(text) if plan.names is not None else (),
        _sensitive(text, header, plan) if plan.sensitive else (),
        _addresses(text, header, plan) if plan.address else (),
        _other_ids(text, header) if plan.other else (),
    )


def _sensitive(text: str, header: str | None, plan: Plan) -> Sequence[SensitiveHit]:
    if not plan.free:
        hit = cell_sensitive(text, header)
        if hit is not None:
            return (hit,)
        if not plan.text:
            return ()
    return text_sensitive(text)


def _addresses(text: str, header: str | None, plan: Plan) -> Sequence[AddressHit]:
    if not plan.free:
        hit = cell_address(text, header)
        if hit is not None:
            return (hit,)
        if not plan.text:
            return ()
    return text_addresses(text)


def _other_ids(text: str, header: str | None) -> list[OtherIdHit]:
    if header is not None:
        return cell_other_ids(text, header)
    return text_other_ids(text)


def _spans_by_block(spans: list[tuple[Block, int, int]]) -> dict[int, list[tuple[int, int]]]:
    """Each block's spans, sorted and merged where they meet, for :func:`_overlaps`."""
    out: dict[int, list[tuple[int, int]]] = {}
    for block, start, end in spans:
        out.setdefault(id(block), []).append((start, end))
    return {key: _merged(found) for key, found in out.items()}


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with those that overlap or touch joined: disjoint, so their ends rise with their starts."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _overlaps(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) meets one of ``spans`` (from :func:`_merged`): the last span starting
    before ``end`` is the only candidate. A scan over every span was quadratic: a footer repeated
    20,000 times held 20,000 sign-off names, and each name the people check found was tested against all."""
    index = bisect_left(spans, (end,))
    return index > 0 and spans[index - 1][1] > start

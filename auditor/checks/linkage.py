"""People rules: P131 name + identifier, P132 name exposed, P141 name + sensitive info,
P151 name + detailed address, and the P162 identifiers that are not resident-ID based.

Record-level rules emit one finding per named person in the record, located at
the name (SPEC §5). A record is a table row, list item or sentence (a JSON
object for JSON). Staff names in sign-off lines (``excluded``) and officials
named in their role are not privacy findings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from auditor.findings import FindingMaker
from auditor.model import Block, Document, Finding
from auditor.recognizers import otherid
from auditor.recognizers.address import AddressHit, cell_address, is_address_header, text_addresses
from auditor.recognizers.detect import Detection
from auditor.recognizers.names import NameMention, cell_names, header_kind, text_names
from auditor.recognizers.otherid import KIND_ZH, OtherIdHit, cell_other_ids, text_other_ids
from auditor.recognizers.segments import RecordKeys, Segment, segments
from auditor.recognizers.sensitive import CATEGORY_ZH, cell_sensitive, header_category, text_sensitive

PEOPLE_RULES = ("P131", "P132", "P141", "P151", "P162", "P161")
LINK_KINDS = frozenset(("exposed", "weak_mask", "invalid"))  # anything short of a compliant mask
ENTITY_ZH = {
    "CN_RESIDENT_ID": "身份证号码",
    "PHONE_NUMBER": "手机号码",
    "BANK_CARD": "银行账号",
    "OTHER_ID": "其他证件号码",
    "ADDRESS": "详细住址",
}
RULE_ENTITY = {"P131": "PERSON_NAME", "P132": "PERSON_NAME", "P141": "SENSITIVE_INFO", "P151": "ADDRESS"}


@dataclass(slots=True)
class Person:
    block: Block
    start: int
    end: int
    mention: NameMention


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

    def record(block: Block, offset: int) -> Record:
        key = keys.key(block, offset)
        found = scan.records.get(key)
        if found is None:
            found = scan.records[key] = Record()
        return found

    for seg in segments(document, _interesting):
        for mention in _names(seg):
            start, end = seg.to_block(mention.start), seg.to_block(mention.end - 1) + 1
            person = Person(seg.block, start, end, mention)
            if mention.masked:
                scan.masked.append(person)
            elif not (skip and _overlaps(skip.get(id(seg.block), ()), start, end)):
                scan.people.append(person)
                record(seg.block, start).people.append(person)
        if want_sensitive:
            for category, offset in _sensitive(seg):
                record(seg.block, seg.to_block(offset)).sensitive.add(category)
        if want_address:
            for hit in _addresses(seg):
                start, end = seg.to_block(hit.start), seg.to_block(hit.end - 1) + 1
                scan.addresses.append((seg.block, start, end))
                found = record(seg.block, start)
                found.address = True
                found.links.add("ADDRESS")
        if want_other:
            for hit in _other_ids(seg):
                start, end = seg.to_block(hit.start), seg.to_block(hit.end - 1) + 1
                scan.other_ids.append((seg.block, OtherIdHit(start, end, hit.value, hit.kind)))
                record(seg.block, start).links.add("OTHER_ID")
    return scan


def check_people(
    document: Document,
    detections: list[tuple[Block, Detection]],
    make: FindingMaker,
    enabled: set[str],
    excluded: list[tuple[Block, int, int]],
) -> list[Finding]:
    """P131/P132/P141/P151 per named person and P162 for passports, permits, social-security numbers."""
    if not enabled.intersection(PEOPLE_RULES[:5]):
        return []
    scan = scan_people(
        document,
        excluded,
        want_sensitive="P141" in enabled,
        want_address="P151" in enabled or "P131" in enabled,
        want_other=bool(enabled.intersection(("P131", "P162"))),
    )
    findings: list[Finding] = []
    seen: Counter[str] = Counter()
    findings += _other_id_findings(scan, make, enabled, seen)
    if not scan.people:
        return findings
    keys = scan.keys or RecordKeys(document)
    if "P131" in enabled:
        for block, detection in detections:
            if detection.kind in LINK_KINDS and detection.entity in ENTITY_ZH:
                found = scan.records.get(keys.key(block, detection.start))
                if found is not None:
                    found.links.add(detection.entity)
    by_person = {id(p): r for r in scan.records.values() for p in r.people}
    for person in scan.people:
        findings += _person_findings(person, by_person[id(person)], make, enabled, seen)
    return findings


def _person_findings(
    person: Person, record: Record, make: FindingMaker, enabled: set[str], seen: Counter[str]
) -> list[Finding]:
    """The findings one named person gets: P132 if selected, then the record-level rules."""
    todo: list[tuple[str, str]] = []
    if "P132" in enabled:
        todo.append(("P132", ""))
    if "P131" in enabled and record.links:
        kinds = "、".join(ENTITY_ZH[k] for k in ENTITY_ZH if k in record.links)
        todo.append(("P131", f"（同一记录中有{kinds}）"))
    if "P141" in enabled and record.sensitive:
        todo.append(("P141", "（" + "、".join(CATEGORY_ZH[c] for c in sorted(record.sensitive)) + "）"))
    if "P151" in enabled and record.address:
        todo.append(("P151", "（住址精确到门牌号）"))
    if not todo:
        return []
    position = person.block.locator.locate(person.start, person.end)
    evidence = person.mention.evidence
    out: list[Finding] = []
    for rule, detail in todo:
        key = f"{rule}:{person.mention.value}"
        seen[key] += 1
        out.append(
            make.make(
                rule,
                position.location,
                identity=f"{key}#{seen[key]}",
                evidence=evidence,
                detail=detail,
                entity=RULE_ENTITY[rule],
                record=position.record,
            )
        )
    return out


def _other_id_findings(scan: Scan, make: FindingMaker, enabled: set[str], seen: Counter[str]) -> list[Finding]:
    out: list[Finding] = []
    for block, hit in scan.other_ids:
        if "*" in hit.value:
            continue
        position = block.locator.locate(hit.start, hit.end)
        key = f"OTHER_ID:{hit.value.upper()}"
        seen[key] += 1
        identity = f"{key}#{seen[key]}"
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
                        record=position.record,
                    )
                )
    return out


@lru_cache(maxsize=1024)
def _interesting(header: str | None) -> bool:
    """Whether any people detector reads cells under this header (most columns: no)."""
    return (
        header_kind(header) is not None
        or header_category(header) is not None
        or is_address_header(header)
        or otherid.header_kind(header) is not None
    )


def _names(seg: Segment) -> list[NameMention]:
    kind = header_kind(seg.header)
    if kind == "name":
        return cell_names(seg.text)
    if kind == "text" or (seg.free and kind is None):
        return text_names(seg.text)
    return []


def _sensitive(seg: Segment) -> list[tuple[str, int]]:
    if seg.header is not None and not seg.free:
        hit = cell_sensitive(seg.text, seg.header)
        if hit is not None:
            return [(hit.category, hit.start)]
        if header_kind(seg.header) != "text":
            return []
    return [(h.category, h.start) for h in text_sensitive(seg.text)]


def _addresses(seg: Segment) -> list[AddressHit]:
    if seg.header is not None and not seg.free:
        hit = cell_address(seg.text, seg.header)
        if hit is not None:
            return [hit]
        if header_kind(seg.header) != "text":
            return []
    return text_addresses(seg.text)


def _other_ids(seg: Segment) -> list[OtherIdHit]:
    if seg.header is not None and not seg.free:
        return cell_other_ids(seg.text, seg.header)
    return text_other_ids(seg.text)


def _spans_by_block(spans: list[tuple[Block, int, int]]) -> dict[int, list[tuple[int, int]]]:
    out: dict[int, list[tuple[int, int]]] = {}
    for block, start, end in spans:
        out.setdefault(id(block), []).append((start, end))
    return out


def _overlaps(spans: Any, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)

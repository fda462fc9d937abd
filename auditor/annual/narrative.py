"""Figures stated in the prose of a report, and the totals it breaks down.

Only phrasings that unambiguously restate a table figure become claims: a
count attributed to someone else (``…代表区政府受理…``) or introduced by
``其中`` is not the unit's total and is left alone. Text is read from joined,
full-width-folded paragraphs (see :mod:`auditor.annual.prose`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from auditor.annual.base import Ref
from auditor.annual.prose import Paragraph


@dataclass(slots=True, eq=False)
class Figure:
    value: Decimal
    text: str
    at: int  # offset in the paragraph
    ref: Ref


@dataclass(slots=True, eq=False)
class Breakdown:
    """``N 条（其中：a 条、b 条…）``: a stated total and its stated parts."""

    total: Figure
    unit: str
    items: list[tuple[str, Figure]]


@dataclass(slots=True, eq=False)
class Claim:
    """A statement about a table figure: ``target`` names the figure (see crosscheck)."""

    target: str
    figure: Figure
    phrase: str
    zero: bool = False
    breakdown: Breakdown | None = None


_N = r"(?P<n>\d+(?:\.\d+)?)"
_NOT_BREAK = r"[^。;,!?\n\d]"
_CLAUSE_END = "。;,!?\n"
_SENTENCE_END = "。;!?\n"

_RECEIVED = re.compile(
    r"(?:收到|受理|新收|接收|接到)" + _NOT_BREAK + r"{0,16}?申请(?!人)" + _NOT_BREAK + r"{0,6}?" + _N + r"\s*[件个宗]"
)
_DONE = re.compile(r"(?:答复|办结|办理完毕|处理完毕)(?:了|共|共计)?\s*" + _N + r"\s*件")
_CARRY_IN = re.compile(r"上一?年度?结转(?:的|来的)?(?:政府信息公开)?(?:申请)?(?:共)?\s*" + _N + r"\s*件")
_CARRY_OUT = (
    re.compile(_N + r"\s*件" + _NOT_BREAK + r"{0,6}?(?:结转|顺延|转入|转至)(?:到|至)?下一?年度"),
    re.compile(r"(?:结转|顺延)(?:到|至)?下一?年度(?:继续办理)?(?:的)?(?:申请)?(?:共)?\s*" + _N + r"\s*件"),
)
_NO_REQUEST = (
    re.compile(r"(?:未|没有|无)(?:收到|受理|接到|接收)[^。;,!?\n]{0,12}?申请(?!人)"),
    re.compile(r"(?:依申请公开|公开申请)(?:的)?(?:工作)?(?:情况|事项)?\s*:\s*无(?![\u4e00-\u9fff])"),
)
_CASE_COUNT = r"(?:共|共计)?\s*" + _N + r"\s*(?:件|起|宗|个)"
_REVIEW = re.compile(r"行政复议(?:案件|申请)?" + _CASE_COUNT)
_LITIGATION = re.compile(r"(?<!复议、)(?<!复议和)(?<!复议及)行政诉讼(?:案件)?" + _CASE_COUNT)
_NEGATION = r"(?:无(?![法正力需论偿关])|没有|未发生|未有|未收到|未产生|未出现|未发现)"
_NO_CASE = (
    re.compile(_NEGATION + r"[^。;,!?\n]{0,24}?行政(?:复议|诉讼)"),
    re.compile(r"行政(?:复议|诉讼)[^。;!?\n]{0,20}?(?:情况|事项)\s*:\s*无(?![\u4e00-\u9fff])"),
)
_CASE_QUALIFIERS = ("纠错", "纠正", "败诉", "撤销", "维持", "确认违法")
_A_NONE = re.compile(
    r"(?:无|没有|未)(?:新)?(?P<verb>制定|制发|出台|印发|发生|产生|作出|做出)?(?:新的|任何)?"
    r"(?P<objs>(?:(?:规章|(?:行政)?规范性文件|行政(?:许可|处罚|强制|事业性收费))"
    r"(?:事项|项目|决定|类|项)?(?:和|、|及|与|或|以及)?)+)(?![权职])"
)
_A_ISSUED = re.compile(
    r"(?<![未无没新])(?:制发|制定|出台|印发)(?:了)?"
    + _NOT_BREAK
    + r"{0,10}?(?P<obj>规章|规范性文件)(?:共)?\s*"
    + _N
    + r"\s*(?:件|部|个|份)"
)
_A_WORDS = (("规章", "A:规章:issued"), ("规范性文件", "A:行政规范性文件:issued"))
_A_SINGLE = (("许可", "A:行政许可"), ("处罚", "A:行政处罚"), ("强制", "A:行政强制"), ("事业性收费", "A:行政事业性收费"))
_ISSUING = ("制定", "制发", "出台", "印发")
_SUBORDINATE = ("代表", "其中", "另有", "此外", "分别")

_UNITS = "条件个项人次份期场篇宗起家"
_BREAKDOWN = re.compile(r"(?<![\d.])" + _N + r"\s*(?P<u>[" + _UNITS + r"])[\s,;:。]{0,2}(?P<open>\()?\s*其中\s*[:,]?")
_ITEM_SEPARATORS = " 、,;:"
_ITEM_JOINERS = ("其中", "以及", "和", "及")


def _bounds(text: str, at: int, ends: str) -> tuple[int, int]:
    start = max(text.rfind(ch, 0, at) for ch in ends) + 1
    stops = [i for ch in ends if (i := text.find(ch, at)) != -1]
    return start, min(stops) if stops else len(text)


def _figure(paragraph: Paragraph, match: re.Match[str]) -> Figure:
    start, end = match.span("n")
    return Figure(Decimal(match.group("n")), match.group("n"), start, paragraph.ref(start, end))


def _zero(paragraph: Paragraph, target: str, start: int, end: int) -> Claim:
    phrase = paragraph.text[start:end]
    return Claim(target, Figure(Decimal(0), phrase, start, paragraph.ref(start, end)), phrase, zero=True)


def _phrase(text: str, match: re.Match[str]) -> str:
    start, _ = _bounds(text, match.start(), _CLAUSE_END)
    return text[start : match.end()].strip()


def _request_claims(paragraph: Paragraph) -> list[Claim]:
    text = paragraph.text
    claims: list[Claim] = []
    for match in _RECEIVED.finditer(text):
        clause = text[_bounds(text, match.start(), _CLAUSE_END)[0] : match.end()]
        if not any(word in clause for word in _SUBORDINATE):
            claims.append(Claim("B:received", _figure(paragraph, match), _phrase(text, match)))
    for match in _DONE.finditer(text):
        start, end = _bounds(text, match.start(), _SENTENCE_END)
        clause = text[_bounds(text, match.start(), _CLAUSE_END)[0] : match.end()]
        if "申请" in text[start:end] and not any(word in clause for word in _SUBORDINATE):
            claims.append(Claim("B:done", _figure(paragraph, match), _phrase(text, match)))
    for match in _CARRY_IN.finditer(text):
        claims.append(Claim("B:carry_in", _figure(paragraph, match), match.group().strip()))
    for pattern in _CARRY_OUT:
        for match in pattern.finditer(text):
            claims.append(Claim("B:carry_out", _figure(paragraph, match), match.group().strip()))
    for pattern in _NO_REQUEST:
        for match in pattern.finditer(text):
            claims.append(_zero(paragraph, "B:received", match.start(), match.end()))
    return claims


def _case_claims(paragraph: Paragraph) -> list[Claim]:
    text = paragraph.text
    claims: list[Claim] = []
    for pattern, target in ((_REVIEW, "C:review"), (_LITIGATION, "C:litigation")):
        for match in pattern.finditer(text):
            claims.append(Claim(target, _figure(paragraph, match), _phrase(text, match)))
    for pattern in _NO_CASE:
        for match in pattern.finditer(text):
            clause_start, clause_end = _bounds(text, match.start(), _CLAUSE_END)
            clause = text[clause_start:clause_end]
            if any(word in clause for word in _CASE_QUALIFIERS):
                continue
            said = text[match.start() : max(match.end(), clause_end)]
            for word, target in (("复议", "C:review"), ("诉讼", "C:litigation")):
                if word in said:
                    claims.append(_zero(paragraph, target, match.start(), match.end()))
    return claims


def _table_a_claims(paragraph: Paragraph) -> list[Claim]:
    text = paragraph.text
    claims: list[Claim] = []
    for match in _A_NONE.finditer(text):
        objects, issuing = match.group("objs"), match.group("verb") in _ISSUING
        targets = [t for w, t in _A_WORDS if w in objects and issuing]
        targets += [t for w, t in _A_SINGLE if w in objects]
        claims += [_zero(paragraph, target, match.start(), match.end()) for target in targets]
    for match in _A_ISSUED.finditer(text):
        target = dict(_A_WORDS)[match.group("obj")]
        claims.append(Claim(target, _figure(paragraph, match), _phrase(text, match)))
    return claims


def _depths(segment: str) -> list[int]:
    depth, depths = 0, []
    for ch in segment:
        if ch == ")":
            depth -= 1
        depths.append(depth)
        if ch == "(":
            depth += 1
    return depths


def _item_label(text: str) -> str:
    label = text.strip(_ITEM_SEPARATORS)
    for joiner in _ITEM_JOINERS:
        if label.startswith(joiner):
            label = label[len(joiner) :].strip(_ITEM_SEPARATORS)
    return label


def breakdowns(paragraph: Paragraph) -> list[Breakdown]:
    """Every ``N 单位（其中…）`` with at least two parts in the same unit."""
    text = paragraph.text
    found: list[Breakdown] = []
    for match in _BREAKDOWN.finditer(text):
        unit, start = match.group("u"), match.end()
        end = start
        depth = 0
        while end < len(text):
            ch = text[end]
            if ch == "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and ch in _SENTENCE_END and not match.group("open"):
                break
            end += 1
        segment = text[start:end]
        depths = _depths(segment)
        items: list[tuple[str, Figure]] = []
        previous = 0
        for item in re.finditer(r"(?<![\d.])(\d+(?:\.\d+)?)\s*" + re.escape(unit), segment):
            if depths[item.start()] != 0:
                continue
            label = _item_label(segment[previous : item.start()])
            at = start + item.start(1)
            ref = paragraph.ref(at, start + item.end(1))
            items.append((label, Figure(Decimal(item.group(1)), item.group(1), at, ref)))
            previous = item.end()
        if len(items) >= 2:
            found.append(Breakdown(_figure(paragraph, match), unit, items))
    return found


def claims(paragraph: Paragraph, stated: list[Breakdown]) -> list[Claim]:
    """Table-figure claims of a paragraph, each linked to the breakdown (of ``stated``) of its figure."""
    found = _request_claims(paragraph) + _case_claims(paragraph) + _table_a_claims(paragraph)
    by_offset = {b.total.at: b for b in stated}
    unique: dict[tuple[str, int], Claim] = {}
    for claim in sorted(found, key=lambda c: c.figure.at):
        claim.breakdown = None if claim.zero else by_offset.get(claim.figure.at)
        unique.setdefault((claim.target, claim.figure.at), claim)
    return list(unique.values())

"""R304: prose against tables, and stated totals against their stated parts.

A claim is checked only against a table that was parsed; a breakdown whose
total restates a table figure is checked against the table (the more exact
test) and its plain sum is then not checked again. A breakdown that falls
short of its total may be a partial list, so it is a warning; one that
exceeds its total cannot be right and keeps the rule's severity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from auditor.annual.base import Problem
from auditor.annual.narrative import Breakdown, Claim
from auditor.annual.numbers import fmt
from auditor.annual.tables import B_TOTAL, C_PARTS, TableA, TableB, TableC


@dataclass(slots=True, eq=False)
class Tables:
    a: TableA | None
    b: TableB | None
    c: TableC | None


Lookup = Callable[[Tables], list[Decimal] | None]


def _b(key: str) -> Lookup:
    return lambda t: [t.b.value(key, B_TOTAL)] if t.b else None


def _a(name: str) -> Lookup:
    return lambda t: [t.a.rows[name][0].value] if t.a else None


def _received(t: Tables) -> list[Decimal] | None:
    if t.b is None:
        return None
    new = t.b.value("一", B_TOTAL)
    return [new, new + t.b.value("二", B_TOTAL)]


def _review_part(part: int) -> Lookup:
    return lambda t: [t.c.cell(0, part).value] if t.c else None


def _litigation_part(part: int) -> Lookup:
    return lambda t: [t.c.cell(1, part).value + t.c.cell(2, part).value] if t.c else None


# target -> (what the table calls the figure, how to read it)
TARGETS: dict[str, tuple[str, Lookup]] = {
    "B:received": ("申请情况表「一、本年新收政府信息公开申请数量」行的总计", _received),
    "B:done": ("申请情况表「（七）总计」行的总计", _b("(七)")),
    "B:carry_in": ("申请情况表「二、上年结转政府信息公开申请数量」行的总计", _b("二")),
    "B:carry_out": ("申请情况表「四、结转下年度继续办理」行的总计", _b("四")),
    "C:review": ("复议诉讼表「行政复议·总计」", _review_part(4)),
    "C:litigation": ("复议诉讼表两类「行政诉讼·总计」之和", _litigation_part(4)),
    "A:规章:issued": ("主动公开表「规章」行的本年制发件数", _a("规章")),
    "A:行政规范性文件:issued": ("主动公开表「行政规范性文件」行的本年制发件数", _a("行政规范性文件")),
    "A:行政许可": ("主动公开表「行政许可」行的本年处理决定数量", _a("行政许可")),
    "A:行政处罚": ("主动公开表「行政处罚」行的本年处理决定数量", _a("行政处罚")),
    "A:行政强制": ("主动公开表「行政强制」行的本年处理决定数量", _a("行政强制")),
    "A:行政事业性收费": ("主动公开表「行政事业性收费」行的本年收费金额", _a("行政事业性收费")),
}
_PART_WORDS = (("维持", 0), ("纠正", 1), ("其他", 2), ("审结", 3))


def _part_of(label: str) -> int | None:
    return next((index for word, index in _PART_WORDS if word in label), None)


def _values_text(values: list[Decimal]) -> str:
    if len(values) == 1 or values[0] == values[1]:
        return fmt(values[0])
    return f"{fmt(values[0])}（含上年结转为 {fmt(values[1])}）"


def _claim_problem(claim: Claim, tables: Tables, identity: str) -> Problem | None:
    name, lookup = TARGETS[claim.target]
    values = lookup(tables)
    if values is None or claim.figure.value in values:
        return None
    if claim.zero:
        detail = f"正文称「{claim.phrase}」，但{name}为 {_values_text(values)}"
    else:
        stated = fmt(claim.figure.value)
        detail = f"正文「{claim.phrase}」为 {stated}，{name}为 {_values_text(values)}（{stated} ≠ {fmt(values[0])}）"
    return Problem("R304", claim.figure.ref, detail, identity, claim.figure.text)


def _part_problems(claim: Claim, tables: Tables, identity: str) -> tuple[list[Problem], bool]:
    """Compare the parts of a 复议/诉讼 breakdown with the table; also say if all parts mapped."""
    if claim.breakdown is None or claim.target not in ("C:review", "C:litigation") or tables.c is None:
        return [], False
    problems: list[Problem] = []
    mapped = True
    for index, (label, figure) in enumerate(claim.breakdown.items):
        part = _part_of(label)
        if part is None:
            mapped = False
            continue
        lookup = _review_part(part) if claim.target == "C:review" else _litigation_part(part)
        value = lookup(tables)[0]  # type: ignore[index]
        if figure.value != value:
            group = "行政复议" if claim.target == "C:review" else "行政诉讼（两类之和）"
            detail = f"正文「{label} {figure.text}」与复议诉讼表{group}「{C_PARTS[part]}」{fmt(value)} 不一致"
            problems.append(Problem("R304", figure.ref, detail, f"{identity}:part{index}", figure.text))
    return problems, mapped


def _sum_problem(breakdown: Breakdown, identity: str) -> Problem | None:
    total = breakdown.total.value
    parts = [figure for _, figure in breakdown.items]
    added = sum((f.value for f in parts), Decimal(0))
    if added == total:
        return None
    terms = " + ".join(fmt(f.value) for f in parts)
    unit = breakdown.unit
    detail = f"正文所述总数 {fmt(total)}{unit} ≠ 其中各项之和 {terms} = {fmt(added)}{unit}"
    severity = "warning" if added < total else None
    if severity:
        detail += "（若所列并非全部分项，请补全或改用“包括”）"
    return Problem("R304", breakdown.total.ref, detail, identity, breakdown.total.text, severity)


def check_narrative(claims: list[Claim], breakdowns: list[Breakdown], tables: Tables) -> list[Problem]:
    problems: list[Problem] = []
    seen: Counter[str] = Counter()
    settled: set[int] = set()  # ids of breakdowns already judged against a table
    for claim in claims:
        seen[claim.target] += 1
        identity = f"N:{claim.target}:{seen[claim.target]}"
        problem = _claim_problem(claim, tables, identity)
        parts, mapped = _part_problems(claim, tables, identity)
        if claim.breakdown is not None and (problem is not None or mapped):
            settled.add(id(claim.breakdown))
        problems += [problem] if problem else parts
    count = 0
    for breakdown in breakdowns:
        count += 1
        if id(breakdown) in settled:
            continue
        problem = _sum_problem(breakdown, f"N:breakdown:{count}")
        if problem is not None:
            problems.append(problem)
    return problems

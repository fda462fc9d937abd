"""Arithmetic of tables 三 and 四 (勾稽关系): R302 balance, R303 totals.

Checks run on the applicant columns only. The 总计 column's vertical
relations follow from the applicant columns plus each row's total, so checking
them again would only repeat a finding already made; they are checked when
the table fills in nothing but 总计.
"""

from __future__ import annotations

from decimal import Decimal

from auditor.annual.base import Num, Problem
from auditor.annual.numbers import fmt
from auditor.annual.tables import B_COLUMNS, B_TOTAL, C_GROUPS, C_PARTS, TableB, TableC


def _short(name: str) -> str:
    """（三）3.危及“三安全一稳定” -> （三）3, for compact arithmetic."""
    return name.split(".", 1)[0]


def _sum_text(terms: list[tuple[str, Num]], skip_zero: bool = False) -> str:
    shown = [(label, num) for label, num in terms if not (skip_zero and num.value == 0)]
    total = sum((num.value for _, num in terms), Decimal(0))
    body = " + ".join(f"{label} {fmt(num.value)}" for label, num in shown) or "0"
    suffix = "（其余各项为 0）" if skip_zero and len(shown) < len(terms) else ""
    return f"{body} = {fmt(total)}{suffix}"


def _vertical_columns(table: TableB) -> list[int]:
    return [B_TOTAL] if table.totals_only else list(range(B_TOTAL))


def check_balance(table: TableB) -> list[Problem]:
    """R302: 本年新收 + 上年结转 = 办理结果总计 + 结转下年度, per applicant column."""
    problems: list[Problem] = []
    for col in _vertical_columns(table):
        new, old = table.rows["一"][col], table.rows["二"][col]
        done, carry = table.rows["(七)"][col], table.rows["四"][col]
        left, right = new.value + old.value, done.value + carry.value
        if left == right:
            continue
        detail = (
            f"{B_COLUMNS[col]}：本年新收 {fmt(new.value)} + 上年结转 {fmt(old.value)} ≠ "
            f"办理结果总计 {fmt(done.value)} + 结转下年度 {fmt(carry.value)}（{fmt(left)} ≠ {fmt(right)}）"
        )
        problems.append(Problem("R302", carry.ref, detail, f"B:balance:{B_COLUMNS[col]}", carry.text or "0"))
    return problems


def check_row_totals(table: TableB) -> list[Problem]:
    """R303: in every row of table 三, 总计 = the six applicant columns."""
    if table.totals_only:
        return []
    problems: list[Problem] = []
    for slot in table.slots:
        figures = table.rows[slot.key]
        total = figures[B_TOTAL]
        parts = [(B_COLUMNS[i], figures[i]) for i in range(B_TOTAL)]
        if total.value == sum((n.value for _, n in parts), Decimal(0)):
            continue
        detail = f"申请情况表「{slot.name}」行：总计 {fmt(total.value)} ≠ {_sum_text(parts)}"
        problems.append(Problem("R303", total.ref, detail, f"B:row:{slot.key}", total.text or "0"))
    return problems


def check_result_totals(table: TableB) -> list[Problem]:
    """R303: （七）总计 = （一）+（二）+ every sub-item of （三）…（六）, per column."""
    problems: list[Problem] = []
    results = table.result_slots
    for col in _vertical_columns(table):
        total = table.rows["(七)"][col]
        parts = [(_short(s.name), table.rows[s.key][col]) for s in results]
        if total.value == sum((n.value for _, n in parts), Decimal(0)):
            continue
        detail = f"申请情况表「{B_COLUMNS[col]}」列：（七）总计 {fmt(total.value)} ≠ {_sum_text(parts, skip_zero=True)}"
        problems.append(Problem("R303", total.ref, detail, f"B:results:{B_COLUMNS[col]}", total.text or "0"))
    return problems


def check_table_c(table: TableC) -> list[Problem]:
    """R303: in each group of table 四, 总计 = 维持 + 纠正 + 其他 + 尚未审结."""
    problems: list[Problem] = []
    for group, name in enumerate(C_GROUPS):
        total = table.cell(group, 4)
        parts = [(C_PARTS[i], table.cell(group, i)) for i in range(4)]
        if total.value == sum((n.value for _, n in parts), Decimal(0)):
            continue
        detail = f"复议诉讼表「{name}」：总计 {fmt(total.value)} ≠ {_sum_text(parts)}"
        problems.append(Problem("R303", total.ref, detail, f"C:{name}", total.text or "0"))
    return problems


def check_tables(table_b: TableB | None, table_c: TableC | None) -> list[Problem]:
    problems: list[Problem] = []
    if table_b is not None:
        problems += check_balance(table_b) + check_row_totals(table_b) + check_result_totals(table_b)
    if table_c is not None:
        problems += check_table_c(table_c)
    return problems

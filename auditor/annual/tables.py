"""Giving parsed rows their meaning in tables 二 (A), 三 (B) and 四 (C).

Rows are matched to the fixed row list of 国办公开办函〔2021〕30号 by words of
their labels, read together with the label-only lines just above them (labels
wrap, group labels stand apart). A row whose label says nothing is taken in
order; a row whose label names another item, a missing item, or a row whose
figures cannot be put in columns without guessing makes the table
:class:`Unparsed`: the checker then says so instead of checking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from auditor.annual.base import Num, Ref, Row

B_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
B_TOTAL = len(B_COLUMNS) - 1
C_GROUPS = ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")
C_PARTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

_SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    """Label text without any spaces or line breaks (labels are split at random)."""
    return _SPACES.sub("", text)


@dataclass(frozen=True, slots=True)
class Slot:
    key: str
    name: str
    words: tuple[str, ...]
    distinctive: bool = True  # may its words show that a row belongs elsewhere?

    def matches(self, context: str) -> bool:
        return any(word in context for word in self.words)


def _slot(key: str, name: str, *words: str, distinctive: bool = True) -> Slot:
    return Slot(key, name, words, distinctive)


B_HEAD = (
    _slot("一", "一、本年新收政府信息公开申请数量", "新收"),
    _slot("二", "二、上年结转政府信息公开申请数量", "上年结转", "上年度结转"),
    _slot("(一)", "（一）予以公开", "予以公开"),
    _slot("(二)", "（二）部分公开", "部分公开"),
    _slot("(三)1", "（三）1.属于国家秘密", "国家秘密"),
    _slot("(三)2", "（三）2.其他法律行政法规禁止公开", "其他法律", "禁止公开"),
    _slot("(三)3", "（三）3.危及“三安全一稳定”", "三安全", "一稳定"),
    _slot("(三)4", "（三）4.保护第三方合法权益", "第三方"),
    _slot("(三)5", "（三）5.属于三类内部事务信息", "内部事务"),
    _slot("(三)6", "（三）6.属于四类过程性信息", "过程性"),
    _slot("(三)7", "（三）7.属于行政执法案卷", "执法案卷"),
    _slot("(三)8", "（三）8.属于行政查询事项", "查询事项"),
    _slot("(四)1", "（四）1.本机关不掌握相关政府信息", "不掌握"),
    _slot("(四)2", "（四）2.没有现成信息需要另行制作", "现成信息", "另行制作"),
    _slot("(四)3", "（四）3.补正后申请内容仍不明确", "补正后", "仍不明确"),
    _slot("(五)1", "（五）1.信访举报投诉类申请", "信访", "举报投诉"),
    _slot("(五)2", "（五）2.重复申请", "重复申请"),
    _slot("(五)3", "（五）3.要求提供公开出版物", "出版物"),
    _slot("(五)4", "（五）4.无正当理由大量反复申请", "大量反复"),
    _slot("(五)5", "（五）5.要求行政机关确认或重新出具已获取信息", "确认或重新", "重新出具", "已获取信息"),
)
B_SIX_SINGLE = (_slot("(六)", "（六）其他处理", "其他处理"),)
B_SIX_SPLIT = (
    _slot("(六)1", "（六）1.申请人无正当理由逾期不补正", "逾期不补", "不补正"),
    _slot("(六)2", "（六）2.申请人逾期未按收费通知要求缴纳费用", "收费通知", "缴纳费用"),
    _slot("(六)3", "（六）3.其他", "其他", distinctive=False),
)
B_TAIL = (
    _slot("(七)", "（七）总计", "总计"),
    _slot("四", "四、结转下年度继续办理", "结转下年度", "下年度"),
)
B_ALL = B_HEAD + B_SIX_SINGLE + B_SIX_SPLIT + B_TAIL
B_RESULT_KEYS = tuple(s.key for s in B_HEAD[2:])  # (一)…(五)5; (六) added per table

A_ROWS = (
    ("规章", 3, "规章"),
    ("行政规范性文件", 3, "规范性文件"),
    ("行政许可", 1, "许可"),
    ("行政处罚", 1, "处罚"),
    ("行政强制", 1, "强制"),
    ("行政事业性收费", 1, "收费"),
)


@dataclass(slots=True, eq=False)
class Unparsed:
    """A table that could not be read without guessing, and why."""

    table: str
    reason: str
    ref: Ref | None


@dataclass(slots=True, eq=False)
class TableB:
    rows: dict[str, list[Num]]  # slot key -> seven figures in B_COLUMNS order
    slots: list[Slot]  # in table order
    totals_only: bool  # only the 总计 column is filled in

    @property
    def result_slots(self) -> list[Slot]:
        return [s for s in self.slots if s.key not in ("一", "二", "(七)", "四")]

    def value(self, key: str, col: int) -> Decimal:
        return self.rows[key][col].value


@dataclass(slots=True, eq=False)
class TableC:
    values: list[Num]  # fifteen figures: three groups of C_PARTS

    def cell(self, group: int, part: int) -> Num:
        return self.values[group * 5 + part]


@dataclass(slots=True, eq=False)
class TableA:
    rows: dict[str, list[Num]]  # A_ROWS name -> figures


def _blank(ref: Ref) -> Num:
    return Num(Decimal(0), True, "", ref)


def _learned_columns(rows: list[Row], width: int) -> dict[int, int] | None:
    """Grid column -> figure index, when every complete row uses the same columns."""
    layouts = {tuple(r.cols[-width:]) for r in rows if r.cols and len(r.values) >= width}
    if len(layouts) != 1:
        return None
    return {col: index for index, col in enumerate(next(iter(layouts)))}


def _header_columns(rows: list[Row], names: tuple[str, ...]) -> dict[int, int] | None:
    """Grid column -> figure index read from header cells whose text is a column name."""
    found: dict[str, int] = {}
    for row in rows:
        for text, col in row.label_cols or ():
            name = squash(text)
            if name in names and name not in found:
                found[name] = col
    if len(found) != len(names) or len(set(found.values())) != len(names):
        return None
    return {found[name]: index for index, name in enumerate(names)}


def _fit(row: Row, width: int, columns: dict[int, int] | None) -> list[Num] | None:
    """The row's figures in column order, or None when placing them would be a guess."""
    if not row.values:
        return [_blank(row.ref) for _ in range(width)]
    if columns and row.cols and len(row.cols) == len(row.values) and all(c in columns for c in row.cols):
        placed = [_blank(row.ref) for _ in range(width)]
        for col, num in zip(row.cols, row.values, strict=True):
            placed[columns[col]] = num
        return placed
    if len(row.values) == width:
        return row.values
    return None


def _assign_b(rows: list[Row]) -> tuple[list[tuple[Slot, Row]], list[Row]] | Unparsed:
    """Walk the rows and pair each row with figures to its slot of the row list."""
    template = list(B_HEAD)
    pairs: list[tuple[Slot, Row]] = []
    header: list[Row] = []
    context = ""
    width = len(B_COLUMNS)
    for row in rows:
        here = context + squash(row.label)
        own = squash(row.label)
        empty_grid_row = row.cols is not None and not row.values
        looks_six = empty_grid_row and any(s.matches(own) for s in (*B_SIX_SPLIT[:2], *B_SIX_SINGLE))
        if len(pairs) == len(template) == len(B_HEAD) and (row.has_number or len(row.values) == width or looks_six):
            # （六）其他处理 is one row in some reports, three sub-rows in others.
            split = any(s.matches(here) for s in B_SIX_SPLIT[:2])
            template += list(B_SIX_SPLIT if split else B_SIX_SINGLE) + list(B_TAIL)
        if len(pairs) == len(template) > len(B_HEAD):
            break
        slot = template[len(pairs)] if len(pairs) < len(template) else None
        is_data = slot is not None and (
            row.has_number
            or (len(row.values) == width and slot.matches(here))
            or (empty_grid_row and slot.matches(own))  # all cells empty; loaders may drop them
        )
        if slot is None or not is_data:
            context = here
            if not pairs:
                header.append(row)
            continue
        # The row's own label decides against the lines above it, which may hold a
        # repeated header or the label of a row printed without any figures.
        clash = [s for s in B_ALL if s is not slot and s.distinctive and s.matches(own)]
        if clash and not slot.matches(own):
            if not pairs:
                context = ""
                continue
            return Unparsed("B", f"申请情况表的这一行应为「{slot.name}」，标签却像「{clash[0].name}」", row.ref)
        if not slot.matches(here) and not pairs:
            context = ""  # figures before the table starts: not ours
            continue
        pairs.append((slot, row))
        context = ""
    if not pairs:
        return Unparsed("B", "未找到申请情况表（收到和处理政府信息公开申请情况）的数据行", None)
    if len(pairs) < len(template) or len(template) == len(B_HEAD):
        missing = template[len(pairs)].name if len(pairs) < len(template) else B_SIX_SINGLE[0].name
        return Unparsed("B", f"申请情况表缺少「{missing}」及其后的行", pairs[-1][1].ref)
    return pairs, header


def map_table_b(rows: list[Row]) -> TableB | Unparsed:
    """Table 三 from its rows: every row of the 2021 list, seven figures each."""
    assigned = _assign_b(rows)
    if isinstance(assigned, Unparsed):
        return assigned
    pairs, header = assigned
    width = len(B_COLUMNS)
    data_rows = [row for _, row in pairs]
    if all(len(row.values) == 1 for row in data_rows):  # layout text with only 总计 filled
        figures = {s.key: [_blank(r.ref)] * B_TOTAL + r.values for s, r in pairs}
        return TableB(figures, [s for s, _ in pairs], totals_only=True)
    columns = _learned_columns(data_rows, width)
    by_header = _header_columns(header, B_COLUMNS)
    if columns and by_header and set(by_header) == set(columns):
        columns = by_header
    figures = {}
    for slot, row in pairs:
        fitted = _fit(row, width, columns)
        if fitted is None:
            reason = f"「{slot.name}」行有 {len(row.values)} 个数字（应为 {width} 个），无法确定各自所在的列"
            return Unparsed("B", reason, row.ref)
        figures[slot.key] = fitted
    totals_only = all(v.blank for f in figures.values() for v in f[:B_TOTAL]) and any(
        not f[B_TOTAL].blank for f in figures.values()
    )
    return TableB(figures, [s for s, _ in pairs], totals_only)


def _figures_only_grid_row(row: Row, width: int) -> bool:
    """A grid row of nothing but figures in columns 1…width: empty cells are then blanks."""
    return bool(row.cols) and not row.label_cols and all(1 <= col <= width for col in row.cols or ())


def map_table_c(rows: list[Row]) -> TableC | Unparsed:
    """Table 四: the one row of fifteen figures (three groups of five)."""
    width = len(C_GROUPS) * len(C_PARTS)
    full = [row for row in rows if len(row.values) == width]
    if len(full) > 1:
        return Unparsed("C", "复议诉讼表有多行各含 15 个数字，无法确定哪一行是统计数据", full[1].ref)
    if full:
        return TableC(full[0].values)
    numbered = [row for row in rows if row.has_number]
    if len(numbered) == 1 and _figures_only_grid_row(numbered[0], width):
        return TableC(_fit(numbered[0], width, {col: col - 1 for col in range(1, width + 1)}) or [])
    if numbered:
        reason = f"复议诉讼表的数据行有 {len(numbered[0].values)} 个数字（应为 15 个），无法确定各自所在的列"
        return Unparsed("C", reason, numbered[0].ref)
    return Unparsed("C", "未找到复议诉讼表（行政复议、行政诉讼）的数据行", None)


def map_table_a(rows: list[Row]) -> TableA | Unparsed:
    """Table 二: the six rows of 第二十条 (规章 … 行政事业性收费) by their labels."""
    found: dict[str, list[Num]] = {}
    for row in rows:
        if not row.values and row.cols is None:
            continue  # a label line of page text; a grid row without figures is all blank
        label = squash(row.label)
        for name, width, word in A_ROWS:
            if word not in label or name in found:
                continue
            if not row.values:
                found[name] = [_blank(row.ref) for _ in range(width)]
                break
            if len(row.values) != width:
                reason = f"主动公开表「{name}」行有 {len(row.values)} 个数字（应为 {width} 个），无法确定各自所在的列"
                return Unparsed("A", reason, row.ref)
            found[name] = row.values
            break
    missing = [name for name, _, _ in A_ROWS if name not in found]
    if len(missing) == len(A_ROWS):
        return Unparsed("A", "未找到主动公开表（主动公开政府信息情况）的数据行", None)
    if missing:
        anchor = next((row.ref for row in rows if row.values), None)
        return Unparsed("A", f"主动公开表缺少「{'」「'.join(missing)}」行", anchor)
    return TableA(found)

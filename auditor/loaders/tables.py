"""Header detection shared by every table source (csv, xlsx, html).

Real lists put a title row (often merged across the columns) and sometimes a
blank row above the header; the header is the first row that looks like labels.
"""

from __future__ import annotations

import re

_NUMERIC = re.compile(r"^[\s\d.,+\-*%Xx×]*$")
_HEADER_WORDS = re.compile(
    r"姓名|序号|身份证|证件|电话|手机|账号|卡号|金额|地址|住址|户主|村|组|人数|类别|性别|年龄|备注|名称|标准|面积|项目|日期"
)
SCAN_ROWS = 12


def _is_label(cell: str) -> bool:
    return bool(cell.strip()) and _NUMERIC.match(cell) is None


def detect_header(rows: list[list[str]]) -> int | None:
    """Index of the header row among the first rows, or None if the table has no header."""
    head = rows[:SCAN_ROWS]
    widest = max((sum(1 for c in r if c.strip()) for r in head), default=0)
    if widest < 2:
        return None
    for index, row in enumerate(head):
        filled = [c for c in row if c.strip()]
        if len(filled) < max(2, (widest + 1) // 2):
            continue
        labels = sum(1 for c in filled if _is_label(c))
        if labels == len(filled) and (any(_HEADER_WORDS.search(c) for c in filled) or index + 1 < len(rows)):
            return index
    return None


def header_names(rows: list[list[str]], index: int | None) -> list[str | None]:
    """Column labels; a blank header cell borrows the label above it (merged two-level headers)."""
    if index is None:
        return []
    names: list[str | None] = []
    for col, cell in enumerate(rows[index]):
        label = cell.strip()
        if not label and index > 0 and col < len(rows[index - 1]):
            label = rows[index - 1][col].strip()
        names.append(" ".join(label.split()) or None)
    return names

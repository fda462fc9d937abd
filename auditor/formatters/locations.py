"""Human-readable locations (one place that knows how to say where a finding is)."""

from __future__ import annotations

from typing import Any


def describe(location: dict[str, Any]) -> str:
    """'工作表「低保」C5 身份证号码列' / '第3行第5列' — Chinese, for people."""
    parts: list[str] = []
    if "sheet" in location:
        parts.append(f"工作表「{location['sheet']}」{location.get('cell', '')}")
    if "page" in location:
        parts.append(f"第{location['page']}页")
    if "paragraph" in location:
        parts.append(f"第{location['paragraph']}段")
    if "table" in location and "sheet" not in location:
        parts.append(f"表{location['table']} 第{location.get('row', '?')}行第{location.get('col', '?')}列")
    elif "row" in location and "sheet" not in location:
        parts.append(f"第{location['row']}条记录")
    if "line" in location:
        parts.append(f"第{location['line']}行第{location.get('column', 1)}列")
    if location.get("field"):
        parts.append(f"「{location['field']}」列")
    if location.get("part"):
        parts.append(f"({location['part']})")
    return " ".join(parts) or "整个文件"


def short(location: dict[str, Any]) -> str:
    """path:line:column or path!sheet!cell — for terminals and logs."""
    path = location.get("path", "")
    if "sheet" in location:
        return f"{path}!{location['sheet']}!{location.get('cell', '')}"
    if "line" in location:
        return f"{path}:{location['line']}:{location.get('column', 1)}"
    if "table" in location:
        return f"{path}#table{location['table']}:r{location.get('row')}c{location.get('col')}"
    if "paragraph" in location:
        return f"{path}#p{location['paragraph']}"
    return path

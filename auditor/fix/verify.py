"""Independent check of a fix: compare original and fixed file, report anything but masking.

It does not reuse the planner: it diffs the two files and requires every
difference to be a value character turned into a mask character, at a place
the change log names. Used by the tests and by corpora/fix_check.py.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from typing import Any

from auditor.fix.changelog import Change
from auditor.fix.text import codec_for
from auditor.loaders.encoding import decode
from auditor.model import LineIndex
from auditor.normalize import fold_width

_VALUE = frozenset("0123456789Xx")
_MASKS = frozenset("*＊")


def masked_char(before: str, after: str) -> bool:
    """``after`` is ``before`` masked: a value character (digit, X, or the characters of a
    name or house number) became * (or full-width ＊); separators never change."""
    if after not in _MASKS or before in _MASKS or before.isspace():
        return False
    return fold_width(before) in _VALUE or not before.isascii() or before.isalpha()


def only_masked(before: str, after: str) -> bool:
    """Same length, and every difference is a value character masked."""
    return len(before) == len(after) and all(b == a or masked_char(b, a) for b, a in zip(before, after, strict=True))


def compare(fmt: str, original: bytes, fixed: bytes, changes: list[Change]) -> list[str]:
    """Problems found (empty when only logged values were masked)."""
    if fmt in ("txt", "md", "json", "html"):
        return compare_text(original, fixed, changes)
    if fmt in ("csv", "tsv"):
        return compare_text(original, fixed, changes) + compare_delimited(original, fixed, changes, fmt)
    if fmt == "xlsx":
        return compare_xlsx(original, fixed, changes)
    if fmt == "docx":
        return compare_docx(original, fixed)
    return [f"no comparison for {fmt}"]


# -- text --------------------------------------------------------------------


def compare_text(original: bytes, fixed: bytes, changes: list[Change]) -> list[str]:
    """Byte-exact outside the logged spans: same encoding and BOM, same line endings, masks only."""
    before, encoding = decode(original)
    after, encoding_after = decode(fixed)
    problems: list[str] = []
    if encoding != encoding_after:
        problems.append(f"encoding changed: {encoding} → {encoding_after}")
    bom, codec = codec_for(original, encoding)
    if bom + before.encode(codec) != original or bom + after.encode(codec) != fixed:
        problems.append("bytes are not the encoding of the text (BOM or encoding changed)")
    for ending in ("\r\n", "\r", "\n"):
        if before.count(ending) != after.count(ending):
            problems.append(f"line endings changed ({ending!r})")
    spans = _logged_spans(before, changes)
    if len(before) == len(after):
        for start, end, new in _same_length_differences(before, after):
            if not any(s <= start and end <= e for s, e in spans):
                problems.append(f"difference outside logged spans at offset {start}")
            elif not only_masked(before[start:end], new):
                problems.append(f"difference is not masking at offset {start}")
        return problems
    return problems + _aligned_problems(before, after, spans)


def _same_length_differences(before: str, after: str) -> Iterable[tuple[int, int, str]]:
    """(start, end, replacement) runs where two equally long texts differ."""
    start = None
    for i, (b, a) in enumerate(zip(before, after, strict=True)):
        if b != a and start is None:
            start = i
        elif b == a and start is not None:
            yield start, i, after[start:i]
            start = None
    if start is not None:
        yield start, len(before), after[start:]


def _aligned_problems(before: str, after: str, spans: list[tuple[int, int]]) -> list[str]:
    """Lengths differ (a quoted JSON number, a scientific-notation ID): align, then judge each span whole."""
    opcodes = SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    problems: list[str] = []
    touched: set[tuple[int, int]] = set()
    for tag, i1, i2, _, _ in opcodes:
        if tag == "equal":
            continue
        span = next(((s, e) for s, e in spans if s <= i1 and i2 <= e), None)
        if span is None:
            problems.append(f"difference outside logged spans at offset {i1}")
        else:
            touched.add(span)
    for s, e in sorted(touched):
        old, new = before[s:e], after[_map_start(opcodes, s) : _map_end(opcodes, e)]
        if not (only_masked(old, new) or _quoted_number(old, new) or _scientific(old, new)):
            problems.append(f"difference is not masking at offset {s}")
    return problems


def _map_start(opcodes: Sequence[tuple[str, int, int, int, int]], pos: int) -> int:
    for tag, i1, i2, j1, _ in opcodes:
        if i1 == pos:
            return j1
        if i1 < pos < i2:
            return j1 + pos - i1 if tag == "equal" else j1
    return opcodes[-1][4]


def _map_end(opcodes: Sequence[tuple[str, int, int, int, int]], pos: int) -> int:
    for tag, i1, i2, j1, j2 in reversed(opcodes):
        if i2 == pos:
            return j2
        if i1 < pos < i2:
            return j1 + pos - i1 if tag == "equal" else j2
    return 0


def _logged_spans(text: str, changes: list[Change]) -> list[tuple[int, int]]:
    """Character ranges of the logged changes in the original text."""
    lines = LineIndex(text)
    spans = []
    for change in changes:
        where = change.location
        if "line" in where:
            start = lines.line_start(where["line"]) + where["column"] - 1
            spans.append((start, lines.line_start(where["end_line"]) + where["end_column"]))
    return spans


def _quoted_number(old: str, new: str) -> bool:
    """A bare JSON number that became a masked string: the quotes are the only addition."""
    return len(new) >= 2 and new[0] == new[-1] == '"' and only_masked(old, new[1:-1])


def _scientific(old: str, new: str) -> bool:
    """A 5.32328E+17 form replaced whole by its region code and asterisks."""
    return "E+" in fold_width(old).upper() and len(new) == 18 and new[:6].isdigit() and set(new[6:]) == {"*"}


# -- csv / tsv -----------------------------------------------------------------


def compare_delimited(original: bytes, fixed: bytes, changes: list[Change], fmt: str) -> list[str]:
    """Cell by cell: same shape; a changed cell is masked and sits in a logged row."""
    delimiter = "\t" if fmt == "tsv" else ","
    before = list(csv.reader(io.StringIO(decode(original)[0], newline=""), delimiter=delimiter))
    after = list(csv.reader(io.StringIO(decode(fixed)[0], newline=""), delimiter=delimiter))
    problems: list[str] = []
    if [len(r) for r in before] != [len(r) for r in after]:
        return ["csv shape changed"]
    rows = {c.location.get("row") for c in changes}
    for r, (old_row, new_row) in enumerate(zip(before, after, strict=True), 1):
        for c, (old, new) in enumerate(zip(old_row, new_row, strict=True), 1):
            if old == new:
                continue
            if r not in rows:
                problems.append(f"csv cell row {r} col {c} changed but no change logged in that row")
            if not (only_masked(old, new) or _scientific(old, new)):
                problems.append(f"csv cell row {r} col {c} changed beyond masking")
    return problems


# -- xlsx --------------------------------------------------------------------

_STYLE_ATTRS = ("font", "fill", "border", "alignment", "protection", "number_format")


def compare_xlsx(original: bytes, fixed: bytes, changes: list[Change]) -> list[str]:
    """Cell by cell on every sheet: values differ only where logged; styles, merges, sizes equal."""
    from openpyxl import load_workbook

    a = load_workbook(io.BytesIO(original), rich_text=False)
    b = load_workbook(io.BytesIO(fixed), rich_text=False)
    problems: list[str] = []
    if a.sheetnames != b.sheetnames:
        return ["sheet names or order changed"]
    logged: dict[tuple[Any, Any], str] = {}
    for change in changes:
        key = (change.location.get("sheet"), change.location.get("cell"))
        logged[key] = logged.get(key, "") + change.note
    for name in a.sheetnames:
        x, y = a[name], b[name]
        problems += _sheet_layout(name, x, y)
        for row in x.iter_rows():
            for cell in row:
                where = f"{name}!{cell.coordinate}"
                problems += [
                    f"{where}: {p}"
                    for p in _compare_cell(cell, y[cell.coordinate], logged.get((name, cell.coordinate)))
                ]
    return problems


def _compare_cell(cell: Any, other: Any, note: str | None) -> list[str]:
    """One cell: same style; a value or comment differs only by masking, and only where logged."""
    from auditor.loaders.xlsx import cell_text

    problems = [f"{attr} changed" for attr in _STYLE_ATTRS if _style(cell, attr) != _style(other, attr)]
    comments = (cell.comment.text if cell.comment else "", other.comment.text if other.comment else "")
    if comments[0] != comments[1] and (note is None or not only_masked(*comments)):
        problems.append("comment changed beyond masking")
    old, new = cell.value, other.value
    if old == new:
        return problems
    if note is None:
        problems.append("value changed but not logged")
    elif not only_masked(old if isinstance(old, str) else cell_text(old), str(new)):
        problems.append("value changed beyond masking")
    elif not isinstance(old, str) and "number" not in note:
        problems.append("cell type changed without a log note")
    return problems


def _style(cell: Any, attr: str) -> str:
    """Style objects compared by their serialised parameters (openpyxl proxies do not compare)."""
    value = getattr(cell, attr)
    return value if isinstance(value, str) else repr(getattr(value, "_StyleProxy__target", value))


def _sheet_layout(name: str, x: Any, y: Any) -> list[str]:
    problems = []
    if x.sheet_state != y.sheet_state:
        problems.append(f"{name}: visibility changed")
    if {str(r) for r in x.merged_cells.ranges} != {str(r) for r in y.merged_cells.ranges}:
        problems.append(f"{name}: merged cells changed")
    if x.max_row != y.max_row or x.max_column != y.max_column:
        problems.append(f"{name}: dimensions changed")
    for key, dim in x.column_dimensions.items():
        twin = y.column_dimensions[key]
        if (dim.width, dim.hidden) != (twin.width, twin.hidden):
            problems.append(f"{name}: column {key} width/hidden changed")
    for key, dim in x.row_dimensions.items():
        twin = y.row_dimensions[key]
        if (dim.height, dim.hidden) != (twin.height, twin.hidden):
            problems.append(f"{name}: row {key} height/hidden changed")
    if x.freeze_panes != y.freeze_panes:
        problems.append(f"{name}: freeze panes changed")
    return problems


# -- docx --------------------------------------------------------------------


def compare_docx(original: bytes, fixed: bytes) -> list[str]:
    """Part by part: non-text parts byte-identical; XML parts equal element by element, run by run,
    except text nodes whose differences are masked characters."""
    from lxml import etree

    a, b = zipfile.ZipFile(io.BytesIO(original)), zipfile.ZipFile(io.BytesIO(fixed))
    if a.namelist() != b.namelist():
        return ["package parts changed"]
    problems: list[str] = []
    for name in a.namelist():
        x, y = a.read(name), b.read(name)
        if x == y:
            continue
        if not name.endswith(".xml"):
            problems.append(f"{name}: binary part changed")
            continue
        problems += [f"{name}: {p}" for p in _compare_xml(etree.fromstring(x), etree.fromstring(y))]
    return problems


def _compare_xml(x: Any, y: Any) -> list[str]:
    problems: list[str] = []
    left, right = list(x.iter()), list(y.iter())
    if len(left) != len(right):
        return ["element count changed"]
    for p, q in zip(left, right, strict=True):
        if p.tag != q.tag or dict(p.attrib) != dict(q.attrib):
            problems.append(f"element {p.tag} changed")
        elif (p.text or "") != (q.text or "") and not only_masked(p.text or "", q.text or ""):
            problems.append(f"text of {p.tag} changed beyond masking")
        elif (p.tail or "") != (q.tail or ""):
            problems.append(f"tail of {p.tag} changed")
    return problems

"""The annual-report check as one function over source lines and cells.

Any loader can feed it: text loaders give lines, HTML/DOCX loaders give cells
with (table, row, col) plus paragraph lines, a PDF loader gives layout lines.
"""

from __future__ import annotations

from itertools import groupby

from auditor.annual.arithmetic import check_tables
from auditor.annual.base import Problem, Ref, Row, SourceLine
from auditor.annual.crosscheck import Tables, check_narrative
from auditor.annual.narrative import Breakdown, Claim, breakdowns, claims
from auditor.annual.parse_flat import is_flat_line, rows_from_flat
from auditor.annual.parse_grid import is_markdown_row, rows_from_cells, rows_from_markdown
from auditor.annual.parse_layout import rows_from_layout
from auditor.annual.prose import paragraphs
from auditor.annual.sections import SECTIONS, find_headings, is_annual_report, table_regions
from auditor.annual.tables import TableA, TableB, TableC, Unparsed, map_table_a, map_table_b, map_table_c

_MARKERS = ("年度报告", "年报", "总体情况", "主动公开政府信息情况")
_TABLE_NAMES = {"A": 2, "B": 3, "C": 4}
PARSE_RULE = "R303"  # an unreadable table is reported as an info finding under this rule


def might_be_report(head: str) -> bool:
    """Cheap first test on the start of a document, before any parsing."""
    return "政府信息公开" in head and any(marker in head for marker in _MARKERS)


def _line_ref(line: SourceLine) -> Ref:
    """The words of a line, past indentation and Markdown marks (``## ``)."""
    start = len(line.text) - len(line.text.lstrip(" \t\u3000\ufeff\f#*>"))
    return Ref(line, start, max(len(line.text.rstrip()), start + 1))


def region_rows(lines: list[SourceLine]) -> list[Row]:
    """Rows of the tables in a region, by whichever layout the region is written in."""
    cells = [line for line in lines if line.cell is not None]
    if cells:
        rows: list[Row] = []
        for _, table in groupby(cells, key=lambda line: line.cell[0]):  # type: ignore[index]
            rows += rows_from_cells(list(table))
        return rows
    text = [line for line in lines if line.text.strip()]
    if not text:
        return []
    half = max(2, len(text) // 2)
    if sum(is_markdown_row(line.text) for line in text) >= half:
        return rows_from_markdown(text)
    if sum(is_flat_line(line.text) for line in text) >= half:
        return rows_from_flat(text)
    return rows_from_layout(text)


def missing_sections(lines: list[SourceLine], headings: dict[int, int]) -> list[Problem]:
    """R301, located where the section should have been: at the next heading (or the previous)."""
    problems: list[Problem] = []
    for spec in SECTIONS:
        if spec.number in headings:
            continue
        later = [n for n in headings if n > spec.number]
        if later:
            anchor = SECTIONS[min(later) - 1]
            where = f"（应在「{anchor.title}」之前）"
        else:
            anchor = SECTIONS[max(headings) - 1]
            where = f"（应在「{anchor.title}」之后）"
        detail = f"缺少「{spec.title}」部分{where}"
        ref = _line_ref(lines[headings[anchor.number]])
        problems.append(Problem("R301", ref, detail, f"section:{spec.number}", spec.title))
    return problems


def _unparsed(table: Unparsed, lines: list[SourceLine], headings: dict[int, int]) -> Problem | None:
    section = _TABLE_NAMES[table.table]
    ref = table.ref
    if ref is None:
        if section not in headings:
            return None  # R301 already says the section is missing
        ref = _line_ref(lines[headings[section]])
    detail = f"{table.reason}；该表的勾稽关系未能检查，请人工核对"
    return Problem(PARSE_RULE, ref, detail, f"parse:{table.table}", None, "info")


def _narrative_lines(
    lines: list[SourceLine], headings: dict[int, int], regions: dict[int, tuple[int, int]]
) -> list[SourceLine]:
    """Prose: lines outside the table sections, plus sentences (with 。) inside them."""
    in_table: set[int] = set()
    for start, end in regions.values():
        in_table.update(range(start, end))
    heading_lines = set(headings.values())
    chosen: list[SourceLine] = []
    for index, line in enumerate(lines):
        if line.cell is not None or index in heading_lines:
            continue
        if index in in_table and ("。" not in line.text or is_flat_line(line.text) or is_markdown_row(line.text)):
            continue
        chosen.append(line)
    return chosen


def analyse(lines: list[SourceLine]) -> list[Problem] | None:
    """All R30x problems of a report; None when the lines are not an annual report."""
    headings = find_headings(lines)
    if not is_annual_report(lines, headings):
        return None
    problems = missing_sections(lines, headings)
    regions = table_regions(headings, len(lines))
    parsed = {
        2: map_table_a(region_rows(lines[slice(*regions[2])])),
        3: map_table_b(region_rows(lines[slice(*regions[3])])),
        4: map_table_c(region_rows(lines[slice(*regions[4])])),
    }
    for table in parsed.values():
        if isinstance(table, Unparsed) and (problem := _unparsed(table, lines, headings)) is not None:
            problems.append(problem)
    table_a = parsed[2] if isinstance(parsed[2], TableA) else None
    table_b = parsed[3] if isinstance(parsed[3], TableB) else None
    table_c = parsed[4] if isinstance(parsed[4], TableC) else None
    problems += check_tables(table_b, table_c)
    all_claims: list[Claim] = []
    all_breakdowns: list[Breakdown] = []
    for paragraph in paragraphs(_narrative_lines(lines, headings, regions)):
        stated = breakdowns(paragraph)
        all_breakdowns += stated
        all_claims += claims(paragraph, stated)
    problems += check_narrative(all_claims, all_breakdowns, Tables(table_a, table_b, table_c))
    return problems

"""Sweep exports for spreadsheets and other tools: CSV (one row per finding) and JSON.

JSON is the SPEC §5 document (schema_version 1: files, findings, errors, summary)
with one extra top-level key, ``sweep``: the run, the per-unit roll-up, the
comparison with the previous sweep and the findings fixed since. Both are
streamed row by row, so a 100,000-file sweep exports in constant memory.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, TextIO

from auditor import __version__
from auditor.formatters.locations import describe
from auditor.sweep.store import FindingRow, Run, Store
from auditor.sweep.units import UnitMap, UnitStats, iter_findings, location_of, rollup

CSV_COLUMNS = [
    "单位 unit",
    "文件 path",
    "规则 rule_id",
    "规则名 rule_name",
    "类别 category",
    "级别 severity",
    "类型 entity",
    "位置 where",
    "工作表 sheet",
    "单元格 cell",
    "行 row",
    "字段 field",
    "行号 line",
    "列号 column",
    "页 page",
    "段 paragraph",
    "证据（已遮蔽）masked evidence",
    "说明 message",
    "变化 change",
    "指纹 fingerprint",
]
LOCATION_COLUMNS = ("sheet", "cell", "row", "field", "line", "column", "page", "paragraph")
CHANGE = {"new": "新增 new", "open": "仍存在 open", "fixed": "已整改 fixed", "": ""}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write_csv(out: TextIO, store: Store, run: Run, units: UnitMap, since_last: bool = False) -> int:
    """One row per finding (fixed ones too when compared); UTF-8 with BOM for Excel. Returns rows written."""
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    written = 0
    for unit, found in iter_findings(store, run, units, since_last):
        for row, change in found.rows:
            location = location_of(row)
            cells = [unit, found.path, row[1], row[2], row[3], row[4], row[5] or "", describe(location)]
            cells += [location.get(key, "") for key in LOCATION_COLUMNS]
            cells += [row[7] or "", row[6], CHANGE.get(change, change), row[0]]
            writer.writerow([_cell(c) for c in cells])
            written += 1
    return written


def _cell(value: object) -> object:
    """Spreadsheets run cells that start with = + - @ as formulas: quote them (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def finding_dict(row: FindingRow) -> dict[str, Any]:
    """A stored finding as the SPEC §5 finding object."""
    fingerprint, rule_id, rule_name, category, severity, entity, message, evidence, _ = row
    return {
        "rule_id": rule_id,
        "rule_name": rule_name,
        "category": category,
        "severity": severity,
        "message": message,
        "entity": entity,
        "evidence": evidence,
        "location": location_of(row),
        "fingerprint": fingerprint,
    }


def write_json(out: TextIO, store: Store, run: Run, units: UnitMap, since_last: bool = False) -> None:
    """The SPEC §5 document of the run plus ``sweep``; with ``since_last`` only new findings are listed."""
    out.write('{"schema_version":1,"tool":{"name":"auditor","version":' + dump(__version__) + '},"files":[')
    files = 0
    for file_row in store.run_files(run.id):
        out.write("," if files else "")
        item = {k: file_row[k] for k in ("path", "format", "sha256", "status", "error", "findings")}
        out.write(dump(item))
        files += 1
    out.write('],"findings":[')
    by_severity: dict[str, int] = {}
    by_rule: dict[str, int] = {}
    count = 0
    for _, found in iter_findings(store, run, units, since_last):
        for row, change in found.rows:
            if change == "fixed":
                continue
            out.write("," if count else "")
            out.write(dump(finding_dict(row)))
            by_severity[row[4]] = by_severity.get(row[4], 0) + 1
            by_rule[row[1]] = by_rule.get(row[1], 0) + 1
            count += 1
    out.write('],"errors":[')
    first = True
    for path, _kind, message in store.errors(run.id):
        out.write(("" if first else ",") + dump({"path": path, "message": message}))
        first = False
    summary = {"files": files, "findings": count, "by_severity": by_severity, "by_rule": dict(sorted(by_rule.items()))}
    out.write('],"summary":' + dump(summary) + ',"sweep":')
    _write_sweep(out, store, run, units, since_last)
    out.write("}\n")


def _write_sweep(out: TextIO, store: Store, run: Run, units: UnitMap, since_last: bool) -> None:
    report = rollup(store, run, units, worst_n=0)
    previous = report.previous
    head = {
        "run": {
            "id": run.id,
            "root": run.root,
            "root_name": Path(run.root).name,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "status": run.status,
            "ruleset": run.ruleset,
            "seconds": round(run.seconds, 3),
        },
        "previous_run": previous.id if previous else None,
        "since_last": since_last,
        "comparison": _comparison(report.total) if previous else None,
        "units": [_unit(u, previous is not None) for u in report.units],
    }
    text = dump(head)
    out.write(text[:-1] + ',"fixed":[')
    written = 0
    if previous is not None:
        for _, found in iter_findings(store, run, units, since_last=True):
            for row, change in found.rows:
                if change == "fixed":
                    out.write("," if written else "")
                    out.write(dump(finding_dict(row)))
                    written += 1
    out.write("]}")


def _comparison(unit: UnitStats) -> dict[str, int]:
    return {"new": unit.new, "fixed": unit.fixed, "still_open": unit.still_open, "removed_files": unit.removed_files}


def _unit(unit: UnitStats, compared: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "unit": unit.name,
        "files": unit.files,
        "files_affected": unit.files_affected,
        "unreadable": unit.unreadable,
        "findings": unit.findings,
        "by_severity": dict(sorted(unit.by_severity.items())),
        "by_rule": dict(sorted(unit.by_rule.items())),
    }
    if compared:
        data.update(_comparison(unit))
    return data


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

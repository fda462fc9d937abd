"""The change log: where each value was masked and its masked form — never the raw value.

Written as JSON (for tools) and CSV (for the people who publish), one row per
masked value, located with the same SPEC §5 keys a scan reports.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from auditor import __version__
from auditor.fix.plan import Mask
from auditor.model import LOCATION_KEYS

CSV_COLUMNS = ("path", "output", *LOCATION_KEYS[1:], "rule_id", "entity", "kind", "masked", "applied", "note")


@dataclass(slots=True)
class Change:
    """One masked value (or one that must be fixed by hand when ``applied`` is False)."""

    location: dict[str, Any]
    rule_id: str
    entity: str
    kind: str
    masked: str
    note: str = ""
    applied: bool = True

    @classmethod
    def of(cls, mask: Mask, location: dict[str, Any], note: str = "", applied: bool = True) -> Change:
        notes = "；".join(n for n in (mask.note, note) if n)
        return cls(dict(location), mask.rule_id, mask.entity, mask.kind, mask.replacement, notes, applied)

    def to_dict(self, path: str, output: str | None) -> dict[str, Any]:
        location = {"path": path, **{k: self.location[k] for k in LOCATION_KEYS[1:] if k in self.location}}
        return {
            "path": path,
            "output": output,
            "location": location,
            "rule_id": self.rule_id,
            "entity": self.entity,
            "kind": self.kind,
            "masked": self.masked,
            "applied": self.applied,
            "note": self.note,
        }


@dataclass(slots=True)
class FileOutcome:
    """What happened to one input file."""

    path: str  # display path: as given on the command line joined with the relative part
    format: str | None
    status: str  # fixed | unchanged | skipped | error | manual
    output: str | None = None
    message: str | None = None
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    backup: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "status": self.status,
            "output": self.output,
            "backup": self.backup,
            "message": self.message,
            "changes": sum(1 for c in self.changes if c.applied),
            "manual": sum(1 for c in self.changes if not c.applied),
            "warnings": self.warnings,
        }


def summary(outcomes: list[FileOutcome]) -> dict[str, Any]:
    by_status: dict[str, int] = {}
    by_rule: dict[str, int] = {}
    manual = 0
    for outcome in outcomes:
        by_status[outcome.status] = by_status.get(outcome.status, 0) + 1
        for change in outcome.changes:
            if change.applied:
                by_rule[change.rule_id] = by_rule.get(change.rule_id, 0) + 1
            else:
                manual += 1
    return {
        "files": len(outcomes),
        "by_status": dict(sorted(by_status.items())),
        "changes": sum(by_rule.values()),
        "manual": manual,
        "by_rule": dict(sorted(by_rule.items())),
    }


def to_json(outcomes: list[FileOutcome], dry_run: bool = False) -> str:
    document = {
        "schema_version": 1,
        "tool": {"name": "auditor", "version": __version__},
        "dry_run": dry_run,
        "files": [o.to_dict() for o in outcomes],
        "changes": [c.to_dict(o.path, o.output) for o in outcomes for c in o.changes],
        "summary": summary(outcomes),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_csv(outcomes: list[FileOutcome]) -> str:
    """UTF-8 with BOM so that Excel on a Chinese Windows opens it correctly."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for outcome in outcomes:
        for change in outcome.changes:
            row = {k: v for k, v in change.location.items() if k in CSV_COLUMNS}
            row.update(
                path=outcome.path,
                output=outcome.output or "",
                rule_id=change.rule_id,
                entity=change.entity,
                kind=change.kind,
                masked=change.masked,
                applied="yes" if change.applied else "no",
                note=change.note,
            )
            writer.writerow(row)
    return "\ufeff" + buffer.getvalue()

"""SPEC §5 JSON, schema version 1 (auditor/schemas/findings.schema.json)."""

from __future__ import annotations

import json

from auditor.model import Report
from auditor.rules import Rule


def render(report: Report, rules: dict[str, Rule]) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"

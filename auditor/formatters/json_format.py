"""SPEC §5 JSON, schema version 1 (auditor/schemas/findings.schema.json)."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.formatters.streaming import ITEMS, json_chunks_with_items
from auditor.model import Report
from auditor.rules import Rule


def render(report: Report, rules: dict[str, Rule]) -> str:
    return "".join(chunks(report, rules))


def chunks(report: Report, rules: dict[str, Rule]) -> Iterator[str]:
    """``report.to_dict()`` with its findings made one at a time, so they never all exist as dicts."""
    return json_chunks_with_items(report.to_dict(findings=ITEMS), (f.to_dict() for f in report.findings))

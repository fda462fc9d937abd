"""SPEC §5 JSON, schema version 1 (auditor/schemas/findings.schema.json)."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.formatters.streaming import json_chunks
from auditor.model import Report
from auditor.rules import Rule


def render(report: Report, rules: dict[str, Rule]) -> str:
    return "".join(chunks(report, rules))


def chunks(report: Report, rules: dict[str, Rule]) -> Iterator[str]:
    return json_chunks(report.to_dict())

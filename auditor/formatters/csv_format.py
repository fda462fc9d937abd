"""One row per finding, for spreadsheets (UTF-8 with BOM so Excel opens Chinese correctly)."""

from __future__ import annotations

import csv
import io

from auditor.model import LOCATION_KEYS, Report
from auditor.rules import Rule

# The location keys in SPEC §5's order, less where a value ends (a spreadsheet wants where to look).
COLUMNS = [
    "rule_id",
    "rule_name",
    "severity",
    "entity",
    *(key for key in LOCATION_KEYS if key not in ("end_line", "end_column")),
    "evidence",
    "message",
    "fingerprint",
]


def render(report: Report, rules: dict[str, Rule]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for finding in report.findings:
        data = finding.to_dict()
        location = data["location"]
        writer.writerow([location.get(c, data.get(c, "")) for c in COLUMNS])
    return out.getvalue()

"""R301–R304: consistency of a 政府信息公开工作年度报告 (format of 国办公开办函〔2021〕30号).

Runs on every scanned document, so the first test is a substring look at the
first 2000 characters; only reports are parsed. The work is done over lines
and cells by :mod:`auditor.annual.report`; this module turns its problems into
findings through the FindingMaker.
"""

from __future__ import annotations

from auditor.annual.report import analyse, might_be_report
from auditor.annual.source import document_lines, head_text
from auditor.findings import FindingMaker
from auditor.model import Document, Finding


def check_annual_report(document: Document, make: FindingMaker) -> list[Finding]:
    """Findings for an annual report; [] at once for any other document."""
    if not document.blocks or not might_be_report(head_text(document)):
        return []
    problems = analyse(document_lines(document))
    if not problems:
        return []
    findings: list[Finding] = []
    for problem in problems:
        if problem.rule_id not in make.rules:
            continue  # a catalogue without this rule (custom rules dir) turns it off
        position = problem.ref.position()
        findings.append(
            make.make(
                problem.rule_id,
                position.location,
                identity=problem.identity,
                evidence=problem.evidence,
                detail=problem.detail,
                severity=problem.severity,
            )
        )
    return findings

"""JUnit XML (the Ant/Jenkins dialect GitLab, Jenkins and Azure DevOps read) for CI dashboards.

One ``testsuite`` per file, one failing ``testcase`` per finding; a file without
findings is one passing test case, a file that could not be read is an
``error``, a skipped file a ``skipped`` case — so the dashboard counts files
checked, not only problems. Text is the masked message; never a raw value.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from auditor.formatters.locations import describe, short
from auditor.model import FileResult, Finding, Report
from auditor.rules import Rule

# Characters XML 1.0 cannot carry at all (control characters other than tab, LF, CR).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: object) -> str:
    return _INVALID_XML.sub("\ufffd", str(value))


def _case(suite: ET.Element, classname: str, name: str, line: object = None) -> ET.Element:
    attrs = {"classname": _text(classname), "name": _text(name), "file": _text(classname), "time": "0"}
    if isinstance(line, int):
        attrs["line"] = str(line)
    return ET.SubElement(suite, "testcase", attrs)


def _finding_case(suite: ET.Element, finding: Finding, rules: dict[str, Rule]) -> None:
    location = finding.location
    case = _case(suite, location.get("path", ""), f"{finding.rule_id} {short(location)}", location.get("line"))
    failure = ET.SubElement(
        case, "failure", {"type": _text(f"{finding.rule_id} {finding.severity}"), "message": _text(finding.message)}
    )
    rule = rules.get(finding.rule_id)
    body = [
        f"{finding.rule_id} {finding.rule_name} [{finding.severity}]",
        f"位置 (location): {describe(location)}",
        f"说明 (message): {finding.message}",
    ]
    if rule is not None:
        body.append(f"怎么改 (fix): {rule.fix['zh']}")
    body.append(f"fingerprint: {finding.fingerprint}")
    failure.text = _text("\n".join(body))


def _suite(parent: ET.Element, result: FileResult, rules: dict[str, Rule]) -> tuple[int, int, int, int]:
    """One file; returns (tests, failures, errors, skipped)."""
    suite = ET.SubElement(parent, "testsuite", {"name": _text(result.path)})
    failures = errors = skipped = 0
    if result.status == "error":
        case = _case(suite, result.path, "无法审计 (file could not be scanned)")
        ET.SubElement(case, "error", {"type": "E001", "message": _text(result.error or "")})
        errors = 1
    elif result.status == "skipped":
        case = _case(suite, result.path, "跳过 (skipped)")
        ET.SubElement(case, "skipped", {"message": _text(result.error or "")})
        skipped = 1
    for finding in result.findings:
        if finding.category == "input":
            continue  # the E001 finding is the <error> above
        _finding_case(suite, finding, rules)
        failures += 1
    if result.status == "scanned" and not failures:
        _case(suite, result.path, "未发现问题 (no findings)")
    tests = max(1, failures + errors + skipped)
    suite.attrib.update(tests=str(tests), failures=str(failures), errors=str(errors), skipped=str(skipped), time="0")
    return tests, failures, errors, skipped


def render(report: Report, rules: dict[str, Rule]) -> str:
    root = ET.Element("testsuites", {"name": "auditor"})
    totals = [0, 0, 0, 0]
    for result in report.files:
        for index, count in enumerate(_suite(root, result, rules)):
            totals[index] += count
    root.attrib.update(tests=str(totals[0]), failures=str(totals[1]), errors=str(totals[2]), time="0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

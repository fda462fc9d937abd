"""Evaluate the workflow checks on the labelled corpus, in-process.

For every planted document: was its code found, and did any *other* workflow code
fire (each document plants exactly one violation)? For every valid document: any
workflow finding is a false positive. Exit status 1 when anything is off.

    python corpora/workflow/evaluate_workflow.py [--corpus DIR] [--loader auto|builtin] [-v]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # run from a source checkout without installing

from auditor.findings import FindingMaker  # noqa: E402
from auditor.model import Finding  # noqa: E402
from auditor.rules import load_rules  # noqa: E402
from auditor.workflow import WorkflowSettings, check_workflow, is_sidecar  # noqa: E402
from auditor.workflow.textdoc import load_document, load_text_document  # noqa: E402

CODES = ("W201", "W202", "W203", "W204", "W205", "W206", "W207")


@dataclass
class Row:
    planted: int = 0
    found: int = 0
    extra: int = 0  # planted documents where another workflow code fired too
    missed: list[str] = field(default_factory=list)


@dataclass
class Result:
    rows: dict[str, Row]
    valid_docs: int
    valid_with_findings: list[tuple[str, list[str]]]
    unlabelled: list[str]
    details: list[str]

    @property
    def ok(self) -> bool:
        perfect = all(r.found == r.planted and r.extra == 0 for r in self.rows.values())
        return perfect and not self.valid_with_findings and not self.unlabelled


def run(corpus: Path, loader: str = "auto") -> Result:
    """Check every labelled document; ``loader`` picks the scanner's loaders or the built-in reader."""
    labels = [json.loads(line) for line in (corpus / "labels.jsonl").read_text(encoding="utf-8").splitlines() if line]
    docs_dir = corpus / "docs"
    rules = load_rules()
    load = load_document if loader == "auto" else load_text_document
    rows = {code: Row() for code in CODES}
    valid_docs, valid_bad, details = 0, [], []
    labelled = set()
    for label in labels:
        path = docs_dir / label["path"]
        labelled.add(label["path"])
        settings = WorkflowSettings.from_mapping(label.get("settings", {}))
        make = FindingMaker(rules=rules, path=label["path"])
        findings: list[Finding] = check_workflow(path, load(path), make, settings)
        codes = sorted({f.rule_id for f in findings})
        details.extend(f"{label['path']}: {f.rule_id} {f.message} {_where(f.location)}" for f in findings)
        if not label["expect"]:
            valid_docs += 1
            if findings:
                valid_bad.append((label["path"], codes))
            continue
        code = label["expect"][0]
        row = rows[code]
        row.planted += 1
        if code in codes:
            row.found += 1
        else:
            row.missed.append(f"{label['path']} ({label['note']}) -> {codes or 'nothing'}")
        if set(codes) - {code}:
            row.extra += 1
            row.missed.append(f"{label['path']}: unexpected {sorted(set(codes) - {code})}")
    files = {p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*") if p.is_file() and not is_sidecar(p)}
    return Result(rows, valid_docs, valid_bad, sorted(files - labelled), details)


def _where(location: dict[str, Any]) -> str:
    keys = [f"{k}={v}" for k, v in location.items() if k != "path"]
    return "[" + ", ".join(keys) + "]" if keys else "[document]"


def table(result: Result) -> str:
    lines = ["code   planted  found  missed  other-codes", "-----  -------  -----  ------  -----------"]
    for code, row in result.rows.items():
        lines.append(f"{code}   {row.planted:>7}  {row.found:>5}  {row.planted - row.found:>6}  {row.extra:>11}")
    total_p = sum(r.planted for r in result.rows.values())
    total_f = sum(r.found for r in result.rows.values())
    lines.append(f"total  {total_p:>7}  {total_f:>5}  {total_p - total_f:>6}")
    bad = len(result.valid_with_findings)
    lines.append(f"valid documents: {result.valid_docs}, with workflow findings: {bad}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=HERE, help="folder with labels.jsonl and docs/")
    parser.add_argument("--loader", choices=("auto", "builtin"), default="auto", help="auto: the scanner's loaders")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every finding")
    args = parser.parse_args()
    result = run(args.corpus, args.loader)
    print(table(result))
    for row in result.rows.values():
        for miss in row.missed:
            print("  MISS", miss)
    for path, codes in result.valid_with_findings:
        print("  FALSE POSITIVE", path, codes)
    for path in result.unlabelled:
        print("  UNLABELLED", path)
    if args.verbose:
        print("\n".join(result.details))
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

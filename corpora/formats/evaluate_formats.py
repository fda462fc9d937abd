"""Score the scanner on the DOCX / PDF / XLS / hidden-content XLSX corpus.

    python corpora/formats/evaluate_formats.py [--check]

Prints, per format, ID / phone / bank precision and recall (rules P101-P121)
and P161 recall on the planted hidden values, then every missed label and
every finding that matched no label (by path, location and rule — never by
value). Parsing of labels and findings comes from corpora/evaluate.py.

Locations in these formats have no column (a docx paragraph, a pdf line), so
matching is by multiset: within one file, a location and a rule, N labels are
matched by at most N findings. P161 is expected at every planted hidden value
labelled P101-P121; at other hidden values (a 残疾人证号 is P162, a name P131/P132 —
rules not scored here) it is allowed. Findings of rules other than P101-P121 and
P161 are not scored (corpora/evaluate.py scores names and record rules). The location key per format is
docx: part/paragraph/table/row/col; pdf: page/line; xls, xlsx: sheet/cell/part
(and field where there is no cell: defined names, properties). ``row`` and
``field`` are then compared as well and reported when they differ.

``--check`` exits 1 unless, in every format, ID recall ≥ 99.5 %, P161 recall is
100 %, and no finding sits where no label is (a finding in the wrong place).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SAMPLES = HERE / "samples"
FORMATS = ("docx", "pdf", "xls", "xlsx")
KEY_FIELDS = {
    "docx": ("part", "paragraph", "table", "row", "col"),
    "pdf": ("page", "line"),
    "xls": ("sheet", "cell", "part"),
    "xlsx": ("sheet", "cell", "part"),
}
ID_RECALL = 0.995
# Scored here: identifiers (names and record-level rules are scored by corpora/evaluate.py on corpora/samples).
SCORED = {
    "P101": "CN_RESIDENT_ID",
    "P102": "CN_RESIDENT_ID",
    "P103": "CN_RESIDENT_ID",
    "P111": "PHONE_NUMBER",
    "P112": "PHONE_NUMBER",
    "P121": "BANK_CARD",
}


def _load_evaluate() -> ModuleType:
    name = "corpus_evaluate"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "corpora" / "evaluate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


ev = _load_evaluate()


def key_of(path: str, loc: dict[str, Any]) -> tuple[Any, ...]:
    fmt = ev.format_of(path)
    keys = KEY_FIELDS.get(fmt, ("line", "column"))
    key = tuple(loc.get(k) for k in keys)
    if fmt in ("xls", "xlsx") and loc.get("cell") is None:
        key += (loc.get("field"),)
    return (path, *key)


@dataclass(slots=True)
class Result:
    """Counts per (format, group) plus the itemised problems."""

    labels: Counter[tuple[str, str]] = field(default_factory=Counter)
    findings: Counter[tuple[str, str]] = field(default_factory=Counter)
    matched: Counter[tuple[str, str]] = field(default_factory=Counter)
    missed: list[str] = field(default_factory=list)
    misplaced: list[str] = field(default_factory=list)
    detail: list[str] = field(default_factory=list)
    masked_reported: int = 0
    negatives_fired: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def recall(self, fmt: str, group: str) -> float | None:
        n = self.labels[(fmt, group)]
        return self.matched[(fmt, group)] / n if n else None

    def precision(self, fmt: str, group: str) -> float | None:
        n = self.findings[(fmt, group)]
        return self.matched[(fmt, group)] / n if n else None


def evaluate(samples: Path = SAMPLES, report: dict[str, Any] | None = None) -> Result:
    labels: list[Any] = []
    hidden: list[str | None] = []
    for line in (samples / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        first = ev.Label.from_dict(raw)
        for lab in getattr(first, "expanded", lambda first=first: [first])():
            labels.append(lab)
            hidden.append(raw.get("hidden"))
    if report is None:
        report = run_scanner(samples)
    result = Result(errors=list(report.get("errors", [])))
    # Expected: (path, key, rule) -> labels; P161 expected where a finding label is hidden.
    expected: dict[tuple[Any, ...], list[Any]] = {}
    context: dict[tuple[Any, ...], list[Any]] = {}
    allowed: set[tuple[Any, ...]] = set()  # hidden values another rule (P162) reports: P161 allowed, not scored
    for i, lab in enumerate(labels):
        key = key_of(lab.path, lab.location)
        context.setdefault(key, []).append(lab)
        scored = lab.expect == "finding" and lab.rule_id in SCORED
        if hidden[i]:
            allowed.add(key)
        if hidden[i] and scored:
            expected.setdefault((*key, "P161"), []).append(lab)
            result.labels[(lab.format, "P161")] += 1
        if not scored:
            continue
        expected.setdefault((*key, lab.rule_id), []).append(lab)
        result.labels[(lab.format, SCORED[lab.rule_id])] += 1
    for finding in report.get("findings", []):
        rule = finding.get("rule_id")
        if rule not in SCORED and rule != "P161":
            continue
        loc = dict(finding.get("location") or {})
        path = ev.relative(loc.pop("path", ""), samples)
        fmt = ev.format_of(path)
        group = "P161" if rule == "P161" else SCORED[rule]
        key = key_of(path, loc)
        if rule == "P161" and key in allowed and not expected.get((*key, rule)):
            continue  # P161 for a hidden value another rule reports (P162, P131 …): allowed, not scored
        result.findings[(fmt, group)] += 1
        pending = expected.get((*key, rule))
        where = f"{path} {_where(loc)} {rule}"
        if pending:
            lab = pending.pop(0)
            result.matched[(fmt, group)] += 1
            for extra in ("row", "field"):
                if extra in lab.location and loc.get(extra) != lab.location[extra]:
                    result.detail.append(f"{where}: {extra} {loc.get(extra)!r} != label {lab.location[extra]!r}")
            continue
        kinds = {lab.expect for lab in context.get(key, [])}
        if "masked" in kinds and rule != "P161":
            result.masked_reported += 1
        elif "negative" in kinds and rule != "P161":
            result.negatives_fired += 1
        result.misplaced.append(where + (f" (labels here: {sorted(kinds)})" if kinds else " (no label here)"))
    for (path, *rest), pending in expected.items():
        for lab in pending:
            result.missed.append(f"{path} {_where(lab.location)} {rest[-1]} {lab.kind}")
    return result


def _where(loc: dict[str, Any]) -> str:
    order = ("sheet", "cell", "page", "paragraph", "table", "row", "col", "line", "field", "part")
    return ", ".join(f"{k}={loc[k]}" for k in order if loc.get(k) is not None)


def run_scanner(samples: Path) -> dict[str, Any]:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from auditor.config import Config
    from auditor.engine import scan_paths

    targets = [str(p) for p in sorted(samples.iterdir()) if p.name != "labels.jsonl"]
    return scan_paths(targets, Config(select=["P1", "E"])).to_dict()


def failures(result: Result) -> list[str]:
    out = []
    for fmt in FORMATS:
        recall = result.recall(fmt, "CN_RESIDENT_ID")
        if recall is None or recall < ID_RECALL:
            out.append(f"{fmt}: ID recall {_pct(recall)} < {ID_RECALL:.1%}")
        hidden = result.recall(fmt, "P161")
        if hidden is not None and hidden < 1.0:
            out.append(f"{fmt}: P161 recall {_pct(hidden)} < 100%")
    if result.misplaced:
        out.append(f"{len(result.misplaced)} findings where no label expects them (wrong place or false positive)")
    if result.detail:
        out.append(f"{len(result.detail)} matched findings with a different row/field")
    if result.errors:
        out.append(f"{len(result.errors)} sample files could not be scanned")
    return out


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def print_result(result: Result, limit: int = 20) -> None:
    out = ev.Printer()
    rows = []
    for fmt in FORMATS:
        row: list[Any] = [fmt]
        for group in ("CN_RESIDENT_ID", "PHONE_NUMBER", "BANK_CARD"):
            row += [
                result.labels[(fmt, group)],
                _pct(result.precision(fmt, group)),
                _pct(result.recall(fmt, group)),
            ]
        row += [result.labels[(fmt, "P161")], _pct(result.recall(fmt, "P161"))]
        rows.append(row)
    headers = ["format"]
    for short in ("ID", "Phone", "Bank"):
        headers += [f"{short} n", f"{short} P", f"{short} R"]
    headers += ["P161 n", "P161 R"]
    out.table("Per format (rules P101-P121, P161 on planted hidden values)", headers, rows)
    out.line(f"Masked values reported: {result.masked_reported}; hard negatives fired: {result.negatives_fired}")
    out.line(f"Scan errors: {len(result.errors)}")
    for title, items in (
        ("missed", result.missed),
        ("findings in no labelled place", result.misplaced),
        ("row/field differ", result.detail),
    ):
        out.line(f"{title}: {len(items)}")
        for item in items[:limit]:
            out.line(f"  {item}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args(argv)
    result = evaluate(args.samples)
    print_result(result, args.limit)
    problems = failures(result)
    print("Targets: " + ("all met" if not problems else "; ".join(problems)))
    return 1 if args.check and problems else 0


if __name__ == "__main__":
    raise SystemExit(main())

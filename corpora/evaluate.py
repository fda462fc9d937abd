"""Score the scanner against the labelled sample corpus.

    python corpora/evaluate.py [--samples corpora/samples] [--check]

Runs the scanner in-process (falls back to the CLI when ``auditor.engine`` is not
importable), matches its P101-P121 findings to ``labels.jsonl`` and prints
precision/recall per entity, per format and per encoding, the masked values and
hard negatives that were reported, and every missed label and unmatched finding
by path, location and rule. Raw values are never printed: labels carry them for
debugging only, and findings are reported by location.

A finding matches a label when path and rule_id are equal and the location is
the same: ``line`` + ``column`` for text formats (txt, md, csv, tsv, json, html),
``sheet`` + ``cell`` for xlsx. ``--check`` exits 1 unless the SPEC §9 targets hold.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SAMPLES = ROOT / "corpora" / "samples"
RULE_ENTITY = {
    "P101": "CN_RESIDENT_ID",
    "P102": "CN_RESIDENT_ID",
    "P103": "CN_RESIDENT_ID",
    "P111": "PHONE_NUMBER",
    "P112": "PHONE_NUMBER",
    "P121": "BANK_CARD",
}
ENTITIES = ("CN_RESIDENT_ID", "PHONE_NUMBER", "BANK_CARD")
SHORT = {"CN_RESIDENT_ID": "ID", "PHONE_NUMBER": "Phone", "BANK_CARD": "Bank"}
SUFFIX_FORMAT = {".htm": "html", ".text": "txt", ".markdown": "md"}
# entity -> (minimum recall, minimum precision), SPEC §9.
TARGETS = {
    "CN_RESIDENT_ID": (1.0, 0.995),
    "PHONE_NUMBER": (0.99, 0.98),
    "BANK_CARD": (0.99, 0.98),
}


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


def location_key(path: str, fmt: str, loc: dict[str, Any]) -> tuple[Any, ...]:
    """The part of a location that identifies a value: line/column, or sheet/cell."""
    if fmt == "xlsx":
        return (path, loc.get("sheet"), loc.get("cell"))
    return (path, loc.get("line"), loc.get("column"))


def format_of(path: str) -> str:
    suffix = Path(path).suffix.lower()
    return SUFFIX_FORMAT.get(suffix, suffix.lstrip("."))


def where(fmt: str, loc: dict[str, Any]) -> str:
    """A location as a reviewer reads it, without any value."""
    if fmt == "xlsx":
        return f"{loc.get('sheet')}!{loc.get('cell')}"
    text = f"{loc.get('line')}:{loc.get('column')}"
    if "row" in loc:
        text += f" (row {loc['row']}, {loc.get('field')})"
    return text


@dataclass(frozen=True, slots=True)
class Label:
    """One labelled value. ``value`` is kept for debugging and never printed."""

    path: str
    format: str
    encoding: str | None
    entity: str
    rule_id: str | None
    expect: str
    kind: str
    location: dict[str, Any]
    value: str = field(default="", repr=False)

    @property
    def key(self) -> tuple[Any, ...]:
        return location_key(self.path, self.format, self.location)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Label:
        return cls(
            data["path"],
            data["format"],
            data.get("encoding"),
            data["entity"],
            data.get("rule_id"),
            data["expect"],
            data.get("kind", ""),
            data["location"],
            data.get("value", ""),
        )


@dataclass(frozen=True, slots=True)
class Hit:
    """One scanner finding in scope (P101-P121), with its path relative to the samples."""

    path: str
    rule_id: str
    location: dict[str, Any]

    @property
    def entity(self) -> str:
        return RULE_ENTITY[self.rule_id]

    @property
    def format(self) -> str:
        return format_of(self.path)

    @property
    def key(self) -> tuple[Any, ...]:
        return location_key(self.path, self.format, self.location)


@dataclass(slots=True)
class Score:
    labels: int = 0
    findings: int = 0
    matched: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.findings if self.findings else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.labels if self.labels else 1.0


@dataclass(slots=True, repr=False)
class Outcome:
    """Everything the tables and the check need, computed once by :func:`match`."""

    labels: list[Label]
    hits: list[Hit]
    matched: list[tuple[Label, Hit]] = field(default_factory=list)
    missed: list[Label] = field(default_factory=list)
    unmatched: list[tuple[Hit, str, Label | None]] = field(default_factory=list)
    other_rules: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    files: int = 0

    def __repr__(self) -> str:
        return (
            f"Outcome(labels={len(self.labels)}, findings={len(self.hits)}, matched={len(self.matched)}, "
            f"missed={len(self.missed)}, unmatched={len(self.unmatched)}, errors={len(self.errors)})"
        )

    def count(self, reason: str) -> int:
        return sum(1 for _, r, _ in self.unmatched if r == reason)

    @property
    def masked_reported(self) -> int:
        return self.count("masked")

    @property
    def negatives_fired(self) -> int:
        return self.count("negative")

    def file_attr(self) -> tuple[dict[str, str], dict[str, str]]:
        """Format and encoding per path, from the labels (xlsx has no text encoding)."""
        formats = {lab.path: lab.format for lab in self.labels}
        encodings = {lab.path: lab.encoding or "binary" for lab in self.labels}
        return formats, encodings

    def score(self, entity: str, keep: Callable[[str], bool] = lambda _: True) -> Score:
        """Precision/recall for one entity over the files ``keep`` accepts."""
        s = Score()
        s.labels = sum(1 for lab in self.labels if lab.expect == "finding" and lab.entity == entity and keep(lab.path))
        s.findings = sum(1 for h in self.hits if h.entity == entity and keep(h.path))
        s.matched = sum(1 for lab, h in self.matched if h.entity == entity and keep(h.path))
        return s


# ---------------------------------------------------------------------------
# Loading and matching
# ---------------------------------------------------------------------------


def load_labels(samples: Path) -> list[Label]:
    with (samples / "labels.jsonl").open(encoding="utf-8") as fh:
        return [Label.from_dict(json.loads(line)) for line in fh if line.strip()]


def relative(path: str, samples: Path) -> str:
    """A finding's path relative to the samples folder, forward slashes."""
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(samples))
    return rel.replace(os.sep, "/")


def hits_from_report(report: dict[str, Any], samples: Path) -> tuple[list[Hit], dict[str, int]]:
    """In-scope findings as hits; counts of the other rules for information."""
    hits: list[Hit] = []
    other: dict[str, int] = {}
    for finding in report.get("findings", []):
        rule = finding.get("rule_id")
        if rule not in RULE_ENTITY:
            other[rule] = other.get(rule, 0) + 1
            continue
        loc = dict(finding.get("location") or {})
        hits.append(Hit(relative(loc.pop("path", ""), samples), rule, loc))
    return hits, dict(sorted(other.items()))


def match(labels: Sequence[Label], hits: Sequence[Hit]) -> Outcome:
    """Pair each finding with the label at its location, one finding per label."""
    outcome = Outcome(list(labels), list(hits))
    index = {lab.key: lab for lab in labels}
    used: set[tuple[Any, ...]] = set()
    for hit in sorted(hits, key=lambda h: (h.key[0], str(h.key[1:]), h.rule_id)):
        label = index.get(hit.key)
        if label is None:
            outcome.unmatched.append((hit, "unlabelled", None))
        elif label.expect != "finding":
            outcome.unmatched.append((hit, label.expect, label))
        elif label.rule_id != hit.rule_id:
            outcome.unmatched.append((hit, "wrong-rule", label))
        elif label.key in used:
            outcome.unmatched.append((hit, "duplicate", label))
        else:
            used.add(label.key)
            outcome.matched.append((label, hit))
    outcome.missed = [lab for lab in labels if lab.expect == "finding" and lab.key not in used]
    return outcome


def detail_mismatches(outcome: Outcome) -> list[tuple[Label, Hit]]:
    """Matched findings whose row or field differ from the label (csv, tsv, xlsx)."""
    bad = []
    for label, hit in outcome.matched:
        for key in ("row", "field"):
            if key in label.location and hit.location.get(key) != label.location[key]:
                bad.append((label, hit))
                break
    return bad


def near_label(hit: Hit, missed: Iterable[Label]) -> Label | None:
    """A missed label of the same rule on the same line/row: a location-convention slip."""
    for label in missed:
        if label.path != hit.path or label.rule_id != hit.rule_id:
            continue
        if label.format == "xlsx":
            same = label.location.get("sheet") == hit.location.get("sheet") and label.location.get(
                "row"
            ) == hit.location.get("row")
        else:
            same = label.location.get("line") == hit.location.get("line")
        if same:
            return label
    return None


# ---------------------------------------------------------------------------
# Running the scanner
# ---------------------------------------------------------------------------


def scan_targets(samples: Path) -> list[str]:
    """Everything in the samples folder except labels.jsonl, which holds raw values."""
    return [str(p) for p in sorted(samples.iterdir()) if p.name != "labels.jsonl"]


def run_scanner(samples: Path, force_cli: bool = False) -> dict[str, Any]:
    """SPEC §5 JSON of a scan of the samples: in-process if possible, else the CLI."""
    if not force_cli:
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        try:
            from auditor.engine import scan_paths
        except ImportError:
            pass
        else:
            return scan_paths(scan_targets(samples), config=None).to_dict()
    return run_cli(samples)


def run_cli(samples: Path) -> dict[str, Any]:
    """``python -m auditor scan`` into a temporary JSON file (exit 1 and 2 still write it)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "auditor", "scan", *scan_targets(samples.resolve())]
        cmd += ["--format", "json", "--output", str(out), "--select", "P1,E"]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        if not out.exists():
            raise RuntimeError(f"scanner wrote no report (exit {proc.returncode}): {proc.stderr[-2000:]}")
        return json.loads(out.read_text(encoding="utf-8"))


def evaluate(samples: Path = DEFAULT_SAMPLES, report: dict[str, Any] | None = None, force_cli: bool = False) -> Outcome:
    """Scan (unless a report is given) and match against the labels."""
    labels = load_labels(samples)
    if report is None:
        report = run_scanner(samples, force_cli)
    hits, other = hits_from_report(report, samples)
    outcome = match(labels, hits)
    outcome.other_rules = other
    outcome.errors = [
        {"path": relative(e.get("path", ""), samples), "message": e.get("message", "")}
        for e in report.get("errors", [])
    ]
    outcome.files = len(report.get("files", []))
    return outcome


def check_targets(outcome: Outcome) -> list[str]:
    """Failed targets as sentences; empty when SPEC §9 holds on this corpus."""
    failures = []
    for entity, (min_recall, min_precision) in TARGETS.items():
        s = outcome.score(entity)
        if s.recall < min_recall:
            failures.append(f"{entity} recall {pct(s.recall)} < {pct(min_recall)} ({s.labels - s.matched} missed)")
        if s.precision < min_precision:
            failures.append(
                f"{entity} precision {pct(s.precision)} < {pct(min_precision)} ({s.findings - s.matched} unmatched)"
            )
    if outcome.masked_reported:
        failures.append(f"{outcome.masked_reported} masked (compliant) values reported as findings")
    if outcome.errors:
        failures.append(f"{len(outcome.errors)} sample files could not be scanned")
    return failures


# ---------------------------------------------------------------------------
# Printing
# ---------------------------------------------------------------------------


def pct(x: float) -> str:
    return f"{100 * x:.1f}%" if x < 1 else "100%"


def cell(s: Score) -> tuple[str, str]:
    """Precision and recall cells; n/a where nothing was expected and nothing found."""
    p = pct(s.precision) if s.findings else "n/a"
    r = pct(s.recall) if s.labels else "n/a"
    return p, r


class Printer:
    """Tables through rich when available, plain aligned text otherwise."""

    def __init__(self) -> None:
        try:
            from rich.console import Console

            width = None if sys.stdout.isatty() else 140
            self.console: Any = Console(highlight=False, width=width)
        except ImportError:  # pragma: no cover - rich is a dependency
            self.console = None

    def table(self, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if self.console is not None:
            from rich.table import Table

            t = Table(title=title, title_justify="left")
            for i, h in enumerate(headers):
                t.add_column(h, justify="left" if i == 0 else "right")
            for row in rows:
                t.add_row(*(str(c) for c in row))
            self.console.print(t)
            return
        widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]
        print(title)
        for row in [headers, *rows]:
            print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
        print()

    def line(self, text: str = "") -> None:
        if self.console is not None:
            self.console.print(text, markup=False)
        else:
            print(text)


def print_scores(out: Printer, outcome: Outcome) -> None:
    """Overall, per-rule, per-format and per-encoding precision/recall."""
    rows = []
    for entity in ENTITIES:
        s = outcome.score(entity)
        p, r = cell(s)
        min_r, min_p = TARGETS[entity]
        ok = s.recall >= min_r and s.precision >= min_p
        rows.append(
            [entity, s.labels, s.findings, s.matched, p, r, f"R≥{pct(min_r)} P≥{pct(min_p)}", "ok" if ok else "FAIL"]
        )
    out.table(
        "Overall (rules P101-P121)",
        ["entity", "labels", "findings", "matched", "precision", "recall", "target", ""],
        rows,
    )

    rule_rows = []
    for rule in RULE_ENTITY:
        labels = sum(1 for lab in outcome.labels if lab.rule_id == rule and lab.expect == "finding")
        found = sum(1 for lab, _ in outcome.matched if lab.rule_id == rule)
        findings = sum(1 for h in outcome.hits if h.rule_id == rule)
        rule_rows.append([rule, labels, findings, found, pct(found / labels) if labels else "n/a"])
    out.table("Per rule", ["rule", "labels", "findings", "matched", "recall"], rule_rows)

    formats, encodings = outcome.file_attr()
    for title, attr in (("format", formats), ("encoding", encodings)):
        groups = sorted(set(attr.values()))
        rows = []
        for group in groups:
            keep = lambda path, g=group, a=attr: a.get(path, format_of(path) if a is formats else "?") == g  # noqa: E731
            row: list[Any] = [group, sum(1 for lab in outcome.labels if keep(lab.path) and lab.expect == "finding")]
            for entity in ENTITIES:
                row += cell(outcome.score(entity, keep))
            rows.append(row)
        headers = [title, "labels"] + [f"{SHORT[e]} {m}" for e in ENTITIES for m in ("P", "R")]
        out.table(f"Per {title}", headers, rows)


def print_problems(out: Printer, outcome: Outcome, limit: int) -> None:
    """Compliance counts, then missed labels and unmatched findings grouped by category."""
    out.line(f"Files scanned: {outcome.files}; scan errors: {len(outcome.errors)}")
    out.line(f"Masked (compliant) values reported as exposed: {outcome.masked_reported}")
    out.line(f"Hard negatives that fired: {outcome.negatives_fired}")
    if outcome.other_rules:
        out.line("Other rules (not scored): " + ", ".join(f"{k}={v}" for k, v in outcome.other_rules.items()))
    for error in outcome.errors[:limit]:
        out.line(f"  scan error: {error['path']}: {error['message']}")

    groups: dict[str, list[str]] = {}
    for label in outcome.missed:
        groups.setdefault(f"missed {label.rule_id} {label.kind}", []).append(
            f"{label.path} {where(label.format, label.location)}"
        )
    for hit, reason, label in outcome.unmatched:
        detail = f"{hit.path} {where(hit.format, hit.location)}"
        if reason == "unlabelled":
            near = near_label(hit, outcome.missed)
            if near is not None:
                reason = "near-miss"
                detail += f" (label at {where(near.format, near.location)})"
        kind = f" on {label.kind}" if label else ""
        expected = f" (label {label.rule_id})" if reason == "wrong-rule" and label else ""
        groups.setdefault(f"unmatched {hit.rule_id} {reason}{kind}{expected}", []).append(detail)
    mismatches = detail_mismatches(outcome)
    for label, hit in mismatches:
        groups.setdefault(f"row/field differ {hit.rule_id}", []).append(
            f"{label.path} {where(label.format, label.location)}: scanner row={hit.location.get('row')} "
            f"field={hit.location.get('field')}"
        )
    if not groups:
        out.line("No missed labels and no unmatched findings.")
        return
    rows = [[name, len(items)] for name, items in sorted(groups.items())]
    out.table("Problems by category", ["category", "count"], rows)
    for name, items in sorted(groups.items()):
        out.line(f"{name} ({len(items)}):")
        for item in items[:limit]:
            out.line(f"  {item}")
        if len(items) > limit:
            out.line(f"  … {len(items) - limit} more")


def metrics(outcome: Outcome) -> dict[str, Any]:
    """Machine-readable summary (for CI artefacts); no raw values."""
    return {
        "entities": {
            e: {
                "labels": s.labels,
                "findings": s.findings,
                "matched": s.matched,
                "precision": s.precision,
                "recall": s.recall,
            }
            for e in ENTITIES
            for s in [outcome.score(e)]
        },
        "masked_reported": outcome.masked_reported,
        "negatives_fired": outcome.negatives_fired,
        "missed": len(outcome.missed),
        "unmatched": len(outcome.unmatched),
        "scan_errors": len(outcome.errors),
        "failures": check_targets(outcome),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the scanner against the labelled samples.")
    parser.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES)
    parser.add_argument("--check", action="store_true", help="exit 1 unless the SPEC §9 targets hold")
    parser.add_argument("--report", type=Path, help="score an existing JSON report instead of scanning")
    parser.add_argument("--cli", action="store_true", help="run the scanner through its CLI")
    parser.add_argument("--limit", type=int, default=15, help="examples listed per problem category")
    parser.add_argument("--json", type=Path, help="also write the metrics as JSON")
    args = parser.parse_args(argv)
    report = json.loads(args.report.read_text(encoding="utf-8")) if args.report else None
    outcome = evaluate(args.samples, report, args.cli)
    out = Printer()
    print_scores(out, outcome)
    print_problems(out, outcome, args.limit)
    if args.json:
        args.json.write_text(json.dumps(metrics(outcome), indent=2, ensure_ascii=False), encoding="utf-8")
    failures = check_targets(outcome)
    out.line()
    out.line("Targets: " + ("all met" if not failures else "; ".join(failures)))
    return 1 if args.check and failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

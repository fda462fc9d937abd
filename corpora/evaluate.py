"""Score the scanner against the labelled sample corpus.

    python corpora/evaluate.py [--samples corpora/samples] [--check]

Runs the scanner in-process (falls back to the CLI when ``auditor.engine`` is not
importable) with P132 selected, matches its P101-P121 findings to ``labels.jsonl``
and prints precision/recall per entity, per format and per encoding, the masked
values and hard negatives that were reported, and every missed label and unmatched
finding by path, location and rule. A second table scores the people rules
(P131/P132/P141/P151/P162): names in tables and in free text, trap words, masked
names. Raw values are never printed: labels carry them for debugging only, and
findings are reported by location.

A finding matches a label when path and rule_id are equal and the location is
the same: ``line`` + ``column`` for text formats (txt, md, csv, tsv, json, html),
``sheet`` + ``cell`` for xlsx. A name label's ``also`` list names the record-level
rules (P131, P141, P151) expected at the name too. A name finding that starts inside a
labelled name negative (a company, a 文号, 经费保障 read as 费保障) counts as a finding on
that negative. ``--check`` exits 1 unless the SPEC §9 targets and the people targets hold.
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
CORE_RULES = {
    "P101": "CN_RESIDENT_ID",
    "P102": "CN_RESIDENT_ID",
    "P103": "CN_RESIDENT_ID",
    "P111": "PHONE_NUMBER",
    "P112": "PHONE_NUMBER",
    "P121": "BANK_CARD",
}
PEOPLE_RULES = {
    "P131": "PERSON_NAME",
    "P132": "PERSON_NAME",
    "P141": "SENSITIVE_INFO",
    "P151": "ADDRESS",
    "P162": "OTHER_ID",
}
RULE_ENTITY = {**CORE_RULES, **PEOPLE_RULES}
ENTITIES = ("CN_RESIDENT_ID", "PHONE_NUMBER", "BANK_CARD")
SHORT = {"CN_RESIDENT_ID": "ID", "PHONE_NUMBER": "Phone", "BANK_CARD": "Bank"}
SUFFIX_FORMAT = {".htm": "html", ".text": "txt", ".markdown": "md"}
# entity -> (minimum recall, minimum precision), SPEC §9.
TARGETS = {
    "CN_RESIDENT_ID": (1.0, 0.995),
    "PHONE_NUMBER": (0.99, 0.98),
    "BANK_CARD": (0.99, 0.98),
}
# People targets (issue 3): P132 recall in tables / free text, precision, trap share; record rules' recall.
NAME_TABLE_RECALL, NAME_TEXT_RECALL, NAME_PRECISION, MAX_TRAP_SHARE = 0.98, 0.95, 0.95, 0.005
RECORD_RULE_RECALL = {"P131": 1.0, "P141": 0.95, "P151": 0.95, "P162": 0.95}


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
    also: tuple[str, ...] = ()

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
            tuple(data.get("also", ())),
        )

    def expanded(self) -> list[Label]:
        """This label plus one finding label per rule in ``also`` (record-level rules at a name)."""
        extra = [
            Label(self.path, self.format, self.encoding, RULE_ENTITY[r], r, "finding", self.kind, self.location)
            for r in self.also
        ]
        return [self, *extra]


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
        return [lab for line in fh if line.strip() for lab in Label.from_dict(json.loads(line)).expanded()]


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
    """Pair each finding with the label of its rule at its location, one finding per label.

    A place may hold several labels (a name with P132 and P131; a 残疾人证号 that is an ID
    negative and a P162 finding); a finding with no label of its rule there is reported as
    hitting the masked or negative label there, else as a wrong rule. A name finding with no
    label at its place that starts inside a name negative on its line (a company, a 文号, 经费保障,
    an official's name) is reported as hitting that negative.
    """
    outcome = Outcome(list(labels), list(hits))
    index: dict[tuple[Any, ...], list[Label]] = {}
    name_negatives: dict[tuple[Any, ...], list[Label]] = {}
    for lab in labels:
        index.setdefault(lab.key, []).append(lab)
        if lab.expect == "negative" and lab.entity == "PERSON_NAME" and lab.format != "xlsx":
            name_negatives.setdefault((lab.path, lab.location.get("line")), []).append(lab)
    used: set[tuple[Any, ...]] = set()
    for hit in sorted(hits, key=lambda h: (h.key[0], str(h.key[1:]), h.rule_id)):
        here = index.get(hit.key, [])
        wanted = next((lab for lab in here if lab.expect == "finding" and lab.rule_id == hit.rule_id), None)
        inside = covering_negative(hit, name_negatives) if not here else None
        if inside is not None:
            outcome.unmatched.append((hit, "negative", inside))
        elif not here:
            outcome.unmatched.append((hit, "unlabelled", None))
        elif wanted is not None and (hit.key, hit.rule_id) in used:
            outcome.unmatched.append((hit, "duplicate", wanted))
        elif wanted is not None:
            used.add((hit.key, hit.rule_id))
            outcome.matched.append((wanted, hit))
        else:
            other = [lab for lab in here if lab.expect != "finding"]
            same = [lab for lab in other if lab.entity == hit.entity] or other
            if same:
                outcome.unmatched.append((hit, same[0].expect, same[0]))
            else:
                outcome.unmatched.append((hit, "wrong-rule", here[0]))
    outcome.missed = [lab for lab in labels if lab.expect == "finding" and (lab.key, lab.rule_id) not in used]
    return outcome


def covering_negative(hit: Hit, name_negatives: dict[tuple[Any, ...], list[Label]]) -> Label | None:
    """The name negative whose value holds the start of a name finding (经费保障 → 费保障)."""
    if hit.entity != "PERSON_NAME" or hit.format == "xlsx":
        return None
    column = hit.location.get("column")
    for lab in name_negatives.get((hit.path, hit.location.get("line")), []):
        start = lab.location.get("column")
        if isinstance(column, int) and isinstance(start, int) and start <= column < start + len(lab.value):
            return lab
    return None


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
            from auditor.config import Config
            from auditor.engine import scan_paths
        except ImportError:
            pass
        else:
            return scan_paths(scan_targets(samples), config=Config(extend_select=["P132"])).to_dict()
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


# ---------------------------------------------------------------------------
# People rules (P131/P132/P141/P151/P162)
# ---------------------------------------------------------------------------


def _table_kind(kind: str) -> bool:
    return kind.startswith("col_")


def _text_kind(kind: str) -> bool:
    return kind.startswith("txt_")


def rule_score(outcome: Outcome, rule: str, keep: Callable[[Label], bool] = lambda _: True) -> Score:
    """Recall over the rule's finding labels ``keep`` accepts; precision over all of its findings."""
    s = Score()
    s.labels = sum(1 for lab in outcome.labels if lab.expect == "finding" and lab.rule_id == rule and keep(lab))
    s.matched = sum(1 for lab, h in outcome.matched if h.rule_id == rule and keep(lab))
    s.findings = sum(1 for h in outcome.hits if h.rule_id == rule)
    return s


@dataclass(slots=True)
class PeopleNumbers:
    """The numbers the issue's acceptance names, in one place."""

    names_table: Score
    names_text: Score
    names: Score
    trap_hits: int
    staff_hits: int
    masked_names: int
    p131_masked_records: int
    records: dict[str, Score]

    @property
    def trap_share(self) -> float:
        return self.trap_hits / self.names.findings if self.names.findings else 0.0


def people_numbers(outcome: Outcome) -> PeopleNumbers:
    def reasons(rule: str, reason: str, kinds: Callable[[str], bool]) -> int:
        return sum(
            1
            for hit, r, lab in outcome.unmatched
            if hit.rule_id == rule and r == reason and lab is not None and kinds(lab.kind)
        )

    masked_only = sum(
        1
        for hit, r, lab in outcome.unmatched
        if hit.rule_id == "P131" and r == "wrong-rule" and lab is not None and lab.entity == "PERSON_NAME"
    )
    return PeopleNumbers(
        names_table=rule_score(outcome, "P132", lambda lab: _table_kind(lab.kind)),
        names_text=rule_score(outcome, "P132", lambda lab: _text_kind(lab.kind)),
        names=rule_score(outcome, "P132"),
        trap_hits=reasons("P132", "negative", lambda k: k.startswith("trap_")),
        staff_hits=reasons("P132", "negative", lambda k: not k.startswith("trap_")),
        masked_names=sum(1 for _, r, lab in outcome.unmatched if r == "masked" and lab and lab.entity == "PERSON_NAME"),
        p131_masked_records=masked_only,
        records={rule: rule_score(outcome, rule) for rule in RECORD_RULE_RECALL},
    )


def check_people(outcome: Outcome) -> list[str]:
    """Failed people targets; nothing when the labels hold no names (an older corpus)."""
    numbers = people_numbers(outcome)
    if not numbers.names.labels:
        return []
    failures = []
    for title, s, target in (
        ("P132 names in tables recall", numbers.names_table, NAME_TABLE_RECALL),
        ("P132 names in free text recall", numbers.names_text, NAME_TEXT_RECALL),
    ):
        if s.recall < target:
            failures.append(f"{title} {pct(s.recall)} < {pct(target)}")
    if numbers.names.precision < NAME_PRECISION:
        failures.append(f"P132 precision {pct(numbers.names.precision)} < {pct(NAME_PRECISION)}")
    if numbers.trap_share >= MAX_TRAP_SHARE:
        failures.append(f"trap words are {pct(numbers.trap_share)} of name findings (≥ {pct(MAX_TRAP_SHARE)})")
    if numbers.staff_hits:
        # P132's description: staff in sign-off lines and officials named in their role are not reported.
        failures.append(f"P132 reported {numbers.staff_hits} staff/officials named in their role (target 0)")
    if numbers.p131_masked_records:
        failures.append(f"P131 fired {numbers.p131_masked_records}× where the record's identifiers are masked")
    for rule, target in RECORD_RULE_RECALL.items():
        s = numbers.records[rule]
        if s.labels and s.recall < target:
            failures.append(f"{rule} recall {pct(s.recall)} < {pct(target)}")
    return failures


def print_people(out: Printer, outcome: Outcome) -> None:
    """The people table: P132 in tables / free text, the record rules, traps and masked names."""
    n = people_numbers(outcome)
    if not n.names.labels:
        return
    rows = [
        [
            "P132 names, tables",
            n.names_table.labels,
            "",
            n.names_table.matched,
            "",
            pct(n.names_table.recall),
            f"R≥{pct(NAME_TABLE_RECALL)}",
        ],
        [
            "P132 names, free text",
            n.names_text.labels,
            "",
            n.names_text.matched,
            "",
            pct(n.names_text.recall),
            f"R≥{pct(NAME_TEXT_RECALL)}",
        ],
        [
            "P132 names, all",
            n.names.labels,
            n.names.findings,
            n.names.matched,
            pct(n.names.precision),
            pct(n.names.recall),
            f"P≥{pct(NAME_PRECISION)}",
        ],
    ]
    for rule, target in RECORD_RULE_RECALL.items():
        s = n.records[rule]
        rows.append([rule, s.labels, s.findings, s.matched, *cell(s), f"R≥{pct(target)}"])
    for title, keep in (
        ("P162 passports, permits, SSC", lambda lab: lab.kind != "disability_cert"),
        ("P162 残疾人证号 (ID detector)", lambda lab: lab.kind == "disability_cert"),
    ):
        s = rule_score(outcome, "P162", keep)
        rows.append([title, s.labels, "", s.matched, "", pct(s.recall), ""])
    out.table(
        "People rules (P131/P132/P141/P151/P162)",
        ["rule", "labels", "findings", "matched", "precision", "recall", "target"],
        rows,
    )
    out.line(
        f"Name findings on trap words: {n.trap_hits} ({pct(n.trap_share)} of P132 findings; target < "
        f"{pct(MAX_TRAP_SHARE)}); on staff/officials: {n.staff_hits} (target 0); "
        f"masked names reported: {n.masked_names}; "
        f"P131 on records with only masked identifiers: {n.p131_masked_records}"
    )


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
    failures += check_people(outcome)
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
    for rule in CORE_RULES:
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
        "people": _people_metrics(outcome),
        "masked_reported": outcome.masked_reported,
        "negatives_fired": outcome.negatives_fired,
        "missed": len(outcome.missed),
        "unmatched": len(outcome.unmatched),
        "scan_errors": len(outcome.errors),
        "failures": check_targets(outcome),
    }


def _people_metrics(outcome: Outcome) -> dict[str, Any]:
    n = people_numbers(outcome)
    return {
        "names_table_recall": n.names_table.recall,
        "names_text_recall": n.names_text.recall,
        "names_precision": n.names.precision,
        "trap_share": n.trap_share,
        "masked_names_reported": n.masked_names,
        "p131_on_masked_records": n.p131_masked_records,
        **{f"{rule}_recall": s.recall for rule, s in n.records.items()},
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
    print_people(out, outcome)
    print_problems(out, outcome, args.limit)
    if args.json:
        args.json.write_text(json.dumps(metrics(outcome), indent=2, ensure_ascii=False), encoding="utf-8")
    failures = check_targets(outcome)
    out.line()
    out.line("Targets: " + ("all met" if not failures else "; ".join(failures)))
    return 1 if args.check and failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

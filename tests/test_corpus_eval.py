"""The labelled corpus: a deterministic generator, honest labels, and the scanner's scores.

The scanner tests run corpora/evaluate.py in-process on corpora/samples and assert
the SPEC §9 targets. Their failure messages name paths, locations and rules, never values.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "samples"


def load(name: str, script: str) -> ModuleType:
    """corpora/ is not a package: load its scripts by path, once."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "corpora" / script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


generate = load("corpus_generate", "generate.py")
evaluate = load("corpus_evaluate", "evaluate.py")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): _content(p) for p in sorted(root.rglob("*")) if p.is_file()}


def _content(path: Path) -> bytes:
    """File bytes; for xlsx the cells, sheet states and merges (openpyxl writes different
    bytes with and without lxml installed, so bytes are not comparable across machines)."""
    if path.suffix != ".xlsx":
        return path.read_bytes()
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    dump = [
        (
            ws.title,
            ws.sheet_state,
            sorted(map(str, ws.merged_cells.ranges)),
            [list(r) for r in ws.iter_rows(values_only=True)],
        )
        for ws in workbook.worksheets
    ]
    return repr(dump).encode("utf-8")


# ---------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------


def test_generator_is_deterministic(tmp_path: Path) -> None:
    generate.generate_samples(tmp_path / "a")
    generate.generate_samples(tmp_path / "b")
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert a["labels.jsonl"] == b["labels.jsonl"]
    assert a == b


def test_committed_samples_are_the_generator_output(tmp_path: Path) -> None:
    generate.generate_samples(tmp_path / "fresh")
    fresh, committed = tree(tmp_path / "fresh"), tree(SAMPLES)
    assert sorted(fresh) == sorted(committed), "regenerate: python corpora/generate.py --out corpora/samples"
    stale = [path for path in fresh if fresh[path] != committed[path]]
    assert stale == [], "regenerate: python corpora/generate.py --out corpora/samples"


def test_labels_point_at_their_values_and_cover_every_long_number() -> None:
    assert generate.verify(SAMPLES) == []


def test_corpus_covers_every_format_encoding_and_rule() -> None:
    labels = generate.read_labels(SAMPLES / "labels.jsonl")
    counts = generate.summarise(labels)
    assert set(counts["format"]) == {"txt", "md", "csv", "tsv", "json", "html", "xlsx"}
    assert set(counts["encoding"]) == {"utf-8", "utf-8-sig", "gb18030", "gbk", "-"}
    assert set(counts["rule_id"]) == {"P101", "P102", "P103", "P111", "P112", "P121", "P132", "P162", "-"}
    assert set(counts["expect"]) == {"finding", "masked", "negative"}
    assert (SAMPLES / "edge" / "空文件.txt").stat().st_size == 0
    files = [p for p in SAMPLES.rglob("*") if p.is_file()]
    assert 60 <= len(files) <= 120
    assert sum(p.stat().st_size for p in files) <= 3_000_000


def _workbooks() -> list[Path]:
    return sorted(SAMPLES.rglob("*.xlsx"))


def _excel_form(path: Path) -> bool:
    import zipfile

    with zipfile.ZipFile(path) as package:
        return "xl/sharedStrings.xml" in package.namelist()


def test_corpus_holds_workbooks_in_both_forms() -> None:
    """Excel/WPS keep text in a shared-strings table; openpyxl writes it inline: both are scanned."""
    forms = [_excel_form(path) for path in _workbooks()]
    assert any(forms) and not all(forms)


def test_a_workbook_scans_the_same_in_either_form(tmp_path: Path) -> None:
    from auditor.engine import scan_paths

    inline = next(path for path in _workbooks() if not _excel_form(path))
    (tmp_path / "inline.xlsx").write_bytes(inline.read_bytes())
    (tmp_path / "excel.xlsx").write_bytes(generate.excel_form(inline.read_bytes()))
    assert _excel_form(tmp_path / "excel.xlsx")
    found = {}
    for name in ("inline.xlsx", "excel.xlsx"):
        report = scan_paths([str(tmp_path / name)])
        found[name] = sorted(
            (f.rule_id, f.evidence or "", sorted((k, str(v)) for k, v in f.location.items() if k != "path"))
            for f in report.findings
        )
    assert found["inline.xlsx"] and found["excel.xlsx"] == found["inline.xlsx"]


@pytest.mark.parametrize(
    ("body", "check"),
    [("11010519491231002", "X"), ("44052418800101001", "4"), ("37010119010203997", "3")],
)
def test_id_check_digit_examples(body: str, check: str) -> None:
    assert generate.id_check_char(body) == check


def test_uscc_and_luhn_examples() -> None:
    assert generate.uscc_check_char("91350100M000100Y4") == "3"
    assert generate.luhn_valid("6228480000000007")
    assert generate.luhn_complete("622848000000000") == "6228480000000007"
    assert generate.luhn_complete("621700000000000000") == "6217000000000000004"


# ---------------------------------------------------------------------------
# Evaluator, against stub scanners built from the labels
# ---------------------------------------------------------------------------


def stub_report(labels: list, drop: int = 0, extra: list[dict] | None = None) -> dict:
    """A SPEC §5-shaped report that finds every `finding` label except the first ``drop``."""
    findings = [
        {"rule_id": lab.rule_id, "location": {"path": str(SAMPLES / lab.path), **lab.location}}
        for lab in labels
        if lab.expect == "finding"
    ][drop:]
    return {"files": [], "findings": findings + (extra or []), "errors": []}


def test_oracle_scores_perfectly() -> None:
    labels = evaluate.load_labels(SAMPLES)
    outcome = evaluate.evaluate(SAMPLES, stub_report(labels))
    assert evaluate.check_targets(outcome) == []
    assert outcome.missed == [] and outcome.unmatched == []
    for entity in evaluate.ENTITIES:
        score = outcome.score(entity)
        assert score.labels > 0
        assert score.precision == score.recall == 1.0


def test_errors_are_counted_by_category() -> None:
    labels = evaluate.load_labels(SAMPLES)
    first = next(lab for lab in labels if lab.expect == "finding")
    masked = next(lab for lab in labels if lab.expect == "masked" and lab.entity == "PHONE_NUMBER")
    negative = next(lab for lab in labels if lab.expect == "negative" and lab.kind == "uscc_alpha")
    id_label = next(lab for lab in labels if lab.rule_id == "P101" and lab.key != first.key)
    wrong_rule = "P103"

    def finding(rule: str, lab) -> dict:
        return {"rule_id": rule, "location": {"path": str(SAMPLES / lab.path), **lab.location}}

    extra = [
        finding("P111", masked),
        finding("P101", negative),
        finding(wrong_rule, id_label),
        finding("P101", id_label),  # a second finding for an already matched label
        {"rule_id": "P121", "location": {"path": str(SAMPLES / "edge/空文件.txt"), "line": 1, "column": 1}},
        {"rule_id": "P161", "location": {"path": str(SAMPLES / first.path), **first.location}},
    ]
    outcome = evaluate.evaluate(SAMPLES, stub_report(labels, drop=1, extra=extra))
    reasons = sorted(reason for _, reason, _ in outcome.unmatched)
    assert reasons == ["duplicate", "masked", "negative", "unlabelled", "wrong-rule"]
    assert [lab.key for lab in outcome.missed] == [first.key]
    assert outcome.masked_reported == 1
    assert outcome.negatives_fired == 1
    assert outcome.other_rules == {"P161": 1}
    ids = outcome.score("CN_RESIDENT_ID")
    assert ids.findings == ids.matched + 3  # negative, wrong rule, duplicate
    failures = evaluate.check_targets(outcome)
    assert any("masked" in f for f in failures)
    assert any(f.startswith("CN_RESIDENT_ID recall") for f in failures) == (first.entity == "CN_RESIDENT_ID")


def test_a_name_finding_inside_a_name_negative_counts_on_it() -> None:
    """经费保障 is labelled at 经; a detector that reads 费保障 reports it one column on."""
    labels = evaluate.load_labels(SAMPLES)
    trap = next(lab for lab in labels if lab.kind == "trap_word" and lab.format != "xlsx" and len(lab.value) > 2)
    inside = {**trap.location, "column": trap.location["column"] + 1}
    after = {**trap.location, "column": trap.location["column"] + len(trap.value)}
    extra = [
        {"rule_id": "P132", "location": {"path": str(SAMPLES / trap.path), **inside}},
        {"rule_id": "P132", "location": {"path": str(SAMPLES / trap.path), **after}},
    ]
    outcome = evaluate.evaluate(SAMPLES, stub_report(labels, extra=extra))
    assert sorted((reason, lab.kind if lab else None) for _, reason, lab in outcome.unmatched) == [
        ("negative", "trap_word"),
        ("unlabelled", None),
    ]
    assert evaluate.people_numbers(outcome).trap_hits == 1


# ---------------------------------------------------------------------------
# The real scanner against SPEC §9 targets
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outcome():
    return evaluate.evaluate(SAMPLES)


def describe(outcome, entity: str) -> str:
    """Missed labels and unmatched findings of one entity, by location (no values)."""
    lines = [
        f"missed {lab.rule_id} {lab.kind} {lab.path} {evaluate.where(lab.format, lab.location)}"
        for lab in outcome.missed
        if lab.entity == entity
    ]
    lines += [
        f"unmatched {hit.rule_id} ({reason}) {hit.path} {evaluate.where(hit.format, hit.location)}"
        for hit, reason, _ in outcome.unmatched
        if hit.entity == entity
    ]
    return "\n".join(lines[:40])


def test_resident_id_recall_is_total_and_precision_at_least_99_5(outcome) -> None:
    score = outcome.score("CN_RESIDENT_ID")
    assert score.matched == score.labels, describe(outcome, "CN_RESIDENT_ID")
    assert score.precision >= 0.995, describe(outcome, "CN_RESIDENT_ID")


@pytest.mark.parametrize("entity", ["PHONE_NUMBER", "BANK_CARD"])
def test_phone_and_bank_recall_99_precision_98(outcome, entity: str) -> None:
    score = outcome.score(entity)
    assert score.recall >= 0.99, describe(outcome, entity)
    assert score.precision >= 0.98, describe(outcome, entity)


def test_no_masked_value_is_reported(outcome) -> None:
    masked = [
        f"{hit.rule_id} on {label.kind} {hit.path} {evaluate.where(hit.format, hit.location)}"
        for hit, reason, label in outcome.unmatched
        if reason == "masked"
    ]
    assert masked == []


def test_every_sample_file_is_scanned(outcome) -> None:
    assert outcome.errors == []
    assert outcome.files == sum(1 for p in SAMPLES.rglob("*") if p.is_file() and p.name != "labels.jsonl")

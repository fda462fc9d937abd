"""(a) auditor vs a plain Presidio AnalyzerEngine for zh, (b) vs a bare regex pass — SPEC §9, issue 9.

    python bench/bench_presidio.py [--profile lists|mixed] [--corpus /tmp/bench] [--size-mb 50]
                                   [--samples corpora/samples]

Throughput, on the benchmark corpus of the chosen profile (bench_scan.py generates it if
absent; ``lists`` in /tmp/bench is the worst case, ``mixed`` in /tmp/bench-mixed a village
column's year):
  * auditor ``scan_paths`` and ``auditor sweep`` with the identifier rules (the same task as
    Presidio's three recognizers) in one process and on all cores, and with the default rules
    (names on) on all cores;
  * Presidio 2.2 ``AnalyzerEngine`` over spaCy's blank ``zh`` pipeline (shared/anchors.md §A2
    recipe) with three regex recognizers: resident ID (GB 11643 check digit), mobile, bank
    card (Luhn). No context words (they cannot match on a character-segmented blank
    pipeline and only cost time). Presidio gets the text already extracted (decoding and
    xlsx reading are not charged to it) in line-aligned 8 kB chunks (its fast path, §A5);
    ``NoOpNlpEngine`` is timed too, as the fastest Presidio there is;
  * one bare ``re.finditer(r"\\d{17}[\\dXx]")`` pass over the same text (the floor).

Recall, on the labelled samples (corpora/samples + labels.jsonl): a label counts as found
by a tool when the tool reports the same entity at the label's location (line + column,
or sheet + cell), over the exposed values (P101 ID, P111 mobile, P121 bank). Raw values
are never printed. Prints numbers; asserts nothing (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import sys
import tempfile
import time
from bisect import bisect_right
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

CHUNK_CHARS = 8192
EXPOSED = {"P101": "CN_RESIDENT_ID", "P111": "PHONE_NUMBER", "P121": "BANK_CARD"}
AUDITOR_RULES = {
    "P101": "CN_RESIDENT_ID",
    "P102": "CN_RESIDENT_ID",
    "P103": "CN_RESIDENT_ID",
    "P111": "PHONE_NUMBER",
    "P112": "PHONE_NUMBER",
    "P121": "BANK_CARD",
}
PRESIDIO_ENTITY = {"CN_RESIDENT_ID": "CN_RESIDENT_ID", "CN_MOBILE": "PHONE_NUMBER", "BANK_CARD": "BANK_CARD"}
IDENTIFIER_RULES = ["P101", "P102", "P103", "P111", "P112", "P121", "P161", "E001"]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_RE = r"(?<![0-9])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9Xx])"
MOBILE_RE = r"(?<!\d)1[3-9]\d{9}(?!\d)"
BANK_RE = r"(?<!\d)\d{16,19}(?!\d)"


def load_module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# Loaded before any auditor import: it decides which auditor is timed (the installed build, else the tree).
bench_scan = load_module("bench_scan", ROOT / "bench" / "bench_scan.py")


# -- the Presidio baseline (anchors §A2 recipe, regex recognizers only) ---------------------


def build_presidio(nlp: str = "spacy") -> Any:
    """AnalyzerEngine for zh with ID, mobile and bank-card PatternRecognizers; nothing downloaded."""
    import spacy
    from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine, SpacyNlpEngine

    class CnResidentId(PatternRecognizer):
        def __init__(self) -> None:
            super().__init__(
                supported_entity="CN_RESIDENT_ID",
                supported_language="zh",
                patterns=[Pattern("cn_id_18", ID_RE, 0.5)],
            )

        def validate_result(self, pattern_text: str) -> bool:
            s = pattern_text.upper()
            return "10X98765432"[sum(int(c) * w for c, w in zip(s[:17], ID_WEIGHTS, strict=True)) % 11] == s[17]

    class BankCard(PatternRecognizer):
        def __init__(self) -> None:
            super().__init__(
                supported_entity="BANK_CARD", supported_language="zh", patterns=[Pattern("bank", BANK_RE, 0.3)]
            )

        def validate_result(self, pattern_text: str) -> bool:
            digits = [int(c) for c in reversed(pattern_text)]
            total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits))
            return total % 10 == 0

    class BlankZh(SpacyNlpEngine):
        def __init__(self) -> None:
            super().__init__(models=[{"lang_code": "zh", "model_name": "blank-zh"}])

        def load(self) -> None:
            pipeline = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
            pipeline.max_length = 5_000_000
            self.nlp = {"zh": pipeline}

    registry = RecognizerRegistry(supported_languages=["zh"])
    registry.add_recognizer(CnResidentId())
    registry.add_recognizer(
        PatternRecognizer(
            supported_entity="CN_MOBILE", supported_language="zh", patterns=[Pattern("cn_mobile", MOBILE_RE, 0.4)]
        )
    )
    registry.add_recognizer(BankCard())
    engine = NoOpNlpEngine(models=[{"lang_code": "zh", "model_name": "no_op"}]) if nlp == "noop" else BlankZh()
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["zh"])


def chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, piece) cut at line ends, about ``size`` characters each (Presidio's fast path)."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            newline = text.rfind("\n", start, end)
            end = newline + 1 if newline > start else end
        yield start, text[start:end]
        start = end


def presidio_spans(engine: Any, text: str) -> list[tuple[str, int]]:
    """(entity, start offset) of every result over the text, chunk by chunk."""
    spans = []
    for offset, piece in chunks(text):
        for result in engine.analyze(text=piece, language="zh"):
            spans.append((PRESIDIO_ENTITY[result.entity_type], offset + result.start))
    return spans


# -- throughput -------------------------------------------------------------------------


def time_presidio(engine: Any, texts: list[str]) -> tuple[float, int]:
    gc.collect()
    start = time.perf_counter()
    found = sum(len(presidio_spans(engine, text)) for text in texts)
    return time.perf_counter() - start, found


def time_sweep(corpus: Path, select: list[str] | None = None) -> tuple[float, int]:
    """``auditor sweep`` with all cores into a fresh database (hashing and SQLite writes included)."""
    from auditor.config import Config
    from auditor.sweep.runner import SweepOptions, run_sweep

    with tempfile.TemporaryDirectory() as tmp:
        options = SweepOptions(root=corpus, db=Path(tmp) / "bench.sqlite", config=Config(select=select), jobs=0)
        start = time.perf_counter()
        outcome = run_sweep(options)
        return time.perf_counter() - start, outcome.findings


# -- recall on the labelled samples ----------------------------------------------------------


def line_starts(text: str) -> list[int]:
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def presidio_keys(engine: Any, samples: Path) -> set[tuple[Any, ...]]:
    """(path, line, column, entity) or (path, sheet, cell, entity) of every Presidio result."""
    from python_calamine import CalamineWorkbook

    keys: set[tuple[Any, ...]] = set()
    for path in sorted(p for p in samples.rglob("*") if p.is_file() and p.name != "labels.jsonl"):
        rel = path.relative_to(samples).as_posix()
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            workbook = CalamineWorkbook.from_path(str(path))
            for name in workbook.sheet_names:
                sheet = workbook.get_sheet_by_name(name)
                for r, row in enumerate(sheet.to_python(skip_empty_area=False), start=1):
                    for c, value in enumerate(row, start=1):
                        text = bench_scan.cell_text(value)
                        for entity, _ in presidio_spans(engine, text) if text else []:
                            keys.add((rel, name, f"{column_letter(c)}{r}", entity))
        elif suffix in bench_scan.TEXT_SUFFIXES:
            text = bench_scan.decode(path.read_bytes())
            starts = line_starts(text)
            for entity, offset in presidio_spans(engine, text):
                line = bisect_right(starts, offset)
                keys.add((rel, line, offset - starts[line - 1] + 1, entity))
    return keys


def column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def auditor_keys(samples: Path) -> set[tuple[Any, ...]]:
    evaluate = load_module("corpus_evaluate", ROOT / "corpora" / "evaluate.py")
    report = evaluate.run_scanner(samples)
    hits, _ = evaluate.hits_from_report(report, samples)
    return {(*hit.key, AUDITOR_RULES[hit.rule_id]) for hit in hits if hit.rule_id in AUDITOR_RULES}


def label_key(label: dict[str, Any]) -> tuple[Any, ...]:
    loc = label["location"]
    if label["format"] == "xlsx":
        return (label["path"], loc.get("sheet"), loc.get("cell"), label["entity"])
    return (label["path"], loc.get("line"), loc.get("column"), label["entity"])


def recall_table(samples: Path, keys: dict[str, set[tuple[Any, ...]]]) -> dict[str, dict[str, Any]]:
    """Per tool and entity: recall over exposed labels, and results at masked or hard-negative labels."""
    labels = [json.loads(line) for line in (samples / "labels.jsonl").open(encoding="utf-8") if line.strip()]
    table: dict[str, dict[str, Any]] = {}
    for tool, found in keys.items():
        row: dict[str, Any] = {}
        for rule, entity in EXPOSED.items():
            wanted = [label_key(lab) for lab in labels if lab["rule_id"] == rule and lab["expect"] == "finding"]
            hit = sum(1 for key in wanted if key in found)
            traps = [label_key(lab) for lab in labels if lab["entity"] == entity and lab["expect"] != "finding"]
            row[entity] = {
                "labels": len(wanted),
                "found": hit,
                "recall": hit / len(wanted) if wanted else 1.0,
                "false_alarms": sum(1 for key in traps if key in found),
                "traps": len(traps),
            }
        table[tool] = row
    return table


# -- main ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    bench_scan.add_corpus_arguments(parser)
    parser.add_argument("--samples", type=Path, default=ROOT / "corpora" / "samples")
    parser.add_argument("--repeat", type=int, default=3, help="regex passes; the best is kept")
    parser.add_argument("--no-sweep", action="store_true", help="skip the all-cores sweep timing")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)

    corpus = bench_scan.corpus_path(args)
    bench_scan.ensure_corpus(corpus, args.size_mb, args.profile)
    files = bench_scan.corpus_files(corpus)
    texts = list(bench_scan.extract(files))
    text_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(
        f"corpus        {corpus} ({args.profile}): {len(files)} files, {text_mb:.1f} MB of extracted text", flush=True
    )
    print(f"build         {bench_scan.build_label()}", flush=True)

    results: dict[str, Any] = {
        "profile": args.profile,
        "corpus_files": len(files),
        "text_mb": text_mb,
        "cores": os.cpu_count(),
        "build": bench_scan.build_label(),
    }
    # Each auditor run: (label, seconds, findings). The identifier rules are the same task as
    # Presidio's three recognizers; the default rules add names, linkage and the other checks.
    runs: list[tuple[str, float, int]] = []

    def record(label: str, seconds: float, findings: int) -> None:
        runs.append((label, seconds, findings))
        print(f"auditor       {seconds:8.2f} s {text_mb / seconds:7.2f} MB/s  {label}, {findings} findings", flush=True)

    cores = os.cpu_count()
    seconds, _, findings, _ = bench_scan.time_scan(corpus, jobs=1, select=IDENTIFIER_RULES)
    record("scan, identifier rules, 1 process", seconds, findings)
    seconds, _, findings, _ = bench_scan.time_scan(corpus, jobs=0, select=IDENTIFIER_RULES)
    record(f"scan, identifier rules, all {cores} cores", seconds, findings)
    seconds, _, findings, _ = bench_scan.time_scan(corpus, jobs=0)
    record(f"scan, default rules, all {cores} cores", seconds, findings)
    if not args.no_sweep:
        seconds, findings = time_sweep(corpus, IDENTIFIER_RULES)
        record(f"sweep, identifier rules, all {cores} cores (hash + SQLite)", seconds, findings)
        seconds, findings = time_sweep(corpus)
        record(f"sweep, default rules, all {cores} cores (hash + SQLite)", seconds, findings)
    results["auditor_runs"] = [{"run": label, "seconds": sec, "findings": n} for label, sec, n in runs]
    for nlp in ("spacy", "noop"):
        engine = build_presidio(nlp)
        seconds, found = time_presidio(engine, texts)
        results[f"presidio_{nlp}_s"] = seconds
        label = "blank zh (spaCy)" if nlp == "spacy" else "NoOpNlpEngine"
        print(f"presidio      {seconds:8.2f} s {text_mb / seconds:7.2f} MB/s  {label}, {found} results", flush=True)
    regex_s, _, matches = bench_scan.time_regex(texts, args.repeat)
    results["regex_s"] = regex_s
    print(f"bare regex    {regex_s:8.2f} s {text_mb / regex_s:7.2f} MB/s  {matches} matches", flush=True)

    print("\nrecall on the labelled samples (exposed values; false alarms = results on masked/hard-negative labels)")
    keys = {"auditor": auditor_keys(args.samples), "presidio": presidio_keys(build_presidio("spacy"), args.samples)}
    table = recall_table(args.samples, keys)
    results["recall"] = table
    for tool, row in table.items():
        cells = "  ".join(
            f"{entity} {v['found']}/{v['labels']} = {100 * v['recall']:.1f}% "
            f"(false alarms {v['false_alarms']}/{v['traps']})"
            for entity, v in row.items()
        )
        print(f"  {tool:<9} {cells}")

    print("\nratios on the same text (targets: ≥ 10× Presidio's throughput, ≤ 5× the bare regex's time)")
    print(f"  {'auditor run':<58} {'Presidio zh':>12} {'Presidio NoOp':>14} {'÷ bare regex':>13}")
    for label, seconds, _ in runs:
        spacy_ratio = results["presidio_spacy_s"] / seconds
        noop_ratio = results["presidio_noop_s"] / seconds
        floor = seconds / regex_s
        print(f"  {label:<58} {spacy_ratio:11.1f}× {noop_ratio:13.1f}× {floor:12.1f}×")
        results.setdefault("ratios", []).append(
            {"run": label, "presidio_spacy": spacy_ratio, "presidio_noop": noop_ratio, "regex_floor": floor}
        )
    same_or_better = all(
        table["auditor"][e]["recall"] >= table["presidio"][e]["recall"]
        for e in ("CN_RESIDENT_ID", "PHONE_NUMBER", "BANK_CARD")
    )
    print(f"  recall: auditor {'≥' if same_or_better else '<'} Presidio on ID, phone and bank")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time writing the JSON and SARIF reports of a big scan: json.dumps(indent=2) against the streamed encoder.

    python bench/bench_report.py [--findings 150000] [--repeat 3]

Builds a Report of synthetic findings, as a sweep of spreadsheets and text lists yields
(cell locations with a sheet and a field, line/column spans), then writes each report
with ``chunks`` + ``write_chunks`` into a StringIO, two ways: as now, and with the old
encoding, where every item is built and the whole document goes through
``json.dumps(..., ensure_ascii=False, indent=2)``. Prints the best of ``--repeat`` runs of
each, the speed-up, and whether the bytes are equal. Prints numbers; asserts nothing
(benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import random
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from auditor.model import Report
    from auditor.rules import Rule

FINDINGS_PER_FILE = 100
# rule code, entity, message prefix, field
KINDS = (
    ("P101", "CN_RESIDENT_ID", "公开了完整的身份证号码", "身份证号"),
    ("P102", "CN_RESIDENT_ID", "身份证号码遮盖不足，仍可看出出生日期或过多位数", "身份证号码"),
    ("P111", "PHONE_NUMBER", "公开了个人手机号码", "联系电话"),
    ("P121", "BANK_CARD", "公开了银行卡号或账号", "银行账号"),
    ("P131", "PERSON_NAME", "姓名与证件号码等标识符同时公开（同一记录中有手机号码）", "姓名"),
)


def synthetic_report(count: int, rules: dict[str, Rule], seed: int = 0) -> Report:
    """``count`` findings in files of ``FINDINGS_PER_FILE``: even files xlsx cells, odd files text lines."""
    from auditor.model import FileResult, Finding, Report

    rng = random.Random(seed)
    files = []
    for n in range(-(-count // FINDINGS_PER_FILE)):
        spreadsheet = n % 2 == 0
        path = f"村务公开/2023-{n % 12 + 1:02d}/低保名单_{n:04d}.{'xlsx' if spreadsheet else 'txt'}"
        findings = []
        for i in range(min(FINDINGS_PER_FILE, count - n * FINDINGS_PER_FILE)):
            code, entity, message, field = KINDS[rng.randrange(len(KINDS))]
            rule = rules[code]
            evidence = f"{rng.randrange(110000, 660000)}********{rng.randrange(10000):04d}"
            row = i + 2
            location: dict[str, Any]
            if spreadsheet:
                location = {"path": path, "sheet": "Sheet1", "cell": f"C{row}", "row": row, "field": field}
            else:
                column = rng.randrange(1, 60)
                location = {"path": path, "line": row, "column": column, "end_line": row, "end_column": column + 17}
            text = f"{message} {evidence}"
            fingerprint = f"{rng.getrandbits(128):032x}"
            findings.append(
                Finding(code, rule.name, rule.category, rule.severity, text, entity, evidence, location, fingerprint)
            )
        files.append(
            FileResult(path, path.rsplit(".", 1)[1], f"{rng.getrandbits(256):064x}", "scanned", None, findings)
        )
    files.append(FileResult("村务公开/损坏的表格.xlsx", "xlsx", None, "error", "不是有效的 xlsx 文件", []))
    return Report(files, "bench")


def old_json_chunks_with_items(document: Any, items: Iterable[Any]) -> Iterator[str]:
    """The old encoding: every item built, then the whole document through json.dumps(indent=2)."""
    from auditor.formatters.streaming import filled

    yield json.dumps(filled(document, list(items)), ensure_ascii=False, indent=2) + "\n"


def write(fmt: str, report: Report, rules: dict[str, Rule], old: bool) -> tuple[float, str]:
    """Seconds to write the ``fmt`` report as ``scan -o`` does, and its text."""
    from auditor.formatters import chunks_for
    from auditor.formatters.streaming import write_chunks

    module = {"json": "auditor.formatters.json_format", "sarif": "auditor.formatters.sarif"}[fmt]
    patched = mock.patch(f"{module}.json_chunks_with_items", old_json_chunks_with_items) if old else nullcontext()
    sink = io.StringIO()
    gc.collect()
    with patched:
        start = time.perf_counter()
        write_chunks(chunks_for(fmt)(report, rules), sink)
        seconds = time.perf_counter() - start
    return seconds, sink.getvalue()


def main(argv: list[str] | None = None) -> int:
    from auditor.rules import load_rules

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=150_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    rules = load_rules()
    report = synthetic_report(args.findings, rules)
    print(f"{len(report.findings)} findings in {len(report.files)} files; best of {args.repeat}")
    print(f"{'format':<7} {'json.dumps s':>13} {'streamed s':>11} {'speed-up':>9} {'MB':>7}  bytes equal")
    for fmt in ("json", "sarif"):
        old_s, new_s = float("inf"), float("inf")
        old_text = new_text = ""
        for _ in range(args.repeat):
            seconds, old_text = write(fmt, report, rules, old=True)
            old_s = min(old_s, seconds)
            seconds, new_text = write(fmt, report, rules, old=False)
            new_s = min(new_s, seconds)
        mb = len(new_text.encode("utf-8")) / 1e6
        print(f"{fmt:<7} {old_s:>13.2f} {new_s:>11.2f} {old_s / new_s:>8.1f}× {mb:>7.1f}  {old_text == new_text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

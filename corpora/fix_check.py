"""Fix the sample corpus into a temporary folder, re-scan it, and check the copies.

    python corpora/fix_check.py [--samples corpora/samples] [--keep DIR]

Prints, never values:
- remaining findings per rule after the fix (P101 P102 P103 P111 P112 P121 P131
  P161 P162 must be zero; P132 is counted under the strict profile);
- the diff check: every fixed file compared with its original (cell by cell for
  xlsx/csv, run by run for docx, byte by byte outside the masked spans for text)
  and the number of differences that are not masking;
- idempotence: fixing the fixed copies changes nothing.
Exits 1 if any of these fails.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.config import Config  # noqa: E402
from auditor.engine import Scanner, scan_paths  # noqa: E402
from auditor.fix.changelog import FileOutcome  # noqa: E402
from auditor.fix.run import FixOptions, fix_paths  # noqa: E402
from auditor.fix.verify import compare  # noqa: E402

MUST_BE_ZERO = ("P101", "P102", "P103", "P111", "P112", "P121", "P131", "P161", "P162")
STRICT_ONLY = ("P132",)


def fix_corpus(samples: Path, out: Path, profile: str = "default") -> list[FileOutcome]:
    scanner = Scanner(Config(profile=profile))
    return fix_paths([str(samples)], scanner, FixOptions(output=out))


def remaining(out: Path, profile: str) -> tuple[Counter[str], list[dict[str, str]]]:
    report = scan_paths([str(out)], Config(profile=profile))
    return Counter(f.rule_id for f in report.findings if f.rule_id[0] in "PE"), report.errors


def diff_check(outcomes: list[FileOutcome], samples: Path, out: Path) -> tuple[int, dict[str, list[str]]]:
    """(files compared, problems by file) for every file the fix rewrote."""
    compared = 0
    problems: dict[str, list[str]] = {}
    for outcome in outcomes:
        if outcome.status != "fixed" or outcome.output is None or outcome.format is None:
            continue
        source = samples / Path(outcome.path).relative_to(samples)
        found = compare(outcome.format, source.read_bytes(), Path(outcome.output).read_bytes(), outcome.changes)
        compared += 1
        if found:
            problems[outcome.path] = found
    return compared, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=Path, default=Path("corpora/samples"))
    parser.add_argument("--keep", type=Path, help="write the fixed copies here instead of a temporary folder")
    args = parser.parse_args(argv)
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        rows: dict[str, dict[str, int]] = {}
        for profile in ("default", "strict"):
            out = base / f"fixed-{profile}"
            outcomes = fix_corpus(args.samples, out, profile)
            counts, errors = remaining(out, profile)
            rows[profile] = dict(counts)
            statuses = Counter(o.status for o in outcomes)
            masked = sum(1 for o in outcomes for c in o.changes if c.applied)
            print(f"[{profile}] files: {dict(sorted(statuses.items()))}; masked values: {masked}")
            if errors or statuses.get("error"):
                failed = True
                print(f"  errors: {len(errors)} scan, {statuses.get('error', 0)} fix")
            if profile == "default":
                compared, problems = diff_check(outcomes, args.samples, out)
                print(f"diff check: {compared} fixed files compared, {len(problems)} with differences beyond masking")
                for path, found in problems.items():
                    failed = True
                    print(f"  {path}: {len(found)} problem(s), first: {found[0]}")
                again = fix_paths([str(out)], Scanner(Config()), FixOptions(dry_run=True))
                changed = sum(1 for o in again if o.changes or o.status == "fixed")
                print(f"idempotence: fixing the fixed copies would change {changed} file(s)")
                failed |= changed > 0
        print()
        print(f"{'rule':<6} {'default':>8} {'strict':>8}  required")
        for rule in (*MUST_BE_ZERO, *STRICT_ONLY):
            default, strict = rows["default"].get(rule, 0), rows["strict"].get(rule, 0)
            required = "0 (strict)" if rule in STRICT_ONLY else "0"
            bad = strict > 0 if rule in STRICT_ONLY else default > 0 or strict > 0
            failed |= bad
            print(f"{rule:<6} {default:>8} {strict:>8}  {required}{'  FAIL' if bad else ''}")
        others = sorted((set(rows["default"]) | set(rows["strict"])) - set(MUST_BE_ZERO) - set(STRICT_ONLY))
        for rule in others:
            print(f"{rule:<6} {rows['default'].get(rule, 0):>8} {rows['strict'].get(rule, 0):>8}  (not required)")
    print()
    print("FAIL" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

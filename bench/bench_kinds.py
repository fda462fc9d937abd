"""Where scan time goes, by document kind: seconds per MB beside the bare-regex floor.

    python bench/bench_kinds.py [--corpus /tmp/bench-mixed] [--select P101,...]

Scans every file of a generated bench corpus in this process, one at a time, and groups
the time by document kind (the file name's prefix before ``_``, e.g. 村务财务收支公开).
A kind with no findings at all still costs loading, blocks and rejected candidates;
its s/MB against the bare regex's s/MB shows how far the floor is from any real scan.
Prints numbers; asserts nothing (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if importlib.util.find_spec("auditor") is None:  # as bench_scan: the installed build, else the tree
    sys.path.insert(0, str(ROOT))

IDENTIFIER_RULES = "P101,P102,P103,P111,P112,P121,P161,E001"


def main(argv: list[str] | None = None) -> int:
    from auditor.config import Config
    from auditor.engine import Scanner, iter_targets
    from bench.bench_scan import BARE_REGEX, corpus_files, extract

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/bench-mixed"))
    parser.add_argument("--select", default=IDENTIFIER_RULES, help="rule codes, as `scan --select` ('' = default)")
    args = parser.parse_args(argv)

    scanner = Scanner(Config(select=args.select.split(",") if args.select else None))
    seconds: Counter[str] = Counter()
    size: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    files: Counter[str] = Counter()
    for target in iter_targets([str(args.corpus)]):
        assert target.path is not None
        kind = target.path.name.split("_")[0]
        start = time.perf_counter()
        result = scanner.scan_target(target)
        seconds[kind] += time.perf_counter() - start
        size[kind] += target.path.stat().st_size
        findings[kind] += len(result.findings)
        files[kind] += 1

    texts = list(extract(corpus_files(args.corpus)))
    start = time.perf_counter()
    for text in texts:
        for _ in BARE_REGEX.finditer(text):
            pass
    regex_s_per_mb = (time.perf_counter() - start) / (sum(len(t.encode("utf-8")) for t in texts) / 1e6)

    total = sum(seconds.values())
    print(f"corpus {args.corpus}, rules: {args.select or 'default'}; bare regex {regex_s_per_mb:.3f} s/MB")
    print(f"{'kind':<22} {'files':>6} {'MB':>7} {'s':>7} {'share':>6} {'s/MB':>6} {'× regex':>8} {'findings':>9}")
    for kind in sorted(seconds, key=seconds.__getitem__, reverse=True):
        mb = size[kind] / 1e6
        per_mb = seconds[kind] / mb
        print(
            f"{kind:<22} {files[kind]:>6} {mb:>7.2f} {seconds[kind]:>7.2f} {100 * seconds[kind] / total:>5.1f}%"
            f" {per_mb:>6.2f} {per_mb / regex_s_per_mb:>7.1f}× {findings[kind]:>9}"
        )
    print(f"{'total':<22} {sum(files.values()):>6} {sum(size.values()) / 1e6:>7.2f} {total:>7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

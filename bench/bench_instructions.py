"""Instructions a serial scan executes, counted by callgrind: a speed figure that noise cannot move.

    python bench/bench_instructions.py [--corpus /tmp/bench-mixed/baisha] [--select P101,...]

On a shared machine two timings of the same scan differ by 10 % or more, so a change that saves
3 % cannot be seen in seconds. ``valgrind --tool=callgrind`` counts the instructions the
interpreter executes instead: the same build, input and environment give the same count, whatever
else the machine runs. This script scans one folder of the bench corpus (one town of the mixed
profile by default; bench_scan.py generates the corpus) in a single process, once under
callgrind, and once more with nothing to scan, so the start-up (imports, rules, region table) can
be subtracted. ``PYTHONHASHSEED=0`` and written bytecode keep the counts repeatable. The scan runs
about fifty times slower under callgrind: a town takes a few minutes.

The auditor counted is the one bench_scan times: an installed build, else the source tree.
Needs valgrind (Debian package ``valgrind``). Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import bench_scan  # beside this file; importing it decides which auditor is counted

IDENTIFIER_RULES = "P101,P102,P103,P111,P112,P121,P161,E001"
DEFAULT_CORPUS = Path("/tmp/bench-mixed/baisha")
# The scan the child runs: scan_paths in this process (jobs=1), rules selected or the defaults.
CHILD = """
import sys
from auditor.config import Config
from auditor.engine import scan_paths
select = sys.argv[2].split(",") if sys.argv[2] else None
paths = [sys.argv[1]] if sys.argv[1] else []
report = scan_paths(paths, config=Config(select=select), jobs=1)
print(len(report.findings))
"""
_COLLECTED = re.compile(r"Collected : (\d+)")


def child_environment() -> dict[str, str]:
    """The child imports the package bench_scan times (an installed build, else this tree)."""
    where = str(bench_scan.package_dir().parent)
    return dict(
        os.environ, PYTHONHASHSEED="0", PYTHONPATH=os.pathsep.join(filter(None, [where, os.environ.get("PYTHONPATH")]))
    )


def count(corpus: str, select: str, env: dict[str, str]) -> tuple[int, int]:
    """(instructions, findings) of one serial scan of ``corpus`` ('' scans nothing) under callgrind."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-c",
            CHILD,
            corpus,
            select,
        ]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False, cwd=folder)
    collected = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or collected is None:
        raise SystemExit(f"callgrind run failed ({done.returncode}): {done.stderr[-2000:]}")
    return int(collected.group(1)), int(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="a folder (default: one town)")
    parser.add_argument(
        "--select", default="", help=f"rule codes, as `scan --select` (default: the default rules; {IDENTIFIER_RULES})"
    )
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    if not args.corpus.is_dir():
        raise SystemExit(f"{args.corpus} is not a folder: run bench/bench_scan.py --profile mixed first")

    env = child_environment()
    bench_scan.compile_package()  # as an installed copy has: else the count includes compiling every module
    total, findings = count(str(args.corpus), args.select, env)
    start_up, _ = count("", args.select, env)
    print(f"corpus       {args.corpus} (rules: {args.select or 'default'}), {findings} findings")
    print(f"instructions {total / 1e6:12,.1f} M  whole run")
    print(f"             {start_up / 1e6:12,.1f} M  start-up (nothing scanned)")
    print(f"             {(total - start_up) / 1e6:12,.1f} M  the scan's own")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Scanner throughput against a single bare regex pass over the same text (SPEC §9).

    python bench/bench_scan.py [--profile lists|mixed] [--corpus /tmp/bench] [--size-mb 50] [--cli text]

Generates the benchmark corpus if it is absent (corpora/generate.py --bench) in the
chosen profile: ``lists`` (default, /tmp/bench) has only long personal-data lists, the
worst case; ``mixed`` (/tmp/bench-mixed) is a village column's year, 30 % of files
short lists among finance tables, notices, minutes and tenders. It
extracts the same text (text files decoded, xlsx cell strings via python_calamine), then
alternates a ``scan_paths`` over the corpus with one ``re.finditer(r'\\d{17}[\\dXx]')``
pass over that text, ``--repeat`` times, and compares the best of each (the package's bytecode
written first, as ``pip install`` does). Target: the
scanner within 5× of that regex pass. ``--cli FORMAT`` also times the whole command, report
written, in a subprocess: what a user waits for. ``--without-detection`` times the scan with
detection finding nothing: the part of the scan that no faster detector could remove. Prints
numbers; asserts nothing (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import compileall
import gc
import importlib.util
import os
import re
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The auditor that `import auditor` finds is the one timed: an installed compiled build (README,
# "编译版") is timed as such. The source tree only when none is installed.
if importlib.util.find_spec("auditor") is None:
    sys.path.insert(0, str(ROOT))
BARE_REGEX = re.compile(r"\d{17}[\dXx]")
TEXT_SUFFIXES = {".txt", ".md", ".csv", ".tsv", ".json", ".html", ".htm"}
TARGET_RATIO = 5.0
PROFILES = ("lists", "mixed")
DEFAULT_CORPUS = {"lists": Path("/tmp/bench"), "mixed": Path("/tmp/bench-mixed")}


def load_generator() -> ModuleType:
    """corpora/ is not a package; load generate.py by path."""
    spec = importlib.util.spec_from_file_location("corpus_generate", ROOT / "corpora" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def read_manifest(corpus: Path) -> dict[str, str]:
    """The key=value lines generate_bench writes beside the corpus; empty when there is none."""
    manifest = corpus.parent / f"{corpus.name}.manifest"
    if not manifest.exists():
        return {}
    lines = manifest.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def ensure_corpus(corpus: Path, size_mb: float, profile: str = "lists") -> None:
    """Generate the corpus unless a complete one of the requested size, profile and form is already there.

    Manifests written before profiles existed have no ``profile`` line: those are ``lists``.
    """
    manifest = read_manifest(corpus)
    generator = load_generator()
    same = manifest.get("size_mb") == str(size_mb) and manifest.get("profile", "lists") == profile
    if corpus.is_dir() and same and manifest.get("form") == str(generator.CORPUS_FORM):
        return
    print(f"generating a {size_mb:g} MB {profile} bench corpus in {corpus} …", flush=True)
    files, total = generator.generate_bench(corpus, size_mb, profile=profile)
    print(f"  {files} files, {total / 1e6:.1f} MB", flush=True)


def add_corpus_arguments(parser: argparse.ArgumentParser) -> None:
    """--profile, --corpus and --size-mb, shared with bench_presidio.py."""
    parser.add_argument(
        "--profile", choices=PROFILES, default="lists", help="lists: worst case; mixed: a village column's year"
    )
    parser.add_argument("--corpus", type=Path, default=None, help="default /tmp/bench, or /tmp/bench-mixed")
    parser.add_argument("--size-mb", type=float, default=50.0)


def corpus_path(args: argparse.Namespace) -> Path:
    """--corpus, else the profile's own folder, so the two profiles never overwrite each other."""
    return args.corpus or DEFAULT_CORPUS[args.profile]


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.is_file())


def decode(data: bytes) -> str:
    """UTF-8 (BOM stripped) when it decodes, else GB18030, which covers GBK."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def xlsx_text(path: Path) -> str:
    """Every sheet's cells (hidden sheets too) as tab/newline-joined strings."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    lines = []
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).to_python():
            lines.append("\t".join(cell_text(c) for c in row))
    return "\n".join(lines)


def cell_text(value: Any) -> str:
    """Numbers as a spreadsheet shows whole numbers, so 13812345678.0 reads 13812345678."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def extract(files: list[Path]) -> Iterator[str]:
    for path in files:
        if path.suffix.lower() == ".xlsx":
            yield xlsx_text(path)
        elif path.suffix.lower() in TEXT_SUFFIXES:
            yield decode(path.read_bytes())


def package_dir() -> Path:
    """Where the timed auditor is: the source tree (editable install) or an installed copy."""
    spec = importlib.util.find_spec("auditor")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent


def build_label() -> str:
    """Which build is timed (pure Python or compiled) and where it is."""
    from auditor.buildinfo import build_name

    return f"{build_name()}, {package_dir()}"


def compile_package() -> None:
    """Write the package's bytecode first, as ``pip install`` does.

    Scan workers import the loaders when their first file needs one; where bytecode is never
    written (PYTHONDONTWRITEBYTECODE, as on some CI machines) each worker would compile them
    from source inside the timed run, a cost no installed copy pays.
    """
    compileall.compile_dir(package_dir(), quiet=1)


def stub_detection() -> None:
    """Make Detector.detect find nothing, in this process and in the pool's forked workers.

    What is left of the scan is the floor under any detector, however fast: reading and
    parsing files, the checks that need no detection, the pool. A compiled build's classes
    cannot be patched, and spawned workers would import the real method.
    """
    import multiprocessing

    from auditor.buildinfo import compiled_modules
    from auditor.recognizers.detect import Detector

    if multiprocessing.get_start_method() != "fork":
        raise SystemExit("--without-detection needs the fork start method (Linux)")
    if compiled_modules():  # compiled callers would call the real method, patched or not
        raise SystemExit("--without-detection needs the pure Python build")
    Detector.detect = _find_nothing  # type: ignore[method-assign,assignment]


def _find_nothing(self: object, *args: object, **kwargs: object) -> list[object]:
    return []


def time_scan(corpus: Path, jobs: int = 1, select: list[str] | None = None) -> tuple[float, float, int, int]:
    """Seconds for scan_paths over the corpus; CPU seconds it used, workers included; findings; files that failed."""
    from auditor.config import Config
    from auditor.engine import scan_paths

    gc.collect()
    cpu_before = cpu_seconds()
    start = time.perf_counter()
    report = scan_paths([str(corpus)], config=Config(select=select), jobs=jobs)
    seconds = time.perf_counter() - start
    cpu = cpu_seconds() - cpu_before
    failed = sum(1 for r in report.files if r.status == "error")
    return seconds, cpu, len(report.findings), failed


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the scan's pool is joined when it returns)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def burn(n: int) -> float:
    start = time.perf_counter()
    x = 0
    for i in range(n):
        x += i * i
    return time.perf_counter() - start


def effective_cores(jobs: int) -> float:
    """How many cores the machine really gives us now: ``jobs`` CPU-bound processes vs one.

    On a shared VM the nominal core count can be far from what a pool gets; read the
    wall-clock ratios against this.
    """
    from concurrent.futures import ProcessPoolExecutor

    n = 5_000_000
    one = burn(n)
    with ProcessPoolExecutor(jobs) as pool:
        start = time.perf_counter()
        list(pool.map(burn, [n] * jobs))
        many = time.perf_counter() - start
    return jobs * one / many if many else float(jobs)


def time_cli(corpus: Path, output_format: str, select: list[str] | None = None) -> float:
    """Seconds for the whole ``auditor scan`` command, report written to /dev/null: what a user waits for.

    Run from the folder holding the timed package, so ``python -m auditor`` is that package.
    """
    command = [sys.executable, "-m", "auditor", "scan", str(corpus), "-f", output_format, "-o", os.devnull, "-q"]
    if select:
        command += ["--select", ",".join(select)]
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=package_dir().parent, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if completed.returncode not in (0, 1):
        raise SystemExit(f"auditor scan failed ({completed.returncode}): {completed.stderr[-2000:]}")
    return seconds


def time_regex(texts: list[str], repeat: int) -> tuple[float, float, int]:
    """Best-of-``repeat`` seconds and CPU seconds for one bare regex pass over all texts; match count."""
    best, best_cpu, count = float("inf"), float("inf"), 0
    for _ in range(repeat):
        cpu_before = time.process_time()
        start = time.perf_counter()
        count = sum(1 for text in texts for _ in BARE_REGEX.finditer(text))
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu_before)
    return best, best_cpu, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_corpus_arguments(parser)
    parser.add_argument("--repeat", type=int, default=3, help="alternating scan and regex runs; best of each")
    parser.add_argument(
        "--jobs", type=int, default=0, help="scan processes, as `scan --jobs` (0 = automatic, the CLI default)"
    )
    parser.add_argument(
        "--select",
        default=None,
        help="rule codes, as `scan --select` (e.g. the identifier rules P101,P102,P103,P111,P112,P121,P161,E001)",
    )
    parser.add_argument(
        "--without-detection",
        action="store_true",
        help="detection finds nothing: times everything else (loading, other checks, the pool), the part no "
        "faster detector can remove (pure Python build, fork start method)",
    )
    parser.add_argument(
        "--cli",
        metavar="FORMAT",
        default=None,
        help="also time the whole `auditor scan -f FORMAT -o /dev/null` command (text, json, sarif …)",
    )
    args = parser.parse_args(argv)

    corpus = corpus_path(args)
    ensure_corpus(corpus, args.size_mb, args.profile)
    files = corpus_files(corpus)
    disk_mb = sum(p.stat().st_size for p in files) / 1e6

    select = args.select.split(",") if args.select else None
    if args.without_detection:
        stub_detection()
    compile_package()
    start = time.perf_counter()
    texts = list(extract(files))
    extract_s = time.perf_counter() - start
    text_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    # Scan and regex pass alternate and each keeps its best run: on a shared machine a slow
    # moment then hits both sides, not only the one that happened to run during it.
    scan_s, regex_s, cli_s = float("inf"), float("inf"), float("inf")
    scan_cpu, regex_cpu = float("inf"), float("inf")
    for _ in range(args.repeat):
        seconds, cpu, findings, failed = time_scan(corpus, args.jobs, select)
        scan_s, scan_cpu = min(scan_s, seconds), min(scan_cpu, cpu)
        if args.cli:
            cli_s = min(cli_s, time_cli(corpus, args.cli, select))
        seconds, cpu, matches = time_regex(texts, 1)
        regex_s, regex_cpu = min(regex_s, seconds), min(regex_cpu, cpu)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cores = os.cpu_count() or 1
    workers = args.jobs or cores

    ratio = scan_s / regex_s if regex_s else float("inf")
    print(
        f"corpus          {corpus} ({args.profile}): {len(files)} files, {disk_mb:.1f} MB on disk, "
        f"{text_mb:.1f} MB of text"
    )
    print(f"density         {findings / text_mb:8.0f} findings/MB of text  {matches / text_mb:8.0f} regex matches/MB")
    print(f"auditor scan    (--jobs {args.jobs}, {os.cpu_count()} cores, rules: {args.select or 'default'})")
    print(f"build           {build_label()}" + ("  — detection stubbed out" if args.without_detection else ""))
    print(
        f"auditor scan    {scan_s:8.2f} s  {text_mb / scan_s:8.1f} MB/s  {findings} findings, {failed} files failed"
        f" (best of {args.repeat})"
    )
    print(f"bare regex      {regex_s:8.2f} s  {text_mb / regex_s:8.1f} MB/s  {matches} matches (best of {args.repeat})")
    both_s = extract_s + regex_s
    print(f"extract+regex   {both_s:8.2f} s  {text_mb / both_s:8.1f} MB/s  (decoding and xlsx reading included)")
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    if args.without_detection:
        verdict = "not the target's measure: detection stubbed out"
    print(f"ratio           scan / bare regex = {ratio:.1f}× (target ≤ {TARGET_RATIO:g}×: {verdict})")
    print(f"                scan / (extract + regex) = {scan_s / both_s:.1f}×")
    cpu_ratio = scan_cpu / regex_cpu if regex_cpu else float("inf")
    print(
        f"cpu             scan {scan_cpu:.2f} s (this process and its workers), bare regex {regex_cpu:.2f} s: "
        f"{cpu_ratio:.1f}×, so on {cores} cores no better than {cpu_ratio / cores:.1f}×"
    )
    print(f"cores           {cores} nominal, ≈{effective_cores(workers):.1f} available now (CPU-burn check)")
    if args.cli:
        print(
            f"auditor scan -f {args.cli} (whole command, report written) {cli_s:8.2f} s  {text_mb / cli_s:8.1f} MB/s  "
            f"= {cli_s / regex_s:.1f}× the bare regex"
        )
    print(f"peak RSS        {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

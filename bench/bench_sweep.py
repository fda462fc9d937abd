"""(c) A 100,000-file sweep: wall time, files/s, peak RSS, and an incremental re-sweep with 1 % changed.

    python bench/bench_sweep.py [--profile lists|mixed] [--root /tmp/sweep100k] [--files 100000]
                                [--small 10000] [--jobs 0]

Generates (once) a tree of small disclosures with corpora/generate.py's builders:
every text format and encoding, 1 in 25 files an xlsx, 3-40 rows each, in
town/NNN/ folders of 500 files. ``--profile lists`` (default, /tmp/sweep100k) makes
every file a personal-data list; ``mixed`` (/tmp/sweep100k-mixed) takes the kinds of
the mixed bench profile (30 % lists, 70 % documents without personal data) at the
same small sizes, so only the content changes. Each sweep runs in a child process that samples
its own RSS and its workers' every 0.25 s, so the report shows peak memory of
the main process and of one worker, and how they move as files accumulate.

Sequence: a ``--small``-file tree (to compare peak RSS at 10× fewer files), then
on the big tree: first sweep (fresh database), a re-sweep with nothing changed,
and a re-sweep after changing 1 % of the files. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import bench_scan  # this script's folder is on sys.path: the corpus builder and the CPU-burn check

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT_ENV = "AUDITOR_BENCH_SNAPSHOT"
if SNAPSHOT_ENV not in os.environ and str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
SEED = 20241101
FILES_PER_FOLDER = 500

# -- the tree ------------------------------------------------------------------------


def ensure_tree(root: Path, files: int, profile: str = "lists") -> dict[str, Any]:
    """Generate ``files`` small documents under root unless a complete tree of that profile and form is there.

    Manifests written before profiles existed have no ``profile``: those trees are ``lists``.
    """
    manifest = root.parent / f"{root.name}.manifest"
    gen = bench_scan.load_generator()
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        same = data.get("files") == files and data.get("seed") == SEED and data.get("profile", "lists") == profile
        if same and data.get("form") == gen.CORPUS_FORM and root.is_dir():
            return data
    if root.exists():
        import shutil

        shutil.rmtree(root)
    g = gen.Gen(SEED, gen.load_regions())
    towns = gen.make_towns(g)
    start = time.perf_counter()
    total = 0
    for n in range(files):
        town = towns[n % len(towns)]
        fmt = "xlsx" if n % 25 == 24 else gen.TEXT_FORMATS[n % len(gen.TEXT_FORMATS)]
        doc = tree_doc(gen, g, town, n, profile)
        rel = f"{town.slug}/{n // FILES_PER_FOLDER:03d}/{gen.bench_name(doc.kind)}_{n:06d}.{fmt}"
        if fmt == "xlsx":
            spec = gen.FileSpec(rel, fmt, None, [doc], {"sheets": [{"name": "名单"}]})
        else:
            encoding = gen.ENCODINGS[n % len(gen.ENCODINGS)]
            spec = gen.FileSpec(rel, fmt, encoding, [doc], gen.text_options(g, fmt, encoding, n % 3))
        gen.write_file(root, spec)
        total += (root / rel).stat().st_size
        if n % 10_000 == 9_999:
            print(f"  generated {n + 1} files ({time.perf_counter() - start:.0f} s)", flush=True)
    data = {"seed": SEED, "files": files, "bytes": total, "profile": profile, "form": gen.CORPUS_FORM}
    manifest.write_text(json.dumps(data), encoding="utf-8")
    return data


def tree_doc(gen: ModuleType, g: Any, town: Any, n: int, profile: str) -> Any:
    """Document ``n`` of the tree, 3-40 rows: a list kind in turn, or the mixed profile's kind."""
    if profile == "mixed":
        return gen.mixed_doc(g, town, n, rows=(3, 41))
    kind = gen.KIND_CYCLE[n % len(gen.KIND_CYCLE)]
    style = gen.STYLE_CYCLE[n % len(gen.STYLE_CYCLE)]
    return gen.build_doc(g, town, kind, style, g.rng.randrange(3, 41), 2023, 1 + n % 12)


def change_files(root: Path, share: float, salt: int) -> int:
    """Append a line to every (1/share)-th text file: new size, mtime and hash."""
    step = max(1, round(1 / share))
    text = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix not in (".xlsx",))
    rng = random.Random(salt)
    changed = 0
    for path in text[::step]:
        line = f"\n补充说明 {salt}-{rng.randrange(10**6)}：联系电话 0871-6512{rng.randrange(1000, 9999)}\n"
        with path.open("ab") as fh:
            fh.write(line.encode("utf-8"))
        changed += 1
    return changed


# -- one sweep in a child process, with RSS sampling ------------------------------------------


def rss_of(pid: int, field: str = "VmRSS") -> int:
    """VmRSS (now) or VmHWM (peak of this process image; unlike ru_maxrss it does not
    inherit the launching process's size across fork+exec) from /proc, in bytes."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def children_of(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out


def child(root: Path, db: Path, jobs: int) -> None:
    """Runs in the child: sweep, sample RSS, print one JSON line."""
    from auditor.sweep.runner import SweepOptions, run_sweep

    samples: list[tuple[float, int, int, int]] = []  # (t, main rss, max worker rss, files done)
    done = {"files": 0}
    worker_peak = {"bytes": 0}
    stop = threading.Event()

    class Counter:
        wants_totals = False

        def totals(self, files: int, size: int) -> None:
            pass

        def advance(self, files: int, size: int, findings: int) -> None:
            done["files"] += files

    def sample() -> None:
        me = os.getpid()
        t0 = time.perf_counter()
        while not stop.wait(0.25):
            workers = children_of(me)
            now = [rss_of(c) for c in workers]
            worker_peak["bytes"] = max([worker_peak["bytes"], *(rss_of(c, "VmHWM") for c in workers)])
            samples.append((time.perf_counter() - t0, rss_of(me), max(now, default=0), done["files"]))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    outcome = run_sweep(SweepOptions(root=root, db=db, jobs=jobs), Counter())
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    peak_self = rss_of(os.getpid(), "VmHWM")
    print(
        json.dumps(
            {
                "seconds": seconds,
                "files": outcome.files,
                "bytes": outcome.bytes,
                "scanned": outcome.scanned,
                "reused": outcome.reused,
                "findings": outcome.findings,
                "errors": outcome.errors,
                "peak_main": peak_self,
                "peak_worker": worker_peak["bytes"],
                "timeline": samples[:: max(1, len(samples) // 40)],
                "code": str(Path(sys.modules["auditor"].__file__ or "").parent),
            }
        )
    )


def snapshot() -> Path:
    """A frozen copy of auditor/ and rules/ for the children.

    The cache key covers the package sources, so an edit in a shared working tree
    between the first sweep and the re-sweeps would (rightly) force a full rescan
    and measure nothing. The copy keeps the three sweeps on one version.
    """
    import shutil
    import tempfile

    target = Path(tempfile.mkdtemp(prefix="auditor-bench-"))
    for name in ("auditor", "rules"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def run_child(root: Path, db: Path, jobs: int, code: Path | None) -> dict[str, Any]:
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(code), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        env[SNAPSHOT_ENV] = str(code)
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(root), str(db), str(jobs)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if proc.returncode != 0:
        raise SystemExit(f"sweep failed: {proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def mb(n: float) -> str:
    return f"{n / 2**20:.0f} MiB"


def describe(name: str, r: dict[str, Any]) -> str:
    rate = r["files"] / r["seconds"] if r["seconds"] else 0
    return (
        f"{name:<28} {r['seconds']:9.1f} s {rate:8.0f} files/s {r['bytes'] / 1e6 / r['seconds']:6.2f} MB/s  "
        f"scanned {r['scanned']:>6} reused {r['reused']:>6}  peak RSS main {mb(r['peak_main'])}, "
        f"worker {mb(r['peak_worker'])}"
    )


def rss_by_progress(r: dict[str, Any]) -> str:
    """Main/worker RSS when 10 %, 50 % and 100 % of the files were done."""
    points = []
    for share in (0.1, 0.5, 1.0):
        want = share * r["files"]
        sample = next((s for s in r["timeline"] if s[3] >= want), r["timeline"][-1] if r["timeline"] else None)
        if sample:
            points.append(f"{int(share * 100)}%: main {mb(sample[1])} worker {mb(sample[2])}")
    return "; ".join(points)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=("lists", "mixed"), default="lists", help="content of the trees")
    parser.add_argument("--root", type=Path, default=None, help="default /tmp/sweep100k, or /tmp/sweep100k-mixed")
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000, help="files in the comparison tree (0 = skip)")
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--changed", type=float, default=0.01, help="share of files changed before the re-sweep")
    parser.add_argument("--db-dir", type=Path, default=Path("/tmp"))
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--live", action="store_true", help="run the working tree's code, not a frozen copy")
    parser.add_argument("--child", nargs=3, metavar=("ROOT", "DB", "JOBS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), int(args.child[2]))
        return 0

    results: dict[str, Any] = {"cores": os.cpu_count(), "jobs": args.jobs, "profile": args.profile}
    workers = args.jobs or os.cpu_count() or 1
    results["effective_cores"] = bench_scan.effective_cores(workers)
    print(f"cores: {os.cpu_count()} nominal, ≈{results['effective_cores']:.1f} available now (CPU-burn check)")
    code = None if args.live else snapshot()
    big = args.root or Path("/tmp/sweep100k" + ("-mixed" if args.profile == "mixed" else ""))
    trees = [(f"{args.small}-file tree", big.with_name(f"{big.name}-small"), args.small)] if args.small else []
    trees.append((f"{args.files}-file tree", big, args.files))
    for label, root, files in trees:
        print(f"tree {root} ({files} files) …", flush=True)
        info = ensure_tree(root, files, args.profile)
        print(f"  {info['files']} files, {info['bytes'] / 1e6:.0f} MB", flush=True)
        db = args.db_dir / f"{root.name}.sqlite"
        for suffix in ("", "-wal", "-shm", ".lock"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        first = run_child(root, db, args.jobs, code)
        print(f"  code from {first['code']}", flush=True)
        print(describe(f"first sweep, {label}", first), flush=True)
        print(f"  RSS by progress: {rss_by_progress(first)}", flush=True)
        results[f"first_{files}"] = first
        if root != big:
            continue
        same = run_child(root, db, args.jobs, code)
        print(describe("re-sweep, nothing changed", same), flush=True)
        changed = change_files(root, args.changed, salt=int(time.time()))
        again = run_child(root, db, args.jobs, code)
        print(describe(f"re-sweep, {changed} changed", again), flush=True)
        size = sum(Path(f"{db}{suffix}").stat().st_size for suffix in ("", "-wal") if Path(f"{db}{suffix}").exists())
        print(f"database {db}: {size / 1e6:.0f} MB after three sweeps", flush=True)
        results["db_bytes"] = size
        share = 100 * again["seconds"] / first["seconds"]
        print(f"incremental re-sweep: {again['seconds']:.1f} s = {share:.2f} % of the first sweep (target < 5 %)")
        results.update(unchanged=same, incremental=again, changed_files=changed, incremental_share=share)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    if code is not None:
        import shutil

        shutil.rmtree(code, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The sweep loop: walk, decide reuse or scan, scan in a process pool, write each file as it finishes.

Resume and incremental runs are the same mechanism: a file whose stored result
has the same size, mtime, SHA-256, sidecar state and cache key (rules + config +
tool) is attached to the run without scanning. An interrupted run is resumed
(same run id) when the next sweep of the root uses the same cache key.

Memory stays flat with the number of files: the walk is lazy, at most a few
batches are in flight, results go straight to SQLite, totals are counters.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from auditor import __version__
from auditor.config import Config
from auditor.engine import Scanner
from auditor.rules import Rule, ruleset_version
from auditor.sweep.stop import POLL_SECONDS, StopRequest, signals_request_stop
from auditor.sweep.store import Run, ScanRecord, Store, Stored
from auditor.sweep.walk import Entry, cache_key, count, hash_file, walk
from auditor.sweep.worker import Task, crashed, init_worker, scan_batch, scan_one

WORKER_BATCHES = 1000  # batches a worker scans before it is replaced


class Progress(Protocol):
    """What the runner reports while it works (the CLI draws a rich bar from it)."""

    wants_totals: bool

    def totals(self, files: int, size: int) -> None: ...

    def advance(self, files: int, size: int, findings: int) -> None: ...


@dataclass(slots=True)
class SweepOptions:
    root: Path
    db: Path
    config: Config = field(default_factory=Config)
    rules: dict[str, Rule] | None = None
    jobs: int = 0  # 0 = one process per core
    keep_runs: int = 5
    exclude: tuple[Path, ...] = ()
    batch_files: int = 16
    batch_bytes: int = 1 << 20
    verify_hash: bool = True  # hash unchanged-looking files before reusing their results


@dataclass(slots=True)
class SweepOutcome:
    run_id: int
    resumed: bool
    files: int = 0
    bytes: int = 0
    scanned: int = 0
    reused: int = 0
    findings: int = 0
    errors: int = 0
    seconds: float = 0.0
    interrupted: bool = False


class _Inline:
    """jobs=1: scan in this process (no pickling, no fork), same interface as the pool."""

    def __init__(self, config: Config, rules: dict[str, Rule]) -> None:
        self.scanner = Scanner(config, rules)

    def submit(self, batch: list[Task]) -> Future[list[ScanRecord]]:
        future: Future[list[ScanRecord]] = Future()
        future.set_result([scan_one(self.scanner, task) for task in batch])
        return future

    def restart(self) -> None:
        pass

    def close(self, cancel: bool = False) -> None:
        pass


class _Pool:
    """A ProcessPoolExecutor that can be rebuilt after a worker dies."""

    def __init__(self, jobs: int, config: Config, rules: dict[str, Rule]) -> None:
        self.jobs, self.config, self.rules = jobs, config, rules
        self.executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        # spawn, not fork: workers must not inherit the store's SQLite handle and lock file
        # (an orphan holding the lock would block the resume after kill -9). Recycling
        # workers now and then keeps memory flat however many files the sweep has.
        return ProcessPoolExecutor(
            self.jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
            initargs=(self.config, self.rules),
            max_tasks_per_child=WORKER_BATCHES,
        )

    def submit(self, batch: list[Task]) -> Future[list[ScanRecord]]:
        return self.executor.submit(scan_batch, batch)

    def restart(self) -> None:
        self.close(cancel=True)
        self.executor = self._new()

    def close(self, cancel: bool = False) -> None:
        if cancel:
            # Workers ignore SIGINT; stop them now rather than after their current batch.
            for process in list(getattr(self.executor, "_processes", {}).values()):
                process.terminate()
        self.executor.shutdown(wait=True, cancel_futures=cancel)


class Sweeper:
    """One sweep of one root into one store."""

    def __init__(self, options: SweepOptions, store: Store, progress: Progress | None = None) -> None:
        self.options = options
        self.store = store
        self.progress = progress
        self.rules = options.rules if options.rules is not None else _load_rules()
        self.root = str(options.root.resolve())
        self.key = cache_key(options.config, self.rules)
        self.jobs = options.jobs or os.cpu_count() or 1
        self.exclude = frozenset(str(p.resolve()) for p in options.exclude)
        self.pending: dict[Future[list[ScanRecord]], list[Task]] = {}
        self.reuse_buffer: list[tuple[Stored, str, int | None]] = []
        self.last_flush = time.monotonic()
        self._local: Scanner | None = None
        self.stop = StopRequest()

    def run(self) -> SweepOutcome:
        run, resumed = self.store.start_run(self.root, self.key, ruleset_version(self.rules), __version__, self.jobs)
        self.run_row: Run = run
        self.outcome = SweepOutcome(run.id, resumed)
        if self.progress is not None and self.progress.wants_totals:
            self.progress.totals(*count(self.options.root, self.exclude))
        start = time.perf_counter()
        pool: _Inline | _Pool = (
            _Inline(self.options.config, self.rules)
            if self.jobs == 1
            else _Pool(self.jobs, self.options.config, self.rules)
        )
        try:
            with signals_request_stop(self.stop):
                self._loop(pool)
            pool.close()
        except KeyboardInterrupt:
            pool.close(cancel=True)
            self._abort_transaction()
            self.store.set_interrupted(run.id, time.perf_counter() - start)
            self.outcome.interrupted = True
        except BaseException:
            pool.close(cancel=True)  # the run stays 'running' and is resumed next time
            raise
        else:
            self.store.finish_run(run, time.perf_counter() - start, self.options.keep_runs)
        self.outcome.seconds = time.perf_counter() - start
        return self.outcome

    # -- the loop ------------------------------------------------------------------

    def _loop(self, pool: _Inline | _Pool) -> None:
        limit = 1 if self.jobs == 1 else 3 * self.jobs
        batch: list[Task] = []
        batch_bytes = 0
        for entry in walk(self.options.root, self.exclude, self._walk_error):
            self.stop.check()
            stored = self.store.lookup(self.root, entry.rel)
            if self._reuse(entry, stored):
                continue
            file_id = stored.file_id if stored is not None else None
            batch.append(Task(entry.rel, entry.path, entry.size, entry.mtime_ns, entry.deps, file_id))
            batch_bytes += entry.size
            if len(batch) >= self.options.batch_files or batch_bytes >= self.options.batch_bytes:
                self._submit(pool, batch, limit)
                batch, batch_bytes = [], 0
        if batch:
            self._submit(pool, batch, limit)
        self._flush_reused(force=True)
        while self.pending:
            self._drain(pool, block=True)

    def _walk_error(self, folder: str, message: str) -> None:
        self.store.record_error(self.run_row, folder, message, kind="walk")
        self.outcome.errors += 1

    def _reuse(self, entry: Entry, stored: Stored | None) -> bool:
        """Attach the stored result if the file is unchanged; False if it must be scanned."""
        if (
            stored is None
            or stored.result_id is None
            or stored.cache_key != self.key
            or stored.deps != entry.deps
            or stored.size != entry.size
            or stored.sha256 is None
        ):
            return False
        new_mtime: int | None = None
        if stored.mtime_ns != entry.mtime_ns or self.options.verify_hash:
            if hash_file(entry.path) != stored.sha256:
                return False
            if stored.mtime_ns != entry.mtime_ns:
                new_mtime = entry.mtime_ns
        self.reuse_buffer.append((stored, entry.rel, new_mtime))
        self._count(entry.size, stored.findings or 0, stored.status == "error", scanned=False)
        self._flush_reused()
        return True

    def _flush_reused(self, force: bool = False) -> None:
        """Reused files are written in groups: losing a group to kill -9 only costs a re-check."""
        if not self.reuse_buffer:
            return
        if force or len(self.reuse_buffer) >= 512 or time.monotonic() - self.last_flush > 2.0:
            self.store.record_reused(self.run_row, self.reuse_buffer)
            self.reuse_buffer = []
            self.last_flush = time.monotonic()

    def _submit(self, pool: _Inline | _Pool, batch: list[Task], limit: int) -> None:
        while len(self.pending) >= limit:
            self._drain(pool, block=True)
        self.pending[pool.submit(batch)] = batch
        self._drain(pool, block=False)

    def _drain(self, pool: _Inline | _Pool, block: bool) -> None:
        if block:
            while not (done := wait(list(self.pending), POLL_SECONDS, FIRST_COMPLETED)[0]):
                self.stop.check()
        else:
            done = {f for f in self.pending if f.done()}
        for future in done:
            if future not in self.pending:
                continue  # already handled while recovering from a crash
            batch = self.pending.pop(future)
            try:
                records = future.result()
            except BrokenProcessPool:
                self._recover(pool, batch)
                continue
            self._write(records, batch)
        self._flush_reused()

    def _write(self, records: list[ScanRecord], batch: list[Task]) -> None:
        for record, task in zip(records, batch, strict=True):
            self.store.record_scan(self.run_row, self.root, record, self.key, task.file_id)
            self._count(record.size, record.findings, record.status == "error", scanned=True)

    def _recover(self, pool: _Inline | _Pool, batch: list[Task]) -> None:
        """A worker died: keep finished batches, then rescan the suspects one by one in a fresh pool."""
        suspects = list(batch)
        for future, other in list(self.pending.items()):
            del self.pending[future]
            try:
                self._write(future.result(), other)
            except BrokenProcessPool:
                suspects.extend(other)
        for task in suspects:
            pool.restart()
            try:
                records = pool.submit([task]).result()
            except BrokenProcessPool:
                if self._local is None:
                    self._local = Scanner(self.options.config, self.rules)
                records = [crashed(self._local, task)]
            self._write(records, [task])
        pool.restart()

    def _count(self, size: int, findings: int, error: bool, scanned: bool) -> None:
        out = self.outcome
        out.files += 1
        out.bytes += size
        out.findings += findings
        out.errors += error
        if scanned:
            out.scanned += 1
        else:
            out.reused += 1
        if self.progress is not None:
            self.progress.advance(1, size, findings)

    def _abort_transaction(self) -> None:
        if self.store.db.in_transaction:
            self.store.db.execute("ROLLBACK")
        with contextlib.suppress(KeyboardInterrupt):
            self._flush_reused(force=True)


def _load_rules() -> dict[str, Rule]:
    from auditor.rules import load_rules

    return load_rules()


def run_sweep(
    options: SweepOptions,
    progress: Progress | None = None,
    on_start: Callable[[Store], None] | None = None,
) -> SweepOutcome:
    """Open (and lock) the store, sweep, close. Raises StoreError if the database is unusable.

    Workers are started with ``spawn``: a script calling this with jobs != 1 needs the
    usual ``if __name__ == "__main__":`` guard.
    """
    with Store(options.db, lock=True) as store:
        if on_start is not None:
            on_start(store)
        return Sweeper(options, store, progress).run()

"""SQLite store of sweeps: runs, files, scan results, findings and errors.

Why this shape: a result row belongs to one (file content, cache key); runs point
at results through ``run_files``. An unchanged file therefore costs one small
row per run, and comparing two runs only has to look at files whose result
changed. Only masked evidence and keyed fingerprints are ever stored.

WAL mode with one transaction per finished file: a ``kill -9`` loses at most the
files that were in flight, and a reader (the HTML report) never blocks the writer.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1

MIGRATIONS: dict[int, str] = {
    1: """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  root TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL,
  cache_key TEXT NOT NULL,
  ruleset TEXT NOT NULL,
  tool_version TEXT NOT NULL,
  jobs INTEGER NOT NULL DEFAULT 1,
  pass INTEGER NOT NULL DEFAULT 1,
  seconds REAL NOT NULL DEFAULT 0,
  summary TEXT
);
CREATE INDEX runs_root ON runs(root, id);
CREATE TABLE files(
  id INTEGER PRIMARY KEY,
  root TEXT NOT NULL,
  path TEXT NOT NULL,
  UNIQUE(root, path)
);
CREATE TABLE results(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  run_id INTEGER NOT NULL,
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  sha256 TEXT,
  deps TEXT NOT NULL DEFAULT '',
  cache_key TEXT NOT NULL,
  format TEXT,
  status TEXT NOT NULL,
  error TEXT,
  findings INTEGER NOT NULL DEFAULT 0,
  counts TEXT NOT NULL DEFAULT '{}',
  findings_json TEXT NOT NULL DEFAULT '[]',
  scanned_at TEXT NOT NULL,
  seconds REAL NOT NULL DEFAULT 0
);
CREATE INDEX results_file ON results(file_id);
CREATE VIEW findings AS SELECT
  r.id AS result_id,
  f.path AS path,
  CAST(j.key AS INTEGER) AS seq,
  json_extract(j.value, '$[0]') AS fingerprint,
  json_extract(j.value, '$[1]') AS rule_id,
  json_extract(j.value, '$[2]') AS rule_name,
  json_extract(j.value, '$[3]') AS category,
  json_extract(j.value, '$[4]') AS severity,
  json_extract(j.value, '$[5]') AS entity,
  json_extract(j.value, '$[6]') AS message,
  json_extract(j.value, '$[7]') AS evidence,
  json_extract(j.value, '$[8]') AS location
FROM results r JOIN files f ON f.id = r.file_id, json_each(r.findings_json) j;
CREATE TABLE run_files(
  run_id INTEGER NOT NULL,
  file_id INTEGER NOT NULL,
  result_id INTEGER NOT NULL,
  pass INTEGER NOT NULL,
  PRIMARY KEY(run_id, file_id)
) WITHOUT ROWID;
CREATE INDEX run_files_result ON run_files(result_id);
CREATE TABLE errors(
  run_id INTEGER NOT NULL,
  path TEXT NOT NULL,
  kind TEXT NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY(run_id, path)
) WITHOUT ROWID;
""",
}

FINDING_COLUMNS = (
    "fingerprint",
    "rule_id",
    "rule_name",
    "category",
    "severity",
    "entity",
    "message",
    "evidence",
    "location",
)
# One finding as stored: the FINDING_COLUMNS values in that order. A file's findings are
# one JSON array in results.findings_json (one INSERT per file instead of one per finding,
# serialised by the workers); the ``findings`` view unfolds them for SQL. Locations are
# stored without "path" (it is the file's path) and get it back when read.
FindingRow = tuple[str, str, str, str, str, str | None, str, str | None, dict[str, Any]]


class StoreError(Exception):
    """The database cannot be used: newer schema, locked by another sweep, corrupt."""


@dataclass(slots=True)
class Stored:
    """What the store remembers about a path: enough to decide whether to rescan."""

    file_id: int
    result_id: int | None
    size: int | None
    mtime_ns: int | None
    sha256: str | None
    deps: str | None
    cache_key: str | None
    findings: int | None
    status: str | None
    error: str | None


@dataclass(slots=True)
class ScanRecord:
    """A finished scan of one file, ready to be written in one transaction."""

    path: str
    size: int
    mtime_ns: int
    sha256: str | None
    deps: str
    format: str | None
    status: str
    error: str | None
    findings: int
    counts: dict[str, int]  # "RULE:severity" -> number of findings
    findings_json: str  # JSON array of FindingRow
    seconds: float = 0.0


@dataclass(slots=True)
class Run:
    id: int
    root: str
    started_at: str
    finished_at: str | None
    status: str
    cache_key: str
    ruleset: str
    tool_version: str
    jobs: int
    pass_no: int
    seconds: float
    summary: dict[str, Any]


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


class Store:
    """One open sweep database. Single writer (the sweep's main process)."""

    def __init__(self, path: Path, *, lock: bool = False) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_fd: int | None = self._lock(path) if lock else None
        try:
            self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            self._unlock()
            raise StoreError(f"无法打开数据库 (cannot open database) {path}: {exc}") from exc
        self.db.execute("PRAGMA busy_timeout=10000")
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise StoreError(f"数据库无法使用 (unusable database) {path}: {exc}") from exc

    # -- lifecycle -----------------------------------------------------------------

    @staticmethod
    def _lock(path: Path) -> int:
        """An advisory lock beside the database: two sweeps must not write one store."""
        fd = os.open(str(path) + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            raise StoreError(f"另一个扫描正在使用该数据库 (another sweep is using this database): {path}") from exc
        return fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def close(self) -> None:
        try:
            self.db.close()
        finally:
            self._unlock()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        has_meta = self.db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        version = 0
        if has_meta:
            row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"数据库由更新版本的 auditor 创建 (schema {version} > {SCHEMA_VERSION}); 请升级 (upgrade auditor)"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                for statement in _statements(MIGRATIONS[target]):
                    self.db.execute(statement)
                self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(target),))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT; rolled back on any exception, Ctrl-C included.

        The rollback checks ``in_transaction``: a KeyboardInterrupt can land just
        after COMMIT, when there is nothing left to roll back.
        """
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    # -- runs ----------------------------------------------------------------------

    def start_run(self, root: str, cache_key: str, ruleset: str, tool_version: str, jobs: int) -> tuple[Run, bool]:
        """Resume the root's unfinished run if it used the same cache key; else start a new one.

        Returns the run and whether it was resumed.
        """
        last = self.latest_run(root)
        if last is not None and last.status in ("running", "interrupted"):
            if last.cache_key == cache_key:
                self.db.execute("UPDATE runs SET status='running', pass=pass+1, jobs=? WHERE id=?", (jobs, last.id))
                run = self.run(last.id)
                assert run is not None
                return run, True
            self.db.execute("UPDATE runs SET status='abandoned' WHERE id=?", (last.id,))
        cur = self.db.execute(
            "INSERT INTO runs(root, started_at, status, cache_key, ruleset, tool_version, jobs)"
            " VALUES (?, ?, 'running', ?, ?, ?, ?)",
            (root, now(), cache_key, ruleset, tool_version, jobs),
        )
        run = self.run(int(cur.lastrowid or 0))
        assert run is not None
        return run, False

    def run(self, run_id: int) -> Run | None:
        row = self.db.execute("SELECT * FROM runs WHERE id=?", (run_id,)).fetchone()
        return _run(row) if row else None

    def latest_run(self, root: str, status: str | None = None) -> Run | None:
        sql = "SELECT * FROM runs WHERE root=?" + (" AND status=?" if status else "") + " ORDER BY id DESC LIMIT 1"
        row = self.db.execute(sql, (root, status) if status else (root,)).fetchone()
        return _run(row) if row else None

    def previous_completed(self, run: Run) -> Run | None:
        row = self.db.execute(
            "SELECT * FROM runs WHERE root=? AND status='completed' AND id<? ORDER BY id DESC LIMIT 1",
            (run.root, run.id),
        ).fetchone()
        return _run(row) if row else None

    def completed_runs(self, root: str, limit: int = 20) -> list[Run]:
        rows = self.db.execute(
            "SELECT * FROM runs WHERE root=? AND status='completed' ORDER BY id DESC LIMIT ?", (root, limit)
        ).fetchall()
        return [_run(r) for r in reversed(rows)]

    def set_interrupted(self, run_id: int, seconds: float) -> None:
        self.db.execute(
            "UPDATE runs SET status='interrupted', seconds=seconds+? WHERE id=? AND status='running'",
            (seconds, run_id),
        )

    def finish_run(self, run: Run, seconds: float, keep_runs: int) -> None:
        """Drop rows of files no longer present, store the summary, mark completed, prune history."""
        with self.transaction():
            self.db.execute("DELETE FROM run_files WHERE run_id=? AND pass<?", (run.id, run.pass_no))
            self.db.execute(
                "DELETE FROM errors WHERE run_id=? AND kind='file' AND path NOT IN"
                " (SELECT f.path FROM run_files rf JOIN files f ON f.id=rf.file_id"
                " JOIN results r ON r.id=rf.result_id WHERE rf.run_id=? AND r.status='error')",
                (run.id, run.id),
            )
            summary = json.dumps(self.summarise(run.id), ensure_ascii=False, sort_keys=True)
            self.db.execute(
                "UPDATE runs SET status='completed', finished_at=?, seconds=seconds+?, summary=? WHERE id=?",
                (now(), seconds, summary, run.id),
            )
            self._prune(run.root, keep_runs)

    def _prune(self, root: str, keep_runs: int) -> None:
        """Keep per-file detail for the last ``keep_runs`` completed runs; summaries stay for trends."""
        old = [
            r[0]
            for r in self.db.execute(
                "SELECT id FROM runs WHERE root=? AND status!='running' ORDER BY id DESC LIMIT -1 OFFSET ?",
                (root, keep_runs),
            )
        ]
        if not old:
            return
        marks = ",".join("?" * len(old))
        self.db.execute(f"DELETE FROM run_files WHERE run_id IN ({marks})", old)
        self.db.execute(f"DELETE FROM errors WHERE run_id IN ({marks})", old)
        self.db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS dead(id INTEGER PRIMARY KEY)",
        )
        self.db.execute("DELETE FROM temp.dead")
        self.db.execute(
            "INSERT INTO temp.dead SELECT r.id FROM results r"
            " WHERE NOT EXISTS (SELECT 1 FROM run_files rf WHERE rf.result_id=r.id)"
            " AND r.id NOT IN (SELECT max(id) FROM results GROUP BY file_id)"
        )
        self.db.execute("DELETE FROM results WHERE id IN (SELECT id FROM temp.dead)")

    def summarise(self, run_id: int) -> dict[str, Any]:
        """Totals of a run (kept after pruning, for trend charts)."""
        by_severity: dict[str, int] = {}
        by_rule: dict[str, int] = {}
        files = findings = errors = scanned = size = affected = 0
        rows = self.db.execute(
            "SELECT r.counts, r.findings, r.status, r.run_id, r.size FROM run_files rf"
            " JOIN results r ON r.id=rf.result_id WHERE rf.run_id=?",
            (run_id,),
        )
        for counts, count, status, made_by, nbytes in rows:
            files += 1
            size += nbytes
            findings += count
            affected += count > 0
            errors += status == "error"
            scanned += made_by == run_id
            for key, n in json.loads(counts).items():
                rule, severity = key.split(":")
                by_rule[rule] = by_rule.get(rule, 0) + n
                by_severity[severity] = by_severity.get(severity, 0) + n
        return {
            "files": files,
            "bytes": size,
            "findings": findings,
            "files_affected": affected,
            "errors": errors,
            "scanned": scanned,
            "reused": files - scanned,
            "by_severity": by_severity,
            "by_rule": dict(sorted(by_rule.items())),
        }

    # -- files and results ---------------------------------------------------------

    def lookup(self, root: str, path: str) -> Stored | None:
        """The path's file id and its latest result (the highest result id), if any."""
        row = self.db.execute(
            "SELECT f.id, r.id, r.size, r.mtime_ns, r.sha256, r.deps, r.cache_key, r.findings, r.status, r.error"
            " FROM files f LEFT JOIN results r ON r.id=(SELECT max(id) FROM results WHERE file_id=f.id)"
            " WHERE f.root=? AND f.path=?",
            (root, path),
        ).fetchone()
        return Stored(*row) if row else None

    def file_id(self, root: str, path: str) -> int:
        row = self.db.execute(
            "INSERT INTO files(root, path) VALUES (?, ?) ON CONFLICT(root, path) DO UPDATE SET root=root RETURNING id",
            (root, path),
        ).fetchone()
        return int(row[0])

    def record_scan(self, run: Run, root: str, record: ScanRecord, cache_key: str, file_id: int | None = None) -> int:
        """Write one scanned file with its findings atomically; returns the result id."""
        with self.transaction():
            if file_id is None:
                file_id = self.file_id(root, record.path)
            cur = self.db.execute(
                "INSERT INTO results(file_id, run_id, size, mtime_ns, sha256, deps, cache_key, format, status,"
                " error, findings, counts, findings_json, scanned_at, seconds) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    file_id,
                    run.id,
                    record.size,
                    record.mtime_ns,
                    record.sha256,
                    record.deps,
                    cache_key,
                    record.format,
                    record.status,
                    record.error,
                    record.findings,
                    json.dumps(record.counts, sort_keys=True),
                    record.findings_json,
                    now(),
                    record.seconds,
                ),
            )
            result_id = int(cur.lastrowid or 0)
            self._attach(run, file_id, result_id, record.path, record.status, record.error)
        return result_id

    def record_reused(self, run: Run, items: Iterable[tuple[Stored, str, int | None]]) -> None:
        """Attach unchanged files' stored results to this run, in one transaction.

        Each item: (what was stored, path, new mtime_ns or None when unchanged).
        """
        with self.transaction():
            for stored, path, mtime_ns in items:
                assert stored.result_id is not None and stored.status is not None
                if mtime_ns is not None:
                    self.db.execute("UPDATE results SET mtime_ns=? WHERE id=?", (mtime_ns, stored.result_id))
                self._attach(run, stored.file_id, stored.result_id, path, stored.status, stored.error)

    def _attach(self, run: Run, file_id: int, result_id: int, path: str, status: str, error: str | None) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO run_files(run_id, file_id, result_id, pass) VALUES (?,?,?,?)",
            (run.id, file_id, result_id, run.pass_no),
        )
        if status == "error":  # stale rows (an error fixed before a resume) are dropped by finish_run
            self.db.execute(
                "INSERT OR REPLACE INTO errors(run_id, path, kind, message) VALUES (?,?,'file',?)",
                (run.id, path, error or ""),
            )

    def record_error(self, run: Run, path: str, message: str, kind: str = "walk") -> None:
        """An error that is not a file's scan result (e.g. a folder that cannot be listed)."""
        self.db.execute(
            "INSERT OR REPLACE INTO errors(run_id, path, kind, message) VALUES (?,?,?,?)",
            (run.id, path, kind, message),
        )

    # -- reading -------------------------------------------------------------------

    def run_files(self, run_id: int, previous_id: int | None = None) -> Iterator[sqlite3.Row]:
        """Every file of a run with its result (and the previous run's result id), in path order."""
        cur = self.db.execute(
            "SELECT f.id AS file_id, f.path, r.id AS result_id, r.format, r.sha256, r.status, r.error,"
            " r.findings, r.counts, r.size, p.result_id AS prev_result_id FROM run_files rf"
            " JOIN files f ON f.id=rf.file_id JOIN results r ON r.id=rf.result_id"
            " LEFT JOIN run_files p ON p.run_id=? AND p.file_id=rf.file_id"
            " WHERE rf.run_id=? ORDER BY f.path",
            (previous_id if previous_id is not None else -1, run_id),
        )
        cur.row_factory = sqlite3.Row
        return iter(cur)

    def findings(self, result_id: int) -> list[FindingRow]:
        """A result's findings, locations complete (path first, as SPEC §5 orders them)."""
        row = self.db.execute(
            "SELECT r.findings_json, f.path FROM results r JOIN files f ON f.id=r.file_id WHERE r.id=?", (result_id,)
        ).fetchone()
        if row is None:
            return []
        text, path = row
        return [(*item[:8], {"path": path, **item[8]}) for item in json.loads(text)]  # type: ignore[misc]

    def errors(self, run_id: int, limit: int = -1) -> Iterator[tuple[str, str, str]]:
        """(path, kind, message) of a run's errors in path order, streamed."""
        return iter(
            self.db.execute(
                "SELECT path, kind, message FROM errors WHERE run_id=? ORDER BY path LIMIT ?", (run_id, limit)
            )
        )

    def error_count(self, run_id: int) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM errors WHERE run_id=?", (run_id,)).fetchone()[0])

    def removed_files(self, run_id: int, previous_id: int) -> Iterator[tuple[int, str, int, str]]:
        """(file_id, path, result_id, counts) of files in the previous run but not in this one."""
        return iter(
            self.db.execute(
                "SELECT p.file_id, f.path, p.result_id, r.counts FROM run_files p JOIN files f ON f.id=p.file_id"
                " JOIN results r ON r.id=p.result_id"
                " WHERE p.run_id=? AND NOT EXISTS"
                " (SELECT 1 FROM run_files c WHERE c.run_id=? AND c.file_id=p.file_id)",
                (previous_id, run_id),
            )
        )


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into statements (no semicolons inside our DDL)."""
    for part in script.split(";"):
        if part.strip():
            yield part.strip()


def _run(row: tuple[Any, ...]) -> Run:
    (rid, root, started, finished, status, key, ruleset, version, jobs, pass_no, seconds, summary) = row
    data = json.loads(summary) if summary else {}
    return Run(rid, root, started, finished, status, key, ruleset, version, jobs, pass_no, seconds, data)

"""scan(paths, config) -> Report: walk, load, detect, check, filter.

Every file ends up in the report as scanned, error (E001) or skipped — nothing
is dropped silently — and one bad file never stops the others.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.allowlist import PathAllowlist
from auditor.checks.linkage import PEOPLE_SCAN_RULES, check_people
from auditor.checks.privacy import check_privacy, iter_detections
from auditor.config import Config, ConfigError
from auditor.findings import FindingMaker
from auditor.gcpause import collect_if_grown, gc_paused, pause_in_worker
from auditor.loaders import LoadError, format_of, loader_for
from auditor.model import Document, FileResult, Finding, Report
from auditor.recognizers.context import ContextRules
from auditor.recognizers.detect import Detector
from auditor.rules import Rule, load_rules
from auditor.selection import enabled_codes
from auditor.suppress import apply_suppressions
from auditor.workflow import SignoffLine, WorkflowSettings, check_workflow, is_sidecar, signoff_lines, signoff_spans

# Document formats a disclosure may come in that this version cannot read yet:
# reported as E001 rather than passed silently.
UNREADABLE_DOCUMENTS = frozenset([".doc", ".wps", ".et", ".odt", ".ods", ".rtf", ".xlsb"])
SKIP_DIRS = frozenset((".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", "venv"))
MAX_FILE_BYTES = 512 * 1024 * 1024
STDIN = "-"
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
PARALLEL_CHUNK = 16  # most files per task sent to a worker …
CHUNKS_PER_WORKER = 4  # … fewer when a scan is too small for this many tasks per worker …
PARALLEL_CHUNK_BYTES = 256 * 1024  # … and a task is closed once its files hold this many bytes
CRASH_MESSAGE = "扫描进程异常退出，文件可能损坏或过大 (the scanner process crashed on this file)"


@dataclass(slots=True)
class Target:
    """A file to scan: its display path (as given + relative part) and where to read it."""

    display: str
    path: Path | None  # None for stdin
    explicit: bool


def iter_targets(paths: list[str]) -> Iterator[Target]:
    for raw in paths:
        if raw == STDIN:
            yield Target("-", None, True)
            continue
        root = Path(raw)
        if root.is_dir():
            for file in _walk(root):
                yield Target(str(file), file, False)
        else:
            yield Target(raw, root, True)


def _walk(root: Path) -> Iterator[Path]:
    """Files under ``root`` in the order of their sorted paths: each folder's entries sorted by
    name, depth first. Sorting the Path objects afterwards compared them part by part in Python;
    the entries' types come from the directory listing, without a stat each."""
    with os.scandir(root) as listing:
        entries = sorted(listing, key=_NAME)
    for entry in entries:
        if entry.is_dir():
            if entry.name not in SKIP_DIRS:
                yield from _walk(Path(entry.path))
        elif entry.is_file():
            yield Path(entry.path)


_NAME = attrgetter("name")


class Scanner:
    """Holds what is shared across files: rules, enabled codes, the detector."""

    def __init__(self, config: Config | None = None, rules: dict[str, Rule] | None = None) -> None:
        self.config = config or Config()
        self.rules = rules or load_rules()
        self.enabled = enabled_codes(
            self.rules, self.config.select, self.config.ignore, self.config.extend_select, self.config.profile
        )
        self.detector = Detector(self.config.policy, ContextRules(extra_official=self.config.official_contact))
        try:
            self.workflow = WorkflowSettings.from_mapping(
                self.config.workflow, require_workflow=self.config.require_workflow
            )
        except ValueError as exc:
            raise ConfigError(f"workflow 配置无效 (invalid workflow config): {exc}") from exc
        # Only the document-level checks whose family has an enabled rule, decided once per scan.
        self.extra_checks: list[ExtraCheck] = [
            extra for family, extra in _extra_checks() if any(code.startswith(family) for code in self.enabled)
        ]
        self.fingerprint_key = self.config.key_bytes()  # the environment is read once, not per file
        self.people_enabled = not self.enabled.isdisjoint(PEOPLE_SCAN_RULES)
        # Sign-off lines name staff the people checks skip and are the workflow record a document carries.
        self.signoff_needed = self.people_enabled or any(code.startswith("W") for code in self.enabled)
        self.allow_paths = PathAllowlist.from_config(self.config)

    def maker(self, display: str) -> FindingMaker:
        return FindingMaker(self.rules, display, self.fingerprint_key, self.config.severity)

    def scan_guarded(self, target: Target) -> FileResult:
        """``scan_target``, with an unexpected exception turned into this file's E001 (type only, no text).

        Loaders turn every input problem they know into LoadError; this is the last line that keeps
        one file's surprise from ending a scan of thousands.
        """
        try:
            return self.scan_target(target)
        except Exception as exc:
            return self._error(target, None, None, f"内部错误 (internal error): {type(exc).__name__}")
        except BaseException as exc:  # pyo3 raises a Rust panic (a streamed sheet re-read) as a BaseException
            if type(exc).__name__ != "PanicException":
                raise  # KeyboardInterrupt, SystemExit: not this file's business
            return self._error(target, None, None, "内部错误 (internal error): PanicException")

    def crashed(self, target: Target) -> FileResult:
        """The result for a file whose scan killed the worker process scanning it."""
        return self._error(target, None, None, CRASH_MESSAGE)

    def scan_target(self, target: Target) -> FileResult:
        excluded = self.allow_paths.reason(target.display, target.path)
        if excluded is not None:
            return FileResult(target.display, None, None, "skipped", excluded)
        if target.path is not None and is_sidecar(target.path):
            return FileResult(target.display, None, None, "skipped", "工作流程记录（附属文件）(workflow sidecar)")
        if target.path is None:
            fmt = "txt"  # standard input reads as text
        else:
            found = format_of(target.path)
            if found is None:
                if target.explicit or target.path.suffix.lower() in UNREADABLE_DOCUMENTS:
                    return self._error(target, None, None, _unsupported_message(target.path))
                return FileResult(
                    target.display, None, None, "skipped", "不是支持的文档格式 (not a supported document)"
                )
            fmt = found
        try:
            data = _read(target)
        except OSError as exc:
            return self._error(target, fmt, None, f"无法读取文件 (cannot read file): {exc.strerror or exc}")
        digest = hashlib.sha256(data).hexdigest()
        if len(data) > MAX_FILE_BYTES:
            return self._error(target, fmt, digest, f"文件超过 {MAX_FILE_BYTES // 2**20} MB 上限 (file too large)")
        try:
            document = loader_for(fmt)(target.path or Path("-"), fmt, data)
        except LoadError as exc:
            return self._error(target, fmt, digest, str(exc))
        except (ValueError, RecursionError, MemoryError) as exc:
            return self._error(target, fmt, digest, f"文件无法解析 (cannot parse): {type(exc).__name__}")
        document.path = target.display
        with gc_paused():
            findings = self.check(document, target)
        return self.filter(FileResult(target.display, fmt, digest, "scanned", None, findings), document, data)

    def check(self, document: Document, target: Target) -> list[Finding]:
        make = self.maker(target.display)
        detections = list(iter_detections(document, self.detector))
        findings = check_privacy(document, self.detector, make, self.enabled, detections)
        # Found once for both of their readers: the search over the whole text is most of their cost.
        signoff = signoff_lines(document) if self.signoff_needed else []
        if self.people_enabled:
            findings.extend(check_people(document, detections, make, self.enabled, signoff_spans(document, signoff)))
        for extra in self.extra_checks:
            findings.extend(f for f in extra(self, document, target, make, signoff) if f.rule_id in self.enabled)
        return findings

    def filter(self, result: FileResult, document: Document, data: bytes) -> FileResult:
        """Per-file filter stage: inline ``auditor: ignore`` markers (needs the document, so it runs here).

        Config fingerprint allowlists and baselines filter the whole report afterwards (auditor.policy).
        """
        if not self.config.inline_ignores:
            return result
        return apply_suppressions(result, document, data, frozenset(self.rules))

    def _error(self, target: Target, fmt: str | None, digest: str | None, message: str) -> FileResult:
        result = FileResult(target.display, fmt, digest, "error", message)
        if "E001" in self.enabled:
            finding = self.maker(target.display).make("E001", {}, identity="E001", detail=message)
            result.findings.append(finding)
        return result


ExtraCheck = Callable[[Scanner, Document, Target, FindingMaker, list[SignoffLine]], list[Finding]]


def _extra_checks() -> list[tuple[str, ExtraCheck]]:
    """Document-level checks beyond privacy plug in here, each with the rule-code prefix it reports under.

    A check runs only when a rule of its family is enabled, so ``--select P101`` does not
    pay for reading workflow records or parsing annual-report tables.
    """
    return [("W", _workflow_check), ("R", _annual_report_check)]


def _workflow_check(
    scanner: Scanner, document: Document, target: Target, make: FindingMaker, signoff: list[SignoffLine]
) -> list[Finding]:
    if target.path is None:
        return []  # stdin has no sidecar and no file hash to compare
    return check_workflow(target.path, document, make, scanner.workflow, signoff)


def _annual_report_check(
    scanner: Scanner, document: Document, target: Target, make: FindingMaker, signoff: list[SignoffLine]
) -> list[Finding]:
    # Imported on first use: the annual-report parsers cost every worker 26 ms to import (60 ms
    # where bytecode is not cached), which a scan without an R rule (``--select P1``) never calls.
    from auditor.checks.annual_report import check_annual_report

    return check_annual_report(document, make)


def load_document(path: Path) -> Document | None:
    """One file as a Document (for `auditor sign` / `workflow show`); None if unsupported or unreadable."""
    fmt = format_of(path)
    if fmt is None:
        return None
    try:
        return loader_for(fmt)(path, fmt, path.read_bytes())
    except (LoadError, OSError, ValueError):
        return None


def _unsupported_message(path: Path) -> str:
    suffix = path.suffix.lower() or "(无扩展名)"
    return f"不支持的文件格式 {suffix}，无法审计 (unsupported file format; cannot audit)"


def _read(target: Target) -> bytes:
    if target.path is None:
        return sys.stdin.buffer.read()
    return target.path.read_bytes()


def scan_paths(
    paths: list[str],
    config: Config | None = None,
    rules: dict[str, Rule] | None = None,
    progress: Callable[[FileResult], None] | None = None,
    jobs: int = 1,
) -> Report:
    """Scan files, directories (recursively) or '-' (stdin) and return the whole report.

    ``jobs`` > 1 scans files in that many processes; 0 picks automatically (one
    per core when there is enough to scan to pay for starting them). The report
    lists files in the same order either way.
    """
    # Built first in this process either way: a bad selection or workflow setting fails here, at
    # once, not in every worker's initializer (which breaks the pool). Workers reuse its config and
    # rules; it reports the files that crash a worker.
    scanner = Scanner(config, rules)
    targets = list(iter_targets(paths))
    workers = auto_workers(targets) if jobs == 0 else jobs
    if workers > 1 and len(targets) > 1 and all(t.path is not None for t in targets):
        results = _scan_parallel(targets, scanner, workers, progress)
    else:
        results = []
        for target in targets:
            result = scanner.scan_guarded(target)
            results.append(result)
            if progress is not None:
                progress(result)
    return Report(results, __version__)


def auto_workers(targets: list[Target]) -> int:
    """One process per core for a batch worth it; one process for a few small files.

    Starting a pool and shipping results back costs about a second, so small
    scans (the pre-commit hook, a single notice) stay in this process.
    """
    cores = os.cpu_count() or 1
    if cores == 1 or len(targets) < 2:
        return 1
    total = 0
    for target in targets:
        if target.path is None:
            return 1
        try:
            total += target.path.stat().st_size
        except OSError:
            continue
        if total >= PARALLEL_MIN_BYTES:
            return cores
    return 1


def chunk_size(files: int, workers: int) -> int:
    """Files per task: PARALLEL_CHUNK, or fewer so that a small scan still spreads evenly.

    Every task costs the parent and a worker CPU for pickling, pipes and thread wake-ups. On the
    4,403-file mixed bench, tasks of 4 files spent about 0.3 s more of the parent's CPU, and more
    of the workers', than tasks of 16 (paired runs, 5 of each); 32 gained nothing more.
    """
    return max(1, min(PARALLEL_CHUNK, files // (CHUNKS_PER_WORKER * workers)))


def plan_chunks(targets: list[Target], workers: int) -> list[range]:
    """The tasks of a parallel scan: consecutive files, at most ``chunk_size`` of them, closed
    early at PARALLEL_CHUNK_BYTES. Sixteen long lists (120 KB each) would be one task of about
    0.7 s of CPU, and the scan would wait for the last such task alone at the end."""
    most = chunk_size(len(targets), workers)
    chunks: list[range] = []
    start = held = 0
    for index, target in enumerate(targets):
        held += _size_or_zero(target)
        if index + 1 - start >= most or held >= PARALLEL_CHUNK_BYTES:
            chunks.append(range(start, index + 1))
            start, held = index + 1, 0
    if start < len(targets):
        chunks.append(range(start, len(targets)))
    return chunks


def _size_or_zero(target: Target) -> int:
    """The file's size; 0 when it cannot be read (the worker reports why, as E001)."""
    try:
        return target.path.stat().st_size if target.path is not None else 0
    except OSError:
        return 0


_WORKER: Scanner | None = None


def _init_worker(config: Config | None, rules: dict[str, Rule] | None) -> None:
    global _WORKER
    _WORKER = Scanner(config, rules)
    pause_in_worker()


def _scan_in_worker(batch: list[Target]) -> list[FileResult]:
    assert _WORKER is not None
    results = []
    for target in batch:
        results.append(_WORKER.scan_guarded(target))
        collect_if_grown()
    return results


def _scan_parallel(
    targets: list[Target],
    scanner: Scanner,
    workers: int,
    progress: Callable[[FileResult], None] | None,
) -> list[FileResult]:
    """Chunks of files across a process pool, results in the order of ``targets``.

    At most two chunks per worker are in flight, so when a worker dies (killed for memory,
    a crash in a native library) the suspects are few: each is rescanned alone in a fresh
    pool, the one that kills it again becomes that file's E001, and the scan goes on.
    """
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    results: list[FileResult | None] = [None] * len(targets)
    chunks = plan_chunks(targets, workers)
    pending: dict[Future[list[FileResult]], range] = {}
    suspects: list[int] = []

    def new_pool(size: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(size, initializer=_init_worker, initargs=(scanner.config, scanner.rules))

    def keep(indices: range | list[int], batch: list[FileResult]) -> None:
        for index, result in zip(indices, batch, strict=True):
            results[index] = result
            if progress is not None:
                progress(result)

    def settle(future: Future[list[FileResult]]) -> None:
        indices = pending.pop(future)
        try:
            keep(indices, future.result())
        except BrokenProcessPool:
            suspects.extend(indices)

    # Findings arrive by the hundred thousand, and none holds a cycle: letting the collector walk
    # them again and again as they are unpickled would take more time than unpickling them.
    with gc_paused():
        pool = new_pool(workers)
        try:
            for chunk in chunks:
                while len(pending) >= 2 * workers:
                    done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
                    for future in done:
                        settle(future)
                if suspects:
                    break
                pending[pool.submit(_scan_in_worker, [targets[i] for i in chunk])] = chunk
            for future in list(pending):
                wait([future])
                settle(future)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    if suspects:
        _rescan_alone(targets, sorted(suspects), new_pool, keep, scanner)
        rest = [i for chunk in chunks for i in chunk if results[i] is None]
        if rest:
            scanned = _scan_parallel([targets[i] for i in rest], scanner, workers, progress)
            for index, result in zip(rest, scanned, strict=True):
                results[index] = result
    return [result for result in results if result is not None]


def _rescan_alone(
    targets: list[Target],
    suspects: list[int],
    new_pool: Callable[[int], Any],
    keep: Callable[[list[int], list[FileResult]], None],
    scanner: Scanner,
) -> None:
    """Each file that was in flight when a worker died, in a pool of its own: who kills it is the culprit."""
    from concurrent.futures.process import BrokenProcessPool

    for index in suspects:
        pool = new_pool(1)
        try:
            keep([index], pool.submit(_scan_in_worker, [targets[index]]).result())
        except BrokenProcessPool:
            keep([index], [scanner.crashed(targets[index])])
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

"""fix_paths(paths, …) -> outcomes: read, plan, mask and write each file; one bad file never stops the rest.

Every input ends up as fixed, unchanged, skipped, error or manual (PDF: must be
fixed in the source document). Originals are only written with ``in_place``,
after a backup; otherwise a mirror of the inputs is written under ``output``.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from auditor.engine import Scanner, iter_targets
from auditor.fix.base import Fixed, FixError
from auditor.fix.changelog import Change, FileOutcome
from auditor.fix.paths import backup_path, mirror_root, target_for, write_atomic
from auditor.fix.plan import Mask, Planner, SpanProvider
from auditor.loaders import LoadError, format_of, loader_for
from auditor.loaders.errors import reason
from auditor.model import Document
from auditor.workflow import is_sidecar

TEXT_FORMATS = frozenset(("txt", "md", "csv", "tsv", "json", "html"))
EXTRA_FORMATS = {".docx": "docx", ".docm": "docx", ".pdf": "pdf"}
# Formats a disclosure may come in that cannot be rewritten at all: an error, like scan's E001.
NOT_REWRITABLE = frozenset((".doc", ".xls", ".wps", ".et", ".odt", ".ods", ".rtf", ".xlsb"))
PDF_NOTE = "PDF 不能自动改写：请在源文档中去标识化后重新导出 (fix in the source document, then re-export)"
XLS_NOTE = "旧版 .xls 不能改写：请另存为 .xlsx 后再运行 fix (save as .xlsx, then fix)"
# Readable, not writable: findings are listed for a fix at the source; a clean file is copied.
READ_ONLY = {"pdf": PDF_NOTE, "xls": XLS_NOTE}
SUPPRESSED_NOTE = "处因 auditor: ignore 标记保留未改 (kept: accepted by an inline auditor: ignore)"
MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass(slots=True)
class FixOptions:
    output: Path | None = None
    in_place: bool = False
    backup_suffix: str = ".bak"
    dry_run: bool = False
    providers: Sequence[SpanProvider] | None = None  # None: names, addresses, other IDs


def fix_format(path: Path) -> str | None:
    return format_of(path) or EXTRA_FORMATS.get(path.suffix.lower())


class Fixer:
    """Plans and applies masks for one file at a time with one shared detector."""

    def __init__(self, scanner: Scanner, providers: Sequence[SpanProvider] | None = None) -> None:
        from auditor.fix.people import PeopleSpans

        self.scanner = scanner
        chosen = (PeopleSpans(),) if providers is None else providers
        self.planner = Planner(scanner.detector, scanner.enabled, chosen)

    def fix_bytes(self, path: Path, fmt: str, data: bytes) -> Fixed:
        """New bytes (None if nothing to change) and the changes; raises LoadError/FixError."""
        document = self._load(path, fmt, data)
        inline = getattr(self.scanner.config, "inline_ignores", True)
        keep = _Suppressions.of(document, data, fmt) if inline else None
        fixed = self._fix(fmt, data, document, keep)
        if keep is not None and keep.count:
            fixed.warnings.append(f"{keep.count} {SUPPRESSED_NOTE}")
        return fixed

    def _load(self, path: Path, fmt: str, data: bytes) -> Document | None:
        try:
            return loader_for(fmt)(path, fmt, data)
        except LoadError:
            if fmt == "docx" and fix_format(path) != format_of(path):
                return None  # no docx loader in this version: the fixer's own walk finds the values
            raise

    def _fix(self, fmt: str, data: bytes, document: Document | None, keep: _Suppressions | None) -> Fixed:
        if fmt == "docx":
            from auditor.fix.docx import fix_docx

            planned = self.planner.document_masks(document, keep) if document is not None else []
            return fix_docx(data, planned, self.planner, keep)
        assert document is not None
        if fmt in TEXT_FORMATS:
            from auditor.fix.text import fix_text

            return fix_text(data, document, self.planner, keep)
        if fmt == "xlsx":
            from auditor.fix.xlsx import fix_xlsx

            return fix_xlsx(data, document, self.planner, keep)
        note = READ_ONLY.get(fmt, PDF_NOTE)
        changes = [
            Change.of(m, b.locator.locate(m.start, m.end).location, note, applied=False)
            for b, masks in self.planner.document_masks(document, keep)
            for m in masks
        ]
        return Fixed(None, changes)


class _Suppressions:
    """Inline ``auditor: ignore`` markers, applied to planned masks as scan applies them to findings."""

    def __init__(self, markers: list[Any]) -> None:
        self.markers = markers
        self.kept: set[str] = set()  # masked forms of the values left alone
        self.count = 0

    @classmethod
    def of(cls, document: Document | None, data: bytes, fmt: str) -> _Suppressions | None:
        try:
            from auditor.suppress import find_suppressions
        except ImportError:
            return None
        markers = find_suppressions(document, data, fmt) if document is not None else []
        return cls(markers) if markers else None

    def __call__(self, location: dict[str, Any], mask: Mask) -> bool:
        probe = SimpleNamespace(rule_id=mask.rule_id, location=location)
        if any(marker.code_for(probe) for marker in self.markers):
            self.count += 1
            self.kept.add(mask.replacement)
            return True
        return False

    def swept(self, location: dict[str, Any], mask: Mask) -> bool:
        return mask.replacement in self.kept or self(location, mask)


def fix_paths(paths: list[str], scanner: Scanner, options: FixOptions) -> list[FileOutcome]:
    fixer = Fixer(scanner, options.providers)
    inputs = [Path(p) for p in paths]
    root = mirror_root(inputs)
    outcomes: list[FileOutcome] = []
    for target in iter_targets(paths):
        assert target.path is not None  # stdin is refused by the CLI
        outcomes.append(_fix_one(fixer, target.path, target.display, target.explicit, root, options))
    return outcomes


def _fix_one(fixer: Fixer, path: Path, display: str, explicit: bool, root: Path, options: FixOptions) -> FileOutcome:
    excluded = _excluded(fixer.scanner, display, path)
    if excluded is not None:
        return FileOutcome(display, None, "skipped", message=f"{excluded}：未复制 (not copied)")
    if is_sidecar(path):
        return FileOutcome(
            display, None, "skipped", message="工作流程记录未复制：改写后需重新审核 (sidecar not copied)"
        )
    fmt = fix_format(path)
    if fmt is None:
        if explicit or path.suffix.lower() in NOT_REWRITABLE:
            message = f"不支持改写 {path.suffix or '(无扩展名)'} 文件 (format cannot be rewritten)"
            return FileOutcome(display, None, "error", message=message)
        return FileOutcome(display, None, "skipped", message="不是支持的文档格式 (not a supported document)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return FileOutcome(display, fmt, "error", message=f"无法读取文件 (cannot read file): {exc.strerror or exc}")
    if len(data) > MAX_FILE_BYTES:
        return FileOutcome(display, fmt, "error", message="文件过大 (file too large)")
    try:
        fixed = fixer.fix_bytes(path, fmt, data)
    except LoadError as exc:
        if fmt in READ_ONLY and fix_format(path) != format_of(path):
            return FileOutcome(display, fmt, "manual", message=f"{READ_ONLY[fmt]}；{exc}")
        return FileOutcome(display, fmt, "error", message=str(exc))
    except FixError as exc:
        return FileOutcome(display, fmt, "error", message=str(exc))
    except (ValueError, KeyError, RecursionError, MemoryError, OSError) as exc:
        return FileOutcome(display, fmt, "error", message=f"文件无法改写 (cannot rewrite): {reason(exc)}")
    except Exception as exc:  # one file's surprise must not end the run; the type only (no raw text)
        return FileOutcome(display, fmt, "error", message=f"内部错误 (internal error): {type(exc).__name__}")
    return _write(path, display, fmt, data, fixed, root, options)


def _excluded(scanner: Scanner, display: str, path: Path) -> str | None:
    """Paths the config's allow-paths excludes are left out, exactly as scan leaves them out."""
    allow = getattr(scanner, "allow_paths", None)
    return allow.reason(display, path) if allow is not None else None


def _write(
    path: Path, display: str, fmt: str, data: bytes, fixed: Fixed, root: Path, options: FixOptions
) -> FileOutcome:
    manual = any(not c.applied for c in fixed.changes)
    if fmt in READ_ONLY and manual:
        return FileOutcome(display, fmt, "manual", message=READ_ONLY[fmt], changes=fixed.changes)
    status = "fixed" if fixed.data is not None else "unchanged"
    outcome = FileOutcome(display, fmt, status, changes=fixed.changes, warnings=list(fixed.warnings))
    if manual:
        outcome.message = "部分内容需人工修改 (some values must be fixed by hand)"
    if options.in_place:
        outcome.output = display
        if fixed.data is not None and not options.dry_run:
            backup = backup_path(path, options.backup_suffix)
            shutil.copy2(path, backup)
            write_atomic(path, fixed.data, like=path)
            outcome.backup = str(backup)
        return outcome
    if options.output is None:
        return outcome
    target = target_for(path, root, options.output)
    outcome.output = str(target)
    if options.dry_run:
        return outcome
    if fixed.data is None:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    else:
        write_atomic(target, fixed.data, like=path)
    return outcome

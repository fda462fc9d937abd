"""Walking the tree lazily, hashing files and computing the cache key.

The walk is a generator that holds one directory listing per level, so memory
does not grow with the number of files (SPEC §9: bounded by the largest file,
not by the corpus).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.config import Config
from auditor.engine import SKIP_DIRS
from auditor.findings import fingerprint
from auditor.rules import Rule, ruleset_version
from auditor.workflow.record import SIDECAR_SUFFIXES

HASH_CHUNK = 1 << 20
# Config fields that cannot change findings: left out of the cache key.
NOT_IN_KEY = frozenset({"fail_on", "source", "fingerprint_key"})
CODE_SUFFIXES = frozenset({".py", ".json", ".tsv", ".txt", ".yaml", ".yml"})
# Parts of the package that cannot change what a scan finds (reporting, fixing, CLI).
NOT_SCANNING = ("fix/", "formatters/", "cli.py", "__main__.py", "sweep/")


@dataclass(slots=True, frozen=True)
class Entry:
    """One file found by the walk, with the stat data the reuse decision needs."""

    rel: str  # POSIX path relative to the root: the display path and the store key
    path: str  # absolute path
    size: int
    mtime_ns: int
    deps: str  # size/mtime of workflow sidecars: their change must rescan the document


def walk(
    root: Path, exclude: frozenset[str] = frozenset(), on_error: Callable[[str, str], None] | None = None
) -> Iterator[Entry]:
    """Files under ``root`` in a stable order (names sorted per directory).

    Skips version-control and virtualenv folders like ``scan`` does, never follows
    symlinked directories (loops), and leaves out ``exclude`` (the sweep's own
    database and reports when they sit inside the root). A folder that cannot be
    listed is reported through ``on_error(folder, message)``, never skipped silently.
    """
    base = str(root.resolve())
    stack: list[tuple[str, str]] = [(base, "")]
    while stack:
        directory, prefix = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            if on_error is not None:
                on_error(prefix or "./", f"无法读取文件夹 (cannot list folder): {exc.strerror or exc}")
            continue
        files: dict[str, os.stat_result] = {}
        subdirs: list[tuple[str, str]] = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in SKIP_DIRS:
                        subdirs.append((entry.path, f"{prefix}{entry.name}/"))
                elif entry.is_file() and entry.path not in exclude:
                    files[entry.name] = entry.stat()
            except OSError:
                continue
        for name, st in files.items():
            yield Entry(
                f"{prefix}{name}", os.path.join(directory, name), st.st_size, st.st_mtime_ns, _deps(name, files)
            )
        stack.extend(reversed(subdirs))


def _deps(name: str, siblings: dict[str, os.stat_result]) -> str:
    parts = []
    for suffix in SIDECAR_SUFFIXES:
        st = siblings.get(name + suffix)
        if st is not None:
            parts.append(f"{suffix}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


def count(root: Path, exclude: frozenset[str] = frozenset()) -> tuple[int, int]:
    """(files, bytes) under root, for the progress bar's total and ETA."""
    files = size = 0
    for entry in walk(root, exclude):
        files += 1
        size += entry.size
    return files, size


def hash_file(path: str) -> str | None:
    """SHA-256 of a file read in 1 MB chunks; None if it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(HASH_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def cache_key(config: Config, rules: dict[str, Rule]) -> str:
    """What must be equal for a stored result to be reused: tool, rules and effective config.

    The fingerprint key enters only through a keyed hash of a constant, so the
    key itself is never written to the database.
    """
    fields = {
        f.name: _canonical(getattr(config, f.name)) for f in dataclasses.fields(config) if f.name not in NOT_IN_KEY
    }
    material = {
        "tool": __version__,
        "code": code_version(),
        "rules": ruleset_version(rules),
        "catalogue": hashlib.sha256(repr(sorted(rules.items())).encode("utf-8")).hexdigest(),
        "config": fields,
        "key": fingerprint(config.key_bytes(), "auditor-sweep-cache-key"),
    }
    text = json.dumps(material, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the installed auditor package (code and data files).

    Detector code changes between releases without a version bump during
    development; a stale cache would then hide or invent findings.
    """
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        rel = path.relative_to(package).as_posix()
        if path.suffix not in CODE_SUFFIXES or "__pycache__" in path.parts or not path.is_file():
            continue
        if rel.startswith(NOT_SCANNING) and rel != "sweep/worker.py":
            continue
        digest.update(rel.encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _canonical(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_canonical(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, Path):
        return str(value)
    return value

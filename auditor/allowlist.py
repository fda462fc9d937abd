"""Config allowlists: paths by glob (not scanned) and findings by fingerprint (accepted, with a reason).

Path globs follow .gitignore habits, because that is what people write: a
pattern without ``/`` matches a file or directory name at any depth
(``*.sample.csv``, ``archive``); a pattern with ``/`` is anchored at the
directory of the config file (``docs/2019/**``); ``**`` spans directories; a
pattern that matches a directory covers everything below it.
"""

from __future__ import annotations

import os
import re
from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

from auditor.config import Config
from auditor.model import Report

SKIP_REASON = "配置 allow-paths 排除 (excluded by allow-paths)"
BASELINE_REASON = "基线文件 (the baseline file itself)"


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A compiled regex for one glob; ``*`` and ``?`` stay inside one path segment."""
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.strip("/")
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and "]" in pattern[i + 1 :]:
            end = pattern.index("]", i + 1)
            body = pattern[i + 1 : end].replace("\\", "\\\\")
            out.append(f"[{'^' + body[1:] if body.startswith('!') else body}]")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(f"{prefix}{''.join(out)}")


def _candidates(path: str) -> list[str]:
    """The path and each of its parent directories (a matched directory covers its files)."""
    parts = PurePosixPath(path).parts
    return ["/".join(parts[:n]) for n in range(len(parts), 0, -1)]


@dataclass(slots=True)
class PathAllowlist:
    """Which targets are not scanned: allow-paths globs, plus the baseline file itself."""

    globs: list[str] = field(default_factory=list)
    root: Path | None = None  # where anchored globs start: the config file's directory
    exact: frozenset[str] = frozenset()  # resolved paths never scanned (the baseline file)

    @classmethod
    def from_config(cls, config: Config) -> PathAllowlist:
        root = config.source.parent.resolve() if config.source is not None else None
        exact = frozenset({str(config.baseline.resolve())} if config.baseline is not None else ())
        return cls(list(config.allow_paths), root, exact)

    def reason(self, display: str, path: Path | None) -> str | None:
        """Why ``path`` is not scanned, or None when it is scanned. Stdin is always scanned."""
        if path is None:
            return None
        if self.exact and str(path.resolve()) in self.exact:
            return BASELINE_REASON
        if not self.globs:
            return None
        name = display.replace(os.sep, "/").removeprefix("./")
        if self.root is not None:
            with suppress(ValueError):  # outside the config's directory: match the path as given
                name = path.resolve().relative_to(self.root).as_posix()
        for candidate in _candidates(name):
            if any(glob_regex(g).fullmatch(candidate) for g in self.globs):
                return SKIP_REASON
        return None


def drop_allowed_fingerprints(report: Report, allowed: dict[str, str]) -> int:
    """Remove findings whose fingerprint is allowlisted in config; return how many were removed."""
    if not allowed:
        return 0
    removed = 0
    for result in report.files:
        kept = [f for f in result.findings if f.fingerprint.lower() not in allowed]
        removed += len(result.findings) - len(kept)
        result.findings = kept
    return removed

"""Changed-files mode (``scan --since REV``): scan only what changed since REV, in git.

"Changed" means: differs between the merge base of REV and HEAD and the working
tree (committed, staged or not), plus untracked files that are not ignored —
what a pull request or a local branch adds. Deleted files are not scanned.
Paths keep the spelling of the PATH arguments, so fingerprints (and baselines)
are the same as in a full scan.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from auditor.engine import SKIP_DIRS, UNREADABLE_DOCUMENTS
from auditor.loaders import format_of
from auditor.workflow.record import SIDECAR_SUFFIXES, is_sidecar


class GitError(Exception):
    """Not a git work tree, unknown revision, or git missing: a usage error (exit 2)."""


def _git(cwd: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise GitError("找不到 git 命令 (git is not installed)") from exc
    if done.returncode != 0:
        raise GitError(done.stderr.strip() or f"git {' '.join(args)} failed")
    return done.stdout


def changed_files(rev: str, cwd: Path) -> set[Path]:
    """Absolute paths of files changed since ``rev`` (see module docstring)."""
    try:
        root = Path(_git(cwd, "rev-parse", "--show-toplevel").strip())
    except GitError as exc:
        raise GitError(f"--since 需要在 git 仓库中运行 (--since needs a git work tree): {exc}") from exc
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except GitError as exc:
        raise GitError(f"未知的 git 版本 (unknown revision) {rev!r}") from exc
    try:
        base = _git(root, "merge-base", rev, "HEAD").strip() or rev
    except GitError:
        base = rev  # unrelated histories or a shallow clone: compare with REV itself
    diffed = _git(root, "diff", "--name-only", "-z", "--diff-filter=ACMRT", base, "--")
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard")
    names = [n for n in (diffed + untracked).split("\0") if n]
    return {(root / n).resolve() for n in names}


def _is_candidate(path: Path) -> bool:
    """What a directory walk would report: supported documents and known-unreadable ones."""
    if any(part in SKIP_DIRS for part in path.parts):
        return False
    return format_of(path) is not None or path.suffix.lower() in UNREADABLE_DOCUMENTS


def _with_documents(changed: set[Path]) -> set[Path]:
    """A changed workflow sidecar means its document must be checked again (W206 compares hashes)."""
    extra = set()
    for path in changed:
        if is_sidecar(path):
            for suffix in SIDECAR_SUFFIXES:
                if path.name.lower().endswith(suffix):
                    extra.add(path.with_name(path.name[: -len(suffix)]))
    return changed | {p for p in extra if p.is_file()}


def select_changed(paths: list[str], rev: str, cwd: Path | None = None) -> list[str]:
    """The PATH arguments narrowed to changed files, spelled as a full scan would spell them."""
    if "-" in paths:
        raise GitError("--since 不能与标准输入 - 一起使用 (--since cannot be used with stdin)")
    here = cwd or Path.cwd()
    first = Path(paths[0]) if paths else here
    start = first if first.is_dir() else first.parent
    changed = _with_documents(changed_files(rev, (here / start).resolve()))
    selected: list[str] = []
    seen: set[Path] = set()
    for raw in paths:
        given = (here / raw).resolve()
        if given.is_file():
            if given in changed and given not in seen:
                selected.append(raw)
                seen.add(given)
            continue
        for path in sorted(changed):
            if path in seen or not path.is_file() or not path.is_relative_to(given):
                continue
            relative = path.relative_to(given)
            if _is_candidate(relative):
                selected.append(str(Path(raw) / relative))
                seen.add(path)
    return selected

"""Where fixed copies go: a mirror of the inputs under --output, never into the input tree.

The mirror is rooted at the inputs' common folder (a directory argument is its
own root, a file's root is its folder), so ``fix docs --output out`` writes
``out/<path inside docs>`` and distinct inputs can never collide.
"""

from __future__ import annotations

import os
from pathlib import Path

LOG_NAME = "auditor-fix-log"


class UsageError(Exception):
    """A refused invocation (exit 2): the message says why, in Chinese and English."""


def mirror_root(inputs: list[Path]) -> Path:
    """Common folder of the inputs (a directory is its own root)."""
    roots = [os.path.abspath(p if p.is_dir() else p.parent) for p in inputs]
    return Path(os.path.commonpath(roots))


def target_for(file: Path, root: Path, output: Path) -> Path:
    return output / Path(os.path.abspath(file)).relative_to(root)


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output(inputs: list[Path], output: Path) -> None:
    """Refuse an output folder that is, contains, or lies inside an input."""
    if output.exists() and not output.is_dir():
        raise UsageError(f"--output 必须是目录 (--output must be a directory): {output}")
    out = output.resolve()
    for raw in inputs:
        source = raw.resolve()
        if source.is_dir() and _within(out, source):
            raise UsageError(f"拒绝写入输入目录内部 (refusing to write inside the input directory): {output} ⊆ {raw}")
        if _within(source, out):
            raise UsageError(f"输出目录包含输入，会混入原件 (output directory contains the input): {raw} ⊆ {output}")


def backup_path(path: Path, suffix: str) -> Path:
    """``a.csv.bak``, or ``a.csv.bak.1`` … when an older backup is already there (never overwritten)."""
    candidate = path.with_name(path.name + suffix)
    number = 0
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}{suffix}.{number}")
    return candidate


def write_atomic(path: Path, data: bytes, like: Path | None = None) -> None:
    """Write through a temporary file in the same folder, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.auditor-tmp")
    temporary.write_bytes(data)
    if like is not None:
        import shutil

        shutil.copymode(like, temporary)
    os.replace(temporary, path)

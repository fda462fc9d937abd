"""Shared small types of the fixer."""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.fix.changelog import Change

Edit = tuple[int, int, str]  # [start, end) of the decoded source → replacement


class FixError(Exception):
    """A file that cannot be rewritten safely; reported, never written half-right."""


@dataclass(slots=True)
class Fixed:
    """New bytes (None when nothing changed) and the change log entries."""

    data: bytes | None
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

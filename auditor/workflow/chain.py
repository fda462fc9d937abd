"""One review chain, whether it came from a sidecar record or a sign-off block.

The checks only see this shape, so W203–W207 behave the same for both sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ChainStep:
    """A step as recorded. ``persons`` is empty when the role is listed but nobody signed."""

    step: str  # draft | proofread | layout | approve, or review1 | review2 (三审 levels)
    label: str  # as written: 校对, 二校, proofread …
    persons: tuple[str, ...]
    at: datetime | None = None
    location: dict[str, Any] = field(default_factory=dict)  # {} = the document as a whole


@dataclass(slots=True)
class Chain:
    source: str  # "sidecar" | "embedded"
    steps: list[ChainStep]
    origin: str = ""  # sidecar file name, for messages
    anchor: dict[str, Any] = field(default_factory=dict)  # where whole-record findings point
    reviews: list[ChainStep] = field(default_factory=list)  # 初审/复审 entries
    sha256: str | None = None
    published_at: datetime | None = None

    @property
    def signed(self) -> list[ChainStep]:
        """Steps somebody actually signed; unsigned template fields do not count as done."""
        return [s for s in self.steps if s.persons]

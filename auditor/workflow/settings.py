"""What a site may configure about workflow checks (config table ``[workflow]``)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

REJECT = "reject"


@dataclass(frozen=True, slots=True)
class WorkflowSettings:
    """Defaults follow SPEC §6/§7 and the 三审三校 rules quoted in domain.md §5.

    ``naive_timezone`` is an IANA zone applied to timestamps without an offset, or
    ``"reject"`` to report them as W202 (the record must say which clock it used).
    """

    require_workflow: bool = False
    naive_timezone: str = "Asia/Shanghai"
    # W205 separation of duties.
    forbid_drafter_proofread: bool = True
    allow_drafter_first_proofread: bool = False  # some 三校 rules let the drafter do 一校
    forbid_drafter_approve: bool = True
    forbid_proofreader_approve: bool = True
    forbid_layout_self_proofread: bool = False  # proofreading one's own layout
    distinct_review_levels: bool = True  # 初审/复审/终审 by three different people
    # W206: an approved record without a hash cannot prove what was approved.
    require_approval_hash: bool = True

    def __post_init__(self) -> None:
        if self.naive_timezone != REJECT:
            try:
                ZoneInfo(self.naive_timezone)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ValueError(f"unknown time zone for naive timestamps: {self.naive_timezone!r}") from exc

    @classmethod
    def from_mapping(cls, data: dict[str, Any], **overrides: Any) -> WorkflowSettings:
        """Build from a config table; unknown keys and wrong types are config errors."""
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in {**data, **overrides}.items():
            name = key.replace("-", "_")
            if name not in known:
                raise ValueError(f"unknown workflow setting: {key!r}")
            expected = str if name == "naive_timezone" else bool
            if not isinstance(value, expected):
                raise ValueError(f"workflow setting {key!r} must be a {expected.__name__}")
            values[name] = value
        return cls(**values)

    def tzinfo(self) -> ZoneInfo | None:
        """Zone for naive timestamps, or None when they are rejected."""
        return None if self.naive_timezone == REJECT else ZoneInfo(self.naive_timezone)

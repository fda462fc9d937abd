"""ISO 8601 timestamps of workflow steps: always compared as aware datetimes."""

from __future__ import annotations

from datetime import datetime, tzinfo


class TimestampError(ValueError):
    """``kind`` is ``"invalid"`` (not a real date/time) or ``"naive"`` (no offset, rejected)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def parse_timestamp(text: str, naive_zone: tzinfo | None) -> datetime:
    """Aware datetime; a naive one is placed in ``naive_zone`` or refused when that is None.

    A bare date counts as naive midnight. The record schema has already restricted
    the shape, so this only has to catch impossible dates (2022-02-30).
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise TimestampError("invalid") from exc
    if value.tzinfo is None or value.utcoffset() is None:
        if naive_zone is None:
            raise TimestampError("naive")
        value = value.replace(tzinfo=naive_zone)
    return value


def format_timestamp(value: datetime) -> str:
    """Seconds precision with the offset, the form `auditor sign` writes."""
    return value.isoformat(timespec="seconds")

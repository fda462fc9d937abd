"""The masking policy: how many characters of an identifier may stay visible (SPEC §8).

Its own module, outside the compiled hot path (auditor/buildinfo.py): it travels inside Config to
sweep workers, which are spawned, so it is pickled, and a frozen dataclass compiled by mypyc cannot
be unpickled (its fields are set one by one through the frozen ``__setattr__``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Policy:
    """Masking policy: how many characters may stay visible (SPEC §8)."""

    id_keep_first: int = 6
    id_keep_last: int = 4
    mobile_keep_first: int = 3
    mobile_keep_last: int = 4
    bank_keep_last: int = 4

"""Building findings: one place that knows rule metadata, severities and fingerprints.

Every check (privacy, workflow, annual report, input errors) builds its findings
through :class:`FindingMaker`, so severity overrides and fingerprint keys are
applied the same way everywhere.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from auditor.model import Finding
from auditor.rules import Rule

DEFAULT_FINGERPRINT_KEY = "auditor-default-fingerprint-key-v1"


def fingerprint(key: bytes, *parts: str) -> str:
    """Keyed hash (HMAC-SHA256) of the parts; never a plain hash of a personal value.

    A plain hash of an 18-digit ID can be brute-forced (about 1e11 candidates),
    so the key lives in config or the environment, never in the report.
    """
    mac = _base_mac(key).copy()
    mac.update("\x1f".join(parts).encode("utf-8"))
    return mac.hexdigest()[:32]


@lru_cache(maxsize=8)
def _base_mac(key: bytes) -> hmac.HMAC:
    """The keyed state is computed once per key; each fingerprint copies it."""
    return hmac.new(key, digestmod=hashlib.sha256)


@dataclass(slots=True)
class FindingMaker:
    """Creates findings for one file, applying the catalogue and configured severities."""

    rules: dict[str, Rule]
    path: str
    key: bytes = DEFAULT_FINGERPRINT_KEY.encode()
    severity_overrides: dict[str, str] = field(default_factory=dict)
    language: str = "zh"

    def make(
        self,
        rule_id: str,
        location: dict[str, Any],
        *,
        identity: str,
        evidence: str | None = None,
        detail: str = "",
        entity: str | None = None,
        record: tuple[Any, ...] | None = None,
        severity: str | None = None,
    ) -> Finding:
        """One finding.

        ``identity`` is what makes the finding the same finding on the next run
        (e.g. a normalised value for privacy rules, a table cell label for
        report rules). It is hashed with the key and the path, never stored.
        ``location`` holds SPEC §5 keys except ``path``, which is added here.
        """
        rule = self.rules[rule_id]
        message = rule.render_message(evidence=evidence or "", detail=detail)
        loc = {"path": self.path}
        loc.update(location)
        return Finding(
            rule_id=rule_id,
            rule_name=rule.name,
            category=rule.category,
            severity=severity or self.severity_overrides.get(rule_id, rule.severity),
            message=message,
            entity=entity if rule.category == "privacy" else None,
            evidence=evidence,
            location=loc,
            fingerprint=fingerprint(self.key, rule_id, self.path, identity),
            record=record,
        )

"""--select / --ignore by code or prefix, as ruff does."""

from __future__ import annotations

from auditor.rules import Rule


class SelectionError(Exception):
    """A code or prefix that matches no rule: a usage error (exit 2)."""


def expand(patterns: list[str], rules: dict[str, Rule]) -> set[str]:
    """Codes matched by codes or prefixes (``P1``, ``W``, ``ALL``); unknown ones are an error."""
    codes: set[str] = set()
    for pattern in patterns:
        pattern = pattern.strip().upper()
        if not pattern:
            continue
        if pattern == "ALL":
            codes.update(rules)
            continue
        matched = {code for code in rules if code.startswith(pattern)}
        if not matched:
            raise SelectionError(f"未知的规则代码或前缀 (unknown rule code or prefix): {pattern}")
        codes |= matched
    return codes


def enabled_codes(
    rules: dict[str, Rule],
    select: list[str] | None,
    ignore: list[str],
    extend_select: list[str] | None = None,
    profile: str = "default",
) -> set[str]:
    """Select replaces the default set (off-by-default rules included); ignore removes; E001 always on."""
    if select:
        codes = expand(select, rules)
    else:
        codes = {code for code, rule in rules.items() if rule.enabled}
        if profile == "strict":
            codes |= {code for code in rules if code.startswith("P")}
    codes |= expand(extend_select or [], rules)
    codes -= expand(ignore, rules)
    return codes

"""The rule catalogue: rules/*.yaml validated against rules/rule.schema.json.

Rules are data. Code looks codes up here and nowhere else.

A rules directory given by a user is validated with jsonschema every time it is loaded. The
shipped catalogue is not, on every run (importing jsonschema and validating cost a one-file scan
tens of milliseconds): tests/test_rules.py validates every shipped file against the schema, and a
shipped file the loader cannot read still goes through the full check, for its messages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml


class RuleError(Exception):
    """A rule file is missing, malformed or does not validate."""


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    category: str
    severity: str
    enabled: bool
    entity: str | None
    title: dict[str, str]
    description: dict[str, str]
    rationale: dict[str, str]
    basis: tuple[str, ...]
    fix: dict[str, str]
    message: dict[str, str]
    parameters: dict[str, Any] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def render_message(self, evidence: str = "", detail: str = "", lang: str = "zh") -> str:
        template = self.message.get(lang) or self.message["en"]
        return template.replace("{evidence}", evidence).replace("{detail}", detail).strip()

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Rule:
        return cls(
            code=data["code"],
            name=data["name"],
            category=data["category"],
            severity=data["severity"],
            enabled=data["enabled"],
            entity=data.get("entity"),
            title=data["title"],
            description=data["description"],
            rationale=data["rationale"],
            basis=tuple(data["basis"]),
            fix=data["fix"],
            message=data["message"],
            parameters=data.get("parameters") or {},
            examples=data.get("examples") or {},
        )


def default_rules_dir() -> Path:
    """rules/ ships inside the wheel as auditor/rules; a source checkout has it at the top."""
    packaged = Path(__file__).parent / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent / "rules"


def _schema(rules_dir: Path) -> dict[str, Any]:
    schema_path = rules_dir / "rule.schema.json"
    if not schema_path.is_file():
        schema_path = default_rules_dir() / "rule.schema.json"
    return json.loads(schema_path.read_text(encoding="utf-8"))


# libyaml's loader when PyYAML was built with it (the wheels are): the catalogue is read by
# every scan and by every worker process, and the pure-Python loader takes most of that time.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _rule_files(rules_dir: Path) -> list[Path]:
    return sorted(rules_dir.glob("*.yaml")) + sorted(rules_dir.glob("*.yml"))


def _parse(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)


def validate_dir(rules_dir: Path) -> list[str]:
    """Every problem in a rules directory, as readable lines; empty means valid."""
    return _check_dir(rules_dir)[0]


def _check_dir(rules_dir: Path) -> tuple[list[str], list[Any]]:
    """Problems, and the parsed files (each parsed once: loading does not read them again)."""
    problems: list[str] = []
    parsed: list[Any] = []
    if not rules_dir.is_dir():
        return [f"{rules_dir}: 不是目录 (not a directory)"], parsed
    import jsonschema  # here, not at the top: loading the shipped catalogue does not validate it

    validator = jsonschema.Draft202012Validator(_schema(rules_dir))
    seen: dict[str, Path] = {}
    files = _rule_files(rules_dir)
    if not files:
        problems.append(f"{rules_dir}: 没有规则文件 (no rule files)")
    for path in files:
        try:
            data = _parse(path)
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            problems.append(f"{path.name}: YAML 无法解析 (cannot parse): {exc}")
            continue
        parsed.append(data)
        for error in sorted(validator.iter_errors(data), key=lambda e: list(e.path)):
            where = "/".join(str(p) for p in error.path) or "(root)"
            problems.append(f"{path.name}: {where}: {error.message}")
        if isinstance(data, dict) and isinstance(data.get("code"), str):
            code = data["code"]
            if path.stem != code:
                problems.append(f"{path.name}: 文件名应为 {code}.yaml (file name must match code)")
            if code in seen:
                problems.append(f"{path.name}: 规则代码重复 {code} (duplicate code, also in {seen[code].name})")
            seen[code] = path
    return problems, parsed


def load_rules(rules_dir: Path | None = None) -> dict[str, Rule]:
    """Load the catalogue (the shipped one by default); raises RuleError listing every problem."""
    directory = rules_dir or default_rules_dir()
    return dict(_load_cached(str(directory.resolve())))


@lru_cache(maxsize=4)
def _load_cached(directory: str) -> tuple[tuple[str, Rule], ...]:
    path = Path(directory)
    shipped = _read_shipped(path) if path == default_rules_dir().resolve() else None
    rules = shipped if shipped is not None else _read_validated(path)
    return tuple(sorted(rules.items()))


def _read_validated(rules_dir: Path) -> dict[str, Rule]:
    """Rules from a directory that passes the schema check; RuleError with every problem otherwise."""
    problems, parsed = _check_dir(rules_dir)
    if problems:
        raise RuleError("\n".join(problems))
    return {data["code"]: Rule.from_data(data) for data in parsed}


def _read_shipped(rules_dir: Path) -> dict[str, Rule] | None:
    """The shipped catalogue without the schema check (a test runs it); None if anything is off.

    None sends the caller to the full check, so a broken shipped file fails with the same
    messages as a user's, never with a KeyError.
    """
    rules: dict[str, Rule] = {}
    files = _rule_files(rules_dir)
    for path in files:
        try:
            rule = Rule.from_data(_parse(path))
        except (yaml.YAMLError, UnicodeDecodeError, KeyError, TypeError, AttributeError):
            return None
        if rule.code != path.stem or rule.code in rules:
            return None
        rules[rule.code] = rule
    return rules or None


def ruleset_version(rules: dict[str, Rule]) -> str:
    """A short hash of the catalogue, so caches know when rules changed."""
    import hashlib

    digest = hashlib.sha256()
    for code, rule in sorted(rules.items()):
        digest.update(repr((code, rule.severity, rule.enabled, sorted(rule.parameters.items()))).encode())
    return digest.hexdigest()[:12]

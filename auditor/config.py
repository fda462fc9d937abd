"""Configuration: auditor.toml or [tool.auditor] in pyproject.toml, found upward from the scanned path.

Precedence: command-line options > --config FILE > discovered file > defaults.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from auditor.masking import Policy

FAIL_ON = ("error", "warning", "info", "never")
PROFILES = ("default", "strict")
KNOWN_KEYS = {
    "select",
    "ignore",
    "extend-select",
    "fail-on",
    "severity",
    "policy",
    "official-contact",
    "fingerprint-key",
    "require-workflow",
    "profile",
    "workflow",
    "allow-paths",
    "allow-fingerprints",
    "baseline",
    "inline-ignores",
}
POLICY_KEYS = {"id-keep-first", "id-keep-last", "mobile-keep-first", "mobile-keep-last", "bank-keep-last"}
KEY_ENV = "AUDITOR_FINGERPRINT_KEY"


class ConfigError(Exception):
    """Invalid configuration: a usage error (exit 2)."""


@dataclass(slots=True)
class Config:
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str = "error"
    severity: dict[str, str] = field(default_factory=dict)
    policy: Policy = field(default_factory=Policy)
    official_contact: tuple[str, ...] = ()
    fingerprint_key: str | None = None
    require_workflow: bool = False
    profile: str = "default"
    workflow: dict[str, Any] = field(default_factory=dict)
    allow_paths: list[str] = field(default_factory=list)
    allow_fingerprints: dict[str, str] = field(default_factory=dict)  # fingerprint -> reason
    baseline: Path | None = None
    inline_ignores: bool = True
    source: Path | None = None

    def key_bytes(self) -> bytes:
        from auditor.findings import DEFAULT_FINGERPRINT_KEY

        return (self.fingerprint_key or os.environ.get(KEY_ENV) or DEFAULT_FINGERPRINT_KEY).encode("utf-8")


def find_config(start: Path) -> Path | None:
    """Nearest auditor.toml, or pyproject.toml holding [tool.auditor], from ``start`` upward."""
    directory = start if start.is_dir() else start.parent
    directory = directory.resolve()
    for candidate_dir in (directory, *directory.parents):
        own = candidate_dir / "auditor.toml"
        if own.is_file():
            return own
        pyproject = candidate_dir / "pyproject.toml"
        if pyproject.is_file() and "[tool.auditor" in pyproject.read_text(encoding="utf-8", errors="replace"):
            return pyproject
    return None


def load_config(path: Path) -> Config:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"配置文件无法读取 {path}: {exc}") from exc
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("auditor", {})
    return parse_config(data, path)


def _codes(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"配置项 {key} 应为规则代码列表 (must be a list of codes)")
    return [v.strip().upper() for v in value]


def parse_config(data: dict[str, Any], source: Path | None = None) -> Config:
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise ConfigError(f"未知配置项 (unknown config keys): {', '.join(sorted(unknown))}")
    config = Config(source=source)
    if "select" in data:
        config.select = _codes(data["select"], "select")
    config.extend_select = _codes(data.get("extend-select", []), "extend-select")
    config.ignore = _codes(data.get("ignore", []), "ignore")
    fail_on = data.get("fail-on", "error")
    if fail_on not in FAIL_ON:
        raise ConfigError(f"fail-on 只能是 {'/'.join(FAIL_ON)} (got {fail_on!r})")
    config.fail_on = fail_on
    severity = data.get("severity", {})
    if not isinstance(severity, dict) or any(v not in ("error", "warning", "info") for v in severity.values()):
        raise ConfigError('severity 应为 {代码 = "error|warning|info"}')
    config.severity = {k.upper(): v for k, v in severity.items()}
    policy = data.get("policy", {})
    if not isinstance(policy, dict) or set(policy) - POLICY_KEYS:
        raise ConfigError(f"policy 只接受 {', '.join(sorted(POLICY_KEYS))}")
    if any(not isinstance(v, int) or v < 0 for v in policy.values()):
        raise ConfigError("policy 的值应为非负整数 (non-negative integers)")
    config.policy = replace(Policy(), **{k.replace("-", "_"): v for k, v in policy.items()})
    words = data.get("official-contact", [])
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise ConfigError("official-contact 应为词语列表 (list of words)")
    config.official_contact = tuple(words)
    key = data.get("fingerprint-key")
    if key is not None and not isinstance(key, str):
        raise ConfigError("fingerprint-key 应为字符串")
    config.fingerprint_key = key
    config.require_workflow = bool(data.get("require-workflow", False))
    profile = data.get("profile", "default")
    if profile not in PROFILES:
        raise ConfigError(f"profile 只能是 {'/'.join(PROFILES)}")
    config.profile = profile
    workflow = data.get("workflow", {})
    if not isinstance(workflow, dict):
        raise ConfigError("workflow 应为表 (table)")
    config.workflow = workflow
    _parse_allowlists(data, config, source)
    return config


def _parse_allowlists(data: dict[str, Any], config: Config, source: Path | None) -> None:
    """allow-paths (globs), allow-fingerprints (strings or {fingerprint, reason}), baseline, inline-ignores."""
    globs = data.get("allow-paths", [])
    if not isinstance(globs, list) or not all(isinstance(g, str) and g.strip() for g in globs):
        raise ConfigError("allow-paths 应为路径通配符列表 (list of glob patterns)")
    config.allow_paths = [g.strip() for g in globs]
    entries = data.get("allow-fingerprints", [])
    if not isinstance(entries, list):
        raise ConfigError("allow-fingerprints 应为列表 (list of fingerprints or {fingerprint, reason} tables)")
    for entry in entries:
        if isinstance(entry, str):
            entry = {"fingerprint": entry}
        valid = isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str)
        if not valid or set(entry) - {"fingerprint", "reason"}:
            raise ConfigError("allow-fingerprints 的每一项应为指纹字符串或 {fingerprint = …, reason = …}")
        config.allow_fingerprints[entry["fingerprint"].strip().lower()] = str(entry.get("reason", ""))
    baseline = data.get("baseline")
    if baseline is not None:
        if not isinstance(baseline, str) or not baseline:
            raise ConfigError("baseline 应为基线文件路径 (path of a baseline file)")
        path = Path(baseline)
        config.baseline = path if path.is_absolute() or source is None else source.parent / path
    inline = data.get("inline-ignores", True)
    if not isinstance(inline, bool):
        raise ConfigError("inline-ignores 应为 true 或 false")
    config.inline_ignores = inline


def resolve_config(explicit: Path | None, scan_paths: list[str]) -> Config:
    """--config wins; otherwise the nearest config above the first scanned path; else defaults."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"找不到配置文件 (config not found): {explicit}")
        return load_config(explicit)
    first = next((Path(p) for p in scan_paths if p != "-"), Path.cwd())
    found = find_config(first if first.exists() else Path.cwd())
    return load_config(found) if found else Config()

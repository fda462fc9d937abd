"""Sidecar workflow records: find, parse (JSON or YAML), validate, turn into a Chain.

Every problem is returned, never raised: a broken record is a W202 finding about
the document, not a crash of the scan.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from auditor.workflow.chain import Chain, ChainStep
from auditor.workflow.settings import WorkflowSettings
from auditor.workflow.steps import normalise_step
from auditor.workflow.timestamps import TimestampError, parse_timestamp

if TYPE_CHECKING:
    import jsonschema

SIDECAR_SUFFIXES = (".workflow.json", ".workflow.yaml", ".workflow.yml")
MAX_SIDECAR_BYTES = 1 << 20  # a record is a few hundred bytes; anything huge is not one


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a record is invalid. ``key`` is stable (fingerprints), texts are for people."""

    key: str
    zh: str
    en: str


def is_sidecar(path: Path) -> bool:
    """Sidecars are records about a document, not documents to scan."""
    return path.name.lower().endswith(SIDECAR_SUFFIXES)


def find_sidecars(document: Path) -> list[Path]:
    """Existing sidecars of a document, in precedence order json, yaml, yml.

    Every scanned file asks, and nearly all have none: three ``stat`` calls on strings, not
    three Path objects built and asked (that was most of a small file's workflow check).
    """
    base = os.fspath(document)
    return [Path(base + suffix) for suffix in SIDECAR_SUFFIXES if os.path.isfile(base + suffix)]


@lru_cache(maxsize=1)
def record_schema() -> dict[str, Any]:
    text = resources.files("auditor.workflow").joinpath("record.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


# --- parsing ----------------------------------------------------------------


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


class _YamlLoader(yaml.SafeLoader):
    """Safe loader that keeps timestamps as strings and refuses duplicate keys and aliases.

    A record never needs aliases, and refusing them rules out "billion laughs" files
    that would make schema validation walk an exponential tree.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.events.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in a record", mark)
        return super().compose_node(parent, index)


_YamlLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, str) and key in seen:
            mark = key_node.start_mark
            raise _DuplicateKey(f"{key} (line {mark.line + 1})")
        if isinstance(key, str):
            seen.add(key)
    return loader.construct_mapping(node)


_YamlLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_sidecar(text: str, syntax: str) -> tuple[Any, Problem | None]:
    """Parsed data, or a problem. Messages never quote the file's content (names live there)."""
    try:
        if syntax == "json":
            return json.loads(text, object_pairs_hook=_no_duplicates), None
        return yaml.load(text, Loader=_YamlLoader), None
    except _DuplicateKey as exc:
        return None, Problem("duplicate-key", f"键重复：{exc}", f"duplicate key: {exc}")
    except json.JSONDecodeError as exc:
        where = f"{exc.lineno}:{exc.colno}"
        return None, Problem(
            "syntax", f"JSON 语法错误（第 {where} 处）：{exc.msg}", f"JSON syntax error at {where}: {exc.msg}"
        )
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1}:{mark.column + 1}" if mark is not None else "?"
        problem = getattr(exc, "problem", None) or type(exc).__name__
        return None, Problem(
            "syntax", f"YAML 语法错误（第 {where} 处）：{problem}", f"YAML syntax error at {where}: {problem}"
        )


# --- validation -------------------------------------------------------------

_FIELD_HINTS = {
    "sha256": ("应为 64 位十六进制 SHA-256", "must be a 64-hex-digit SHA-256"),
    "at": ("应为 ISO 8601 时间，如 2022-03-01T09:00:00+08:00", "must be ISO 8601, e.g. 2022-03-01T09:00:00+08:00"),
    "published_at": (
        "应为 ISO 8601 时间，如 2022-03-01T09:00:00+08:00",
        "must be ISO 8601, e.g. 2022-03-01T09:00:00+08:00",
    ),
    "by": ("应为签名人姓名", "must be the signer's name"),
}


def _where(path: list[Any]) -> tuple[str, str]:
    """Human place of a schema error: 第3步的 at / steps[2].at."""
    if not path:
        return "记录", "record"
    if path[0] == "steps" and len(path) >= 2 and isinstance(path[1], int):
        rest = ".".join(str(p) for p in path[2:])
        zh = f"第 {path[1] + 1} 步" + (f"的 {rest} " if rest else "")
        en = f"steps[{path[1]}]" + (f".{rest}" if rest else "")
        return zh, en
    dotted = ".".join(str(p) for p in path)
    return dotted + " ", dotted


def _schema_problem(error: jsonschema.ValidationError) -> Problem:
    path = list(error.absolute_path)
    zh_where, en_where = _where(path)
    last = str(path[-1]) if path else ""
    kind = str(error.validator)
    key = "schema:" + "/".join(str(p) for p in path) + ":" + kind
    if kind == "required":
        missing = [p for p in error.validator_value if isinstance(error.instance, dict) and p not in error.instance]
        names = ", ".join(missing)
        return Problem(key, f"{zh_where}缺少字段 {names}", f"{en_where}: missing {names}")
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = ", ".join(sorted(k for k in error.instance if k not in allowed and not str(k).startswith("x-")))
        return Problem(key, f"{zh_where}有未知字段 {extra}", f"{en_where}: unknown field(s) {extra}")
    if kind == "enum" and last == "step":
        return Problem(
            key,
            f"{zh_where.rstrip()}：未知的步骤名称（应为 撰写/校对/排版/审核 或 draft/proofread/layout/approve）",
            f"{en_where}: unknown step name (use draft/proofread/layout/approve or 撰写/校对/排版/审核)",
        )
    if kind == "type":
        return Problem(
            key, f"{zh_where}类型应为 {error.validator_value}", f"{en_where}: must be {error.validator_value}"
        )
    if kind in ("minItems", "minLength") or (kind == "pattern" and last == "by"):
        return Problem(key, f"{zh_where}不能为空", f"{en_where}: must not be empty")
    if kind in ("pattern", "maxLength") and last in _FIELD_HINTS:
        zh_hint, en_hint = _FIELD_HINTS[last]
        return Problem(key, f"{zh_where}格式不正确，{zh_hint}", f"{en_where}: {en_hint}")
    return Problem(key, f"{zh_where}不符合记录格式（{kind}）", f"{en_where}: does not match the record schema ({kind})")


def validate_record(data: Any) -> list[Problem]:
    """Schema problems, in document order."""
    import jsonschema  # here: a scan with no sidecar record never needs it (about 50 ms to import)

    validator = jsonschema.Draft202012Validator(record_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [_schema_problem(e) for e in errors]


def _timestamp(text: str, settings: WorkflowSettings, where: list[Any]) -> tuple[Any, Problem | None]:
    try:
        return parse_timestamp(text, settings.tzinfo()), None
    except TimestampError as exc:
        zh_where, en_where = _where(where)
        key = "time:" + "/".join(str(p) for p in where) + ":" + exc.kind
        if exc.kind == "naive":
            return None, Problem(key, zh_where, en_where)
        return None, Problem(key, f"{zh_where}不是真实的日期时间", f"{en_where}: not a real date/time")


def _naive_problem(naive: list[Problem]) -> Problem:
    """One problem for all timestamps without an offset: it is one decision, not one per step."""
    numbers = [str(int(p.key.split("/")[1]) + 1) for p in naive if p.key.startswith("time:steps/")]
    published = any(p.key.startswith("time:published_at") for p in naive)
    zh_parts = ([f"第 {'、'.join(numbers)} 步"] if numbers else []) + (["published_at"] if published else [])
    en_parts = ([f"step(s) {', '.join(numbers)}"] if numbers else []) + (["published_at"] if published else [])
    return Problem(
        "time:naive",
        f"{'和'.join(zh_parts)}的时间没有时区（如 +08:00），按配置不予接受",
        f"{' and '.join(en_parts)}: timestamp without a UTC offset (e.g. +08:00), rejected by configuration",
    )


def record_to_chain(
    data: dict[str, Any], settings: WorkflowSettings, origin: str
) -> tuple[Chain | None, list[Problem]]:
    """A schema-valid record as a Chain; timestamp problems make it invalid (W202)."""
    problems: list[Problem] = []
    steps: list[ChainStep] = []
    for index, raw in enumerate(data["steps"]):
        at, problem = _timestamp(raw["at"], settings, ["steps", index, "at"])
        if problem:
            problems.append(problem)
        step = normalise_step(raw["step"]) or "draft"  # the schema enum guarantees a match
        steps.append(ChainStep(step=step, label=raw["step"], persons=(raw["by"].strip(),), at=at))
    published = None
    if "published_at" in data:
        published, problem = _timestamp(data["published_at"], settings, ["published_at"])
        if problem:
            problems.append(problem)
    naive = [p for p in problems if p.key.endswith(":naive")]
    problems = [p for p in problems if not p.key.endswith(":naive")] + ([_naive_problem(naive)] if naive else [])
    if problems:
        return None, problems
    sha = data.get("sha256")
    chain = Chain("sidecar", steps, origin=origin, sha256=sha.lower() if sha else None, published_at=published)
    return chain, []


def load_sidecar(
    sidecar: Path, document_name: str | None, settings: WorkflowSettings
) -> tuple[Chain | None, list[Problem]]:
    """Read and check one sidecar; the chain is None whenever there is a problem."""
    try:
        if sidecar.stat().st_size > MAX_SIDECAR_BYTES:
            return None, [Problem("too-large", "记录文件过大（超过 1 MB）", "record file is larger than 1 MB")]
        text = sidecar.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem("encoding", "记录文件不是 UTF-8 编码", "record file is not UTF-8")]
    except OSError as exc:
        return None, [
            Problem("unreadable", f"记录文件无法读取：{exc.strerror}", f"record file unreadable: {exc.strerror}")
        ]
    syntax = "json" if sidecar.name.lower().endswith(".json") else "yaml"
    data, problem = parse_sidecar(text, syntax)
    if problem:
        return None, [problem]
    problems = validate_record(data)
    if problems:
        return None, problems
    named = data.get("document")
    if document_name and named and Path(named.replace("\\", "/")).name != document_name:
        problems.append(
            Problem(
                "document-mismatch",
                "记录的 document 字段指向另一个文件",
                "the record's document field names another file",
            )
        )
    chain, more = record_to_chain(data, settings, sidecar.name)
    problems.extend(more)
    return (chain if not problems else None), problems

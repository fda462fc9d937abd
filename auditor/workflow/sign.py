"""`auditor sign`, `auditor workflow show|publish`: write and read sidecar records.

Signing enforces the order at the moment of signing (a chain that is built with
`auditor sign` cannot get W204), and the approval pins the file's SHA-256 (W206).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from auditor.findings import FindingMaker
from auditor.model import Document, Finding
from auditor.rules import Rule
from auditor.workflow.chain import Chain
from auditor.workflow.checks import check_workflow, file_sha256
from auditor.workflow.record import find_sidecars, is_sidecar, load_sidecar, parse_sidecar
from auditor.workflow.settings import WorkflowSettings
from auditor.workflow.signoff import embedded_chain
from auditor.workflow.steps import STEP_LABELS_ZH, allowed_next, normalise_step, person_key
from auditor.workflow.timestamps import TimestampError, format_timestamp, parse_timestamp


class SignError(Exception):
    """Signing refused. ``usage`` marks bad arguments (exit 2) rather than a refusal (exit 1)."""

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


@dataclass(slots=True)
class SignResult:
    sidecar: Path
    created: bool
    step: str
    at: datetime
    sha256: str | None
    warnings: list[str] = field(default_factory=list)


def _label(step: str) -> str:
    return f"{STEP_LABELS_ZH[step]}（{step}）"


def _time(text: str | None, settings: WorkflowSettings, now: datetime | None) -> datetime:
    if text is None:
        zone = settings.tzinfo()
        when = now or (datetime.now(zone) if zone else datetime.now().astimezone())
        return when.replace(microsecond=0)  # the precision the record keeps
    try:
        return parse_timestamp(text, settings.tzinfo())
    except TimestampError as exc:
        if exc.kind == "naive":
            raise SignError(
                f"时间 {text} 没有时区，请写成如 2022-03-01T09:00:00+08:00 (timestamp needs a UTC offset)", usage=True
            ) from exc
        raise SignError(f"时间 {text} 不是 ISO 8601 日期时间 (not an ISO 8601 date/time)", usage=True) from exc


def _open_record(path: Path, settings: WorkflowSettings) -> tuple[Path, dict[str, Any], Chain | None]:
    """The sidecar to extend (or the one to create) with its data; refuses a broken record."""
    sidecars = find_sidecars(path)
    if not sidecars:
        return path.with_name(path.name + ".workflow.json"), {"document": path.name, "steps": []}, None
    sidecar = sidecars[0]
    chain, problems = load_sidecar(sidecar, path.name, settings)
    if problems:
        listed = "；".join(p.zh for p in problems[:5])
        raise SignError(f"记录文件 {sidecar.name} 无效，请先修正 (record invalid, fix it first)：{listed}")
    syntax = "json" if sidecar.name.lower().endswith(".json") else "yaml"
    data, _ = parse_sidecar(sidecar.read_bytes().decode("utf-8-sig"), syntax)
    return sidecar, data, chain


def _write(sidecar: Path, data: dict[str, Any]) -> None:
    """Atomic replace, so an interrupted sign never leaves half a record."""
    if sidecar.name.lower().endswith(".json"):
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    fd, tmp = tempfile.mkstemp(prefix=".sign-", dir=sidecar.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, sidecar)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sign(
    path: Path,
    step: str,
    by: str,
    at: str | None = None,
    settings: WorkflowSettings | None = None,
    now: datetime | None = None,
    *,
    note: str | None = None,
) -> SignResult:
    """Append one signed step to the document's sidecar (created on first use).

    ``note`` is kept on the step as ``x-note`` (the schema's extension key), so
    records with notes stay valid for every reader.
    """
    settings = settings or WorkflowSettings()
    path = Path(path)
    if not path.is_file():
        raise SignError(f"文件不存在 (no such file): {path}", usage=True)
    if is_sidecar(path):
        raise SignError(f"请指定文件本身，而不是它的记录文件 (sign the document, not its record): {path}", usage=True)
    canonical = normalise_step(step)
    if canonical is None:
        raise SignError(f"未知的步骤 {step!r}，应为 draft|proofread|layout|approve（撰写|校对|排版|审核）", usage=True)
    if not by.strip():
        raise SignError("--by 不能为空 (signer name required)", usage=True)
    when = _time(at, settings, now)
    sidecar, data, chain = _open_record(path, settings)
    recorded = chain.steps if chain else []
    try:
        allowed = allowed_next([s.step for s in recorded])
    except ValueError as exc:
        raise SignError(
            f"记录中的步骤顺序已经错误，请先修正 {sidecar.name} (recorded steps are already out of order)"
        ) from exc
    if canonical not in allowed:
        last = _label(recorded[-1].step) if recorded else "（尚无步骤 none yet）"
        nexts = " 或 ".join(_label(s) for s in allowed)
        raise SignError(
            f"不能现在签“{_label(canonical)}”：上一步是 {last}，下一步只能是 {nexts}。"
            " (step out of order; the chain is 撰写 → 校对 → 排版 → 校对 → 审核)"
        )
    last_at = recorded[-1].at if recorded else None
    if last_at is not None and when < last_at:
        raise SignError(
            f"时间 {format_timestamp(when)} 早于上一步的 {format_timestamp(last_at)} (earlier than the previous step)"
        )
    warnings = _duty_warnings(canonical, by, chain)
    entry = {"step": canonical, "by": by.strip(), "at": format_timestamp(when)}
    if note and note.strip():
        entry["x-note"] = note.strip()
    data.setdefault("steps", []).append(entry)
    digest = None
    if canonical == "approve":
        digest = file_sha256(path)
        data["sha256"] = digest
    _write(sidecar, data)
    return SignResult(sidecar, chain is None, canonical, when, digest, warnings)


def _duty_warnings(step: str, by: str, chain: Chain | None) -> list[str]:
    """Separation of duties is reported (W205), not refused: small offices sometimes cannot comply."""
    if chain is None:
        return []
    me = person_key(by)
    did = {s.step for s in chain.steps if me in {person_key(p) for p in s.persons}}
    if step == "proofread" and "draft" in did:
        return ["撰写人不应校对自己的稿件，扫描时将报告 W205 (drafter proofreading: W205)"]
    if step == "approve" and did & {"draft", "proofread"}:
        return ["审核人不应是撰写人或校对人，扫描时将报告 W205 (approver drafted or proofread: W205)"]
    return []


def publish(
    path: Path, at: str | None = None, settings: WorkflowSettings | None = None, now: datetime | None = None
) -> Path:
    """Record ``published_at``; refused before approval or when the file changed since (W207/W206)."""
    settings = settings or WorkflowSettings()
    path = Path(path)
    if not path.is_file():
        raise SignError(f"文件不存在 (no such file): {path}", usage=True)
    when = _time(at, settings, now)
    sidecar, data, chain = _open_record(path, settings)
    approvals = [s.at for s in (chain.steps if chain else []) if s.step == "approve" and s.at]
    if not approvals:
        raise SignError("尚未审核，不能发布 (not approved yet)")
    if when < max(approvals):
        raise SignError(f"发布时间早于审核时间 {format_timestamp(max(approvals))} (publication before approval)")
    if chain and chain.sha256 and file_sha256(path) != chain.sha256:
        raise SignError("文件在审核后已被修改，需重新审核 (file changed after approval; approve again)")
    data["published_at"] = format_timestamp(when)
    _write(sidecar, data)
    return sidecar


def describe(
    path: Path, document: Document | None, settings: WorkflowSettings, rules: dict[str, Rule]
) -> tuple[list[str], list[Finding]]:
    """Lines that show the chain as recorded, and the workflow findings on it."""
    path = Path(path)
    lines: list[str] = []
    sidecars = find_sidecars(path)
    chain: Chain | None = None
    if sidecars:
        chain, _ = load_sidecar(sidecars[0], path.name, settings)
        lines.append(f"记录 record: {sidecars[0].name}" + ("" if chain else "（无效 invalid）"))
    elif document is not None:
        chain = embedded_chain(document)
        lines.append("记录 record: 文中签发栏 embedded sign-off" if chain else "记录 record: 无 none")
    else:
        lines.append("记录 record: 无 none")
    for number, step in enumerate(chain.steps if chain else [], start=1):
        persons = "、".join(step.persons) or "（未签名 unsigned）"
        when = format_timestamp(step.at) if step.at else "-"
        lines.append(f"  {number}. {STEP_LABELS_ZH.get(step.step, step.label):<4} {step.step:<9} {persons}  {when}")
    for step in chain.reviews if chain else []:
        lines.append(f"  -  {step.label:<4} {step.step:<9} {'、'.join(step.persons) or '（未签名 unsigned）'}")
    if chain is not None and chain.source == "sidecar":
        if chain.sha256:
            state = "一致 matches" if file_sha256(path) == chain.sha256 else "已改变 CHANGED since approval"
            lines.append(f"SHA-256: {chain.sha256[:16]}…  {state}")
        if chain.published_at:
            lines.append(f"发布 published_at: {format_timestamp(chain.published_at)}")
    make = FindingMaker(rules=rules, path=str(path))
    findings = check_workflow(path, document, make, settings)
    if findings:
        lines.append("检查 checks:")
        lines.extend(f"  {f.rule_id} {f.severity}: {f.message}" for f in findings)
    else:
        lines.append("检查 checks: 通过 OK")
    return lines, findings

"""W201–W207: is there a review record, is it valid, complete, ordered, separated, current.

A sidecar record is authoritative when present; otherwise the document's own
sign-off lines are the record. Findings never carry names: evidence stays null
and messages name roles and step numbers only.
"""

from __future__ import annotations

import hashlib
from itertools import pairwise
from pathlib import Path

from auditor.findings import FindingMaker
from auditor.model import Document, Finding
from auditor.workflow.chain import Chain, ChainStep
from auditor.workflow.record import SIDECAR_SUFFIXES, find_sidecars, is_sidecar, load_sidecar
from auditor.workflow.settings import WorkflowSettings
from auditor.workflow.signoff import SignoffLine, embedded_chain
from auditor.workflow.steps import (
    SLOT_LABELS_EN,
    SLOT_LABELS_ZH,
    assign_slots,
    missing_slots,
    order_violation,
    person_key,
)

MAX_SCHEMA_FINDINGS = 10


def _say(make: FindingMaker, zh: str, en: str) -> str:
    return en if make.language == "en" else zh


def file_sha256(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def check_workflow(
    path: Path,
    document: Document | None,
    make: FindingMaker,
    settings: WorkflowSettings,
    signoff: list[SignoffLine] | None = None,
) -> list[Finding]:
    """All workflow findings for one document file (none for a sidecar itself).

    ``signoff``: the document's sign-off lines when the caller has found them already.
    """
    path = path if isinstance(path, Path) else Path(path)
    if is_sidecar(path):
        return []
    findings: list[Finding] = []
    sidecars = find_sidecars(path)
    if sidecars:
        if len(sidecars) > 1:
            others = "、".join(p.name for p in sidecars[1:])
            findings.append(
                make.make(
                    "W202",
                    {},
                    identity="sidecar:multiple",
                    detail=_say(
                        make,
                        f"：有多个记录文件，只采用 {sidecars[0].name}，忽略 {others}",
                        f": several record files; {sidecars[0].name} is used, {others} ignored",
                    ),
                )
            )
        chain, problems = load_sidecar(sidecars[0], path.name, settings)
        for problem in problems[:MAX_SCHEMA_FINDINGS]:
            detail = _say(make, f"：{sidecars[0].name} {problem.zh}", f": {sidecars[0].name} {problem.en}")
            findings.append(make.make("W202", {}, identity=f"sidecar:{problem.key}", detail=detail))
        if chain is not None:
            findings.extend(check_chain(chain, make, settings, path))
        return findings
    chain = embedded_chain(document, signoff) if document is not None else None
    if chain is not None:
        return check_chain(chain, make, settings, path)
    names = "/".join(SIDECAR_SUFFIXES)
    detail = _say(
        make,
        f"：没有 {path.name}{names} 记录文件，文中也没有签发栏（撰稿：… 校对：… 排版：… 校对：… 审核：…）",
        f": no {path.name}{names} record and no sign-off block (撰稿：… 校对：… 审核：…) in the text",
    )
    severity = "error" if settings.require_workflow else None
    return [make.make("W201", {}, identity="missing", detail=detail, severity=severity)]


def check_chain(chain: Chain, make: FindingMaker, settings: WorkflowSettings, path: Path) -> list[Finding]:
    """W203–W207 on a loaded chain (W206/W207 need a sidecar's hash and timestamps)."""
    findings = _missing(chain, make) + _order(chain, make) + _separation(chain, make, settings)
    if chain.source == "sidecar":
        findings += _content_changed(chain, make, settings, path) + _published_early(chain, make)
    return findings


def _where(chain: Chain, make: FindingMaker) -> str:
    return _say(make, f"（见 {chain.origin}）", f" (in {chain.origin})") if chain.origin else ""


def _missing(chain: Chain, make: FindingMaker) -> list[Finding]:
    signed = [s.step for s in chain.signed]
    unsigned = {s.step for s in chain.steps if not s.persons}
    findings = []
    for slot in missing_slots(signed):
        step = ("draft", "proofread", "layout", "proofread", "approve")[slot]
        note = _say(make, "（已列出但未签名）", " (listed but not signed)") if step in unsigned else ""
        detail = _say(
            make,
            f"：{SLOT_LABELS_ZH[slot]}{note}{_where(chain, make)}",
            f": {SLOT_LABELS_EN[slot]}{note}{_where(chain, make)}",
        )
        findings.append(make.make("W203", dict(chain.anchor), identity=f"{chain.source}:missing:{slot}", detail=detail))
    return findings


def _order(chain: Chain, make: FindingMaker) -> list[Finding]:
    steps = chain.signed
    unit_zh, unit_en = ("步", "step") if chain.source == "sidecar" else ("项", "entry")
    violation = order_violation([s.step for s in steps])
    if violation:
        bad, earlier = violation
        b, e = steps[bad], steps[earlier]
        detail = _say(
            make,
            f"：“{b.label}”（第 {bad + 1} {unit_zh}）排在“{e.label}”（第 {earlier + 1} {unit_zh}）之后"
            + _where(chain, make),
            f": {b.step} ({unit_en} {bad + 1}) comes after {e.step} ({unit_en} {earlier + 1}){_where(chain, make)}",
        )
        identity = f"{chain.source}:sequence:{b.step}<{e.step}"
        # One misplaced step also breaks the timeline: report it once.
        return [make.make("W204", dict(b.location or chain.anchor), identity=identity, detail=detail)]
    timed = [(i, s) for i, s in enumerate(steps) if s.at is not None]
    for (i, prev), (j, cur) in pairwise(timed):
        if cur.at < prev.at:  # type: ignore[operator]
            detail = _say(
                make,
                f"：第 {j + 1} 步“{cur.label}”的时间早于第 {i + 1} 步“{prev.label}”{_where(chain, make)}",
                f": step {j + 1} ({cur.step}) is timed before step {i + 1} ({prev.step}){_where(chain, make)}",
            )
            identity = f"{chain.source}:time:{prev.step}>{cur.step}"
            return [make.make("W204", dict(cur.location), identity=identity, detail=detail)]
    return []


def _keys(steps: list[ChainStep]) -> set[str]:
    return {person_key(p) for s in steps for p in s.persons}


def _separation(chain: Chain, make: FindingMaker, settings: WorkflowSettings) -> list[Finding]:
    steps = chain.signed
    slots, _ = assign_slots([s.step for s in steps])
    slot_of = {i: slots[i] if i < len(slots) else 3 for i in range(len(steps))}
    drafters = _keys([s for s in steps if s.step == "draft"])
    proofreaders = _keys([s for s in steps if s.step == "proofread"])
    layouters = _keys([s for s in steps if s.step == "layout"])
    rules: list[tuple[int, str, str, str]] = []  # (index, kind, zh, en)
    for i, s in enumerate(steps):
        mine = _keys([s])
        first_allowed = settings.allow_drafter_first_proofread and slot_of[i] == 1
        if s.step == "proofread" and settings.forbid_drafter_proofread and mine & drafters and not first_allowed:
            rules.append((i, "drafter-proofread", "由撰写人本人校对", "proofread by the drafter"))
        if s.step == "proofread" and settings.forbid_layout_self_proofread and slot_of[i] == 3 and mine & layouters:
            rules.append((i, "layout-proofread", "排版人校对自己的排版", "layout proofread by its own typesetter"))
        if s.step == "approve" and settings.forbid_drafter_approve and mine & drafters:
            rules.append((i, "drafter-approve", "由撰写人本人审核", "approved by the drafter"))
        if s.step == "approve" and settings.forbid_proofreader_approve and mine & proofreaders:
            rules.append((i, "proofreader-approve", "由校对人审核", "approved by someone who proofread"))
    findings = []
    counter: dict[str, int] = {}
    unit = "步" if chain.source == "sidecar" else "项"
    for i, kind, zh, en in rules:
        counter[kind] = counter.get(kind, 0) + 1
        s = steps[i]
        detail = _say(
            make,
            f"：第 {i + 1} {unit}“{s.label}”{zh}{_where(chain, make)}",
            f": {s.step} (#{i + 1}) {en}{_where(chain, make)}",
        )
        identity = f"{chain.source}:sod:{kind}:{counter[kind]}"
        findings.append(make.make("W205", dict(s.location), identity=identity, detail=detail))
    if settings.distinct_review_levels and chain.reviews:
        findings += _review_levels(chain, make)
    return findings


def _review_levels(chain: Chain, make: FindingMaker) -> list[Finding]:
    """三审: 初审, 复审 and 终审 (approval) by three different people."""
    levels = [
        ("初审", [s for s in chain.reviews if s.step == "review1" and s.persons]),
        ("复审", [s for s in chain.reviews if s.step == "review2" and s.persons]),
        ("终审", [s for s in chain.signed if s.step == "approve"]),
    ]
    findings = []
    for a in range(3):
        for b in range(a + 1, 3):
            (name_a, steps_a), (name_b, steps_b) = levels[a], levels[b]
            if steps_a and steps_b and _keys(steps_a) & _keys(steps_b):
                detail = _say(
                    make, f"：同一人兼任{name_a}和{name_b}", f": one person did both {name_a} and {name_b} review"
                )
                where = dict(steps_b[0].location or chain.anchor)
                findings.append(make.make("W205", where, identity=f"{chain.source}:sod:levels:{a}{b}", detail=detail))
    return findings


def _content_changed(chain: Chain, make: FindingMaker, settings: WorkflowSettings, path: Path) -> list[Finding]:
    if not any(s.step == "approve" for s in chain.signed):
        return []
    if chain.sha256 is None:
        if not settings.require_approval_hash:
            return []
        detail = _say(
            make,
            f"：已审核但未记录审核时文件的 SHA-256，无法证明发布的就是审核的版本{_where(chain, make)}",
            f": approved, but no SHA-256 of the approved file is recorded{_where(chain, make)}",
        )
        return [make.make("W206", {}, identity="sidecar:hash-missing", detail=detail)]
    current = file_sha256(path)
    if current is None or current == chain.sha256:
        return []
    detail = _say(
        make,
        f"：当前 {current[:12]}…，审核时 {chain.sha256[:12]}…{_where(chain, make)}",
        f": now {current[:12]}…, approved {chain.sha256[:12]}…{_where(chain, make)}",
    )
    return [make.make("W206", {}, identity="sidecar:hash-differs", detail=detail)]


def _published_early(chain: Chain, make: FindingMaker) -> list[Finding]:
    approvals = [s.at for s in chain.signed if s.step == "approve" and s.at is not None]
    if chain.published_at is None or not approvals or chain.published_at >= max(approvals):
        return []
    detail = _say(
        make,
        f"：发布于 {chain.published_at.isoformat()}，审核于 {max(approvals).isoformat()}{_where(chain, make)}",
        f": published {chain.published_at.isoformat()}, approved {max(approvals).isoformat()}{_where(chain, make)}",
    )
    return [make.make("W207", {}, identity="sidecar:published-before-approval", detail=detail)]

"""Step names and step order of the review chain 撰写 → 校对 → 排版 → 校对 → 审核.

Everything here is pure (strings in, answers out) so that it can be checked
with property tests; records, sign-off blocks and `auditor sign` all share it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

STEPS = ("draft", "proofread", "layout", "approve")

# The five slots of the chain; proofreading happens twice (before and after layout).
SLOTS = ("draft", "proofread", "layout", "proofread", "approve")
SLOT_LABELS_ZH = ("撰写", "校对（排版前）", "排版", "校对（排版后）", "审核")
SLOT_LABELS_EN = ("draft", "first proofread (before layout)", "layout", "second proofread (after layout)", "approval")
STEP_LABELS_ZH = {"draft": "撰写", "proofread": "校对", "layout": "排版", "approve": "审核"}

# Every accepted spelling of each step. Sidecar records are validated against the
# same list (record.schema.json mirrors it; a test keeps the two in sync).
STEP_ALIASES: dict[str, tuple[str, ...]] = {
    "draft": ("draft", "drafting", "撰写", "撰稿", "拟稿", "起草", "制表", "填表"),
    "proofread": ("proofread", "proofreading", "校对", "初校", "一校", "二校", "三校", "复校", "终校", "校核"),
    "layout": ("layout", "typesetting", "排版", "编排"),
    "approve": ("approve", "approval", "审核", "审定", "审批", "签发", "终审", "三审"),
}

# Roles seen in sign-off footers that are not one of the four steps. Their names
# are staff in an official role too (never privacy findings); 初审/复审 take part in
# the 三审 separation rule (no person holds two of 初审/复审/终审).
EXTRA_ROLES: dict[str, str] = {
    "初审": "review1",
    "一审": "review1",
    "复审": "review2",
    "二审": "review2",
    "责任编辑": "other",
    "编辑": "other",
    "作者": "other",
    "供稿": "other",
    "摄影": "other",
}

_ALIAS_TO_STEP = {alias.casefold(): step for step, aliases in STEP_ALIASES.items() for alias in aliases}
_SPACES = re.compile(r"[\s\u3000]+")


def schema_step_names() -> list[str]:
    """The spellings a record may use: the aliases, English ones also in Title and UPPER case."""
    names: list[str] = []
    for aliases in STEP_ALIASES.values():
        for alias in aliases:
            variants = [alias, alias.title(), alias.upper()] if alias.isascii() else [alias]
            names.extend(v for v in variants if v not in names)
    return names


def normalise_step(name: str) -> str | None:
    """Canonical step for any accepted spelling (case, width and spaces ignored), else None."""
    key = _SPACES.sub("", unicodedata.normalize("NFKC", name)).casefold()
    return _ALIAS_TO_STEP.get(key)


def role_of(label: str) -> str | None:
    """Canonical step, or review1/review2/other for extra sign-off roles, or None."""
    key = _SPACES.sub("", unicodedata.normalize("NFKC", label))
    return normalise_step(key) or EXTRA_ROLES.get(key)


def person_key(name: str) -> str:
    """Compare staff names ignoring width, spaces, case and the interpunct variant used."""
    text = unicodedata.normalize("NFKC", name)
    text = re.sub(r"[\s\u3000]+", "", text)
    text = re.sub(r"[·•・.．]", "·", text)
    return text.casefold()


# --- order ------------------------------------------------------------------

_SLOT_CHOICES = {"draft": (0,), "proofread": (1, 3), "layout": (2,), "approve": (4,)}


def assign_slots(steps: Sequence[str]) -> tuple[list[int], int | None]:
    """Slot of each step, greedily the earliest consistent one; and the first step out of order.

    The chain is in order when the steps read D* P* L* P* A* (repeats allowed, missing
    steps are W203's business, not W204's). Taking the smallest feasible slot is
    optimal: a smaller current slot admits every continuation a larger one does.
    """
    slots: list[int] = []
    current = -1
    for index, step in enumerate(steps):
        feasible = [s for s in _SLOT_CHOICES[step] if s >= current]
        if not feasible:
            return slots, index
        current = feasible[0]
        slots.append(current)
    return slots, None


def order_violation(steps: Sequence[str]) -> tuple[int, int] | None:
    """(index of the first step out of order, index of the earlier step it should precede)."""
    slots, bad = assign_slots(steps)
    if bad is None:
        return None
    allowed = max(_SLOT_CHOICES[steps[bad]])
    earlier = next(i for i, s in enumerate(slots) if s > allowed)
    return bad, earlier


def missing_slots(steps: Sequence[str]) -> list[int]:
    """Which of the five slots (0–4) the steps do not fill.

    In an ordered chain a proofread before layout fills slot 1 and one after it slot 3.
    Without a layout step, or when the order is broken, only counts can be used: two
    proofreads fill both proofreading slots, one fills the first.
    """
    counts = {step: sum(1 for s in steps if s == step) for step in STEPS}
    slots, bad = assign_slots(steps)
    if bad is None and counts["layout"]:
        return [i for i in range(5) if i not in slots]
    missing = [i for i, step in ((0, "draft"), (2, "layout"), (4, "approve")) if not counts[step]]
    if counts["proofread"] == 0:
        missing += [1, 3]
    elif counts["proofread"] == 1:
        missing.append(3)
    return sorted(missing)


def allowed_next(steps: Sequence[str]) -> tuple[str, ...]:
    """Steps `auditor sign` accepts next: the chain may repeat a step but never skip one.

    Raises ValueError when the recorded steps are already out of order.
    """
    slots, bad = assign_slots(steps)
    if bad is not None:
        raise ValueError(f"recorded steps are out of order at step {bad + 1}")
    current = slots[-1] if slots else -1
    nxt = {-1: ("draft",), 0: ("draft", "proofread"), 1: ("proofread", "layout")}
    nxt.update({2: ("layout", "proofread"), 3: ("proofread", "approve"), 4: ("approve",)})
    return nxt[current]

"""Pure masking helpers: hide characters of a value in place, never reveal one.

A value is masked where it stands: only its digits at hidden positions change,
separators (spaces, hyphens) and existing mask characters stay, full-width
digits become full-width ``＊``. So masking keeps the length, keeps offsets of
everything after the value, and masking a masked value changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection

from auditor.masking import Policy
from auditor.normalize import MASK_CHARS, fold_width

MASK = "*"
WIDE_MASK = "＊"
_VALUE_CHARS = frozenset("0123456789Xx" + MASK_CHARS)
ID_ENTITIES = frozenset(("CN_RESIDENT_ID", "OTHER_ID"))


def is_wide(char: str) -> bool:
    """Full-width forms (U+FF01–FF5E) and the ideographic space."""
    return "\uff01" <= char <= "\uff5e" or char == "\u3000"


def value_positions(span: str) -> list[int]:
    """Offsets in ``span`` of the value's own characters (digits, X, masks), in order."""
    folded = fold_width(span)
    return [i for i, char in enumerate(folded) if char in _VALUE_CHARS]


def keep_positions(length: int, keep_first: int, keep_last: int) -> frozenset[int]:
    """Compact positions a policy lets stay visible."""
    first = frozenset(range(min(keep_first, length)))
    return first | frozenset(range(max(0, length - keep_last), length))


def hidden_positions(entity: str, length: int, policy: Policy) -> frozenset[int]:
    """Compact positions to hide for an entity under the policy.

    Birth-date digits of an ID are hidden whatever the policy keeps (P102 fires on
    them), and the two grade digits of a 残疾人证号 are hidden too.
    """
    everything = frozenset(range(length))
    if entity == "CN_RESIDENT_ID":
        birth = range(6, 14) if length == 18 else range(6, 12) if length == 15 else range(0)
        return everything - (keep_positions(length, policy.id_keep_first, policy.id_keep_last) - set(birth))
    if entity == "OTHER_ID" and length == 20:
        return hidden_positions("CN_RESIDENT_ID", 18, policy) | {18, 19}
    if entity == "PHONE_NUMBER":
        return everything - keep_positions(length, policy.mobile_keep_first, policy.mobile_keep_last)
    if entity == "BANK_CARD":
        return everything - keep_positions(length, 0, policy.bank_keep_last)
    return everything


def _shows(char: str, index: int, length: int, entity: str) -> bool:
    """Whether a (folded) value character reveals something: a digit, or an ID's check X."""
    if char.isdigit():
        return True
    return char in "Xx" and entity in ID_ENTITIES and index == 17 and length in (18, 20)


def mask_positions(span: str, hide: Collection[int], entity: str = "") -> str:
    """``span`` with the value characters at compact positions ``hide`` masked.

    Characters already masked are left as written (``×``, ``●``, ``x`` …), so the
    result is idempotent; a body ``x``/``X`` counts as a mask, a check-digit X does not.
    """
    positions = value_positions(span)
    length = len(positions)
    folded = fold_width(span)
    chars = list(span)
    for index in hide:
        if not 0 <= index < length:
            continue
        offset = positions[index]
        if _shows(folded[offset], index, length, entity):
            chars[offset] = WIDE_MASK if is_wide(span[offset]) else MASK
    return "".join(chars)


def mask_value(span: str, entity: str, policy: Policy) -> str:
    """The policy's masked form of a recognised value written as ``span`` (same length)."""
    length = len(value_positions(span))
    return mask_positions(span, hidden_positions(entity, length, policy), entity)


def mask_scientific(region: str) -> str:
    """An ID a spreadsheet turned into ``5.32328E+17``: keep the region code, mask the rest."""
    return region[:6] + MASK * (18 - len(region[:6]))


def mask_name(name: str, style: str = "middle") -> str:
    """张三华 → 张*华, 张三 → 张* (``middle``); 张三华 → 张** (``given``). Same length.

    For the person-name hook (P131/P132): no recognizer calls it yet.
    """
    if len(name) < 2:
        return name
    if style == "given" or len(name) == 2:
        return name[0] + MASK * (len(name) - 1)
    return name[0] + MASK * (len(name) - 2) + name[-1]


ADDRESS_STOPS = ("组", "社区", "村")


def mask_address(address: str) -> str:
    """Keep an address down to 村民小组 (组), else 村/社区; mask what follows. Same length.

    For the address hook (P151): 石桥村三组15号 → 石桥村三组***. No recognizer calls it yet.
    """
    for stop in ADDRESS_STOPS:
        cut = address.rfind(stop)
        if cut != -1:
            keep = cut + len(stop)
            return address[:keep] + MASK * (len(address) - keep)
    # Only a house number (a 门牌号 column): hide its numbers, keep 号/栋/室 so the cell still reads.
    return "".join(MASK if c.isdigit() or c in "零〇一二三四五六七八九十百两" else c for c in address)

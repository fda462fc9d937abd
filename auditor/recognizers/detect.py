"""Finds identifier candidates in text and classifies them. The scan's hot path.

One regex finds runs of digits, masks, X and separators; each run is split into
whole tokens and into digit groups split by spaces or hyphens; a second regex
finds spreadsheet-damaged scientific notation. Python code only runs per candidate.
Runs are found in the text as it is, by classes that hold every character folding
turns into a run character, and only a run is folded: folding maps one character to
one, so offsets are offsets in the original text and the runs are those of the folded text.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import attrgetter

from auditor.masking import Policy
from auditor.normalize import MASK_CHARS, fold_width, folds_into
from auditor.recognizers import bank, idcard, phone
from auditor.recognizers.context import (
    ACCOUNT_CUE,
    ID_CUE,
    NEGATIVE_CUE,
    ContextRules,
    window_before,
)
from auditor.recognizers.regions import province_ok, region_known
from auditor.recognizers.uscc import uscc_ok


def _members(chars: str) -> str:
    """The inside of a regex character class holding exactly ``chars``."""
    return "".join(map(re.escape, dict.fromkeys(chars)))


SCI_RE = re.compile(r"(?<![0-9.])([1-9])\.(\d{1,14})[Ee]\+?(1[4-7])(?![0-9])")
# Runs of at least 11 characters that end in a digit, a mask or X: no identifier is shorter
# (a mobile has 11 digits; a token of 10 or fewer characters classifies as nothing, and a
# digit group needs 11 digits), and an ISO date (2023-05-12, 10 characters) is no run.
RUN_RE = re.compile(rf"[0-9{MASK_CHARS}][0-9Xx{MASK_CHARS} \-]{{9,}}[0-9Xx{MASK_CHARS}]")
# What folds to RUN_RE's first, middle and last characters. A text matches _RAW_RUN_RE exactly
# where its folded form matches RUN_RE, so the whole text need not be folded (a pass as long as
# the search), only each run.
_FOLDS_TO_HEAD = _members(folds_into(string.digits + MASK_CHARS))
_FOLDS_TO_LAST = _members(folds_into(string.digits + "Xx" + MASK_CHARS))
_FOLDS_TO_TAIL = _members(folds_into(string.digits + "Xx" + MASK_CHARS + " -"))
_RAW_RUN_RE = re.compile(f"[{_FOLDS_TO_HEAD}][{_FOLDS_TO_TAIL}]{{9,}}[{_FOLDS_TO_LAST}]")
# A text that is one whole token and nothing else (a cell holding an ID, a phone, a card): RUN_RE's
# single run, ending where the text ends, with nothing to group and no scientific notation.
_WHOLE_TOKEN = re.compile(f"[{_FOLDS_TO_HEAD}][{_FOLDS_TO_LAST}]{{10,29}}")
_PART_RE = re.compile(r"[^ \-]+")
# An area code and a number (0871-66730727): 10–12 digits in two groups starting with 0, so no
# token of 11 characters and no group a mobile (11 digits from 1) or any other identifier.
_LANDLINE = re.compile(r"0\d{2,3}-\d{7,8}")
_LAST_GROUP = re.compile(r"\d{1,8}[Xx]")
# Letters that end a number when glued to it: ASCII ones and the full-width ones folding turns into them.
_LETTER = frozenset(folds_into(string.ascii_letters))
_MASK_OR_X = re.compile(f"[Xx{MASK_CHARS}]")
# What folds to SCI_RE's exponent mark and the character after it ([Ee]\+?1).
_SCI_HINT = re.compile(f"[{_members(folds_into('Ee'))}][{_members(folds_into('+1'))}]")
# A text this does not match holds no candidate, so detect() returns at once: in finance
# tables and notices most digits are short amounts and dates. It is the scientific-notation
# hint and _RAW_RUN_RE loosened to runs of 10 characters that may end in a separator: a
# superset, never a guess. Requiring the run's last character as well made the search over
# every document cost more than the detect() calls it saved.
MAY_HOLD_CANDIDATE = re.compile(f"[{_FOLDS_TO_HEAD}][{_FOLDS_TO_TAIL}]{{9,}}|{_SCI_HINT.pattern}")
# The shortest text detect() finds anything in: an ID a spreadsheet turned into "5.32328E17" (six digits
# of region, so ten characters). Every other candidate is longer: a mobile has 11 digits.
SHORTEST_CANDIDATE = 10
_START = attrgetter("start")
# What may glue a number to its neighbours (a letter, a decimal point): only a run next to one of
# these needs the boundary functions; the loop in ``detect`` tests this set first.
_GLUE = _LETTER | {"."}


def _may_be_scientific(text: str) -> bool:
    """Whether ``text`` holds _SCI_HINT. Nine texts in ten lack even an E: testing that with
    ``in`` (memchr speed) spares a regex search of the whole text, which is six times slower.
    The marks (what folds to E or e; a test checks the list) are written out: a generator
    over them cost a microsecond a call."""
    return ("E" in text or "e" in text or "Ｅ" in text or "ｅ" in text) and _SCI_HINT.search(text) is not None


@dataclass(frozen=True, slots=True)
class Group:
    """Digit groups split by spaces or hyphens, as offsets in the text, and the folded run they lie in."""

    parts: list[tuple[int, int]]
    run: str
    run_start: int

    def compact(self, first: int, last: int) -> str:
        """Groups ``first`` to ``last`` joined without their separators, folded."""
        return "".join(self.run[s - self.run_start : e - self.run_start] for s, e in self.parts[first : last + 1])


@dataclass(slots=True)
class Detection:
    """A classified candidate. ``value`` is the raw compact value: never output it."""

    entity: str
    kind: str  # exposed | weak_mask | invalid | masked
    start: int
    end: int
    value: str
    score: float
    evidence: str
    detail: str = ""


class Cue:
    """What is known around a candidate: the column header and the text before it.

    Computed lazily: most candidates (valid IDs, compliant masks) are decided
    without looking at their surroundings, and the header lookup is not free.
    """

    __slots__ = ("_before", "_header", "_header_at", "_header_known", "_start", "_text", "in_table")

    def __init__(
        self,
        text: str,
        start: int,
        in_table: bool,
        header: str | None = None,
        header_at: Callable[[int], str | None] | None = None,
    ) -> None:
        self._text = text
        self._start = start
        self._header = header
        self._header_at = header_at
        self._header_known = header_at is None
        self._before: str | None = None
        self.in_table = in_table

    @property
    def header(self) -> str | None:
        if not self._header_known:
            self._header = self._header_at(self._start) if self._header_at else None
            self._header_known = True
            self.in_table = self.in_table or self._header is not None
        return self._header

    @property
    def before(self) -> str:
        """The window before the candidate, folded: the text around runs is left as it was."""
        if self._before is None:
            self._before = fold_width(window_before(self._text, self._start))
        return self._before

    @property
    def account(self) -> bool:
        header = self.header
        return bool(header and ACCOUNT_CUE.search(header)) or bool(ACCOUNT_CUE.search(self.before))

    @property
    def id_column(self) -> bool:
        header = self.header
        return bool(header and ID_CUE.search(header)) or bool(ID_CUE.search(self.before))

    @property
    def negative(self) -> bool:
        header = self.header
        return bool(header and NEGATIVE_CUE.search(header)) or bool(NEGATIVE_CUE.search(self.before[-12:]))


def _boundary_before(text: str, start: int) -> bool:
    """No letter (or decimal point after a digit) glued to the front of a number."""
    if start == 0:
        return True
    prev = text[start - 1]
    if prev in _LETTER:
        return False
    return not (prev == "." and start >= 2 and text[start - 2].isdigit())


def _boundary_after(text: str, end: int) -> bool:
    """No letter (or decimal fraction) glued to the end of a number."""
    if end >= len(text):
        return True
    nxt = text[end]
    if nxt in _LETTER:
        return False
    return not (nxt == "." and end + 1 < len(text) and text[end + 1].isdigit())


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) meets any of ``spans`` (sorted, non-overlapping)."""
    index = bisect_right(spans, (start, len(spans) and 1 << 62)) - 1
    if index >= 0 and spans[index][1] > start:
        return True
    return index + 1 < len(spans) and spans[index + 1][0] < end


_GROUPED_LENGTHS = frozenset((11, 13, 15, 16, 17, 18, 19, 20))


def _group_windows(parts: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(-width, first, last) for runs of 2–7 consecutive groups whose digit count fits an identifier."""
    windows = []
    count = len(parts)
    for i in range(count):
        digits = parts[i][1] - parts[i][0]
        for j in range(i + 1, min(count, i + 7)):
            digits += parts[j][1] - parts[j][0]
            if digits in _GROUPED_LENGTHS:
                windows.append((parts[i][0] - parts[j][1], i, j))
    windows.sort()
    return windows


class Detector:
    """Runs the three candidate regexes over a text and classifies each candidate."""

    def __init__(self, policy: Policy | None = None, context: ContextRules | None = None) -> None:
        self.policy = policy or Policy()
        self.context = context or ContextRules()

    def detect(
        self,
        text: str,
        header: str | None = None,
        in_table: bool = False,
        header_at: Callable[[int], str | None] | None = None,
        *,
        first: int | None = None,
    ) -> list[Detection]:
        """All candidates in ``text``; ``header_at(offset)`` gives the column label where it varies.

        ``first``: an offset no candidate starts before, given when the caller has searched
        already: where MAY_HOLD_CANDIDATE first matched (iter_detections checks every block
        first). The run search starts there instead of scanning that prefix a second time.
        """
        if first is None:
            hint = MAY_HOLD_CANDIDATE.search(text)
            if hint is None:
                return []
            first = hint.start()
        if _WHOLE_TOKEN.fullmatch(text) is not None:  # most cells of a personal-data list
            token = fold_width(text)
            detection = self.classify(token, 0, len(token), Cue(text, 0, in_table, header, header_at))
            return [] if detection is None else [detection]
        found: list[Detection] = []
        taken: list[tuple[int, int]] = []
        groups: list[Group] = []
        # Each run is maximal: digits, masks, X and separators, ending in no separator.
        for run in _RAW_RUN_RE.finditer(text, first):
            chunk = run.group()
            if not chunk.isascii():  # fold_width's own first test, without the call for ASCII runs
                chunk = fold_width(chunk)
            start, end = run.span()
            if " " in chunk or "-" in chunk:
                self._separated(text, chunk, start, end, header, header_at, in_table, found, taken, groups)
            elif (
                end - start <= 30
                and chunk[0] not in "Xx"
                and (start == 0 or text[start - 1] not in _GLUE or _boundary_before(text, start))
                and (end == len(text) or text[end] not in _GLUE or _boundary_after(text, end))
            ):  # one whole token (RUN_RE makes it at least 11 long): nine in ten runs
                detection = self.classify(chunk, start, end, Cue(text, start, in_table, header, header_at))
                if detection is not None:
                    found.append(detection)
                    taken.append((start, end))
        for group in groups:
            found.extend(self._grouped(text, group, header, header_at, in_table, taken))
        if _may_be_scientific(text):
            folded = fold_width(text)
            for match in SCI_RE.finditer(folded):
                cue = Cue(folded, match.start(), in_table, header, header_at)
                detection = self._scientific(folded, match, cue)
                if detection is not None:
                    found.append(detection)
        if len(found) > 1:
            found.sort(key=_START)
        return found

    def _separated(
        self,
        text: str,
        chunk: str,
        start: int,
        end: int,
        header: str | None,
        header_at: Callable[[int], str | None] | None,
        in_table: bool,
        found: list[Detection],
        taken: list[tuple[int, int]],
        groups: list[Group],
    ) -> None:
        """A run (see ``detect``; ``chunk`` is the run folded) holding a space or a hyphen: its
        whole tokens, then its digit groups.

        With the loop in ``detect``, equivalent to matching tokens
        ``(?<![0-9A-Za-z])[0-9*…][0-9Xx*…]{10,29}(?![0-9A-Za-z])``
        and groups ``\\d{1,8}([ -]\\d{1,8})+X?`` with their boundaries, in one regex pass.
        """
        if _LANDLINE.fullmatch(chunk) is not None:
            return  # the commonest separated run in notices: no token, and its one group is no mobile
        before_ok = _boundary_before(text, start)
        after_ok = _boundary_after(text, end)
        parts = [(m.start() + start, m.end() + start) for m in _PART_RE.finditer(chunk)]
        last = len(parts) - 1
        sequence: list[tuple[int, int]] = []
        closed: list[list[tuple[int, int]]] = []
        for index, (s, e) in enumerate(parts):
            part = chunk[s - start : e - start]
            left_ok = before_ok if index == 0 else True
            right_ok = after_ok if index == last else True
            if left_ok and right_ok and 11 <= e - s <= 30 and part[0] not in "Xx":
                self._token(text, part, s, e, header, header_at, in_table, found, taken)
            joined = bool(sequence) and s - sequence[-1][1] == 1
            groupable = (part.isdigit() and len(part) <= 8) or _LAST_GROUP.fullmatch(part) is not None
            if groupable and (joined or left_ok):
                if not joined:
                    self._close(sequence, closed)
                    sequence = []
                sequence.append((s, e))
                if not part.isdigit():  # a trailing X ends a group
                    self._close(sequence, closed, right_ok)
                    sequence = []
            else:
                self._close(sequence, closed)
                sequence = []
        self._close(sequence, closed, after_ok)
        groups.extend(Group(sequence, chunk, start) for sequence in closed)

    @staticmethod
    def _close(sequence: list[tuple[int, int]], closed: list[list[tuple[int, int]]], end_ok: bool = True) -> None:
        """Keep a sequence of ≥2 digit groups spanning ≥12 characters (11 digits + a separator).

        A last group glued to a letter or a decimal fraction (… 5678 2.5亩) is dropped, not the
        whole sequence: the groups before it still end at a separator.
        """
        if not end_ok:
            sequence = sequence[:-1]
        if len(sequence) >= 2 and sequence[-1][1] - sequence[0][0] >= 12:
            closed.append(sequence)

    def _token(
        self,
        text: str,
        token: str,
        start: int,
        end: int,
        header: str | None,
        header_at: Callable[[int], str | None] | None,
        in_table: bool,
        found: list[Detection],
        taken: list[tuple[int, int]],
    ) -> None:
        cue = Cue(text, start, in_table, header, header_at)
        detection = self.classify(token, start, end, cue)
        if detection is not None:
            found.append(detection)
            taken.append((start, end))

    # -- classification -------------------------------------------------

    def classify(self, token: str, start: int, end: int, cue: Cue) -> Detection | None:
        """One compact token (no separators) → a detection, or None if it is nothing personal."""
        n = len(token)
        # The two commonest candidates first: an unmasked 18-character number, an 11-digit number.
        if n == 18 and token[:17].isdigit():
            return self._eighteen(token, start, end, cue)
        if n == 11 and token.isdigit():
            # Not a mobile: too short for an account (12–25 digits) or a card (16–19).
            return self._mobile(token, start, end, cue) if phone.is_mobile(token) else None
        if n == 20 and token[:17].isdigit() and token[17] in "0123456789Xx" and token[18:].isdigit():
            return self._disability_certificate(token, start, end, cue)
        plain = token.isdigit() or (n == 18 and token[:17].isdigit())
        if not plain and _MASK_OR_X.search(token, 0, 17 if n == 18 else n) is not None:
            return self._masked(token, start, end, cue)
        if not token[:-1].isdigit():
            return None
        if n == 18:
            return self._eighteen(token, start, end, cue)
        if not token.isdigit():
            return None
        if n == 11 and phone.is_mobile(token):
            return self._mobile(token, start, end, cue)
        if (n in (13, 15) and token.startswith("86")) or (n == 15 and token.startswith("0086")):
            number, dropped = phone.strip_country_code(token)
            if dropped and phone.is_mobile(number):
                return self._mobile(number, start + dropped, end, cue)
        if n == 15 and not cue.account:
            kind = idcard.classify_id15(token)
            if kind is idcard.IdKind.LEGACY15 and not cue.negative:
                return self._id(token, start, end, "exposed", 0.85, "（15位旧号码）")
        return self._account(token, start, end, cue)

    def _eighteen(self, token: str, start: int, end: int, cue: Cue) -> Detection | None:
        kind = idcard.classify_id18(token)
        if kind is idcard.IdKind.VALID:
            known = region_known(token[:6])
            if not known and (cue.negative or cue.account):
                return self._account(token, start, end, cue)
            if bank.luhn_ok(token) and cue.account and not cue.id_column:
                return self._account(token, start, end, cue)
            return self._id(token, start, end, "exposed", 1.0 if known else 0.85)
        # _account finds nothing unless the column is an account one or the number a card.
        account_or_card = token.isdigit() and (cue.account or bank.plausible_card(token))
        if account_or_card and not cue.id_column:
            return self._account(token, start, end, cue)
        if kind is idcard.IdKind.BAD_CHECK and not cue.negative:
            return self._id(token, start, end, "invalid", 0.6, "（校验码错误）")
        if token[:17].isdigit() and uscc_ok(token):
            return None
        return self._account(token, start, end, cue) if account_or_card else None

    def _disability_certificate(self, token: str, start: int, end: int, cue: Cue) -> Detection | None:
        if idcard.classify_id18(token[:18]) is idcard.IdKind.VALID and re.fullmatch("[1-7][1-4]", token[18:]):
            evidence = idcard.mask_id(token[:18], self.policy.id_keep_first, self.policy.id_keep_last) + "**"
            return Detection("OTHER_ID", "exposed", start, end, token, 1.0, evidence, "（残疾人证号）")
        return self._account(token, start, end, cue) if token.isdigit() else None

    def _id(self, token: str, start: int, end: int, kind: str, score: float, detail: str = "") -> Detection:
        evidence = idcard.mask_id(token, self.policy.id_keep_first, self.policy.id_keep_last)
        return Detection("CN_RESIDENT_ID", kind, start, end, token, score, evidence, detail)

    def _mobile(self, number: str, start: int, end: int, cue: Cue) -> Detection | None:
        if self.context.official_phone_context(cue.header, cue.before, cue.in_table):
            return None
        evidence = phone.mask_mobile(number, self.policy.mobile_keep_first, self.policy.mobile_keep_last)
        return Detection("PHONE_NUMBER", "exposed", start, end, number, 0.75, evidence)

    def _account(self, digits: str, start: int, end: int, cue: Cue) -> Detection | None:
        if not digits.isdigit():
            return None
        account_column = cue.account and 12 <= len(digits) <= 25
        card = bank.plausible_card(digits) and not cue.negative
        if not (account_column or card):
            return None
        evidence = bank.mask_account(digits, self.policy.bank_keep_last)
        return Detection("BANK_CARD", "exposed", start, end, digits, 0.8 if card else 0.6, evidence)

    def _masked(self, token: str, start: int, end: int, cue: Cue) -> Detection | None:
        p = self.policy
        if idcard.plausible_masked_id(token):
            if idcard.id_mask_ok(token, p.id_keep_first, p.id_keep_last):
                return Detection("CN_RESIDENT_ID", "masked", start, end, token, 0.5, token)
            evidence = idcard.mask_id(token, p.id_keep_first, p.id_keep_last)
            shown = idcard.visible_count(token)
            return Detection("CN_RESIDENT_ID", "weak_mask", start, end, token, 0.8, evidence, f"（可见{shown}位）")
        if phone.plausible_masked_mobile(token):
            if phone.mobile_mask_ok(token, p.mobile_keep_first, p.mobile_keep_last):
                return Detection("PHONE_NUMBER", "masked", start, end, token, 0.5, token)
            evidence = phone.mask_mobile(token, p.mobile_keep_first, p.mobile_keep_last)
            return Detection("PHONE_NUMBER", "weak_mask", start, end, token, 0.7, evidence)
        return None

    # -- separated digits and damaged numbers ---------------------------

    def _grouped(
        self,
        text: str,
        group: Group,
        header: str | None,
        header_at: Callable[[int], str | None] | None,
        in_table: bool,
        taken: list[tuple[int, int]],
    ) -> Iterator[Detection]:
        """Digit groups split by spaces or hyphens: try runs of whole groups, longest first.

        Only windows of up to seven groups whose digits could make an identifier
        are tried, widest first (ties: leftmost first).
        """
        parts = group.parts
        used = [False] * len(parts)
        for _, i, j in _group_windows(parts):
            if any(used[i : j + 1]):
                continue
            start, end = parts[i][0], parts[j][1]
            if _overlaps(taken, start, end):
                continue
            compact = group.compact(i, j)
            cue = Cue(text, start, in_table, header, header_at)
            detection = self.classify(compact, start, end, cue)
            if detection is not None and detection.kind != "masked" and detection.start == start:
                for k in range(i, j + 1):
                    used[k] = True
                yield Detection(
                    detection.entity,
                    detection.kind,
                    start,
                    end,
                    compact,
                    detection.score,
                    detection.evidence,
                    detection.detail,
                )

    def _scientific(self, text: str, match: re.Match[str], cue: Cue) -> Detection | None:
        """5.32328E+17: an ID that a spreadsheet stored as a number still shows its region."""
        digits = match.group(1) + match.group(2)
        if match.group(3) != "17" or len(digits) < 6 or not province_ok(digits):
            return None
        if not (cue.id_column or region_known(digits[:6])) or cue.negative or cue.account:
            return None
        evidence = digits[:6] + "************"
        return Detection(
            "CN_RESIDENT_ID", "invalid", match.start(), match.end(), digits, 0.5, evidence, "（被表格软件截断）"
        )

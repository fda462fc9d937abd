"""Surname lexicon and given-name character statistics (data in auditor/data/).

The files are built offline by bench/build_name_data.py (sources documented
there and in auditor/data/NAMES.md); this module only reads them, once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
UNKNOWN_CHAR_SCORE = -1.0  # a character too rare in the source to have statistics


@dataclass(frozen=True, slots=True)
class Surname:
    text: str
    kind: str  # single | weak | compound | yi_clan
    tier: int  # 1 common … 3 rare

    @property
    def prior(self) -> float:
        """How much the surname alone says 'this is a name' (weak ones are function words)."""
        if self.kind == "weak":
            return -1.0
        if self.kind in ("compound", "yi_clan"):
            return 1.0
        return {1: 1.0, 2: 0.5, 3: -0.3}[self.tier]


@dataclass(frozen=True, slots=True)
class NameData:
    """Everything the name model reads: surnames by length, char log-odds, trap words, word counts."""

    surnames: dict[str, Surname]
    longest: int
    given: dict[str, float]
    words: frozenset[str]
    common: dict[str, int]
    surname_start: re.Pattern[str]  # where a surname may start: one C-level scan per text

    def surnames_at(self, text: str, index: int) -> list[Surname]:
        """Surnames starting at ``index``, longest first (欧阳 before 欧)."""
        found = []
        for size in range(self.longest, 0, -1):
            s = self.surnames.get(text[index : index + size])
            if s is not None:
                found.append(s)
        return found

    def char_score(self, char: str) -> float:
        return self.given.get(char, UNKNOWN_CHAR_SCORE)

    def surname_of(self, name: str) -> str:
        """The surname part of a full name: compound if known, else the first character."""
        for size in range(min(self.longest, len(name) - 1), 0, -1):
            if name[:size] in self.surnames:
                return name[:size]
        return name[:1]


def _columns(name: str, width: int) -> list[list[str]]:
    """A data file's tab-separated columns (comments and blank lines skipped).

    One split over the whole file, not a list per row: common_words.tsv has 37,000 rows, and
    a list each (with the garbage collections they set off) was most of a one-file scan's load.
    """
    text = (DATA / name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    cells = "\t".join(lines).split("\t") if lines else []
    if len(cells) != width * len(lines):
        raise ValueError(f"{DATA / name}: every line must have {width} tab-separated columns")
    return [cells[column::width] for column in range(width)]


@cache
def name_data() -> NameData:
    """Loaded once per process (a few hundred kB); pure data afterwards."""
    texts, kinds, tiers = _columns("surnames.tsv", 3)
    surnames = {t: Surname(t, k, int(n)) for t, k, n in zip(texts, kinds, tiers, strict=True)}
    chars, _, log_odds = _columns("given_chars.tsv", 3)
    given = dict(zip(chars, map(float, log_odds), strict=True))
    words = frozenset(_columns("surname_words.txt", 1)[0])
    common_words, counts = _columns("common_words.tsv", 2)
    common = dict(zip(common_words, map(int, counts), strict=True))
    firsts = sorted({s[0] for s in surnames})
    start = re.compile("[" + "".join(re.escape(c) for c in firsts) + "]")
    return NameData(surnames, max(map(len, surnames)), given, words, common, start)

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


def _rows(name: str) -> list[list[str]]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def name_data() -> NameData:
    """Loaded once per process (a few hundred kB); pure data afterwards."""
    surnames = {row[0]: Surname(row[0], row[1], int(row[2])) for row in _rows("surnames.tsv")}
    given = {row[0]: float(row[2]) for row in _rows("given_chars.tsv")}
    words = frozenset(row[0] for row in _rows("surname_words.txt"))
    common = {row[0]: int(row[1]) for row in _rows("common_words.tsv")}
    firsts = sorted({s[0] for s in surnames})
    start = re.compile("[" + "".join(re.escape(c) for c in firsts) + "]")
    return NameData(surnames, max(map(len, surnames)), given, words, common, start)

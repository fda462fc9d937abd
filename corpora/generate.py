"""Deterministic generator of the labelled sample corpus and of the benchmark corpus.

    python corpora/generate.py --out corpora/samples          # small labelled corpus
    python corpora/generate.py --bench --out /tmp/bench --size-mb 50
    python corpora/generate.py --bench --bench-profile mixed --out /tmp/bench-mixed --size-mb 50

The bench corpus has two profiles. ``lists`` (the default) is the worst case: every file
is a subsidy list of 300-1500 rows. ``mixed`` models a year of a village's 政务公开/村务公开
column, by file count: 30 % personal-data lists of 20-300 rows (the same list builders) and
70 % documents without personal data but full of hard-negative numbers: 村务财务公开
ledgers 20 %, policy 通知/公告 15 %, 会议纪要 15 %, 中标结果公示 10 %, 合作社扶持资金
5 %, 统计用区划代码 5 % (MIXED_CYCLE). Lists are larger, so they are about half the bytes.
Both cycle the 7 formats and 4 encodings; the manifest beside the corpus names the profile
and the measured shares by files and bytes.

Everything is synthetic. Names are random pairs of common characters; resident ID
numbers use real GB/T 2260 county codes (some abolished) and correct GB 11643
check digits, so a scanner has to treat them as real exposures; bank cards are
Luhn-valid; hard negatives (统一社会信用代码, order and invoice numbers, dates,
amounts, 统计用区划代码 …) are rejected and redrawn whenever they could be read
as an ID, a mobile or a card. Values are written through placeholders so each
label knows exactly where its value sits (line/column or sheet/cell).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import html
import importlib.util
import io
import json
import random
import re
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _load_people() -> Any:
    """corpora/ is not a package: load the name pools (people.py) by path, once."""
    if "corpus_people" in sys.modules:
        return sys.modules["corpus_people"]
    spec = importlib.util.spec_from_file_location("corpus_people", Path(__file__).with_name("people.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_people"] = module
    spec.loader.exec_module(module)
    return module


people = _load_people()
CODES_TSV = ROOT / "auditor" / "data" / "gbt2260_codes.tsv"
SAMPLE_SEED = 20230301
BENCH_SEED = 20240615
FIXED_TIME = dt.datetime(2023, 3, 1, 9, 0, 0)
ZIP_TIME = (2023, 3, 1, 9, 0, 0)

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
FULLWIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
# Common allocations only (no 1349 / 174 satellite blocks), all inside the 2023 MIIT table.
MOBILE_PREFIXES = tuple(
    [f"13{d}" for d in "012356789"]
    + ["147", "150", "151", "152", "153", "155", "156", "157", "158", "159", "166"]
    + ["173", "175", "176", "177", "178", "180", "181", "182", "183", "187", "188", "189"]
    + ["191", "193", "195", "198", "199"]
)
MOBILE_RE = re.compile(r"1(3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])\d{8}")
BANK_BINS = (
    ("622848", 19),
    ("622202", 19),
    ("621700", 19),
    ("623052", 19),
    ("622188", 19),
    ("621799", 19),
    ("622908", 18),
    ("625965", 16),
    ("436742", 16),
    ("427020", 16),
    ("524047", 16),
    ("552599", 16),
)
TEXT_FORMATS = ("txt", "md", "csv", "tsv", "json", "html")
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk")
PLACEHOLDER = re.compile(r"@@(\d+)@@")
LONG_DIGITS = re.compile(r"[0-9０-９]{8,}")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史"
    "陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红梅建国志强海燕春花"
    "文丽永明正荣家兴德顺国富金凤晓东小龙云飞光辉宝山成林学文桂芝绍华应祥开珍有才发贵"
)
VILLAGES = (
    "龙泉村",
    "石桥村",
    "新庄村",
    "河口村",
    "大坪村",
    "小河村",
    "马街村",
    "黄草坝村",
    "松林村",
    "李家湾村",
    "张家村",
    "白石岩村",
    "凉水井村",
    "团结社区",
    "老城社区",
    "上营村",
    "下营村",
    "水塘村",
)
SCHOOLS = ("镇中心小学", "镇第一中学", "县第二中学", "村完小", "县民族中学")
TOWNS = (
    ("qingshui", "清水镇"),
    ("longquan", "龙泉镇"),
    ("shimen", "石门乡"),
    ("baisha", "白沙镇"),
    ("xinhua", "新华乡"),
    ("dongshan", "东山镇"),
)

# ---------------------------------------------------------------------------
# Check digits and look-alike tests (pure functions)
# ---------------------------------------------------------------------------


def id_check_char(body: str) -> str:
    """GB 11643 MOD 11-2 check character of a 17-digit body."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def luhn_valid(digits: str) -> bool:
    """Luhn (mod 10) test, as UnionPay and Visa/Mastercard numbers satisfy."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def luhn_complete(partial: str) -> str:
    """Append the digit that makes ``partial`` Luhn-valid."""
    return next(partial + c for c in "0123456789" if luhn_valid(partial + c))


def uscc_check_char(body: str) -> str:
    """GB 32100 check character of a 17-character 统一社会信用代码 body."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def plausible_date(text: str) -> bool:
    """True for a real calendar date YYYYMMDD (or YYMMDD read as 19YY) from 1880 on."""
    if len(text) == 6:
        text = "19" + text
    if len(text) != 8 or not text.isdigit():
        return False
    try:
        day = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return False
    return 1880 <= day.year <= 2030


def looks_like_id(text: str, known: frozenset[str]) -> bool:
    """True when a digit string (or its first 18) could pass as an 18/15-digit ID shape.

    Hard negatives and bank numbers must fail this, otherwise a correct scanner
    could legitimately call them P101/P103 and the label would be wrong.
    """
    for length, date_len in ((18, 8), (15, 6)):
        head = text[:length]
        if len(head) == length and head[:6] in known and plausible_date(head[6 : 6 + date_len]):
            return True
    return False


def bank_like(digits: str) -> bool:
    """True when a scanner may call a digit string a card: Luhn-valid, 16-19 digits.

    Any prefix counts (2-series Mastercard, 9-series domestic cards exist), so
    negatives and wrong-check IDs are kept clear of every Luhn-valid length.
    """
    return digits.isdigit() and 16 <= len(digits) <= 19 and luhn_valid(digits)


# ---------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Regions:
    """County-level GB/T 2260 codes: current ones, abolished ones, and every known code."""

    current: tuple[tuple[str, str], ...]
    abolished: tuple[tuple[str, str], ...]
    known: frozenset[str]

    def name(self, code: str) -> str:
        """Name of a county code (for titles)."""
        for c, n in self.current + self.abolished:
            if c == code:
                return n
        return code


def load_regions(path: Path = CODES_TSV) -> Regions:
    """Read the code table the scanner ships; keep county-level rows (not 市辖区)."""
    current: list[tuple[str, str]] = []
    abolished: list[tuple[str, str]] = []
    known: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            code, name, flag = line.rstrip("\n").split("\t")[:3]
            known.add(code)
            if code[4:] == "00" or name == "市辖区" or code[:2] in ("71", "81", "82"):
                continue
            (current if flag.strip() == "1" else abolished).append((code, name))
    return Regions(tuple(sorted(current)), tuple(sorted(abolished)), frozenset(known))


# ---------------------------------------------------------------------------
# Values and documents
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Val:
    """One labelled value as written in the file.

    ``number`` stores it as a number (xlsx, JSON). ``lead`` counts leading
    characters that are not part of the located value: a ``+86`` country code
    is not personal data, so a mobile is located at its own first digit.
    ``also`` lists further rules expected at the same place: record-level rules
    (P131, P141, P151) are located at the name, and a 残疾人证号 is P162.
    """

    text: str
    entity: str
    rule_id: str | None
    expect: str  # finding | masked | negative
    kind: str
    number: bool = False
    lead: int = 0
    also: tuple[str, ...] = ()


class Mark(str):
    """Plain text that tells the record-level labels what a record holds (not itself a label).

    ``what`` is ``sensitive`` (P141) or ``address`` (a house-number address: P151, and a link for P131).
    """

    what: str

    def __new__(cls, text: str, what: str) -> Mark:
        mark = super().__new__(cls, text)
        mark.what = what
        return mark


Part = str | Val
Cell = str | Val | list[Part]


@dataclass(slots=True)
class Table:
    headers: list[str]
    rows: list[list[Cell]]


@dataclass(slots=True)
class Doc:
    """Format-neutral content: a title, paragraphs, an optional table, closing paragraphs."""

    kind: str
    title: str
    intro: list[list[Part]]
    table: Table | None
    outro: list[list[Part]]
    village: str = ""


@dataclass(slots=True)
class Town:
    slug: str
    name: str
    county: str
    county_name: str
    villages: list[str]
    uscc: str = ""


ID_STYLES: dict[str, dict[str, int]] = {
    "exposed": {
        "id_plain": 40,
        "id_x_upper": 8,
        "id_x_lower": 4,
        "id_fullwidth": 4,
        "id_spaced": 4,
        "id_spaced_684": 2,
        "id_hyphen": 4,
        "id_legacy15": 4,
        "id_abolished": 6,
        "id_bad_check": 5,
        "id_zeros": 3,
    },
    "weak": {
        "id_weak_ym": 5,
        "id_weak_year": 5,
        "id_weak_tail": 4,
        "id_weak_7_4": 3,
        "id_weak_day": 3,
        "id_weak_fw": 2,
        "mask_6_4": 4,
    },
    "masked": {
        "mask_6_4": 8,
        "mask_2_3": 3,
        "mask_2_2": 2,
        "mask_last4": 2,
        "mask_fw": 2,
        "mask_times": 2,
        "mask_dot": 2,
        "mask_xchar": 1,
        "mask_x_check": 2,
    },
}
PHONE_STYLES: dict[str, dict[str, int]] = {
    "exposed": {
        "phone_plain": 30,
        "phone_spaced": 4,
        "phone_hyphen": 4,
        "phone_plus86": 3,
        "phone_plus86_compact": 2,
        "phone_plus86_hyphen": 2,
    },
    "weak": {
        "phone_weak_7": 5,
        "phone_weak_5_4": 3,
        "phone_weak_6_4": 3,
        "phone_weak_9": 2,
        "pmask_3_4": 3,
    },
    "masked": {
        "pmask_3_4": 8,
        "pmask_fw": 2,
        "pmask_times": 1,
        "pmask_dot": 1,
        "pmask_last4": 2,
    },
}
BANK_STYLES: dict[str, dict[str, int]] = {
    "exposed": {"card_plain": 20, "card_spaced": 5, "card_visa_master": 3},
    "weak": {"card_plain": 4, "cmask_4_4": 4, "cmask_last4": 4},
    "masked": {"cmask_4_4": 4, "cmask_last4": 4, "cmask_fw": 2, "cmask_dot": 2},
}
ACCOUNT_STYLES: dict[str, dict[str, int]] = {
    "exposed": {"card_plain": 12, "card_spaced": 3, "account_nonluhn": 8},
    "weak": {"card_plain": 3, "account_nonluhn": 3, "cmask_4_4": 4, "cmask_last4": 4},
    "masked": BANK_STYLES["masked"],
}
for _styles in (ID_STYLES, PHONE_STYLES, BANK_STYLES, ACCOUNT_STYLES):
    _mixed: dict[str, int] = {}
    for _weights in list(_styles.values()):
        for _kind, _w in _weights.items():
            _mixed[_kind] = _mixed.get(_kind, 0) + _w
    _styles["mixed"] = _mixed
NON_ASCII_KINDS = frozenset(
    {"id_fullwidth", "id_weak_fw", "mask_fw", "mask_times", "mask_dot"}
    | {"pmask_fw", "pmask_times", "pmask_dot", "cmask_fw", "cmask_dot"}
)
NEGATIVE_ENTITY = {
    "amount": "BANK_CARD",
    "landline": "PHONE_NUMBER",
    "official_mobile": "PHONE_NUMBER",
}


class Gen:
    """Seeded source of every synthetic value; one instance per corpus run."""

    def __init__(self, seed: int, regions: Regions) -> None:
        self.rng = random.Random(seed)
        # Names come from their own stream, so adding name variety never shifts the
        # identifiers (and their labels) that the main stream draws.
        self.prng = random.Random(seed * 31 + 7)
        self.regions = regions
        self.county = "532328"
        self.ascii_only = False

    # -- basics ---------------------------------------------------------------

    def pick(self, weights: dict[str, int]) -> str:
        """Weighted choice over sorted keys (sorted so dict order never matters)."""
        keys = sorted(k for k in weights if not (self.ascii_only and k in NON_ASCII_KINDS))
        return self.rng.choices(keys, [weights[k] for k in keys])[0]

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    def name(self) -> str:
        """A synthetic two- or three-character name (main stream: hard negatives, staff)."""
        given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.7 else "")
        return self.rng.choice(SURNAMES) + given

    def person(self, context: str, origins: dict[str, int] | None = None, legacy: bool = True) -> Val:
        """A labelled person name (P132); ``context`` is ``col`` (name column) or a ``txt_*`` cue.

        ``legacy`` makes the main-stream draws the committed corpus made for a name at this
        point, so every identifier after it (and its label) stays as it was.
        """
        if legacy:
            self.name()
        kind = people.origin(self.prng, origins or people.ORIGINS)
        text = people.draw_name(self.prng, kind)
        if self.ascii_only:
            text = people.escape_ascii(text)
        return Val(text, "PERSON_NAME", "P132", "finding", f"{context}_{kind}")

    def masked_person(self) -> Val:
        """A compliantly masked name (张某, 张*, 张×华 …): never to be reported."""
        text, kind = people.masked_name(self.prng)
        return Val(text, "PERSON_NAME", None, "masked", kind)

    def staff(self, kind: str) -> Val:
        """A name that is not a privacy finding: sign-off staff, officials in role, legal representatives."""
        text = people.draw_name(self.prng, "han")
        return Val(text, "PERSON_NAME", None, "negative", kind)

    def birth(self, lo: int = 1935, hi: int = 2010) -> dt.date:
        start = dt.date(lo, 1, 1).toordinal()
        return dt.date.fromordinal(start + self.rng.randrange(dt.date(hi, 12, 31).toordinal() - start))

    def region(self) -> str:
        """Mostly the town's county, sometimes a person registered elsewhere."""
        if self.rng.random() < 0.8:
            return self.county
        return self.rng.choice(self.regions.current)[0]

    # -- resident IDs ---------------------------------------------------------

    def valid_id(self, region: str | None = None, lo: int = 1935, hi: int = 2010, want_x: bool = False) -> str:
        """A GB 11643-valid 18-character ID; ``want_x`` forces the X check character."""
        region = region or self.region()
        born = self.birth(lo, hi).strftime("%Y%m%d")
        while True:
            body = region + born + f"{self.rng.randrange(1, 1000):03d}"
            check = id_check_char(body)
            if not want_x or check == "X":
                return body + check

    def wrong_check_id(self) -> str:
        """Real region and date, wrong check character, and not readable as a card."""
        while True:
            good = self.valid_id()
            wrong = self.rng.choice([c for c in "0123456789" if c != good[-1]])
            value = good[:17] + wrong
            if not bank_like(value):
                return value

    def zeroed_id(self) -> str:
        """An ID whose last three digits became 000 (spreadsheet float damage)."""
        while True:
            value = self.valid_id()[:15] + "000"
            if id_check_char(value[:17]) != "0" and not bank_like(value):
                return value

    def legacy_id(self) -> str:
        """A 15-digit pre-1999 number: region + YYMMDD + sequence."""
        born = self.birth(1935, 1984).strftime("%y%m%d")
        return self.region() + born + f"{self.rng.randrange(1, 1000):03d}"

    def id_val(self, kind: str, lo: int = 1935, hi: int = 2010) -> Val:
        """Render one ID-number variant and label it with the rule it should trigger."""
        v = self.valid_id(lo=lo, hi=hi, want_x=kind in ("id_x_upper", "id_x_lower", "mask_x_check"))
        exposed: dict[str, Callable[[], str]] = {
            "id_plain": lambda: v,
            "id_x_upper": lambda: v,
            "id_x_lower": lambda: v.lower(),
            "id_fullwidth": lambda: v.translate(FULLWIDTH),
            "id_spaced": lambda: f"{v[:4]} {v[4:8]} {v[8:12]} {v[12:16]} {v[16:]}",
            "id_spaced_684": lambda: f"{v[:6]} {v[6:14]} {v[14:]}",
            "id_hyphen": lambda: f"{v[:6]}-{v[6:14]}-{v[14:]}",
            "id_legacy15": self.legacy_id,
            "id_abolished": lambda: self.valid_id(self.rng.choice(self.regions.abolished)[0], lo, hi),
        }
        weak = {
            "id_weak_ym": v[:12] + "****" + v[16:],
            "id_weak_year": v[:10] + "******" + v[16:],
            "id_weak_tail": v[:14] + "****",
            "id_weak_7_4": v[:7] + "*******" + v[14:],
            "id_weak_day": v[:6] + "******" + v[12:],
            "id_weak_fw": v[:12] + "＊＊＊＊" + v[16:],
        }
        masked = {
            "mask_6_4": v[:6] + "*" * 8 + v[14:],
            "mask_x_check": v[:6] + "*" * 8 + v[14:],
            "mask_2_3": v[:2] + "*" * 13 + v[15:],
            "mask_2_2": v[:2] + "*" * 14 + v[16:],
            "mask_last4": "*" * 14 + v[14:],
            "mask_fw": v[:6] + "＊" * 8 + v[14:],
            "mask_times": v[:6] + "×" * 8 + v[14:],
            "mask_dot": v[:2] + "●" * 13 + v[15:],
            "mask_xchar": v[:6] + "x" * 8 + v[14:],
        }
        if kind in exposed:
            return Val(exposed[kind](), "CN_RESIDENT_ID", "P101", "finding", kind)
        if kind in weak:
            return Val(weak[kind], "CN_RESIDENT_ID", "P102", "finding", kind)
        if kind == "id_bad_check":
            return Val(self.wrong_check_id(), "CN_RESIDENT_ID", "P103", "finding", kind)
        if kind in ("id_zeros", "id_numeric"):
            number = kind == "id_numeric"
            return Val(self.zeroed_id(), "CN_RESIDENT_ID", "P103", "finding", kind, number)
        return Val(masked[kind], "CN_RESIDENT_ID", None, "masked", kind)

    # -- phones ---------------------------------------------------------------

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + self.digits(8)

    def landline(self) -> str:
        """Office fixed line: 0878 with 7 digits, or 0871 with 8 digits."""
        if self.rng.random() < 0.7:
            return f"0878-{self.rng.choice('3456789')}{self.digits(6)}"
        return f"0871-6{self.digits(7)}"

    def phone_val(self, kind: str) -> Val:
        """Render one mobile variant and label it."""
        p = self.mobile()
        exposed = {
            "phone_plain": p,
            "phone_number": p,
            "phone_spaced": f"{p[:3]} {p[3:7]} {p[7:]}",
            "phone_hyphen": f"{p[:3]}-{p[3:7]}-{p[7:]}",
            "phone_plus86": f"+86 {p[:3]} {p[3:7]} {p[7:]}",
            "phone_plus86_compact": "+86" + p,
            "phone_plus86_hyphen": f"+86-{p[:3]}-{p[3:7]}-{p[7:]}",
        }
        weak = {
            "phone_weak_7": p[:7] + "****",
            "phone_weak_5_4": p[:5] + "**" + p[7:],
            "phone_weak_6_4": p[:6] + "*" + p[7:],
            "phone_weak_9": p[:7] + "**" + p[9:],
        }
        masked = {
            "pmask_3_4": p[:3] + "****" + p[7:],
            "pmask_fw": p[:3] + "＊＊＊＊" + p[7:],
            "pmask_times": p[:3] + "××××" + p[7:],
            "pmask_dot": p[:3] + "●●●●" + p[7:],
            "pmask_last4": "*******" + p[7:],
        }
        if kind in exposed:
            text = exposed[kind]
            lead = len(text) - len(text.lstrip("+86 -")) if text.startswith("+86") else 0
            return Val(text, "PHONE_NUMBER", "P111", "finding", kind, kind == "phone_number", lead)
        if kind in weak:
            return Val(weak[kind], "PHONE_NUMBER", "P112", "finding", kind)
        return Val(masked[kind], "PHONE_NUMBER", None, "masked", kind)

    # -- bank cards -----------------------------------------------------------

    def card(self, prefixes: Sequence[tuple[str, int]] = BANK_BINS) -> str:
        """A Luhn-valid card number that cannot be read as an ID number."""
        while True:
            bin_, length = self.rng.choice(prefixes)
            value = luhn_complete(bin_ + self.digits(length - len(bin_) - 1))
            if not looks_like_id(value, self.regions.known):
                return value

    def account(self) -> str:
        """A non-Luhn 12-22-digit passbook / 一卡通 account, never ID-, phone- or card-shaped."""
        while True:
            length = self.rng.choice((12, 13, 14, 16, 17, 19, 20, 21, 22))
            value = self.rng.choice("123789") + self.digits(length - 1)
            if not luhn_valid(value) and not looks_like_id(value, self.regions.known) and not value.startswith("86"):
                return value

    def bank_val(self, kind: str) -> Val:
        """Render one bank-number variant and label it."""
        if kind == "account_nonluhn":
            return Val(self.account(), "BANK_CARD", "P121", "finding", kind)
        if kind == "card_visa_master":
            four_five = [b for b in BANK_BINS if b[0][0] in "45"]
            return Val(self.card(four_five), "BANK_CARD", "P121", "finding", kind)
        c = self.card()
        if kind == "card_plain":
            return Val(c, "BANK_CARD", "P121", "finding", kind)
        if kind == "card_spaced":
            spaced = " ".join(c[i : i + 4] for i in range(0, len(c), 4))
            return Val(spaced, "BANK_CARD", "P121", "finding", kind)
        masked = {
            "cmask_4_4": f"{c[:4]} **** **** {c[-4:]}",
            "cmask_last4": "*" * 12 + c[-4:],
            "cmask_fw": "＊" * 12 + c[-4:],
            "cmask_dot": "●●●● ●●●● ●●●● " + c[-4:],
        }
        return Val(masked[kind], "BANK_CARD", None, "masked", kind)

    # -- hard negatives -------------------------------------------------------

    def uscc(self, prefix: str, digits_only: bool = False) -> str:
        """A GB 32100-valid 统一社会信用代码 that no ID or card rule could claim."""
        while True:
            if digits_only:
                org = self.digits(9)
            elif prefix[0] in "19N5":
                org = "MA" + "".join(self.rng.choice(USCC_CHARS) for _ in range(7))
            else:
                org = self.digits(8) + self.rng.choice("0123456789X")
            body = prefix + self.county + org
            value = body + uscc_check_char(body)
            has_letter = not value.isdigit()
            if digits_only and has_letter:
                continue
            if not digits_only and not has_letter:
                continue
            if not looks_like_id(value, self.regions.known) and not bank_like(value):
                return value

    def long_number(self, first: str, length: int) -> str:
        """A digit string starting with ``first`` that is neither ID- nor card-shaped."""
        while True:
            value = first + self.digits(length - len(first))
            if not looks_like_id(value, self.regions.known) and not bank_like(value):
                return value

    def negative(self, kind: str) -> Val:
        """A hard negative: looks like personal data to a naive pattern, but is not."""
        year = self.rng.choice((2021, 2022, 2023))
        day = dt.date(year, self.rng.randrange(1, 13), self.rng.randrange(1, 29))
        makers: dict[str, Callable[[], str]] = {
            "uscc_alpha": lambda: self.uscc(self.rng.choice(("11", "12", "51", "52", "91", "93", "N2"))),
            "uscc_digits": lambda: self.uscc(self.rng.choice(("11", "12", "52", "93")), True),
            "index_no": lambda: f"{self.uscc('11')}/{year}-{self.rng.randrange(1, 400):05d}",
            "order_no": lambda: self.long_number(day.strftime("%Y%m%d"), 18),
            "invoice_no": lambda: self.long_number(str(year)[2:] + self.county[:2] + "2", 18),
            "doc_no": lambda: self.long_number(self.county + f"{year}00", 18),
            "date8": lambda: day.strftime("%Y%m%d"),
            "date10": lambda: day.isoformat(),
            "amount": self.amount,
            "quhua12": lambda: self.county + f"{self.rng.randrange(100, 110):03d}{self.rng.randrange(200, 240):03d}",
            "landline": self.landline,
            "official_mobile": self.mobile,
            "disability_cert": lambda: self.valid_id() + self.rng.choice("1234567") + self.rng.choice("1234"),
        }
        entity = NEGATIVE_ENTITY.get(kind, "CN_RESIDENT_ID")
        return Val(makers[kind](), entity, None, "negative", kind)

    def amount(self) -> str:
        """Money as printed in notices: 703203.72, 12,345.00, 12345678.90."""
        style = self.rng.randrange(3)
        if style == 0:
            return f"{self.rng.randrange(100000, 999999)}.{self.rng.randrange(100):02d}"
        if style == 1:
            return f"{self.rng.randrange(10000, 999999):,}.00"
        return f"{self.rng.randrange(10000000, 99999999)}.{self.rng.randrange(100):02d}"


# ---------------------------------------------------------------------------
# Content builders (one per disclosure type)
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class Ctx:
    """What a builder needs besides the generator: where, when, how exposed."""

    town: Town
    village: str
    year: int
    month: int
    style: str
    rows: int


LINK_ENTITIES = frozenset(("CN_RESIDENT_ID", "PHONE_NUMBER", "BANK_CARD", "OTHER_ID"))


def _items(parts: Sequence[Any]) -> Iterator[Any]:
    for part in parts:
        if isinstance(part, list):
            yield from part
        else:
            yield part


def record_rules(parts: Sequence[Any]) -> tuple[str, ...]:
    """Record-level rules every named person in a record gets (SPEC §5: one finding per person).

    P131 when an identifier in the record is reported (exposed, weakly masked, mistyped;
    a 残疾人证号; a house-number address); P141 with sensitive info; P151 with such an address.
    """
    items = list(_items(parts))
    marks = {p.what for p in items if isinstance(p, Mark)}
    linked = "address" in marks or any(
        isinstance(v, Val) and ((v.expect == "finding" and v.entity in LINK_ENTITIES) or "P162" in v.also)
        for v in items
    )
    return ("P131",) * linked + ("P141",) * ("sensitive" in marks) + ("P151",) * ("address" in marks)


def link(parts: list[Any]) -> list[Any]:
    """A record (table row or sentence) with its names labelled for the record-level rules."""
    rules = record_rules(parts)
    if not rules:
        return parts

    def named(part: Any) -> Any:
        if isinstance(part, list):
            return [named(p) for p in part]
        if isinstance(part, Val) and part.entity == "PERSON_NAME" and part.expect == "finding":
            return dataclasses.replace(part, also=part.also + rules)
        return part

    return [named(p) for p in parts]


def group_name(g: Gen) -> str:
    return f"{g.rng.randrange(1, 13)}组"


def publicity_outro(g: Gen, ctx: Ctx, official_mobiles: bool = True) -> list[list[Part]]:
    """Closing lines of a 公示: period, official contacts, issuing office, index number."""
    d0 = dt.date(ctx.year, ctx.month, g.rng.randrange(1, 20))
    d1 = d0 + dt.timedelta(days=6)
    lines: list[list[Part]] = [
        [f"公示期：{d0.year}年{d0.month}月{d0.day}日至{d1.year}年{d1.month}月{d1.day}日。"],
        ["监督电话：", g.negative("landline"), "（镇纪委）。"],
    ]
    if official_mobiles:
        label = g.rng.choice(("举报电话：", "咨询电话：", "镇民政办联系电话：", "监督电话："))
        lines.append([label, g.negative("official_mobile"), "。"])
    gov = Val(ctx.town.uscc, "CN_RESIDENT_ID", None, "negative", "uscc_alpha")
    lines.append([f"{ctx.town.county_name}{ctx.town.name}人民政府（统一社会信用代码：", gov, "）"])
    index_no = f"{ctx.town.uscc}/{ctx.year}-{g.rng.randrange(1, 400):05d}"
    lines.append(["索引号：", Val(index_no, "CN_RESIDENT_ID", None, "negative", "index_no")])
    published = Val((d0 - dt.timedelta(days=1)).isoformat(), "CN_RESIDENT_ID", None, "negative", "date10")
    lines.append(["发布日期：", published])
    return lines


def id_cell(g: Gen, style: str, lo: int = 1935, hi: int = 2010) -> Val:
    return g.id_val(g.pick(ID_STYLES[style]), lo, hi)


def phone_cell(g: Gen, style: str) -> Val:
    return g.phone_val(g.pick(PHONE_STYLES[style]))


def build_dibao(g: Gen, ctx: Ctx) -> Doc:
    """城乡最低生活保障 list: 户主, ID, household size, amount, village, phone, note."""
    headers = [
        "序号",
        "户主姓名",
        "身份证号码",
        "家庭人口",
        "保障类别",
        "月保障金额（元）",
        "所属村（社区）",
        "联系电话",
        "备注",
    ]
    rows: list[list[Cell]] = []
    for i in range(1, ctx.rows + 1):
        note = g.rng.choice(("", "", "新增", "因病致贫\n2023年新增", "提标"))
        rows.append(
            link(
                [
                    str(i),
                    g.person("col"),
                    id_cell(g, ctx.style),
                    str(g.rng.randrange(1, 7)),
                    g.rng.choice(("A类", "B类", "C类")),
                    f"{g.rng.randrange(180, 800)}.00",
                    ctx.village,
                    phone_cell(g, ctx.style),
                    note,
                ]
            )
        )
    intro = [
        [
            "根据《社会救助暂行办法》和省、州、县关于最低生活保障工作的有关规定，经本人申请、"
            "村（居）民委员会入户调查、民主评议和镇人民政府审核，现将"
            f"{ctx.year}年第{(ctx.month - 1) // 3 + 1}季度{ctx.village}城乡最低生活保障对象名单予以公示。"
        ],
        ["公示期间如有异议，请向镇民政办或村务监督委员会反映。"],
    ]
    title = f"{ctx.town.name}{ctx.village}{ctx.year}年城乡最低生活保障对象公示名单"
    return Doc("dibao", title, intro, Table(headers, rows), publicity_outro(g, ctx))


def build_gengdi(g: Gen, ctx: Ctx) -> Doc:
    """耕地地力保护补贴 list: ID, group, areas, amounts and the 一卡通 account."""
    account_header = g.rng.choice(("一卡通账号", "银行账号"))
    headers = [
        "序号",
        "姓名",
        "身份证号",
        "村民小组",
        "承包面积（亩）",
        "补贴面积（亩）",
        "补贴标准（元/亩）",
        "补贴金额（元）",
        account_header,
    ]
    rows: list[list[Cell]] = []
    for i in range(1, ctx.rows + 1):
        area = g.rng.randrange(5, 120) / 10
        rate = 106.8
        rows.append(
            link(
                [
                    str(i),
                    g.person("col"),
                    id_cell(g, ctx.style),
                    group_name(g),
                    f"{area + g.rng.randrange(0, 10) / 10:.1f}",
                    f"{area:.1f}",
                    f"{rate:.2f}",
                    f"{area * rate:.2f}",
                    g.bank_val(g.pick(ACCOUNT_STYLES[ctx.style])),
                ]
            )
        )
    intro = [
        [
            f"根据{ctx.year}年耕地地力保护补贴工作实施方案，现将{ctx.village}补贴面积及补贴金额公示如下，"
            "补贴资金将通过“一卡通”发放到户。"
        ],
        ["本村补贴资金合计", g.negative("amount"), "元。"],
    ]
    title = f"{ctx.year}年{ctx.town.name}{ctx.village}耕地地力保护补贴发放清册"
    return Doc("gengdi", title, intro, Table(headers, rows), publicity_outro(g, ctx))


def build_canji(g: Gen, ctx: Ctx) -> Doc:
    """残疾人两项补贴 list: ID plus 残疾人证号 (P162, never P101) and a card column."""
    card_header = g.rng.choice(("社保卡号", "银行卡号"))
    headers = [
        "序号",
        "姓名",
        "性别",
        "身份证号码",
        "残疾人证号",
        "残疾类别",
        "残疾等级",
        "补贴类别",
        "补贴金额（元）",
        card_header,
    ]
    kinds = ("视力", "听力", "言语", "肢体", "智力", "精神", "多重")
    rows: list[list[Cell]] = []
    for i in range(1, ctx.rows + 1):
        rows.append(
            link(
                [
                    str(i),
                    g.person("col"),
                    g.rng.choice(("男", "女")),
                    id_cell(g, ctx.style),
                    dataclasses.replace(g.negative("disability_cert"), also=("P162",)),
                    Mark(g.rng.choice(kinds), "sensitive"),
                    Mark(g.rng.choice(("一级", "二级", "三级", "四级")), "sensitive"),
                    g.rng.choice(("困难残疾人生活补贴", "重度残疾人护理补贴")),
                    f"{g.rng.choice((80, 90, 100, 120))}.00",
                    g.bank_val(g.pick(ACCOUNT_STYLES[ctx.style])),
                ]
            )
        )
    intro = [
        [
            "根据困难残疾人生活补贴和重度残疾人护理补贴制度的有关要求，经个人申请、村（社区）初审、"
            f"镇残联审核，现将{ctx.year}年{ctx.month}月享受残疾人两项补贴人员名单公示如下。"
        ]
    ]
    title = f"{ctx.town.name}{ctx.year}年{ctx.month}月残疾人两项补贴发放名单（{ctx.village}）"
    return Doc("canji", title, intro, Table(headers, rows), publicity_outro(g, ctx))


def build_jiaoyu(g: Gen, ctx: Ctx) -> Doc:
    """教育资助 list: a minor's ID, the guardian's phone and the card paid into."""
    headers = [
        "序号",
        "学生姓名",
        "性别",
        "身份证号",
        "就读学校",
        "年级",
        "资助金额（元）",
        "监护人",
        "监护人联系电话",
        "银行卡号",
    ]
    rows: list[list[Cell]] = []
    for i in range(1, ctx.rows + 1):
        rows.append(
            link(
                [
                    str(i),
                    g.person("col"),
                    g.rng.choice(("男", "女")),
                    id_cell(g, ctx.style, 2006, 2017),
                    Mark(ctx.town.name + g.rng.choice(SCHOOLS), "sensitive"),
                    Mark(g.rng.choice(("一年级", "三年级", "五年级", "初一", "初二", "高一")), "sensitive"),
                    g.rng.choice(("500.00", "625.00", "1000.00", "1250.00")),
                    g.person("col"),
                    phone_cell(g, ctx.style),
                    g.bank_val(g.pick(BANK_STYLES[ctx.style])),
                ]
            )
        )
    intro = [
        [
            f"根据学生资助政策，经学校评议、镇学生资助管理中心审核，现将{ctx.year}年秋季学期"
            "家庭经济困难学生资助名单公示如下。"
        ]
    ]
    title = f"{ctx.town.name}{ctx.year}年秋季学期家庭经济困难学生资助名单"
    return Doc("jiaoyu", title, intro, Table(headers, rows), publicity_outro(g, ctx))


def build_linshi(g: Gen, ctx: Ctx) -> Doc:
    """临时救助 list, usually published de-identified (masked IDs and phones)."""
    style = "masked" if ctx.style == "exposed" else ctx.style
    headers = ["序号", "姓名", "身份证号", "家庭住址", "救助事由", "救助金额（元）", "联系电话"]
    rows: list[list[Cell]] = []
    for i in range(1, ctx.rows + 1):
        name = g.person("col")
        identifier = id_cell(g, style)
        address: str = ctx.village + group_name(g)
        if g.prng.random() < 0.3:
            address = Mark(f"{address}{g.prng.randrange(1, 120)}号", "address")
        rows.append(
            link(
                [
                    str(i),
                    name,
                    identifier,
                    address,
                    g.rng.choice(("因病", "因灾", "因学", "突发事件", "生活必需支出突然增加")),
                    f"{g.rng.randrange(5, 60) * 100}.00",
                    phone_cell(g, style),
                ]
            )
        )
    intro = [
        [f"经审核审批，现将{ctx.year}年{ctx.month}月临时救助对象名单公示如下，公示期内如有异议，请向镇人民政府反映。"]
    ]
    title = f"{ctx.town.name}{ctx.year}年{ctx.month}月临时救助对象公示"
    return Doc("linshi", title, intro, Table(headers, rows), publicity_outro(g, ctx))


def notice_person(g: Gen, ctx: Ctx, i: int) -> list[Part]:
    """A sentence that names a resident together with an ID and a personal mobile."""
    name = g.person("txt_list")
    return link(
        [
            f"{i}. ",
            name,
            f"，{g.rng.choice(('男', '女'))}，身份证号码：",
            id_cell(g, ctx.style),
            "，本人手机：",
            phone_cell(g, ctx.style),
            f"，住{ctx.village}{group_name(g)}。",
        ]
    )


def build_notice(g: Gen, ctx: Ctx) -> Doc:
    """A free-text 公告: official contacts (allowed), residents named inline (not allowed)."""
    n = max(2, ctx.rows // 4)
    intro: list[list[Part]] = [
        [
            f"根据《{ctx.town.county_name}最低生活保障对象动态管理办法》，{ctx.town.name}对{ctx.village}"
            f"低保对象开展了{ctx.year}年度复核工作。经村民代表大会民主评议，以下{n}户家庭符合条件，拟纳入保障范围："
        ]
    ]
    intro += [notice_person(g, ctx, i) for i in range(1, n + 1)]
    bank_style = BANK_STYLES[ctx.style]
    paid = g.negative("date10")
    holder = g.person("txt_plain", {"han": 1})
    intro.append(
        link(
            [
                "上述对象的保障金已于",
                paid,
                "打入",
                holder,
                "的一卡通账户（账号：",
                g.bank_val(g.pick(bank_style)),
                "），本批共发放",
                g.negative("amount"),
                "元。",
            ]
        )
    )
    intro.append(
        ["如对公示对象有异议，可拨打镇民政办联系电话：", g.negative("official_mobile"), "，或向村务监督委员会反映。"]
    )
    intro.append(["举报电话：", g.negative("official_mobile"), "；咨询电话：", g.negative("landline"), "。"])
    headers = ["序号", "姓名", "身份证号（已脱敏）", "保障人数", "月补助金额（元）"]
    rows: list[list[Cell]] = [
        [str(i), g.person("col"), id_cell(g, "masked"), str(g.rng.randrange(1, 6)), f"{g.rng.randrange(200, 900)}.00"]
        for i in range(1, ctx.rows + 1)
    ]
    title = f"关于{ctx.year}年{ctx.village}低保对象动态调整情况的公告"
    return Doc("notice", title, intro, Table(headers, rows), publicity_outro(g, ctx, official_mobiles=False))


def coop_name(g: Gen, ctx: Ctx) -> str:
    trade = g.rng.choice(("种植", "养殖", "农机", "烤烟", "蔬菜"))
    return f"{ctx.town.county_name}{g.rng.choice(VILLAGES)[:-1]}{trade}专业合作社"


def _legal_rep(g: Gen) -> Val:
    """A cooperative's 法定代表人 is public registry data, not a privacy finding."""
    g.name()
    return g.staff("legal_rep")


def build_coop(g: Gen, ctx: Ctx) -> Doc:
    """合作社扶持资金 table: only hard negatives (codes, invoices, orders, amounts, dates)."""
    headers = [
        "序号",
        "合作社名称",
        "统一社会信用代码",
        "法定代表人",
        "发票号码",
        "订单编号",
        "补助金额（元）",
        "拨付日期",
        "办公电话",
    ]
    rows: list[list[Cell]] = []
    for i in range(1, ctx.rows + 1):
        code_kind = "uscc_digits" if g.rng.random() < 0.25 else "uscc_alpha"
        rows.append(
            [
                str(i),
                coop_name(g, ctx),
                g.negative(code_kind),
                _legal_rep(g),
                g.negative("invoice_no"),
                g.negative("order_no"),
                g.negative("amount"),
                g.negative("date8"),
                g.negative("landline"),
            ]
        )
    intro = [
        [
            f"根据农业产业发展扶持资金管理办法，现将{ctx.year}年农民专业合作社扶持资金拨付情况公示如下。文件编号：",
            g.negative("doc_no"),
            "。",
        ]
    ]
    title = f"{ctx.town.name}{ctx.year}年农民专业合作社扶持资金拨付情况公示"
    return Doc("coop", title, intro, Table(headers, rows), publicity_outro(g, ctx))


def build_quhua(g: Gen, ctx: Ctx) -> Doc:
    """统计用区划代码 table: 12-digit village codes, household and population counts."""
    headers = ["序号", "村（社区）名称", "统计用区划代码", "城乡分类代码", "户数", "人口数", "村委会办公电话"]
    rows: list[list[Cell]] = []
    for i in range(1, ctx.rows + 1):
        rows.append(
            [
                str(i),
                g.rng.choice(VILLAGES),
                g.negative("quhua12"),
                g.rng.choice(("210", "220", "121")),
                str(g.rng.randrange(80, 900)),
                str(g.rng.randrange(300, 3500)),
                g.negative("landline"),
            ]
        )
    intro = [[f"为做好统计基础工作，现将{ctx.town.name}各村（社区）统计用区划代码及户数、人口情况公布如下。"]]
    title = f"{ctx.town.name}{ctx.year}年统计用区划代码和城乡划分代码"
    return Doc("quhua", title, intro, Table(headers, rows), publicity_outro(g, ctx))


# ---------------------------------------------------------------------------
# People documents: names of every kind, sensitive data, addresses, other IDs
# ---------------------------------------------------------------------------

ANY_ORIGIN = people.ORIGINS
HAN_ONLY = {"han": 8, "compound": 1, "rare": 1}


def trap(text: str, kind: str) -> Val:
    """A word that starts with a surname character but is no name (张家村, 金额)."""
    return Val(text, "PERSON_NAME", None, "negative", kind)


def passport(g: Gen) -> str:
    if g.rng.random() < 0.5:
        return "E" + g.digits(8)
    return "E" + g.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + g.digits(7)


def hk_permit(g: Gen) -> str:
    return "C" + (g.digits(8) if g.rng.random() < 0.5 else g.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + g.digits(7))


def social_security_card(g: Gen) -> str:
    return g.rng.choice("ABCDEFGHJKLMN") + g.digits(8)


def other_id(text: str, kind: str) -> Val:
    return Val(text, "OTHER_ID", "P162", "finding", kind)


def detailed_address(g: Gen, ctx: Ctx) -> Mark:
    """Down to the house number, building or room: a P151 address."""
    r = g.prng
    if r.random() < 0.6:
        return Mark(f"{ctx.village}{r.randrange(1, 13)}组{r.randrange(1, 150)}号", "address")
    estate = r.choice(("幸福小区", "阳光苑", "新村小区", "和平花园"))
    return Mark(
        f"{ctx.town.name}{estate}{r.randrange(1, 20)}栋{r.randrange(1, 5)}单元{r.randrange(101, 1202)}室", "address"
    )


def notice_sentences(g: Gen, ctx: Ctx, n: int) -> list[list[Part]]:
    """Free-text sentences naming residents in every context the recognizer must handle."""
    r = g.prng
    out: list[list[Part]] = []
    for i in range(1, n + 1):
        t = r.choice(
            (
                "enum",
                "head",
                "comrade",
                "child",
                "health",
                "disability",
                "passport",
                "masked",
                "official",
                "trap",
                "criminal",
                "religion",
                "plain",
                "flat",
                "item",
                "bank",
                "contact",
                "enum",
            )
        )
        k = r.randrange(2, 6)
        amount = f"{r.randrange(3, 60) * 100}"
        sex = r.choice(("男", "女"))
        if t == "enum":
            names = [g.person("txt_enum", ANY_ORIGIN, legacy=False) for _ in range(r.randrange(2, 5))]
            parts: list[Part] = [f"经{ctx.village}村民代表大会民主评议，拟将"]
            for j, name in enumerate(names):
                parts += (["、"] if j else []) + [name]
            parts.append(f"等{len(names)}户纳入{ctx.year}年城乡最低生活保障范围。")
        elif t == "head":
            address: str = Mark(f"{ctx.village}{r.randrange(1, 13)}组", "plain")
            if r.random() < 0.5:
                address = detailed_address(g, ctx)
            parts = [
                "户主：",
                g.person("txt_cue", ANY_ORIGIN, legacy=False),
                f"，家庭人口{k}人，本人手机：",
                phone_cell(g, ctx.style),
                "，住",
                address,
                "。",
            ]
        elif t == "comrade":
            parts = [
                g.person("txt_suffix", HAN_ONLY, legacy=False),
                f"同志系{ctx.village}脱贫监测对象，已落实帮扶措施。",
            ]
        elif t == "child":
            school = Mark(f"就读于{ctx.town.name}{r.choice(SCHOOLS)}{r.choice(people.SCHOOL_GRADES)}", "sensitive")
            parts = [
                g.person("txt_suffix", HAN_ONLY, legacy=False),
                "之子",
                g.person("txt_cue", HAN_ONLY, legacy=False),
                f"，{r.randrange(7, 15)}岁，",
                school,
                "。",
            ]
        elif t == "health":
            parts = [
                g.person("txt_suffix", HAN_ONLY, legacy=False),
                f"，{sex}，{r.randrange(20, 80)}岁，",
                Mark("患有" + r.choice(people.DISEASES), "sensitive"),
                f"，申请医疗救助{amount}元。",
            ]
        elif t == "disability":
            grade = r.choice("一二三四")
            cert = dataclasses.replace(g.negative("disability_cert"), also=("P162",))
            parts = [
                g.person("txt_suffix", HAN_ONLY, legacy=False),
                f"（{sex}），",
                Mark(f"{r.choice(people.DISABILITY)}{grade}级残疾", "sensitive"),
                "，残疾人证号：",
                cert,
                "。",
            ]
        elif t == "passport":
            parts = [
                "申请人",
                g.person("txt_cue", HAN_ONLY, legacy=False),
                "，护照号码：",
                other_id(passport(g), "passport"),
                "，往来港澳通行证号码：",
                other_id(hk_permit(g), "hk_macau_permit"),
                "。",
            ]
        elif t == "masked":
            parts = []
            for j in range(r.randrange(2, 4)):
                parts += (["、"] if j else []) + [g.masked_person()]
            parts.append("因家庭收入超标，已于上月退出保障。")
        elif t == "official":
            parts = [
                r.choice(people.OFFICIAL_TITLES_BEFORE),
                g.staff("official"),
                "带队入户核查，",
                g.staff("official"),
                r.choice(people.OFFICIAL_TITLES_AFTER),
                "主持召开评议会。",
            ]
        elif t == "trap":
            parts = r.choice(
                (
                    [
                        "本次补贴",
                        trap("金额", "trap_word"),
                        f"为{amount}元，涉及",
                        trap(r.choice(people.PLACE_TRAPS), "trap_place"),
                        "、",
                        trap(r.choice(people.PLACE_TRAPS), "trap_place"),
                        "等",
                        trap("周边", "trap_word"),
                        "村组。",
                    ],
                    [
                        "按照",
                        trap("高级", "trap_word"),
                        "农艺师提出的",
                        trap("方案", "trap_word"),
                        "，",
                        trap("于是", "trap_word"),
                        "调整了补贴标准。",
                    ],
                    [
                        trap("常务", "trap_word"),
                        "副镇长主持会议，强调",
                        trap("安全", "trap_word"),
                        "生产和",
                        trap("方便", "trap_word"),
                        "群众。",
                    ],
                    [
                        trap("黄金", "trap_word"),
                        "周期间，",
                        trap(r.choice(people.PLACE_TRAPS), "trap_place"),
                        "开展人居环境整治，",
                        trap("全部", "trap_word"),
                        "农户参加。",
                    ],
                    [
                        "补贴资金共计",
                        trap("万元", "trap_word"),
                        "级以上项目",
                        trap("程序", "trap_word"),
                        "须",
                        trap("明确", "trap_word"),
                        "，",
                        trap(r.choice(people.PLACE_TRAPS), "trap_place"),
                        "已完成公示。",
                    ],
                )
            )
        elif t == "criminal":
            parts = [
                Mark("刑满释放人员", "sensitive"),
                g.person("txt_plain", HAN_ONLY, legacy=False),
                f"已纳入安置帮教，落实临时救助{amount}元。",
            ]
        elif t == "religion":
            parts = [
                g.person("txt_plain", HAN_ONLY, legacy=False),
                "，",
                Mark("信仰" + r.choice(people.RELIGIONS), "sensitive"),
                f"，家庭人口{k}人。",
            ]
        elif t == "plain":
            parts = [
                g.person("txt_plain", {"han": 1}, legacy=False),
                f"家庭因病致贫，经{ctx.village}评议，纳入临时救助。",
            ]
        elif t == "flat":
            parts = [
                g.person("txt_plain", HAN_ONLY, legacy=False),
                "，现住",
                detailed_address(g, ctx),
                "，申请住房保障补贴。",
            ]
        elif t == "item":
            parts = [
                f"{i}. ",
                g.person("txt_list", ANY_ORIGIN, legacy=False),
                f"，{sex}，身份证号码：",
                id_cell(g, ctx.style),
                "。",
            ]
        elif t == "bank":
            parts = [
                "补助资金已打入",
                g.person("txt_plain", {"han": 1}, legacy=False),
                "的一卡通账户（账号：",
                g.bank_val(g.pick(BANK_STYLES[ctx.style])),
                "）。",
            ]
        else:
            parts = ["联系人：", g.staff("official"), "，联系电话：", g.negative("landline"), "。"]
        out.append(link(parts))
    return out


def signoff_line(g: Gen) -> list[Part]:
    """撰稿：…　校对：…　排版：…　校对：…　审核：…: staff in their role, never privacy findings."""
    parts: list[Part] = []
    for j, role in enumerate(people.SIGNOFF_ROLES):
        parts += [("　" if j else "") + f"{role}：", g.staff("signoff")]
    return parts


def build_people_notice(g: Gen, ctx: Ctx) -> Doc:
    """A free-text notice: residents named in every context, traps, officials, a sign-off line."""
    intro: list[list[Part]] = [
        [f"根据有关规定，{ctx.town.name}对{ctx.village}{ctx.year}年社会救助对象进行了复核，现将有关情况公告如下："]
    ]
    intro += notice_sentences(g, ctx, ctx.rows)
    outro = [*publicity_outro(g, ctx, official_mobiles=False), signoff_line(g)]
    title = f"关于{ctx.year}年{ctx.village}社会救助对象复核情况的公告"
    return Doc("people_notice", title, intro, None, outro)


def build_medical(g: Gen, ctx: Ctx) -> Doc:
    """医疗救助 roster: names of every origin, some masked; illness, detailed addresses, phones."""
    headers = ["序号", "姓名", "性别", "年龄", "民族", "家庭住址", "病种", "救助金额（元）", "联系电话"]
    rows: list[list[Cell]] = []
    for i in range(1, ctx.rows + 1):
        r = g.prng
        masked = ctx.style == "masked" or (ctx.style == "mixed" and r.random() < 0.3)
        name = g.masked_person() if masked else g.person("col", ANY_ORIGIN, legacy=False)
        address: str = f"{ctx.village}{r.randrange(1, 13)}组"
        if r.random() < 0.4:
            address = detailed_address(g, ctx)
        row: list[Cell] = [
            str(i),
            name,
            r.choice(("男", "女")),
            str(r.randrange(18, 90)),
            r.choice(("汉族", "彝族", "傣族", "哈尼族", "傈僳族", "藏族", "白族")),
            address,
            Mark(r.choice(people.DISEASES), "sensitive"),
            f"{r.randrange(5, 80) * 100}.00",
            phone_cell(g, ctx.style),
        ]
        rows.append(link(row))
    intro = [[f"经个人申请、{ctx.village}评议和镇人民政府审核，现将{ctx.year}年第二批医疗救助对象名单公示如下。"]]
    title = f"{ctx.town.name}{ctx.year}年第二批医疗救助对象名单"
    return Doc("medical", title, intro, Table(headers, rows), publicity_outro(g, ctx, official_mobiles=False))


def build_household(g: Gen, ctx: Ctx) -> Doc:
    """户主 and 家庭成员 (several names in one cell), 门牌号, minors' school data (text formats only)."""
    headers = ["序号", "户主", "家庭成员", "门牌号", "在读学生年级", "保障金额（元）"]
    rows: list[list[Cell]] = []
    for i in range(1, ctx.rows + 1):
        r = g.prng
        members: list[Part] = []
        for j in range(r.randrange(1, 4)):
            relation = r.choice(("配偶", "之子", "之女", "母亲"))
            members += (["、"] if j else []) + [g.person("col", HAN_ONLY, legacy=False), f"（{relation}）"]
        house: str = "" if r.random() < 0.4 else Mark(f"{r.randrange(1, 150)}号", "address")
        grade: str = Mark(r.choice(people.SCHOOL_GRADES), "sensitive") if r.random() < 0.3 else "无"
        rows.append(
            link(
                [
                    str(i),
                    g.person("col", ANY_ORIGIN, legacy=False),
                    members,
                    house,
                    grade,
                    f"{r.randrange(200, 900)}.00",
                ]
            )
        )
    intro = [[f"现将{ctx.village}{ctx.year}年低保家庭成员情况公示如下。"]]
    title = f"{ctx.village}{ctx.year}年低保家庭成员情况表"
    return Doc("household", title, intro, Table(headers, rows), publicity_outro(g, ctx, official_mobiles=False))


def build_travel(g: Gen, ctx: Ctx) -> Doc:
    """外出务工 list with passports, 港澳通行证 and 社会保障卡号 (P162), plus masked ones."""
    headers = ["序号", "姓名", "护照号码", "往来港澳通行证号码", "社会保障卡号", "务工地点"]
    rows: list[list[Cell]] = []
    for i in range(1, ctx.rows + 1):
        p = passport(g)
        permit = hk_permit(g)
        card = social_security_card(g)
        masked = ctx.style == "masked" or g.prng.random() < 0.2
        cells: list[Cell] = [
            str(i),
            g.person("col", ANY_ORIGIN, legacy=False),
            Val(p[:2] + "*" * (len(p) - 4) + p[-2:], "OTHER_ID", None, "masked", "passport_masked")
            if masked
            else other_id(p, "passport"),
            other_id(permit, "hk_macau_permit"),
            other_id(card, "social_security"),
            g.prng.choice(("广东省东莞市", "浙江省宁波市", "澳门特别行政区", "泰国清迈")),
        ]
        rows.append(link(cells))
    intro = [[f"现将{ctx.town.name}{ctx.year}年外出务工人员交通补贴发放名单公示如下。"]]
    title = f"{ctx.town.name}{ctx.year}年外出务工人员交通补贴名单"
    return Doc("travel", title, intro, Table(headers, rows), publicity_outro(g, ctx, official_mobiles=False))


PEOPLE_BUILDERS: dict[str, Callable[[Gen, Ctx], Doc]] = {
    "people_notice": build_people_notice,
    "medical": build_medical,
    "household": build_household,
    "travel": build_travel,
}
PEOPLE_NAMES = {
    "people_notice": "社会救助复核公告",
    "medical": "医疗救助对象名单",
    "household": "低保家庭成员情况",
    "travel": "外出务工交通补贴名单",
}
# (kind, format, encoding, style, rows): every table format and free text in several encodings.
PEOPLE_PLAN = (
    ("people_notice", "txt", "utf-8", "exposed", 40),
    ("people_notice", "html", "gb18030", "mixed", 40),
    ("people_notice", "md", "utf-8-sig", "exposed", 36),
    ("people_notice", "json", "utf-8", "mixed", 30),
    ("people_notice", "txt", "gbk", "weak", 30),
    ("medical", "csv", "gbk", "exposed", 30),
    ("medical", "xlsx", None, "mixed", 30),
    ("medical", "html", "utf-8", "masked", 24),
    ("medical", "tsv", "utf-8", "mixed", 24),
    ("household", "txt", "gb18030", "exposed", 24),
    ("household", "csv", "utf-8", "exposed", 24),
    ("household", "md", "gbk", "exposed", 20),
    ("travel", "xlsx", None, "exposed", 20),
    ("travel", "html", "utf-8", "exposed", 20),
)


def people_plan(g: Gen, towns: list[Town]) -> list[FileSpec]:
    """The people documents of the committed corpus (drawn after every other file)."""
    specs: list[FileSpec] = []
    for n, (kind, fmt, encoding, style, rows) in enumerate(PEOPLE_PLAN):
        town = towns[n % len(towns)]
        g.county = town.county
        ctx = Ctx(town, g.rng.choice(town.villages), 2023, 1 + n % 12, style, rows)
        opts: dict[str, Any] = {}
        doc = PEOPLE_BUILDERS[kind](g, ctx)
        doc.village = ctx.village
        stem = f"{ctx.year}-{ctx.month:02d}_{PEOPLE_NAMES[kind]}_{n + 100:03d}"
        if fmt == "xlsx":
            specs.append(FileSpec(f"{town.slug}/{stem}.xlsx", fmt, None, [doc], {"sheets": [{"name": "名单"}]}))
        else:
            opts.update({"title_row": n % 2 == 0} if fmt in ("csv", "tsv") else {})
            specs.append(FileSpec(f"{town.slug}/{stem}.{fmt}", fmt, encoding, [doc], opts))
    return specs


BUILDERS: dict[str, Callable[[Gen, Ctx], Doc]] = {
    "dibao": build_dibao,
    "gengdi": build_gengdi,
    "canji": build_canji,
    "jiaoyu": build_jiaoyu,
    "linshi": build_linshi,
    "notice": build_notice,
    "coop": build_coop,
    "quhua": build_quhua,
}
KIND_NAMES = {
    "dibao": "城乡低保对象公示",
    "gengdi": "耕地地力保护补贴清册",
    "canji": "残疾人两项补贴名单",
    "jiaoyu": "学生资助名单",
    "linshi": "临时救助对象公示",
    "notice": "低保动态调整公告",
    "coop": "合作社扶持资金公示",
    "quhua": "统计用区划代码",
}

# ---------------------------------------------------------------------------
# Rendering text formats through placeholders
# ---------------------------------------------------------------------------


class Slots:
    """Placeholders written by a renderer, resolved afterwards into exact locations."""

    def __init__(self) -> None:
        self.items: list[tuple[Val, dict[str, Any]]] = []

    def put(self, val: Val, **extra: Any) -> str:
        if "\n" in val.text or "@@" in val.text:
            raise ValueError("value text may not contain a newline or '@@'")
        self.items.append((val, extra))
        return f"@@{len(self.items) - 1}@@"

    def inline(self, parts: Sequence[Part], escape: Callable[[str], str] = str, **extra: Any) -> str:
        return "".join(escape(p) if isinstance(p, str) else self.put(p, **extra) for p in parts)


def resolve(template: str, slots: Slots) -> tuple[str, list[tuple[Val, dict[str, Any]]]]:
    """Replace placeholders by values and compute each value's 1-based line and column."""
    out: list[str] = []
    placed: list[tuple[Val, dict[str, Any]]] = []
    line, line_start, length, pos = 1, 0, 0, 0
    for m in PLACEHOLDER.finditer(template):
        literal = template[pos : m.start()]
        newlines = literal.count("\n")
        if newlines:
            line += newlines
            line_start = length + literal.rfind("\n") + 1
        length += len(literal)
        val, extra = slots.items[int(m.group(1))]
        placed.append((val, {"line": line, "column": length - line_start + 1 + val.lead, **extra}))
        out += [literal, val.text]
        length += len(val.text)
        pos = m.end()
    out.append(template[pos:])
    return "".join(out), placed


def parts_of(cell: Cell) -> list[Part]:
    """A table cell as a list of parts (plain text and values)."""
    if isinstance(cell, list):
        return cell
    return [cell]


def flat(text: str) -> str:
    """Table cells in line-based formats cannot hold a newline."""
    return text.replace("\n", " ")


def render_txt(doc: Doc, slots: Slots, opts: dict[str, Any]) -> str:
    """Plain-text notice; tables pasted from a spreadsheet (tab-separated cells)."""
    lines = [doc.title, ""]
    lines += ["　　" + slots.inline(p) for p in doc.intro]
    if doc.table:
        lines.append("")
        lines.append("\t".join(doc.table.headers))
        for row in doc.table.rows:
            lines.append("\t".join(slots.inline(parts_of(c), flat) for c in row))
    lines.append("")
    lines += [slots.inline(p) for p in doc.outro]
    return "\n".join(lines) + "\n"


def render_md(doc: Doc, slots: Slots, opts: dict[str, Any]) -> str:
    """Markdown notice with a pipe table."""
    lines = [f"# {doc.title}", ""]
    for p in doc.intro:
        lines += [slots.inline(p), ""]
    if doc.table:
        lines.append("| " + " | ".join(doc.table.headers) + " |")
        lines.append("|" + "---|" * len(doc.table.headers))
        for row in doc.table.rows:
            lines.append("| " + " | ".join(slots.inline(parts_of(c), flat) or " " for c in row) + " |")
        lines.append("")
    for p in doc.outro:
        lines += [slots.inline(p), ""]
    return "\n".join(lines)


def delimited_field(cell: Cell, slots: Slots, sep: str, **extra: Any) -> str:
    """One CSV/TSV field, quoted exactly when the final text needs it."""
    parts = parts_of(cell)
    text = "".join(p if isinstance(p, str) else p.text for p in parts)
    if sep in text or '"' in text or "\n" in text:
        return '"' + slots.inline(parts, lambda s: s.replace('"', '""'), **extra) + '"'
    return slots.inline(parts, **extra)


def render_delimited(doc: Doc, slots: Slots, opts: dict[str, Any]) -> str:
    """CSV/TSV as a spreadsheet exports it: optional title row, header, rows, footer rows."""
    sep = opts["sep"]
    assert doc.table is not None
    headers = doc.table.headers
    width = len(headers)
    records: list[list[Cell]] = []
    if opts.get("title_row"):
        records.append([doc.title] + [""] * (width - 1))
    records.append(list(headers))
    records += doc.table.rows
    records += [[list(p)] + [""] * (width - 1) for p in doc.outro]
    lines = []
    for row_no, record in enumerate(records, start=1):
        fields = [delimited_field(cell, slots, sep, row=row_no, field=headers[col]) for col, cell in enumerate(record)]
        lines.append(sep.join(fields))
    return "\n".join(lines) + "\n"


def render_html(doc: Doc, slots: Slots, opts: dict[str, Any]) -> str:
    """An HTML page as a CMS publishes it: <p> paragraphs and a <table> list."""
    esc = lambda s: html.escape(s, quote=False)  # noqa: E731 - tiny local adapter
    nbsp = "&nbsp;" if opts.get("nbsp") else ""
    lines = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        f'<meta charset="{opts["charset"]}">',
        f"<title>{esc(doc.title)}</title>",
        "</head>",
        "<body>",
        '<div class="article">',
        f"<h2>{esc(doc.title)}</h2>",
    ]
    lines += [f"<p>{slots.inline(p, esc)}</p>" for p in doc.intro]
    if doc.table:
        lines.append('<table border="1" cellspacing="0" cellpadding="2">')
        lines.append("<tr>" + "".join(f"<th>{esc(h)}</th>" for h in doc.table.headers) + "</tr>")
        for row in doc.table.rows:
            cells = []
            for cell in row:
                lead = nbsp if any(isinstance(p, Val) for p in parts_of(cell)) else ""
                text = slots.inline(parts_of(cell), lambda s: esc(s).replace("\n", "<br>"))
                cells.append(f"<td>{lead}{text}</td>")
            if opts.get("cell_per_line"):
                lines += ["<tr>"] + ["  " + c for c in cells] + ["</tr>"]
            else:
                lines.append("<tr>" + "".join(cells) + "</tr>")
        lines.append("</table>")
    lines += [f"<p>{slots.inline(p, esc)}</p>" for p in doc.outro]
    lines += ["</div>", "</body>", "</html>"]
    return "\n".join(lines) + "\n"


JSON_KEYS = {
    "序号": "xh",
    "姓名": "xm",
    "户主姓名": "hzxm",
    "学生姓名": "xsxm",
    "身份证号": "sfzh",
    "身份证号码": "sfzhm",
    "联系电话": "lxdh",
    "监护人联系电话": "jhrlxdh",
}  # account columns keep their Chinese key: the header is what makes any long number an account


def render_json(doc: Doc, slots: Slots, opts: dict[str, Any]) -> str:
    """A JSON data export: metadata, paragraphs and one object per record."""
    numeric: list[str] = []

    def value(cell: Cell) -> Any:
        parts = parts_of(cell)
        if len(parts) == 1 and isinstance(parts[0], Val) and parts[0].number:
            token = slots.put(parts[0])
            numeric.append(token)
            return token
        if len(parts) == 1 and isinstance(parts[0], str) and parts[0].isdigit() and len(parts[0]) < 4:
            return int(parts[0])
        return slots.inline(parts)

    records = []
    if doc.table:
        keys = [JSON_KEYS.get(h, h) if opts.get("pinyin_keys") else h for h in doc.table.headers]
        records = [dict(zip(keys, (value(c) for c in row), strict=True)) for row in doc.table.rows]
    obj = {
        "title": doc.title,
        "intro": [slots.inline(p) for p in doc.intro],
        "records": records,
        "notes": [slots.inline(p) for p in doc.outro],
    }
    text = json.dumps(obj, ensure_ascii=bool(opts.get("ascii")), indent=2)
    for token in numeric:
        text = text.replace(f'"{token}"', token)
    return text + "\n"


RENDERERS: dict[str, Callable[[Doc, Slots, dict[str, Any]], str]] = {
    "txt": render_txt,
    "md": render_md,
    "csv": render_delimited,
    "tsv": render_delimited,
    "json": render_json,
    "html": render_html,
}

# ---------------------------------------------------------------------------
# Writing files and labels
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class FileSpec:
    """One file to write: relative path, format, encoding, content and format options."""

    rel: str
    fmt: str
    encoding: str | None
    docs: list[Doc]
    opts: dict[str, Any] = field(default_factory=dict)


def ordered_location(loc: dict[str, Any]) -> dict[str, Any]:
    """Location keys in SPEC §5 order, so labels read like scanner output."""
    order = ("sheet", "cell", "row", "line", "column", "field")
    return {k: loc[k] for k in order if k in loc}


RULE_LABEL_ENTITY = {
    "P131": "PERSON_NAME",
    "P132": "PERSON_NAME",
    "P141": "SENSITIVE_INFO",
    "P151": "ADDRESS",
    "P162": "OTHER_ID",
}


def make_labels(spec: FileSpec, val: Val, loc: dict[str, Any]) -> list[dict[str, Any]]:
    """The value's label, and what else is expected at the same place.

    A name's record-level rules (P131/P141/P151) go in its label's ``also`` list
    (compact: one line per name); a 残疾人证号 gets its own P162 label.
    """
    first = make_label(spec, val, loc)
    if val.entity == "PERSON_NAME":
        if val.also:
            first["also"] = list(val.also)
        return [first]
    labels = [first]
    for rule in val.also:
        labels.append(dict(first, entity=RULE_LABEL_ENTITY[rule], rule_id=rule, expect="finding"))
    return labels


def make_label(spec: FileSpec, val: Val, loc: dict[str, Any]) -> dict[str, Any]:
    """One labels.jsonl record; ``prefix`` holds text before the located value (``+86 ``)."""
    label = {
        "path": spec.rel,
        "format": spec.fmt,
        "encoding": spec.encoding,
        "entity": val.entity,
        "rule_id": val.rule_id,
        "expect": val.expect,
        "kind": val.kind,
        "location": ordered_location(loc),
        "value": val.text[val.lead :],
    }
    if val.lead:
        label["prefix"] = val.text[: val.lead]
    return label


def write_text(root: Path, spec: FileSpec) -> list[dict[str, Any]]:
    """Render, resolve placeholders, encode and write one text-format file."""
    slots = Slots()
    opts = dict(spec.opts)
    opts.setdefault("sep", "\t" if spec.fmt == "tsv" else ",")
    opts.setdefault("charset", {"utf-8-sig": "utf-8"}.get(spec.encoding or "", spec.encoding))
    template = RENDERERS[spec.fmt](spec.docs[0], slots, opts)
    text, placed = resolve(template, slots)
    if opts.get("crlf"):
        text = text.replace("\n", "\r\n")
    target = root / spec.rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text.encode(spec.encoding or "utf-8"))
    return [label for val, loc in placed for label in make_labels(spec, val, loc)]


def column_letter(index: int) -> str:
    """1-based column index to A1 letters."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_value(parts: list[Part]) -> tuple[Any, Val | None]:
    """Spreadsheet value of a cell and the (single) labelled value it holds."""
    vals = [p for p in parts if isinstance(p, Val)]
    if len(vals) > 1:
        raise ValueError("an xlsx cell may hold at most one labelled value")
    val = vals[0] if vals else None
    if val is not None and val.number and len(parts) == 1:
        return (float(val.text) if val.entity == "CN_RESIDENT_ID" else int(val.text)), val
    text = "".join(p if isinstance(p, str) else p.text for p in parts)
    if text.isdigit() and len(text) < 6:
        return int(text), val
    return text, val


def write_sheet(ws: Any, doc: Doc, opts: dict[str, Any]) -> list[tuple[Val, dict[str, Any]]]:
    """Title row merged over the columns, header on row 2, data, then footer lines."""
    from openpyxl.styles import Alignment, Font

    assert doc.table is not None
    headers = doc.table.headers
    width = len(headers)
    ws.cell(row=1, column=1, value=doc.title).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for col, header in enumerate(headers, start=1):
        ws.cell(row=2, column=col, value=header).font = Font(bold=True)
    rows: list[list[Cell]] = list(doc.table.rows)
    first_footer = 3 + len(rows) + 1
    placed: list[tuple[Val, dict[str, Any]]] = []
    for r, row in enumerate(rows, start=3):
        for c, cell in enumerate(row, start=1):
            placed += put_cell(ws, r, c, parts_of(cell), headers[c - 1], opts)
    for offset, paragraph in enumerate(doc.outro):
        r = first_footer + offset
        placed += put_cell(ws, r, 1, list(paragraph), headers[0], opts)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    for header in opts.get("hidden_columns", ()):
        ws.column_dimensions[column_letter(headers.index(header) + 1)].hidden = True
    for r in opts.get("hidden_rows", ()):
        ws.row_dimensions[r].hidden = True
    for c, header in enumerate(headers, start=1):
        ws.column_dimensions[column_letter(c)].width = max(8, min(24, 2 * len(header) + 4))
    return placed


def put_cell(
    ws: Any, r: int, c: int, parts: list[Part], header: str, opts: dict[str, Any]
) -> list[tuple[Val, dict[str, Any]]]:
    """Write one cell; ID-like columns are stored as text (number format @)."""
    value, val = cell_value(parts)
    cell = ws.cell(row=r, column=c, value=value)
    if isinstance(value, str) and "身份证" in header:
        cell.number_format = "@"
    if val is None:
        return []
    ref = f"{column_letter(c)}{r}"
    return [(val, {"sheet": ws.title, "cell": ref, "row": r, "field": header})]


def write_xlsx(root: Path, spec: FileSpec) -> list[dict[str, Any]]:
    """A workbook with one sheet per doc; sheet options come from spec.opts['sheets']."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    placed: list[tuple[Val, dict[str, Any]]] = []
    for doc, sheet_opts in zip(spec.docs, spec.opts["sheets"], strict=True):
        ws = wb.create_sheet(sheet_opts["name"])
        placed += write_sheet(ws, doc, sheet_opts)
        if sheet_opts.get("hidden"):
            ws.sheet_state = "hidden"
    wb.properties.creator = "镇政府办"
    wb.properties.created = FIXED_TIME
    target = root / spec.rel
    target.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    package = buffer.getvalue()
    if saved_by_excel(spec.rel):
        package = excel_form(package)
    target.write_bytes(normalise_zip(package))
    return [label for val, loc in placed for label in make_labels(spec, val, loc)]


# Raised whenever the same plan comes out as different bytes (2: half the workbooks in Excel's
# form), so that bench scripts regenerate a cached corpus instead of measuring the old one.
CORPUS_FORM = 2


def saved_by_excel(rel: str) -> bool:
    """Half the workbooks, picked by path (stable whatever the order of writing), as Excel saves them."""
    return zlib.crc32(rel.encode("utf-8")) % 2 == 0


_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def excel_form(package: bytes) -> bytes:
    """An openpyxl workbook as Excel and WPS save one: text in a shared-strings table, in UTF-8.

    openpyxl writes every string inline (``t="inlineStr"``) and, with lxml, every Chinese
    character as a numeric reference (``&#40857;``): real workbooks look like neither, so the
    corpus carries both forms. ``<is>`` and ``<si>`` share one content model, so each inline
    string moves to the table as it is.
    """
    from lxml import etree

    source = zipfile.ZipFile(io.BytesIO(package))
    parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    strings: dict[bytes, int] = {}
    table = etree.Element(f"{{{_SHEET_NS}}}sst", nsmap={None: _SHEET_NS})
    uses = 0
    for name in sorted(n for n in parts if n.startswith("xl/worksheets/sheet")):
        root = etree.fromstring(parts[name])
        for cell in root.iter(f"{{{_SHEET_NS}}}c"):
            inline = cell.find(f"{{{_SHEET_NS}}}is")
            if cell.get("t") != "inlineStr" or inline is None:
                continue
            inline.tag = f"{{{_SHEET_NS}}}si"
            key = etree.tostring(inline)
            if key not in strings:
                strings[key] = len(strings)
                table.append(inline)
            else:
                cell.remove(inline)
            cell.set("t", "s")
            etree.SubElement(cell, f"{{{_SHEET_NS}}}v").text = str(strings[key])
            uses += 1
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if not strings:
        return package
    table.set("count", str(uses))
    table.set("uniqueCount", str(len(strings)))
    parts["xl/sharedStrings.xml"] = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/></Types>'.encode()
    )
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdStrings" Type="{_SST_REL}" Target="sharedStrings.xml"/></Relationships>'.encode(),
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in parts.items():
            archive.writestr(name, payload)
    return out.getvalue()


def normalise_zip(data: bytes) -> bytes:
    """Fixed timestamps inside the xlsx so the committed bytes never churn."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2023-03-01T09:00:00Z\g<2>",
                    payload,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, payload)
    return out.getvalue()


def write_file(root: Path, spec: FileSpec) -> list[dict[str, Any]]:
    if spec.fmt == "xlsx":
        return write_xlsx(root, spec)
    if spec.fmt == "edge":
        target = root / spec.rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(spec.opts["bytes"])
        return []
    return write_text(root, spec)


# ---------------------------------------------------------------------------
# Corpus plans
# ---------------------------------------------------------------------------


def make_towns(g: Gen) -> list[Town]:
    """Fictional towns, each tied to a real county code so IDs carry a plausible region."""
    counties = [("532328", g.regions.name("532328"))]
    counties += [g.rng.choice(g.regions.current) for _ in range(len(TOWNS) - 1)]
    towns = []
    for (slug, name), (code, county_name) in zip(TOWNS, counties, strict=True):
        villages = g.rng.sample(VILLAGES, 5)
        g.county = code
        towns.append(Town(slug, name, code, county_name, villages, g.uscc("11")))
    return towns


def build_doc(g: Gen, town: Town, kind: str, style: str, rows: int, year: int, month: int) -> Doc:
    """Build one document for a town; IDs default to the town's county."""
    g.county = town.county
    ctx = Ctx(town, g.rng.choice(town.villages), year, month, style, rows)
    doc = BUILDERS[kind](g, ctx)
    doc.village = ctx.village
    return doc


STYLE_CYCLE = ("exposed", "mixed", "exposed", "weak", "mixed", "masked", "exposed", "mixed")
KIND_CYCLE = ("dibao", "gengdi", "canji", "notice", "jiaoyu", "linshi", "coop", "dibao", "quhua", "gengdi")


def text_options(g: Gen, fmt: str, encoding: str, n: int) -> dict[str, Any]:
    """Per-file layout quirks: title rows, CRLF, HTML layout, JSON key style."""
    opts: dict[str, Any] = {}
    if fmt in ("csv", "tsv"):
        opts["title_row"] = n % 2 == 0
        opts["crlf"] = encoding in ("gbk", "gb18030") and n % 3 != 2
    if fmt == "txt":
        opts["crlf"] = encoding == "gbk"
    if fmt == "html":
        opts["cell_per_line"] = n % 2 == 1
        opts["nbsp"] = n % 3 == 1
    if fmt == "json":
        opts["pinyin_keys"] = n % 2 == 0
        opts["ascii"] = encoding == "utf-8" and n == 2
    return opts


def sample_plan(g: Gen, towns: list[Town]) -> list[FileSpec]:
    """The committed corpus: every text format × encoding × 3 documents, xlsx, edge files."""
    specs: list[FileSpec] = []
    counter = 0
    for f_index, fmt in enumerate(TEXT_FORMATS):
        for e_index, encoding in enumerate(ENCODINGS):
            for n in range(3):
                kind = KIND_CYCLE[counter % len(KIND_CYCLE)]
                # Latin-square-like spread: every format and encoding gets every style.
                style = STYLE_CYCLE[(3 * n + e_index + 2 * f_index) % len(STYLE_CYCLE)]
                town = towns[counter % len(towns)]
                opts = text_options(g, fmt, encoding, n)
                g.ascii_only = bool(opts.get("ascii"))
                year, month = 2021 + counter % 3, 1 + counter % 12
                doc = build_doc(g, town, kind, style, g.rng.randrange(12, 31), year, month)
                g.ascii_only = False
                stem = f"{year}-{month:02d}_{KIND_NAMES[kind]}_{counter:03d}"
                specs.append(FileSpec(f"{town.slug}/{stem}.{fmt}", fmt, encoding, [doc], opts))
                counter += 1
    specs += xlsx_plan(g, towns)
    specs += people_plan(g, towns)
    specs += column_plan(towns, g.regions)
    specs.append(FileSpec("edge/空文件.txt", "edge", None, [], {"bytes": b""}))
    header = "序号,姓名,身份证号码,联系电话\r\n".encode("gbk")
    specs.append(FileSpec("edge/仅表头.csv", "edge", None, [], {"bytes": header}))
    return specs


def xlsx_plan(g: Gen, towns: list[Town]) -> list[FileSpec]:
    """Workbooks: visible and hidden sheets, hidden rows/columns, numeric IDs and phones."""
    specs: list[FileSpec] = []
    t = towns

    def doc(town: Town, kind: str, style: str, rows: int) -> Doc:
        return build_doc(g, town, kind, style, rows, 2023, 3)

    # 1. 耕地地力保护补贴: masked visible sheets, raw data left in a hidden sheet.
    docs = [doc(t[0], "gengdi", "masked", 20), doc(t[0], "gengdi", "masked", 18), doc(t[0], "gengdi", "exposed", 38)]
    sheets = [{"name": docs[0].village}, {"name": docs[1].village + "（2）"}, {"name": "原始数据", "hidden": True}]
    specs.append(FileSpec(f"{t[0].slug}/2023年耕地地力保护补贴发放清册.xlsx", "xlsx", None, docs, {"sheets": sheets}))
    # 2. 低保: phone column hidden, two hidden rows.
    docs = [doc(t[1], "dibao", "exposed", 30), doc(t[1], "linshi", "weak", 15)]
    sheets = [
        {"name": "低保名单", "hidden_columns": ["联系电话"], "hidden_rows": [5, 9]},
        {"name": "临时救助"},
    ]
    specs.append(FileSpec(f"{t[1].slug}/2023年3月低保及临时救助名单.xlsx", "xlsx", None, docs, {"sheets": sheets}))
    # 3. Data export: IDs typed as numbers (5.32328E+17) and phones as numbers.
    export = doc(t[2], "dibao", "exposed", 25)
    to_numbers(g, export)
    sheets = [{"name": "导出"}, {"name": "核对"}]
    specs.append(
        FileSpec(
            f"{t[2].slug}/低保数据导出.xlsx",
            "xlsx",
            None,
            [export, doc(t[2], "dibao", "mixed", 20)],
            {"sheets": sheets},
        )
    )
    # 4-8. One workbook per remaining kind and style.
    for i, (kind, style, name) in enumerate(
        (
            ("canji", "exposed", "两项补贴"),
            ("jiaoyu", "weak", "学生资助"),
            ("coop", "exposed", "合作社"),
            ("linshi", "masked", "临时救助"),
            ("jiaoyu", "mixed", "秋季学期"),
        )
    ):
        town = t[(3 + i) % len(t)]
        docs = [doc(town, kind, style, 24), doc(town, kind, style, 12)]
        sheets = [{"name": name}, {"name": name + "（续）"}]
        rel = f"{town.slug}/2023年{KIND_NAMES[kind]}_{i + 4:02d}.xlsx"
        specs.append(FileSpec(rel, "xlsx", None, docs, {"sheets": sheets}))
    return specs


def to_numbers(g: Gen, doc: Doc) -> None:
    """Turn the ID column into float-damaged numbers and plain phones into integers."""
    assert doc.table is not None
    headers = doc.table.headers
    id_col, phone_col = headers.index("身份证号码"), headers.index("联系电话")
    for row in doc.table.rows:
        row[id_col] = g.id_val("id_numeric")
        phone = row[phone_col]
        if isinstance(phone, Val) and phone.kind == "phone_plain":
            row[phone_col] = Val(phone.text, phone.entity, "P111", "finding", "phone_number", True)


def bench_plan(g: Gen, towns: list[Town], size_mb: float) -> Iterator[FileSpec]:
    """Endless mix of formats and kinds with larger tables, until the caller stops."""
    counter = 0
    while True:
        fmt = (*TEXT_FORMATS, "xlsx")[counter % 7]
        kind = KIND_CYCLE[counter % len(KIND_CYCLE)]
        style = STYLE_CYCLE[counter % len(STYLE_CYCLE)]
        town = towns[counter % len(towns)]
        rows = g.rng.randrange(300, 1500)
        doc = build_doc(g, town, kind, style, rows, 2023, 1 + counter % 12)
        rel = f"{town.slug}/{counter // 100:03d}/{KIND_NAMES[kind]}_{counter:05d}.{fmt}"
        if fmt == "xlsx":
            yield FileSpec(rel, fmt, None, [doc], {"sheets": [{"name": "名单"}]})
        else:
            encoding = ENCODINGS[counter % len(ENCODINGS)]
            yield FileSpec(rel, fmt, encoding, [doc], text_options(g, fmt, encoding, counter % 3))
        counter += 1


# ---------------------------------------------------------------------------
# The "mixed" bench profile: a year of a village's 政务公开/村务公开 column
# ---------------------------------------------------------------------------

# One cycle of 20 files: 6 personal-data lists (30 %) and 14 documents with none (70 %),
# interleaved so every stretch of the corpus looks like the whole. 20 and the 7 formats
# are coprime, and the encodings shift by one each cycle, so each slot meets every
# format in every encoding.
MIXED_CYCLE = (
    "list", "caiwu", "tongzhi", "jiyao", "list", "caiwu", "xiangmu", "tongzhi", "list", "jiyao",
    "caiwu", "coop", "list", "tongzhi", "jiyao", "list", "caiwu", "xiangmu", "list", "quhua",
)  # fmt: skip
MIXED_LIST_KINDS = ("dibao", "gengdi", "canji", "notice", "jiaoyu", "linshi")
PERSONAL_KINDS = frozenset(MIXED_LIST_KINDS)
MIXED_NAMES = {
    "caiwu": "村务财务收支公开",
    "tongzhi": "通知公告",
    "jiyao": "会议纪要",
    "xiangmu": "项目中标结果公示",
}
# Rows per document: (low, high) drawn uniformly, with a share of long documents
# (an annual ledger, a county-wide code table) so sizes run from a few KB to a few hundred.
MIXED_ROWS: dict[str, tuple[tuple[int, int], float, tuple[int, int]]] = {
    "list": ((20, 120), 0.25, (120, 300)),
    "caiwu": ((15, 90), 0.12, (400, 1800)),
    "tongzhi": ((3, 12), 0.1, (12, 40)),
    "jiyao": ((3, 8), 0.0, (3, 8)),
    "xiangmu": ((3, 10), 0.0, (3, 10)),
    "coop": ((5, 40), 0.2, (40, 150)),
    "quhua": ((8, 25), 0.3, (80, 400)),
}
MIXED_SEED = 20240616
BENCH_PROFILES = ("lists", "mixed")


def mixed_shares() -> dict[str, float]:
    """Planned share of files per slot kind of MIXED_CYCLE (for the docstring, manifest, README)."""
    return {k: MIXED_CYCLE.count(k) / len(MIXED_CYCLE) for k in dict.fromkeys(MIXED_CYCLE)}


def cn_date(day: dt.date) -> str:
    """2023年3月15日: how prose and many tables write a date."""
    return f"{day.year}年{day.month}月{day.day}日"


def day_in(g: Gen, year: int, month: int) -> dt.date:
    """A day of the document's month (1-28, so every month has it)."""
    return dt.date(year, month, g.rng.randrange(1, 29))


def yuan(value: float, commas: bool) -> str:
    """Yuan with fen, as finance tables print it: 12,345.60 or 12345.60."""
    return f"{value:,.2f}" if commas else f"{value:.2f}"


def yuan_part(value: float, commas: bool) -> Part:
    """Yuan as a table cell or prose part; 8+ digits in a row (12345678.90) are a labelled hard negative."""
    text = yuan(value, commas)
    return Val(text, "BANK_CARD", None, "negative", "amount") if LONG_DIGITS.search(text) else text


def money(g: Gen, lo: int, hi: int, commas: bool = True) -> str:
    """A random amount between ``lo`` and ``hi`` yuan."""
    return yuan(g.rng.randrange(lo * 100, hi * 100) / 100, commas)


def wenhao(g: Gen, ctx: Ctx, issuer: str | None = None) -> str:
    """A document number 文号 such as 清政发〔2023〕12号 (short digits: never personal-looking)."""
    issuer = issuer or ctx.town.name[0] + g.rng.choice(("政发", "政办发", "政通", "民发", "农发", "发"))
    return f"{issuer}〔{ctx.year}〕{g.rng.randrange(1, 160)}号"


def county_wenhao(g: Gen, ctx: Ctx) -> str:
    """A county bureau's 文号 (元谋农发〔2023〕5号), cited as the basis of a town notice."""
    short = ctx.town.county_name[:2]
    return wenhao(g, ctx, short + g.rng.choice(("政发", "政办发", "农发", "民发", "医保发", "财农")))


def project_code(g: Gen, ctx: Ctx) -> Part:
    """项目编号: lettered (QS-ZB-2023-017), county code + year (5323282023-JS-07), or 16 digits, never ID/card-like."""
    style = g.rng.randrange(3)
    if style == 0:
        return f"{ctx.town.slug[:2].upper()}-ZB-{ctx.year}-{g.rng.randrange(1, 200):03d}"
    if style == 1:
        text = f"{ctx.town.county}{ctx.year}-JS-{g.rng.randrange(1, 99):02d}"
    else:
        text = g.long_number(ctx.town.county + str(ctx.year), 16)
    return Val(text, "CN_RESIDENT_ID", None, "negative", "project_no")


def uscc_val(g: Gen, prefix: str, digits_only: bool = False) -> Val:
    """A 统一社会信用代码 for a company (91), collective (N2) or office: checked never ID- or card-like."""
    kind = "uscc_digits" if digits_only else "uscc_alpha"
    return Val(g.uscc(prefix, digits_only), "CN_RESIDENT_ID", None, "negative", kind)


def plain(parts: Sequence[Part]) -> list[Part]:
    """One unlabelled string: an xlsx footer cell may hold only one labelled value (sign-off lines)."""
    return ["".join(p if isinstance(p, str) else p.text for p in parts)]


def gov_footer(g: Gen, ctx: Ctx, issued: dt.date) -> list[list[Part]]:
    """Issuer with its 统一社会信用代码, date, 索引号: the end of every government page."""
    gov = Val(ctx.town.uscc, "CN_RESIDENT_ID", None, "negative", "uscc_alpha")
    index_no = Val(
        f"{ctx.town.uscc}/{ctx.year}-{g.rng.randrange(1, 400):05d}", "CN_RESIDENT_ID", None, "negative", "index_no"
    )
    return [
        [f"{ctx.town.county_name}{ctx.town.name}人民政府（统一社会信用代码：", gov, "）"],
        [cn_date(issued)],
        ["索引号：", index_no, "　发布日期：", issued.isoformat()],
    ]


# (摘要, 科目编码, 会计科目) of a village collective's ledger; income first, then spending.
CAIWU_INCOME = (
    ("收到上级拨付村级组织运转经费", "511", "补助收入"),
    ("收到一事一议财政奖补资金", "511", "补助收入"),
    ("收取集体鱼塘承包费", "502", "发包及上交收入"),
    ("收取集体林地承包费", "502", "发包及上交收入"),
    ("收取集体铺面租金", "501", "经营收入"),
    ("收到村集体经济合作社项目分红", "503", "投资收益"),
    ("收到银行存款利息", "522", "其他收入"),
    ("收到农村人居环境整治补助资金", "511", "补助收入"),
)
CAIWU_SPENDING = (
    ("支付村委会办公用品费", "55001", "管理费用—办公费"),
    ("支付村委会电费、水费", "55002", "管理费用—水电费"),
    ("支付村干部误工补贴", "55003", "管理费用—误工补贴"),
    ("支付村民代表会议误餐费", "55004", "管理费用—会议费"),
    ("支付网络及通讯费", "55005", "管理费用—通讯费"),
    ("支付村道维修材料款", "541", "经营支出"),
    ("支付保洁员劳务费", "55101", "其他支出—环境卫生"),
    ("支付垃圾清运费", "55101", "其他支出—环境卫生"),
    ("支付农田水利设施维修款", "541", "经营支出"),
    ("购买防汛物资", "55102", "其他支出—防汛"),
    ("支付公益性岗位补贴", "55103", "其他支出—公益性岗位"),
    ("转存定期存款", "102", "银行存款"),
)


def voucher(g: Gen, style: int, n: int, day: dt.date) -> str:
    """凭证号 as village bookkeeping software prints it (never 8 digits in a row)."""
    return (f"记-{n:03d}", f"记字第{n:03d}号", f"{day.month:02d}-{n:04d}")[style]


def ledger_date(style: int, day: dt.date) -> Part:
    """The same date in the four ways ledgers write it; 20230315 is labelled (8 digits)."""
    if style == 3:
        return Val(day.strftime("%Y%m%d"), "CN_RESIDENT_ID", None, "negative", "date8")
    return (day.isoformat(), cn_date(day), day.strftime("%Y.%m.%d"))[style]


def ledger_days(g: Gen, ctx: Ctx, annual: bool) -> list[dt.date]:
    """Sorted posting dates: one month, or the whole year for an annual ledger."""
    months = range(1, 13) if annual else (ctx.month,)
    return sorted(day_in(g, ctx.year, g.rng.choice(months)) for _ in range(ctx.rows))


def ledger_amount(g: Gen, is_income: bool, balance: float) -> float:
    """Income is mostly small with some large grants; spending never overdraws the account."""
    if is_income:
        return g.rng.randrange(50_00, 300_000_00 if g.rng.random() < 0.3 else 20_000_00) / 100
    amount = g.rng.randrange(50_00, 30_000_00) / 100
    return amount if amount <= balance else round(balance / 3, 2)


def caiwu_rows(g: Gen, ctx: Ctx, annual: bool, commas: bool) -> tuple[list[list[Cell]], float, float, float]:
    """Ledger lines with a running balance; returns rows, opening balance, income, spending."""
    opening = balance = g.rng.randrange(20_000_00, 900_000_00) / 100
    v_style, d_style = g.rng.randrange(3), g.rng.randrange(4)
    income = spending = 0.0
    rows: list[list[Cell]] = []
    for n, day in enumerate(ledger_days(g, ctx, annual), start=1):
        is_income = g.rng.random() < 0.2
        summary, code, subject = g.rng.choice(CAIWU_INCOME if is_income else CAIWU_SPENDING)
        amount = ledger_amount(g, is_income, balance)
        if is_income:
            balance, income = balance + amount, income + amount
        else:
            balance, spending = balance - amount, spending + amount
        cells: list[Cell] = [yuan_part(amount, commas), ""] if is_income else ["", yuan_part(amount, commas)]
        row: list[Cell] = [str(n), voucher(g, v_style, n, day), ledger_date(d_style, day), summary, code, subject]
        rows.append(row + cells + [yuan_part(balance, commas)])
    return rows, opening, income, spending


def build_caiwu(g: Gen, ctx: Ctx) -> Doc:
    """村务财务公开: a month's (or, for long ones, a year's) income and spending ledger, no person in it."""
    annual = ctx.rows > 300
    commas = g.rng.random() < 0.6
    rows, opening, income, spending = caiwu_rows(g, ctx, annual, commas)
    period = f"{ctx.year}年度" if annual else f"{ctx.year}年{ctx.month}月"
    headers = ["序号", "凭证号", "记账日期", "摘要", "科目编码", "会计科目", "收入（元）", "支出（元）", "余额（元）"]
    intro: list[list[Part]] = [
        [
            f"根据《村务公开目录》和村级财务管理有关规定，经{ctx.village}村务监督委员会审核，"
            f"现将{ctx.village}{period}财务收支情况公开如下。"
        ],
        [
            "上期结余",
            yuan_part(opening, commas),
            "元，本期收入合计",
            yuan_part(income, commas),
            "元，支出合计",
            yuan_part(spending, commas),
            "元，期末结余",
            yuan_part(opening + income - spending, commas),
            "元。",
        ],
    ]
    d = dt.date(ctx.year + 1, 1, 1) if annual or ctx.month == 12 else dt.date(ctx.year, ctx.month + 1, 1)
    d += dt.timedelta(days=g.rng.randrange(2, 10))  # published early the next month (or year)
    collective = uscc_val(g, "N2")
    outro: list[list[Part]] = [
        ["村民理财小组审核意见：经审核，以上收支票据齐全，手续完备，同意公开。"],
        [f"公开时间：{cn_date(d)}至{cn_date(d + dt.timedelta(days=30))}。"],
        ["村务监督委员会监督电话：", g.negative("landline"), "。"],
        [
            f"{ctx.village}股份经济合作社（统一社会信用代码：",
            collective,
            f"）　代理记账：{ctx.town.name}农村集体资产管理服务中心",
        ],
    ]
    title = f"{ctx.town.name}{ctx.village}{period}财务收支明细公开表"
    return Doc("caiwu", title, intro, Table(headers, rows), outro)


@dataclass(frozen=True, slots=True)
class Topic:
    """A policy notice's subject: title, legal basis, four numbered sections and its task table."""

    title: str
    basis: str
    sections: tuple[str, ...]
    task: str
    unit: str
    per_village: tuple[int, int]


TOPICS = (
    Topic(
        "关于做好{year}年耕地地力保护补贴面积核实和发放工作的通知",
        "耕地地力保护补贴资金管理办法",
        (
            "一、补贴对象。拥有耕地承包权的种地农民。已作为畜牧养殖场、林地、设施农用地以及非农征（占）用的耕地，"
            "长年抛荒地、占补平衡中“补”的面积和质量达不到耕种条件的耕地，不纳入补贴范围。",
            "二、补贴标准。经测算，{year}年全镇补贴标准为每亩{rate}元，县级下达我镇补贴资金{amount}元，"
            "通过惠民惠农财政补贴资金“一卡通”直接兑付到户。",
            "三、时间安排。{d1}至{d2}为面积申报和核实阶段；{d3}前各村完成村内公示，公示期不少于7天；"
            "{d4}前镇农业服务中心完成审核汇总并报县农业农村局。",
            "四、工作要求。各村要按照“谁审核、谁签字、谁负责”的原则如实核实面积。公示时只公开户主姓名、"
            "补贴面积和补贴金额，不得公开身份证号码、银行账号和联系电话等个人信息。",
        ),
        "核实面积",
        "亩",
        (300, 6000),
    ),
    Topic(
        "关于做好{next}年度城乡居民基本医疗保险集中参保缴费工作的通知",
        "关于做好城乡居民基本医疗保障工作的通知",
        (
            "一、缴费时间。{next}年度集中缴费期为{d1}至{d2}，集中缴费期结束后参保的，设置待遇等待期。",
            "二、缴费标准。个人缴费标准为每人每年380元，各级财政补助标准为每人每年不低于640元。"
            "特困人员、低保对象等困难群众的个人缴费部分按规定给予资助。",
            "三、缴费方式。参保群众可通过“云南税务”APP、微信公众号、手机银行或到村（社区）便民服务站缴费，"
            "{d3}前各村完成应参保人员核对，{d4}前完成集中缴费任务。",
            "四、工作要求。各村要加强政策宣传，做到应保尽保；全镇参保率目标为{pct}%，全年补助资金约{amount}元。",
        ),
        "参保人数",
        "人",
        (500, 4500),
    ),
    Topic(
        "关于开展{year}年农村人居环境整治提升行动的通知",
        "农村人居环境整治提升五年行动方案（2021—2025年）",
        (
            "一、目标任务。{year}年底前，全镇农村卫生户厕普及率达到{pct}%以上，生活垃圾收运处置体系覆盖所有自然村。",
            "二、重点工作。扎实推进农村厕所革命、生活污水治理和村容村貌提升，开展“清垃圾、清塘沟、清畜禽粪污”行动。",
            "三、时间安排。{d1}至{d2}为动员部署阶段；{d3}前完成集中整治；{d4}前组织验收，"
            "镇级安排奖补资金{amount}元，按验收结果拨付。",
            "四、保障措施。各村要把人居环境整治纳入村规民约，镇人民政府每季度对各村进行考评，考评结果在镇政务公开栏公布。",
        ),
        "户厕改造",
        "户",
        (20, 300),
    ),
    Topic(
        "关于进一步加强{year}年森林草原防灭火工作的通知",
        "森林防火条例",
        (
            "一、防火期。{year}年森林草原防火期为{d1}至{d2}，其中{d3}至{d4}为高火险期，防火期内严禁一切野外用火。",
            "二、责任落实。全面落实镇领导包村、村干部包组、护林员包山头地块的网格化责任体系，全镇共设固定检查站12个。",
            "三、火情报告。发现火情立即拨打森林火警电话12119或镇森林防火指挥部值班电话，做到早发现、早报告、早处置。",
            "四、经费保障。镇财政安排防灭火专项经费{amount}元，用于扑火物资储备和护林员补助。",
        ),
        "巡护面积",
        "亩",
        (2000, 30000),
    ),
    Topic(
        "关于做好{year}年汛期地质灾害防治工作的通知",
        "地质灾害防治条例",
        (
            "一、汛期时间。{year}年主汛期为{d1}至{d2}，各村要落实24小时值班和领导带班制度。",
            "二、隐患排查。{d3}前各村完成地质灾害隐患点汛前排查，对威胁群众生命财产安全的隐患点逐一落实监测责任人。",
            "三、预警转移。收到橙色及以上预警后，要立即组织受威胁群众转移避险，做到“应转尽转、应转早转”。",
            "四、资金安排。镇人民政府安排防汛抢险资金{amount}元，{d4}前完成防汛物资储备。",
        ),
        "监测隐患点",
        "处",
        (1, 12),
    ),
    Topic(
        "{county}{year}年度征兵公告",
        "中华人民共和国兵役法",
        (
            "一、征集对象。男性青年年满18至22周岁（2005年1月1日至2007年12月31日出生），"
            "普通高等学校毕业生可放宽至24周岁（2001年1月1日以后出生）。",
            "二、报名时间。网上报名截止时间为{d1}，初检初考于{d2}前完成，{d3}起开始体检。",
            "三、优待政策。义务兵家庭优待金按不低于{amount}元/年的标准发放，服役期间保留户口和承包地。",
            "四、咨询方式。有意应征的适龄青年可到镇人民武装部咨询报名，{d4}前完成政治考核。",
        ),
        "征集任务",
        "名",
        (1, 6),
    ),
)
NOTICE_UNITS = (
    "镇农业服务中心",
    "镇财政所",
    "镇社会保障服务中心",
    "镇人民武装部",
    "镇自然资源所",
    "镇林业站",
    "各村委会",
)


def topic_values(g: Gen, ctx: Ctx) -> dict[str, str]:
    """Dates, amounts and rates a notice's sections mention, in order through the year."""
    start = day_in(g, ctx.year, ctx.month)
    # Sorted: each day draws its own offset, so unsorted a range could end before it starts.
    days = sorted(start + dt.timedelta(days=sum(g.rng.randrange(5, 25) for _ in range(i + 1))) for i in range(4))
    return {
        "year": str(ctx.year),
        "next": str(ctx.year + 1),
        "county": ctx.town.county_name,
        "rate": f"{g.rng.randrange(8000, 13000) / 100:.2f}",
        "pct": str(g.rng.randrange(85, 99)),
        "amount": money(g, 50_000, 3_000_000),
        **{f"d{i + 1}": cn_date(day) for i, day in enumerate(days)},
    }


def task_rows(g: Gen, ctx: Ctx, topic: Topic, deadline: dt.date) -> list[list[Cell]]:
    """附件 table: the task broken down by village, with money and a deadline (no person)."""
    rows: list[list[Cell]] = []
    for i in range(1, ctx.rows + 1):
        village = ctx.town.villages[i - 1] if i <= len(ctx.town.villages) else g.rng.choice(VILLAGES)
        task = g.rng.randrange(*topic.per_village)
        due = deadline + dt.timedelta(days=g.rng.randrange(0, 20))
        rows.append([str(i), village, str(task), money(g, 2_000, 400_000), cn_date(due), g.rng.choice(NOTICE_UNITS)])
    return rows


def contact_line(g: Gen, office: str) -> list[Part]:
    """An office's 联系人 (a staff member in role), its landline and an official 咨询 mobile."""
    return [
        f"联系单位：{office}，联系人：",
        g.staff("official"),
        "，联系电话：",
        g.negative("landline"),
        "；咨询电话：",
        g.negative("official_mobile"),
        "。",
    ]


def build_tongzhi(g: Gen, ctx: Ctx, topic: Topic | None = None) -> Doc:
    """A policy 通知/公告 in prose: 文号, dates, amounts, an office's phones, a per-village task table.

    ``topic`` picks one of TOPICS instead of drawing it (the labelled samples choose theirs).
    """
    topic = topic or g.rng.choice(TOPICS)
    values = topic_values(g, ctx)
    intro: list[list[Part]] = [
        [wenhao(g, ctx)],
        ["各村（居）民委员会、镇属各单位："],
        [
            f"根据《{topic.basis}》和《{ctx.town.county_name}关于转发〈{topic.basis}〉的通知》"
            f"（{county_wenhao(g, ctx)}）精神，结合我镇实际，现将有关事项通知如下。"
        ],
    ]
    intro += [[section.format(**values)] for section in topic.sections]
    intro += [["特此通知。"], contact_line(g, g.rng.choice(NOTICE_UNITS))]
    intro.append([f"附件：{ctx.town.name}各村（社区）{topic.task}任务分解表"])
    headers = ["序号", "村（社区）", f"{topic.task}（{topic.unit}）", "补助资金（元）", "完成时限", "责任单位"]
    rows = task_rows(g, ctx, topic, day_in(g, ctx.year, ctx.month) + dt.timedelta(days=60))
    issued = day_in(g, ctx.year, ctx.month)
    outro = gov_footer(g, ctx, issued)
    if g.rng.random() < 0.4:
        outro.append(plain(signoff_line(g)))
    title = topic.title.format(**values)
    return Doc("tongzhi", title, intro, Table(headers, rows), outro)


# (议定事项, 责任主体): what a village meeting typically decides; no resident is named.
RESOLUTIONS = (
    ("同意{month}月财务收支公开表，按规定在村务公开栏公开", "村务监督委员会"),
    ("同意实施{project}，项目资金按“四议两公开”程序使用", "村民委员会"),
    ("同意调整村内道路保洁区域，保洁经费按季度拨付", "村民委员会"),
    ("同意将集体鱼塘发包期限延长至{next}年12月31日", "村股份经济合作社"),
    ("同意开展低保对象季度动态复核，结果经民主评议后公示", "村民委员会"),
    ("同意修订村规民约第三章人居环境条款", "村民代表大会"),
    ("同意组建防汛应急小分队，落实汛期24小时值班", "村党总支"),
    ("同意按每亩{rate}元标准发放集体林地管护补助", "村股份经济合作社"),
)
PROJECTS = (
    "村组道路硬化工程",
    "饮水安全巩固提升工程",
    "农田灌溉沟渠修缮工程",
    "村级活动场所改造工程",
    "太阳能路灯安装项目",
)
ROLES = ("村党总支书记", "村委会主任", "驻村第一书记", "村务监督委员会主任")


def vote(g: Gen) -> str:
    """A resolution's tally, e.g. 应到42人，实到38人，同意36票，反对0票，弃权2票."""
    due = g.rng.randrange(25, 60)
    present = due - g.rng.randrange(0, 6)
    against, abstain = g.rng.randrange(0, 3), g.rng.randrange(0, 4)
    return f"应到{due}人，实到{present}人，同意{present - against - abstain}票，反对{against}票，弃权{abstain}票"


def minutes_intro(g: Gen, ctx: Ctx, held: dt.date, project: str) -> list[list[Part]]:
    """Time, place, chair (an official in role), attendance and the prose of the debate."""
    code = project_code(g, ctx)
    return [
        [f"时间：{cn_date(held)}上午{g.rng.choice(('9:00', '9:30', '10:00'))}"],
        [f"地点：{ctx.village}村民委员会会议室"],
        ["主持人：", g.staff("official"), f"（{g.rng.choice(ROLES)}）"],
        [f"参会人员：村“两委”班子成员、村务监督委员会成员及村民代表共{g.rng.randrange(25, 60)}人。"],
        ["记录人：", g.staff("official"), "（村文书）"],
        [
            f"会议听取了村务监督委员会关于{ctx.year}年{ctx.month}月财务收支情况的审核报告，"
            f"本月收入{money(g, 5_000, 200_000)}元，支出{money(g, 3_000, 150_000)}元，票据经审核无误。"
        ],
        [
            f"会议研究了{project}（项目编号：",
            code,
            f"）实施方案。项目总投资{money(g, 200_000, 2_000_000)}元，其中申请上级补助资金"
            f"{money(g, 100_000, 1_000_000)}元，村集体自筹{money(g, 10_000, 200_000)}元，"
            f"计划于{cn_date(held + dt.timedelta(days=45))}前开工。",
        ],
        [
            f"会议传达学习了镇党委、镇人民政府《关于做好{ctx.year}年村务公开工作的通知》（{wenhao(g, ctx)}）精神，"
            "要求公开内容真实准确，涉及个人信息的一律去标识化处理。"
        ],
        ["经充分讨论，会议议定事项如下："],
    ]


def build_jiyao(g: Gen, ctx: Ctx) -> Doc:
    """会议纪要 (村民代表大会): prose with amounts, dates, 项目编号, and a table of decisions."""
    held = day_in(g, ctx.year, ctx.month)
    project = g.rng.choice(PROJECTS)
    values = {
        "month": str(ctx.month),
        "next": str(ctx.year + 1),
        "project": project,
        "rate": f"{g.rng.randrange(5, 40)}.00",
    }
    rows: list[list[Cell]] = []
    for i in range(1, ctx.rows + 1):
        text, owner = g.rng.choice(RESOLUTIONS)
        due = held + dt.timedelta(days=g.rng.randrange(7, 120))
        rows.append([str(i), text.format(**values), vote(g), owner, cn_date(due)])
    headers = ["序号", "议定事项", "表决情况", "责任主体", "完成时限"]
    outro: list[list[Part]] = [
        ["本纪要经参会人员签字确认，原件存村委会档案室备查。"],
        [f"{ctx.village}村民委员会　{cn_date(held + dt.timedelta(days=g.rng.randrange(1, 4)))}"],
        ["村务监督委员会监督电话：", g.negative("landline")],
    ]
    title = f"{ctx.village}{ctx.year}年第{g.rng.randrange(1, 9)}次村民代表大会会议纪要"
    return Doc("jiyao", title, minutes_intro(g, ctx, held, project), Table(headers, rows), outro)


COMPANY_WORDS = ("鑫源", "宏达", "恒信", "兴盛", "瑞丰", "金泰", "永安", "顺通", "华宇", "锦程", "诚建", "众邦")
COMPANY_TRADES = ("建筑工程", "建设工程", "市政工程", "水利水电工程", "园林绿化工程", "路桥工程")


def company(g: Gen, ctx: Ctx) -> str:
    """A local contractor's name: companies are not persons, their data is public registry data."""
    return f"{ctx.town.county_name[:2]}{g.rng.choice(COMPANY_WORDS)}{g.rng.choice(COMPANY_TRADES)}有限公司"


def bidder_rows(g: Gen, ctx: Ctx, ceiling: int) -> list[list[Cell]]:
    """Bidders ranked by score: company, its 统一社会信用代码 (old digit-only ones too), price."""
    scores = sorted((g.rng.randrange(6000, 9800) / 100 for _ in range(ctx.rows)), reverse=True)
    rows: list[list[Cell]] = []
    for rank, score in enumerate(scores, start=1):
        price = money(g, int(ceiling * 0.85), ceiling)
        code = uscc_val(g, "91", digits_only=g.rng.random() < 0.2)
        rows.append([str(rank), company(g, ctx), code, price, str(g.rng.randrange(60, 240)), f"{score:.2f}", str(rank)])
    return rows


def build_xiangmu(g: Gen, ctx: Ctx) -> Doc:
    """中标结果公示: 项目编号, bid dates and prices, companies with their 统一社会信用代码."""
    project = f"{ctx.village}{g.rng.choice(PROJECTS)}"
    ceiling = g.rng.randrange(300_000, 5_000_000)
    opened = day_in(g, ctx.year, ctx.month)
    rows = bidder_rows(g, ctx, ceiling)
    winner, code, price, days = (rows[0][i] for i in (1, 2, 3, 4))
    agency = company(g, ctx).replace("工程有限公司", "工程咨询有限公司")
    intro: list[list[Part]] = [
        [f"一、项目名称：{project}"],
        ["二、项目编号：", project_code(g, ctx)],
        [f"三、建设地点：{ctx.town.county_name}{ctx.town.name}{ctx.village}"],
        [f"四、采购方式：{g.rng.choice(('公开招标', '竞争性磋商', '询价', '竞争性谈判'))}"],
        [f"五、开标时间：{cn_date(opened)} {g.rng.choice(('09:30', '10:00', '14:30'))}"],
        [f"六、最高限价：{yuan(ceiling, True)}元；中标价：{price}元；工期：{days}日历天。"],
        [f"七、中标人：{winner}（统一社会信用代码：", code, "）"],
    ]
    headers = ["序号", "投标人名称", "统一社会信用代码", "投标报价（元）", "工期（日历天）", "评审得分", "名次"]
    outro: list[list[Part]] = [
        [f"公示期：{cn_date(opened + dt.timedelta(days=1))}至{cn_date(opened + dt.timedelta(days=3))}。"],
        [f"招标人：{ctx.village}村民委员会；招标代理机构：{agency}（统一社会信用代码：", uscc_val(g, "91"), "）"],
        ["代理机构联系电话：", g.negative("landline"), "。"],
        ["监督部门：镇纪委，监督电话：", g.negative("landline"), "。"],
    ]
    return Doc("xiangmu", f"{project}中标结果公示", intro, Table(headers, rows), outro)


MIXED_BUILDERS: dict[str, Callable[[Gen, Ctx], Doc]] = {
    "caiwu": build_caiwu,
    "tongzhi": build_tongzhi,
    "jiyao": build_jiyao,
    "xiangmu": build_xiangmu,
    "coop": build_coop,
    "quhua": build_quhua,
}


def mixed_rows(g: Gen, slot: str) -> int:
    """Rows for one document of a slot kind: mostly short, sometimes long (see MIXED_ROWS)."""
    usual, long_share, long = MIXED_ROWS[slot]
    return g.rng.randrange(*(long if g.rng.random() < long_share else usual))


def mixed_kind(n: int) -> tuple[str, str, str]:
    """(slot, kind, style) of file ``n``: list slots walk the list kinds and every style."""
    slot = MIXED_CYCLE[n % len(MIXED_CYCLE)]
    if slot != "list":
        return slot, slot, "exposed"
    per_cycle = MIXED_CYCLE.count("list")
    li = n // len(MIXED_CYCLE) * per_cycle + MIXED_CYCLE[: n % len(MIXED_CYCLE)].count("list")
    kind = MIXED_LIST_KINDS[li % len(MIXED_LIST_KINDS)]
    return slot, kind, STYLE_CYCLE[(li + li // len(MIXED_LIST_KINDS)) % len(STYLE_CYCLE)]


def mixed_doc(g: Gen, town: Town, n: int, rows: tuple[int, int] | None = None) -> Doc:
    """Document ``n`` of the mixed profile; ``rows`` overrides the realistic lengths (bench_sweep's small files)."""
    slot, kind, style = mixed_kind(n)
    count = g.rng.randrange(*rows) if rows else mixed_rows(g, slot)
    g.county = town.county
    ctx = Ctx(town, g.rng.choice(town.villages), 2023, 1 + n % 12, style, count)
    doc = (BUILDERS if slot == "list" else MIXED_BUILDERS)[kind](g, ctx)
    doc.village = ctx.village
    return doc


def bench_name(kind: str) -> str:
    """The Chinese file-name stem of a kind, so a finding's path tells which kind it came from."""
    return KIND_NAMES.get(kind) or MIXED_NAMES[kind]


def mixed_spec(g: Gen, towns: list[Town], n: int) -> FileSpec:
    """File ``n`` of the mixed profile: its slot's document in the n-th of the 7 formats."""
    fmt = (*TEXT_FORMATS, "xlsx")[n % 7]
    town = towns[n % len(towns)]
    doc = mixed_doc(g, town, n)
    rel = f"{town.slug}/{n // 100:03d}/{bench_name(doc.kind)}_{n:05d}.{fmt}"
    if fmt == "xlsx":
        sheet = "名单" if doc.kind in PERSONAL_KINDS else "公开表"
        return FileSpec(rel, fmt, None, [doc], {"sheets": [{"name": sheet}]})
    encoding = ENCODINGS[(n + n // len(MIXED_CYCLE)) % len(ENCODINGS)]
    return FileSpec(rel, fmt, encoding, [doc], text_options(g, fmt, encoding, n % 3))


def mixed_plan(g: Gen, towns: list[Town]) -> Iterator[FileSpec]:
    """Endless mixed-profile files, until the caller stops."""
    n = 0
    while True:
        yield mixed_spec(g, towns, n)
        n += 1


# ---------------------------------------------------------------------------
# The mixed profile's free-text genres in the committed corpus, labelled for names
# ---------------------------------------------------------------------------

# Minutes, policy notices and tender results built by the mixed-profile builders, drawn from
# their own seed after every other sample (so the files before them never change). Their
# hard negatives for P132 are labelled: officials in role (the builders' ``official`` staff),
# sign-off staff, the persons a tender result must publish, and as ``trap_*`` the companies,
# 文号 and words a surname ends (经费保障). The residents a real column names are P132 findings.
COLUMN_SEED = 20230302
# (kind, format, encoding, town index, topic index for a notice)
COLUMN_PLAN = (
    ("jiyao", "txt", "utf-8", 1, None),
    ("jiyao", "md", "gbk", 3, None),
    ("jiyao", "html", "gb18030", 2, None),
    ("tongzhi", "txt", "gb18030", 2, 3),
    ("tongzhi", "md", "utf-8-sig", 1, 0),
    ("tongzhi", "html", "utf-8", 3, 5),
    ("xiangmu", "txt", "gbk", 0, None),
    ("xiangmu", "html", "utf-8-sig", 4, None),
)
HAN = "\u4e00-\u9fff"
# Where a name detector could read a person: a company or a 文号 from its first character
# (凌海华宇建设工程有限公司, 白政通〔2023〕12号), 经费保障 (费 is a surname), and the names of
# a sign-off line (flattened to plain text by the builder). Each match becomes a negative label.
NAME_TRAPS = re.compile(
    rf"(?P<trap_company>(?<![{HAN}])[{HAN}]{{2,20}}?有限公司)"
    rf"|(?P<trap_docno>(?<![{HAN}])[{HAN}]{{1,8}}〔\d{{4}}〕\d{{1,4}}号)"
    r"|(?P<trap_word>经费保障)"
    rf"|(?P<signoff>(?<=撰稿：|校对：|排版：|审核：)[{HAN}]{{2,4}})"
)
# A surname that forms an ordinary word with the character before it (对+方 对方, 为+何 为何,
# 对+白 对白): still a person here, e.g. 会议同意对方建华家…
JOINED_SURNAMES = (("会议同意对", "方"), ("会议同意为", "何"), ("会议同意对", "白"))


def label_traps(parts: Sequence[Part]) -> list[Part]:
    """The parts with every NAME_TRAPS match in their plain text turned into a negative label."""
    out: list[Part] = []
    for part in parts:
        if not isinstance(part, str) or isinstance(part, Mark):
            out.append(part)
            continue
        pos = 0
        for m in NAME_TRAPS.finditer(part):
            out += [part[pos : m.start()], Val(m.group(), "PERSON_NAME", None, "negative", m.lastgroup or "")]
            pos = m.end()
        out.append(part[pos:])
    return [p for p in out if p != ""]


def label_cell_traps(cell: Cell) -> Cell:
    parts = label_traps(parts_of(cell))
    return parts[0] if len(parts) == 1 else parts


def label_doc_traps(doc: Doc) -> Doc:
    """The document with its name traps labelled in paragraphs and table cells."""
    doc.intro = [label_traps(p) for p in doc.intro]
    doc.outro = [label_traps(p) for p in doc.outro]
    if doc.table:
        doc.table.rows = [[label_cell_traps(c) for c in row] for row in doc.table.rows]
    return doc


def joined_name(g: Gen, surname: str) -> Val:
    """A Han name whose surname makes a word with the character before it (对方, 为何)."""
    return Val(surname + people.han_given(g.prng), "PERSON_NAME", "P132", "finding", "txt_joined_han")


def insert_before(doc: Doc, start: str, paragraphs: list[list[Part]]) -> None:
    """Put ``paragraphs`` before the first intro paragraph that starts with ``start``."""
    at = next(i for i, p in enumerate(doc.intro) if isinstance(p[0], str) and p[0].startswith(start))
    doc.intro[at:at] = paragraphs


def column_jiyao(g: Gen, ctx: Ctx, n: int) -> Doc:
    """Minutes whose debate names residents (村民…反映, 同意将…纳入) and a visiting official."""
    doc = build_jiyao(g, ctx)
    r = g.rng
    lead, surname = JOINED_SURNAMES[n % len(JOINED_SURNAMES)]
    enum = [g.person("txt_enum", ANY_ORIGIN, legacy=False) for _ in range(2)]
    insert_before(
        doc,
        "经充分讨论",
        [
            ["镇包村领导", g.staff("official"), f"{r.choice(('副镇长', '书记'))}列席会议。"],
            [
                "村民",
                g.person("txt_cue", HAN_ONLY, legacy=False),
                f"反映{ctx.village}{group_name(g)}灌溉沟渠渗漏，会议同意列入下季度维修计划。",
            ],
            [
                "经评议，同意将",
                g.person("txt_cue", HAN_ONLY, legacy=False),
                f"纳入{ctx.year}年临时救助范围，救助金额{r.randrange(5, 40) * 100}元。",
            ],
            ["经民主评议，拟将", enum[0], "、", enum[1], f"等2户纳入{ctx.year}年农村低保保障范围。"],
            [lead, joined_name(g, surname), f"家因灾受损房屋给予临时救助{r.randrange(10, 60) * 100}元。"],
            ["会议要求落实经费保障，加强资金管理，严格工程监管。"],
        ],
    )
    return doc


def column_tongzhi(g: Gen, ctx: Ctx, topic: int | None) -> Doc:
    """A policy notice with a resident named twice (村民…反映, 确定…为) and a sign-off line."""
    doc = build_tongzhi(g, ctx, TOPICS[topic] if topic is not None else None)
    insert_before(
        doc,
        "特此通知",
        [
            [
                f"{ctx.village}村民",
                g.person("txt_cue", HAN_ONLY, legacy=False),
                f"来电反映的问题已由{g.rng.choice(NOTICE_UNITS)}核实办结。",
            ],
            [
                "经个人申请、村委会评议，确定",
                g.person("txt_cue", HAN_ONLY, legacy=False),
                f"为{ctx.year}年度特殊困难帮扶对象，一次性补助{g.rng.randrange(5, 30) * 100}元。",
            ],
        ],
    )
    if not doc.outro[-1][0].startswith(people.SIGNOFF_ROLES[0]):
        doc.outro.append(signoff_line(g))
    return doc


def column_xiangmu(g: Gen, ctx: Ctx) -> Doc:
    """A tender result with the persons it must publish: the 项目负责人 and the 评审专家."""
    doc = build_xiangmu(g, ctx)
    experts: list[Part] = ["九、评审专家："]
    for j in range(g.rng.randrange(3, 6)):
        experts += (["、"] if j else []) + [g.staff("tender_person")]
    doc.intro += [["八、项目负责人：", g.staff("tender_person"), f"（{g.rng.choice(('一', '二'))}级建造师）"], experts]
    return doc


def column_plan(towns: list[Town], regions: Regions) -> list[FileSpec]:
    """The labelled minutes, notices and tender results (own seed: nothing before them moves)."""
    g = Gen(COLUMN_SEED, regions)
    specs: list[FileSpec] = []
    for n, (kind, fmt, encoding, town_index, topic) in enumerate(COLUMN_PLAN):
        town = towns[town_index]
        g.county = town.county
        rows = g.rng.randrange(3, 7)
        ctx = Ctx(town, g.rng.choice(town.villages), 2023, 2 + n, "exposed", rows)
        if kind == "jiyao":
            doc = column_jiyao(g, ctx, n)
        elif kind == "tongzhi":
            doc = column_tongzhi(g, ctx, topic)
        else:
            doc = column_xiangmu(g, ctx)
        doc.village = ctx.village
        stem = f"{ctx.year}-{ctx.month:02d}_{MIXED_NAMES[kind]}_{n + 200:03d}"
        opts = text_options(g, fmt, encoding, n % 3)
        specs.append(FileSpec(f"{town.slug}/{stem}.{fmt}", fmt, encoding, [label_doc_traps(doc)], opts))
    return specs


# ---------------------------------------------------------------------------
# Driving the generation
# ---------------------------------------------------------------------------


def label_sort_key(label: dict[str, Any]) -> tuple[Any, ...]:
    """Path, then sheet, then reading order: the order a reviewer walks a file in."""
    loc = label["location"]
    cell = loc.get("cell", "")
    letters = re.sub(r"\d", "", cell)
    col = loc.get("column") or sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(letters)))
    return (label["path"], loc.get("sheet", ""), loc.get("line", loc.get("row", 0)), col)


def prepare_out(out: Path) -> None:
    """Start from an empty folder; only ever wipe a folder that holds a previous corpus."""
    import shutil

    generated = ("labels.jsonl", "bench-manifest.txt")
    bench_manifest = out.parent / f"{out.name}.manifest"
    if out.exists() and any(out.iterdir()):
        if not any((out / name).exists() for name in generated) and not bench_manifest.exists():
            raise SystemExit(f"refusing to overwrite {out}: not empty and not a generated corpus")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def generate_samples(out: Path, seed: int = SAMPLE_SEED) -> list[dict[str, Any]]:
    """Write the small labelled corpus and labels.jsonl; return the labels."""
    prepare_out(out)
    g = Gen(seed, load_regions())
    towns = make_towns(g)
    labels: list[dict[str, Any]] = []
    for spec in sample_plan(g, towns):
        labels += write_file(out, spec)
    labels.sort(key=label_sort_key)
    with (out / "labels.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
        for label in labels:
            fh.write(json.dumps(label, ensure_ascii=False) + "\n")
    return labels


def generate_bench(out: Path, size_mb: float, seed: int | None = None, profile: str = "lists") -> tuple[int, int]:
    """Write an unlabelled corpus of about ``size_mb`` MB in one profile; return (files, bytes).

    ``lists`` is the worst case (every file a long list); ``mixed`` a village column's year.
    The manifest beside ``out`` names the profile, so a cached corpus of the other is not reused.
    """
    if profile not in BENCH_PROFILES:
        raise ValueError(f"unknown bench profile {profile!r}")
    prepare_out(out)
    seed = seed or (MIXED_SEED if profile == "mixed" else BENCH_SEED)
    g = Gen(seed, load_regions())
    towns = make_towns(g)
    plan = mixed_plan(g, towns) if profile == "mixed" else bench_plan(g, towns, size_mb)
    sizes: dict[str, list[int]] = {}
    total = 0
    for spec in plan:
        write_file(out, spec)
        size = (out / spec.rel).stat().st_size
        sizes.setdefault(spec.docs[0].kind, []).append(size)
        total += size
        if total >= size_mb * 1_000_000:
            break
    manifest = bench_manifest(seed, size_mb, profile, sizes)
    (out.parent / f"{out.name}.manifest").write_text(manifest, encoding="utf-8")
    return sum(len(v) for v in sizes.values()), total


def bench_manifest(seed: int, size_mb: float, profile: str, sizes: dict[str, list[int]]) -> str:
    """key=value lines: what bench scripts compare, then measured shares by kind and by group."""
    files = sum(len(v) for v in sizes.values())
    total = sum(sum(v) for v in sizes.values())
    lines = [f"seed={seed}", f"size_mb={size_mb}", f"files={files}", f"bytes={total}", f"profile={profile}"]
    lines.append(f"form={CORPUS_FORM}")
    if profile == "mixed":
        planned = ", ".join(f"{k} {v:.0%}" for k, v in mixed_shares().items())
        lines.append(f"planned_file_shares={planned}")
    groups = {"personal_lists": PERSONAL_KINDS, "no_personal_data": frozenset(sizes) - PERSONAL_KINDS}
    for name, kinds in [*((f"kind.{k}", {k}) for k in sorted(sizes)), *groups.items()]:
        n = sum(len(sizes.get(k, [])) for k in kinds)
        b = sum(sum(sizes.get(k, [])) for k in kinds)
        lines.append(f"{name}=files {n} ({n / files:.1%}), bytes {b} ({b / total:.1%})")
    return "\n".join(lines) + "\n"


def read_labels(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def summarise(labels: Sequence[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Label counts by expectation, entity, rule, format and encoding (for READMEs and logs)."""
    tables: dict[str, dict[str, int]] = {}
    for axis in ("expect", "entity", "rule_id", "format", "encoding", "kind"):
        counts: dict[str, int] = {}
        for label in labels:
            key = str(label[axis]) if label[axis] is not None else "-"
            counts[key] = counts.get(key, 0) + 1
        tables[axis] = dict(sorted(counts.items()))
    return tables


# ---------------------------------------------------------------------------
# Self-verification: every label points at its value; every long number is labelled
# ---------------------------------------------------------------------------


def verify(root: Path) -> list[str]:
    """Re-read the written corpus and report any label that does not match the files."""
    labels = read_labels(root / "labels.jsonl")
    problems: list[str] = []
    keys: set[tuple[Any, ...]] = set()
    by_path: dict[str, list[dict[str, Any]]] = {}
    for label in labels:
        loc = label["location"]
        where = (label["path"], loc.get("sheet"), loc.get("cell"), loc.get("line"), loc.get("column"))
        key = (*where, label["rule_id"], label["entity"])
        if key in keys:
            problems.append(f"duplicate label location {key}")
        keys.add(key)
        by_path.setdefault(label["path"], []).append(label)
    for file in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "labels.jsonl"):
        rel = file.relative_to(root).as_posix()
        group = by_path.pop(rel, [])
        if file.suffix == ".xlsx":
            problems += verify_xlsx(file, rel, group)
        elif group:
            problems += verify_text(file, rel, group)
    problems += [f"labels for a missing file: {path}" for path in by_path]
    return problems


def verify_text(file: Path, rel: str, labels: list[dict[str, Any]]) -> list[str]:
    """Check values at (line, column), csv row/field, and that long digit runs are labelled."""
    problems: list[str] = []
    data = file.read_bytes()
    encoding = labels[0]["encoding"]
    if encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
        problems.append(f"{rel}: BOM in a file labelled utf-8")
    text = data.decode(encoding)
    lines = text.split("\n")
    spans: dict[int, list[tuple[int, int]]] = {}
    for label in labels:
        loc, value = label["location"], label["value"]
        line = lines[loc["line"] - 1]
        if not line[loc["column"] - 1 :].startswith(value):
            problems.append(f"{rel}:{loc['line']}:{loc['column']}: value not found ({label['kind']})")
        start = loc["column"] - len(label.get("prefix", ""))
        spans.setdefault(loc["line"], []).append((start, loc["column"] + len(value)))
    if labels[0]["format"] in ("csv", "tsv"):
        problems += verify_records(text, rel, labels)
    for number, line in enumerate(lines, start=1):
        line = re.sub(r"\\u[0-9a-fA-F]{4}", "\0" * 6, line)  # JSON escapes are not numbers
        for m in LONG_DIGITS.finditer(line):
            col = m.start() + 1
            if not any(a <= col < b for a, b in spans.get(number, [])):
                problems.append(f"{rel}:{number}:{col}: unlabelled long number")
    return problems


def verify_records(text: str, rel: str, labels: list[dict[str, Any]]) -> list[str]:
    """CSV/TSV: the record number is ``row`` and the column's header is ``field``."""
    sep = "\t" if labels[0]["format"] == "tsv" else ","
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    problems = []
    for label in labels:
        loc = label["location"]
        record = records[loc["row"] - 1]
        columns = [j for j, cell in enumerate(record) if label["value"] in cell]
        headed = [j for j in columns if any(r[j] == loc["field"] for r in records[: loc["row"] - 1])]
        if not headed:
            problems.append(f"{rel}: row {loc['row']} / field {loc['field']} does not hold the value")
    return problems


def verify_xlsx(file: Path, rel: str, labels: list[dict[str, Any]]) -> list[str]:
    """Check each labelled cell, its header on row 2, and that long numbers are labelled."""
    from openpyxl import load_workbook

    problems = []
    wb = load_workbook(file)
    labelled = {(lab["location"]["sheet"], lab["location"]["cell"]) for lab in labels}
    for label in labels:
        loc, value = label["location"], label["value"]
        ws = wb[loc["sheet"]]
        got = ws[loc["cell"]].value
        shown = label.get("prefix", "") + value
        ok = float(got) == float(value) if isinstance(got, int | float) else shown in str(got)
        header = ws.cell(row=2, column=ws[loc["cell"]].column).value
        if not ok or header != loc["field"] or str(loc["row"]) != re.sub(r"\D", "", loc["cell"]):
            problems.append(f"{rel}!{loc['sheet']}!{loc['cell']}: value/field/row mismatch")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                shown = f"{v:.0f}" if isinstance(v, int | float) else str(v or "")
                if LONG_DIGITS.search(shown) and (ws.title, cell.coordinate) not in labelled:
                    problems.append(f"{rel}!{ws.title}!{cell.coordinate}: unlabelled long number")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "corpora" / "samples")
    parser.add_argument("--bench", action="store_true", help="write the large benchmark corpus")
    parser.add_argument("--size-mb", type=float, default=50.0, help="bench corpus size")
    parser.add_argument(
        "--bench-profile",
        choices=BENCH_PROFILES,
        default="lists",
        help="lists: every file a long personal-data list (worst case); mixed: 30 %% short lists among "
        "documents without personal data (finance tables, notices, minutes, tenders)",
    )
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    if args.bench:
        files, total = generate_bench(args.out, args.size_mb, args.seed, args.bench_profile)
        print(f"bench corpus ({args.bench_profile}): {files} files, {total / 1e6:.1f} MB in {args.out}")
        return 0
    labels = generate_samples(args.out, args.seed or SAMPLE_SEED)
    files = sum(1 for p in args.out.rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"samples: {files} files, {size / 1e6:.2f} MB, {len(labels)} labels in {args.out}")
    for axis, counts in summarise(labels).items():
        if axis != "kind":
            print(f"  {axis}: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    problems = verify(args.out)
    for problem in problems[:50]:
        print("VERIFY:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())

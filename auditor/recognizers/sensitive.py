"""Sensitive personal information (PIPL Art. 28) in columns and free text. Pure functions.

Health, disability, mental disorders, infectious disease, criminal record,
religion and minors' school data become a P141 finding only when they share a
record with a named person; this module only finds them and names the category.
Generic poverty causes (因病致贫, 因学) are not diagnoses and are not reported.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

CATEGORY_ZH = {
    "disability": "残疾类别或等级",
    "health": "疾病或健康状况",
    "mental": "精神障碍",
    "infectious": "传染病",
    "criminal": "犯罪或服刑记录",
    "religion": "宗教信仰",
    "minor": "未成年人学籍或年龄",
}
_HEADERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("mental", re.compile(r"精神")),
    ("infectious", re.compile(r"艾滋|HIV|传染病", re.I)),
    ("disability", re.compile(r"残疾(?:类别|等级|类型|程度|人证)|残疾情况|伤残等级|残疾")),
    ("health", re.compile(r"病种|患病|疾病|病情|病名|诊断|所患|病史|健康状况|身体状况")),
    ("criminal", re.compile(r"服刑|刑满|前科|犯罪|矫正|劳教|吸毒|戒毒|判决|罪名")),
    ("religion", re.compile(r"宗教|信仰")),
    ("minor", re.compile(r"就读学校|学校|年级|班级|在读")),
)
_AGE_HEADER = re.compile(r"年龄")
_EMPTY = frozenset(["无", "否", "空", "-", "—", "/", "正常", "健康", "良好", "未患病", "不详", "暂无", "／"])
TEXT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("mental", re.compile(r"精神(?:分裂|病|障碍|疾病|残疾)|抑郁症|癫痫|重性精神|躁狂")),
    ("infectious", re.compile(r"艾滋病|HIV|感染者|结核病|乙肝|梅毒|麻风", re.I)),
    (
        "disability",
        re.compile(
            r"(?:视力|听力|言语|肢体|智力|多重)(?:残疾|障碍)|残疾(?:等级|类别)|[一二三四1-4１-４]级(?:残疾|伤残)|"
            r"重度残疾|持证残疾|残疾人证"
        ),
    ),
    (
        "health",
        re.compile(
            r"患有|罹患|确诊|尿毒症|白血病|癌症|恶性肿瘤|[肺胃肝肠乳]癌|肝硬化|脑瘫|脑梗|脑出血|糖尿病|高血压|"
            r"透析|化疗|瘫痪|植物人|重大疾病|病种"
        ),
    ),
    ("criminal", re.compile(r"刑满释放|服刑|在押|社区矫正|判处|有期徒刑|吸毒|戒毒|劳动教养|前科")),
    ("religion", re.compile(r"宗教信仰|信仰(?:佛教|伊斯兰教|基督教|天主教|道教)|信教群众")),
    ("minor", re.compile(r"就读于|在读|[一二三四五六]年级|初[一二三]|高[一二三](?:学生|年级)|小学生|幼儿园")),
)


_ANY_TEXT = re.compile("|".join(f"(?:{p.pattern})" for _, p in TEXT_PATTERNS), re.I)


class SensitiveHit(NamedTuple):
    """A sensitive cell or phrase (a named tuple: cheap to build, one per sensitive cell)."""

    start: int
    end: int
    category: str


@lru_cache(maxsize=512)
def header_category(header: str | None) -> str | None:
    """The sensitive category a column holds, by its header (None for ordinary columns)."""
    if not header:
        return None
    for category, pattern in _HEADERS:
        if pattern.search(header):
            return category
    if _AGE_HEADER.search(header):
        return "age"
    return None


def cell_sensitive(text: str, header: str | None, offset: int = 0) -> SensitiveHit | None:
    """A filled cell of a sensitive column; an age column counts when the age is under 18."""
    category = header_category(header)
    value = text.strip()
    if category is None or not value or value in _EMPTY:
        return None
    start = offset + text.index(value)
    if category == "age":
        digits = re.match(r"\d{1,3}", value)
        if digits is None or int(digits.group()) >= 18:
            return None
        category = "minor"
    return SensitiveHit(start, start + len(value), category)


def text_sensitive(text: str, lo: int = 0, hi: int | None = None) -> list[SensitiveHit]:
    """Sensitive phrases in free text (患有尿毒症, 肢体二级残疾, 刑满释放 …)."""
    hi = len(text) if hi is None else hi
    if _ANY_TEXT.search(text, lo, hi) is None:
        return []
    hits = []
    for category, pattern in TEXT_PATTERNS:
        hits += [SensitiveHit(m.start(), m.end(), category) for m in pattern.finditer(text, lo, hi)]
    hits.sort(key=lambda h: h.start)
    return hits

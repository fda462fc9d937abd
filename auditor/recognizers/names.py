"""Chinese person names: name columns, strong context, and a surname model. Pure functions.

Evidence is combined rather than trusted from one trick:

* a column header such as 姓名/户主/申请人 makes a cell a name (even with no Han surname);
* strong context in free text (户主：…, 拟将…纳入, enumerations ending in 等N户, …同志,
  …之子, numbered list items, ，男，) opens a slot that any name-shaped token may fill;
* elsewhere a surname (single, compound, Yi clan) followed by 1–2 characters is scored
  with given-name character statistics and word boundaries, after trap checks
  (place suffixes 村/组/营…, ordinary words such as 高级/金额, officials in role).

Masked names (张*, 张某某, 张×华, 岩某) are returned as masked and never as exposed.
Offsets are offsets in the text given; values are raw and must never be printed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from auditor.recognizers.minority import INTERPUNCT, MAX_INTERPUNCT_NAME, is_interpunct_name, minority_name
from auditor.recognizers.surnames import UNKNOWN_CHAR_SCORE, NameData, name_data


def _words(text: str) -> list[str]:
    """A word list written as one space-separated string (easier to read and edit)."""
    return text.split()


CJK = "\u4e00-\u9fff\u3400-\u4dbf"
NAME_MASKS = "*＊×xX○〇●■□?？#＃"
_MASK_SET = frozenset(NAME_MASKS)
_INTERPUNCT_SET = frozenset(INTERPUNCT)
MAX_PLAIN = 4  # characters of a name without a middle dot (复姓 + 2)
MAX_DOTTED = 16

# Headers that make a column's cells person names, and words that make a header something else.
NAME_HEADER = re.compile(
    r"姓名|名字|户主|申请人|救助对象|保障对象|供养对象|补助对象|资助对象|领取人|监护人|学生|联系人|收款人|持卡人|户名|"
    r"家庭成员|成员姓名|代领人|被救助人|受益人|^(?:xm|hzxm|xsxm|jhr|jhrxm|sqrxm|name|full_?name)$",
    re.I,
)
NOT_NAME_HEADER = re.compile(
    r"号|证|电话|手机|账|卡|地址|住址|关系|人数|人口|数|性别|年龄|金额|类别|学校|年级|班级|日期|时间|民族|面积|标准|原因|"
    r"事由|情况|单位|职务|编码|代码|备注|签名|签字|出生|资金|等级|类型|程度"
)
ROLE_HEADER = re.compile(r"经办人|审核人|负责人|法定代表人|法人|填表人|制表人|调查人|评议人|审批人|包村干部|驻村")
FREE_TEXT_HEADER = re.compile(r"备注|说明|情况|事由|原因|事迹|理由")
_STOP_CELLS = frozenset(
    _words(
        "合计 小计 总计 共计 累计 无 空 本人 同上 户主 姓名 待定 其他 其它 "
        "备注 略 不详 暂无 以下空白 空白 男 女 是 否 已故 死亡"
    )
)
_ORG_END = re.compile(
    r"(?:办|局|所|站|委|会|公司|合作社|村|组|社区|中心|政府|学校|医院|小学|中学|队|厂|店|部|处|科|院|馆|协会|银行|镇|乡|县|市)$"
)
_PLACE_CHARS = frozenset("村组社湾营庄寨坝箐冲坡屯堡沟镇乡县区市街路巷州省苑")
_NOT_GIVEN = frozenset(
    "的了是在和与及或等为于之其这那个们们不也都就而且并但被把从向对由到给以因所已将会要能可该每各某此本第共约余多几"
)
# Chars after a name that end it (besides punctuation, digits, spaces, end of text).
RIGHT_CUE = frozenset(
    "等同之的户家系为于在因纳现已是与和及夫妻男女患申自本一二两三共全名将被由向对到从拟不未经所领获享属无也都称提签作任担"
    "老父母儿子孙诉报来去入出至持并又还再曾仍即就才便均各每说"
)
# Chars before a name that begin it (besides punctuation, digits, spaces, start of text).
LEFT_CUE = frozenset(
    "将给向对由经为据人象与及和同请让派是即系入被把令叫员属户称有至到批准意示予知妻夫子女父母之帮访望问扶报送找"
)
# Titles of village, town and county officials; each role pattern below adds its own words.
OFFICIAL_TITLES = "书记|主任|村长|组长|镇长|乡长|县长|局长|所长|站长|主席|部长|科长|股长|会计|文书|支书|助理员|专干"
ROLE_BEFORE = re.compile(
    rf"(?:{OFFICIAL_TITLES}|委员|干部|"
    r"经办人|审核人|负责人|联系人|法定代表人|法人代表|记者|通讯员|撰稿|撰写|摄影|校对|排版|审核|签发|编辑|作者|供稿|领导|"
    r"主持人|主持|记录人|记录员|记录|评审专家|评标专家)"
    r"[：:\s\u3000]*$"
)
# 李明华（村党总支书记）, 王芳(村文书): a role in brackets right after the name.
ROLE_IN_BRACKETS = re.compile(rf"^[（(][^）)\n]{{0,12}}?(?:{OFFICIAL_TITLES}|委员|干部|网格员|代表|工作人员)[）)]")
# Not a person: the start of an organisation's name (凌海华宇建设工程有限公司) or of a document
# number (白政通〔2023〕12号), read on from the candidate through CJK characters only.
ORG_AHEAD = re.compile(
    rf"[{CJK}]{{0,14}}?(?:有限责任公司|有限公司|公司|合作社|集团|商行|经营部|事务所|研究院|设计院|门市部|工作室|农场|厂)"
)
DOC_NUMBER_AHEAD = re.compile(rf"[{CJK}]{{0,4}}[〔\[［【]\d{{4}}[〕\]］】]")
# A list after a role label names people in that role (评审专家：A、B、C, which a procurement
# result must publish; 出席：…; 主持人：…): every name of the list is blocked, not reported.
ROLE_LIST = re.compile(
    r"(?:评审专家|评标专家|评审委员会成员|评标委员会成员|评审小组成员|出席人员|列席人员|参会人员|出席|列席|主持人|记录人)"
    rf"[：:]\s*(?P<names>[{CJK}·]{{2,6}}(?:[、，,]\s*[{CJK}·]{{2,6}})*)"
)
ROLE_AFTER = re.compile(rf"^(?:{OFFICIAL_TITLES}|委员|副书记|副主任|副镇长|副乡长|老师|医生|校长|记者|通讯员)")
PREFIX_CUES = re.compile(
    r"(?:户主|申请人|救助对象|保障对象|领取人|监护人|收款人|持卡人|户名|姓名|学生|患者|当事人|被救助人|受助人|家庭成员|"
    r"配偶|之子|之女|儿子|女儿|拟将|同意将|确定|经|人员|村民|居民|群众|农户|老人|残疾人|孤儿|儿童|低保户|"
    r"[\u4e00-\u9fff]{1,3}人(?=[：:]))(?P<colon>[：:])?[为是]?\s*"
)
SUFFIX_CUES = re.compile(
    r"^(?:同志|之(?:子|女|妻|夫|父|母|孙|孙女|兄|弟|姐|妹)|[（(](?:[男女]|户主|配偶|本人)|[，,][男女][，,、（(]|[，,]\d{1,3}岁)"
)
# Anything that could open a slot or mark a name without a surname (a cheap pre-check per text).
_ANY_CUE = re.compile(
    PREFIX_CUES.pattern + r"|等|同志|之|[男女]|[·•・‧]|某|[*＊×xX○〇●■□]|^\s*(?:\d|[一二三四五六七八九十])", re.M
)
ENUM_END = re.compile(r"^等\s*[0-9一二三四五六七八九十两]+\s*(?:户|人|名|位)|^等(?:人|户)")
LIST_ITEM = re.compile(r"^\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[.、．)）]\s*")
_MASKED_NAME = re.compile(
    rf"[{CJK}]{{1,2}}(?:某{{1,2}}|[{re.escape(NAME_MASKS)}]{{1,3}}[{CJK}]?|[{re.escape(NAME_MASKS)}][甲乙丙丁])"
)
_TOKEN = re.compile(rf"[{CJK}]+(?:[{INTERPUNCT}][{CJK}]+)*")
_PLAIN_CELL = re.compile(rf"[{CJK}]{{2,6}}")
_ENUMERATION = re.compile(rf"[{CJK}{INTERPUNCT}]{{2,16}}(?:、[{CJK}{INTERPUNCT}]{{2,16}})+")
_CELL_SPLIT = re.compile(r"[、，,；;/／\s\u3000]+")
THRESHOLD = 1.0
_KIN_CUES = frozenset(("之子", "之女", "配偶", "儿子", "女儿"))  # as strong as a label and colon
_TITLES = re.compile(rf"{OFFICIAL_TITLES}|校长|队长")
_PLACE_AHEAD = re.compile(rf"[{CJK}]?(?:村|社区|湾|营|庄|寨|坝|箐|冲|镇|乡)(?!长|民|干部)")
_ADDRESS_AFTER = re.compile(r"\d+\s*(?:栋|幢|号|单元|室|组|社)")
_UNIT_AFTER_NUMBER = frozenset("年月日时号元岁户人个次期级组栋室天周名位项批")
# Up to two characters that may follow a surname as its given name: CJK, none of _NOT_GIVEN. One
# match tells which of the two lengths can be a given name, instead of a test per character.
_GIVEN_CHARS = re.compile(rf"(?:(?![{''.join(sorted(_NOT_GIVEN))}])[{CJK}]){{1,2}}")
_INTERPUNCT_ANY = re.compile(f"[{INTERPUNCT}]")


class NameMention(NamedTuple):
    """A person name in a text. ``masked`` ones are compliant; ``source`` says what found it.

    Immutable like a frozen dataclass, and several times cheaper to build: one is made for
    every name of every document.
    """

    start: int
    end: int
    value: str
    masked: bool
    source: str  # column | context | enumeration | surname | model
    score: float = 1.0

    @property
    def evidence(self) -> str:
        return self.value if self.masked else mask_name(self.value)


# ---------------------------------------------------------------------------
# Masks
# ---------------------------------------------------------------------------


def mask_name(name: str, data: NameData | None = None) -> str:
    """张** / 欧阳* / 岩*: keep the surname (or first character), mask the rest, keep the length."""
    if len(name) <= 1:
        return "*" * len(name)
    if not _INTERPUNCT_SET.isdisjoint(name):
        return name[0] + "".join(c if c in _INTERPUNCT_SET else "*" for c in name[1:])  # 阿依古丽·** keeps its dots
    keep = len((data or name_data()).surname_of(name)) if len(name) > 2 else 1
    return name[:keep] + "*" * (len(name) - keep)


def is_masked_name(token: str) -> bool:
    """张*, 张某, 张某某, 张**, 张×华, 刘x甲, 某某, 岩某: a name someone already masked."""
    token = token.strip()
    if not 2 <= len(token) <= 6:
        return False
    if token in ("某某", "某某某"):
        return True
    has_mask = any(c in _MASK_SET for c in token) or "某" in token[1:]
    if not has_mask or not ("\u4e00" <= token[0] <= "\u9fff" or "\u3400" <= token[0] <= "\u4dbf"):
        return False
    return _MASKED_NAME.fullmatch(token) is not None or all(
        c in _MASK_SET or c == "某" or "\u4e00" <= c <= "\u9fff" for c in token
    )


# ---------------------------------------------------------------------------
# Headers and cells
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def header_kind(header: str | None) -> str | None:
    """'name', 'role' (staff column), 'text' (free-text column) or None for a column header."""
    if not header:
        return None
    if ROLE_HEADER.search(header):
        return "role"
    if NAME_HEADER.search(header) and not NOT_NAME_HEADER.search(header):
        return "name"
    if FREE_TEXT_HEADER.search(header):
        return "text"
    return None


def _name_token_ok(token: str) -> bool:
    if token in _STOP_CELLS or _ORG_END.search(token) or NAME_HEADER.search(token):
        return False
    if not _INTERPUNCT_SET.isdisjoint(token):
        return len(token) <= MAX_DOTTED and is_interpunct_name(token)
    return 2 <= len(token) <= 6


def cell_names(text: str, offset: int = 0) -> list[NameMention]:
    """Names in one cell of a name column: '张三', '张三（户主）', '张三、李四', '张*'."""
    name = text.strip()  # Markdown and aligned text tables pad their cells: | 张三 |
    if _PLAIN_CELL.fullmatch(name) and "某" not in name and _name_token_ok(name):
        start = offset + text.index(name)
        return [NameMention(start, start + len(name), name, False, "column")]  # the common case
    return _split_cell_names(text, offset)


def _split_cell_names(text: str, offset: int) -> list[NameMention]:
    """cell_names for any cell: split into parts, each a masked name, a name, or nothing."""
    found: list[NameMention] = []
    pos = 0
    for part in _CELL_SPLIT.split(text):
        start = text.find(part, pos) if part else pos
        pos = start + len(part)
        if not part:
            continue
        if is_masked_name(part) or is_masked_name(part.split("（")[0].split("(")[0]):
            core = part.split("（")[0].split("(")[0]
            found.append(NameMention(offset + start, offset + start + len(core), core, True, "column"))
            continue
        match = _TOKEN.match(part)
        if match is None:
            continue
        token = match.group()
        rest = part[match.end() :]
        if rest and rest[0] not in "（(【[<" and not rest[0].isdigit():
            continue  # 张三丰a, mixed tokens: not a plain name
        if _name_token_ok(token):
            found.append(NameMention(offset + start, offset + start + len(token), token, False, "column"))
    return found


# ---------------------------------------------------------------------------
# Free text
# ---------------------------------------------------------------------------


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _left_ok(text: str, start: int, lo: int) -> float:
    """Bonus for what precedes a candidate: start/punctuation 0.5, a cue character 0.3, else -0.7."""
    if start <= lo:
        return 0.5
    before = text[start - 1]
    if not ("\u4e00" <= before <= "\u9fff" or "\u3400" <= before <= "\u4dbf"):  # _is_cjk, called per surname
        return 0.5
    return 0.3 if before in LEFT_CUE else -0.7


def _right_ok(text: str, end: int, hi: int, data: NameData | None = None) -> float | None:
    """Bonus for what follows; None when the candidate cannot end here.

    Punctuation or a title (书记) 0.5; a cue character (等, 的, 同志 …) 0.3; the start of a
    common word (介绍, 代领) 0.2; any other character -0.4 (with ``data``) or impossible.
    """
    if end >= hi:
        return 0.5
    after = text[end]
    if not ("\u4e00" <= after <= "\u9fff" or "\u3400" <= after <= "\u4dbf"):  # _is_cjk, called per candidate
        return 0.5
    if _TITLES.match(text, end, hi):
        return 0.5
    if after in _PLACE_CHARS or _PLACE_AHEAD.match(text, end, hi):
        return None  # 张|家村, 白石|岩村: the candidate is the head of a place name
    if after in RIGHT_CUE:
        return 0.3
    if data is None:
        return None
    return 0.2 if text[end : end + 2] in data.common else -0.4


def _trap(text: str, start: int, end: int, data: NameData, lexicon: bool = True, given: bool = True) -> bool:
    """Place names (张家村, 李家湾组), ordinary words (高级, 金额), organisations.

    ``lexicon=False`` after a label (户主：和顺): a word that is also a name is a name there;
    ``given=False`` for list items, whose extent is already known (韩阿都).
    """
    candidate = text[start:end]
    if candidate[-1] in _PLACE_CHARS or (given and any(c in _NOT_GIVEN for c in candidate[1:])):
        return True
    if ORG_AHEAD.match(text, end) or DOC_NUMBER_AHEAD.match(text, end):
        return True
    if not lexicon:
        return False
    if candidate in data.words:
        return True
    if start > 0 and text[start - 1 : start + 1] in data.words:
        return True  # the surname ends an ordinary word (经费保障: no 费保障)
    # a longer ordinary word starting here swallows the candidate (周边地区, 黄金周)
    for size in (3, 2):
        word = text[start : start + size]
        if len(word) == size and word in data.words and start + size > end - 1 and size >= end - start:
            return True
    return False


def _role(text: str, start: int, end: int, lo: int, hi: int) -> bool:
    """An official or staff member named in role: 镇长李明华, 李明华书记, 撰稿：…"""
    return (
        ROLE_BEFORE.search(text, max(lo, start - 8), start) is not None
        or ROLE_AFTER.match(text[end : min(hi, end + 4)]) is not None
        or ROLE_IN_BRACKETS.match(text[end : min(hi, end + 16)]) is not None
    )


def _surname_candidates(
    text: str, start: int, lo: int, hi: int, data: NameData, strict: bool = True
) -> list[tuple[int, float]]:
    """(end, score) of surname + 1–2 given characters at ``start``, best boundary first.

    ``strict`` (no context cue) rejects weak surnames (和, 于) and characters rarely part of a name.
    """
    out: list[tuple[int, float]] = []
    if start > lo and text[start - 1].isdigit() and text[start] in _UNIT_AFTER_NUMBER:
        return out  # 2023年新增, 3号楼: a unit after a number, not a surname
    left = _left_ok(text, start, lo)
    given_score = data.given.get  # data.char_score without a method call per character
    for surname in data.surnames_at(text, start):
        if strict and surname.kind == "weak":
            continue  # 和, 于, 向 …: function words first, surnames only with context
        given_start = start + len(surname.text)
        given_chars = _GIVEN_CHARS.match(text, given_start, hi)
        if given_chars is None:
            continue
        options = []
        for size in (2, 1) if given_chars.end() - given_start == 2 else (1,):
            end = given_start + size
            right = _right_ok(text, end, hi, data)
            if right is None or (left < 0 and right < 0.5) or _ADDRESS_AFTER.match(text, end, hi):
                continue  # inside running text on both sides: 名单予以, not a name
            chars = [given_score(c, UNKNOWN_CHAR_SCORE) for c in text[given_start:end]]
            if strict and min(chars) < -2.0:
                continue  # a character rarely part of a name
            score = surname.prior + sum(chars) / len(chars) + left + right
            penalty = 0.0
            if text[end - 1 : end + 1] in data.common:
                penalty += 0.8  # the name would end inside a word (姚建|代领 → not 姚建代)
            prefix = data.common.get(text[start : start + 2], 0)
            if size == 2 and prefix >= 1000 and text[start : start + 2] in data.words:
                penalty += 1.0  # begins with a frequent ordinary word (安全隐…)
            # lengths compete on summed evidence (log-odds add up), three-character names being commoner
            evidence = sum(chars) + right - penalty + (0.3 if size == 2 else 0.0)
            options.append((evidence, end, score - penalty))
        if options:
            _, end, score = max(options)
            out.append((end, score))
    if len(out) > 1:
        out.sort(key=lambda o: -o[1])
    return out


class _SlotToken:
    """The CJK token (``_TOKEN``) a context slot starts in, kept for the next slot.

    Slots inside one long run share its end and its last middle dot, so finding them costs one
    pass over the run, not one per slot: a cell of 户主：… repeated 20,000 times without a break
    took minutes when every slot matched the rest of the run again.
    """

    __slots__ = ("end", "hi", "last_dot", "start", "text")

    def __init__(self, text: str, hi: int) -> None:
        self.text, self.hi = text, hi
        self.start = self.end = self.last_dot = -1

    def at(self, position: int) -> tuple[int, bool] | None:
        """(end, whether a middle dot lies in text[position:end]) of the token that
        ``_TOKEN.match(text, position, hi)`` finds, or None where it finds none."""
        text = self.text
        if self.start <= position < self.end:
            if text[position] in _INTERPUNCT_SET:
                return None  # a token never starts with its dot
        else:
            match = _TOKEN.match(text, position, self.hi)
            if match is None:
                return None
            self.start, self.end = position, match.end()
            self.last_dot = -1  # most tokens have no dot: one search says so
            if _INTERPUNCT_ANY.search(text, position, self.end) is not None:
                self.last_dot = max(text.rfind(dot, position, self.end) for dot in INTERPUNCT)
        return self.end, self.last_dot >= position


def _slot_extent(text: str, start: int, hi: int, data: NameData, labelled: bool, token: _SlotToken) -> int | None:
    """End of the name that fills a context slot starting at ``start``.

    After a label and colon (户主：…) any delimited 2–4 character token is a name; after
    other cues (拟将…, 户主…) the token must read as a surnamed or a minority name.
    """
    found = token.at(start)
    if found is None:
        return None
    end, dotted = found
    if dotted:
        return end if end - start <= MAX_INTERPUNCT_NAME and is_interpunct_name(text[start:end]) else None
    if labelled and 2 <= end - start <= MAX_PLAIN and _name_token_ok(text[start:end]):
        return end  # delimited on both sides: the whole token is the name
    best = [c for c in _surname_candidates(text, start, start, hi, data, strict=False) if c[1] >= 0.0]
    if best:
        return best[0][0]
    for size in (4, 3, 2):
        if size <= end - start and minority_name(text[start : start + size]):
            return start + size
    return None


def _masked_spans(text: str, lo: int, hi: int, data: NameData) -> list[NameMention]:
    found = []
    for m in _MASKED_NAME.finditer(text, lo, hi):
        s, e = m.span()
        # the part before the mask must end in a surname (or a minority first syllable): 将|王某
        head = re.split(f"[{re.escape(NAME_MASKS)}某]", m.group(), maxsplit=1)[0]
        for k in range(len(head)):
            if head[k:] in data.surnames or head[k:] in ("岩", "玉", "扎", "阿"):
                found.append(NameMention(s + k, e, text[s + k : e], True, "masked"))
                break
    return found


def text_names(text: str, lo: int = 0, hi: int | None = None, data: NameData | None = None) -> list[NameMention]:
    """Names in free text ``text[lo:hi]`` (a line, a paragraph or a cell)."""
    data = data or name_data()
    hi = len(text) if hi is None else hi
    if hi - lo < 2 or not (data.surname_start.search(text, lo, hi) or _ANY_CUE.search(text, lo, hi)):
        return []  # no surname, no cue, no middle dot: nothing can be a name here
    masked = _masked_spans(text, lo, hi, data)
    # Characters already given to a name, a title or a role list: one byte each, so a paragraph
    # listing thousands of names costs a slice test per candidate, not a walk over every name so far.
    taken = bytearray(hi - lo)

    def take(s: int, e: int) -> None:
        s, e = max(s, lo), min(e, hi)
        if s < e:
            taken[s - lo : e - lo] = b"\x01" * (e - s)

    def free(s: int, e: int) -> bool:
        return taken.find(1, max(s, lo) - lo, max(min(e, hi) - lo, 0)) == -1

    for m in masked:
        take(m.start, m.end)
    for title_match in _TITLES.finditer(text, lo, hi):
        take(*title_match.span())  # 主任, 书记 … are never part of a name
    for role_match in ROLE_LIST.finditer(text, lo, hi):
        take(*role_match.span("names"))  # people listed in their role
    found: list[NameMention] = list(masked)

    def add(s: int, e: int, source: str, score: float) -> None:
        if e - s < 2 or not free(s, e):
            return
        take(s, e)  # an official in role blocks the span too (no 明华 inside 李明华)
        title = ROLE_AFTER.match(text[e : min(hi, e + 4)])
        if title is not None:
            take(e, e + title.end())  # …and the title after it (no 任主持 in 主任主持)
        if not _role(text, s, e, lo, hi):
            found.append(NameMention(s, e, text[s:e], False, source, score))

    for s, e in _enumerations(text, lo, hi, data):
        add(s, e, "enumeration", 2.0)
    slot_token = _SlotToken(text, hi)
    for s, labelled in _slot_starts(text, lo, hi):
        slot_end = _slot_extent(text, s, hi, data, labelled, slot_token)
        if (
            slot_end is not None
            and not _trap(text, s, slot_end, data, lexicon=not labelled, given=not labelled)
            and free(s, slot_end)
        ):
            add(s, slot_end, "context", 1.5)
    if _INTERPUNCT_ANY.search(text, lo, hi) is not None:  # 阿依古丽·买买提; most texts have no middle dot
        for token_match in _TOKEN.finditer(text, lo, hi):
            token = token_match.group()
            if not _INTERPUNCT_SET.isdisjoint(token) and is_interpunct_name(token):
                add(token_match.start(), token_match.end(), "context", 1.5)
    for s, e in _suffix_cued(text, lo, hi, data):
        add(s, e, "context", 1.5)
    for match in data.surname_start.finditer(text, lo, hi):
        i = match.start()
        if taken[i - lo]:
            continue  # free(i, i + 1), without the call: i lies in [lo, hi)
        for end, score in _surname_candidates(text, i, lo, hi, data):
            if score >= THRESHOLD and not _trap(text, i, end, data):
                add(i, end, "surname", score)
    found.sort(key=lambda m: m.start)
    return found


def _slot_starts(text: str, lo: int, hi: int) -> list[tuple[int, bool]]:
    """Positions right after a prefix cue (labelled: followed by a colon), and a list item's name."""
    starts = [
        (m.end(), m.group("colon") is not None or m.group().rstrip("为是 ") in _KIN_CUES)
        for m in PREFIX_CUES.finditer(text, lo, hi)
        if m.end() < hi
    ]
    item = LIST_ITEM.match(text, lo, hi)
    if item is not None:
        starts.append((item.end(), False))
    return starts


def _suffix_cued(text: str, lo: int, hi: int, data: NameData) -> list[tuple[int, int]]:
    """Names right before 同志, 之子, （男, ，女，, ，45岁 (2–4 characters back to a boundary)."""
    out = []
    for m in _SUFFIX_FIND.finditer(text[lo:hi]):
        end = lo + m.start()
        for size in (3, 2, 4):
            s = end - size
            if s < lo or not all(_is_cjk(c) for c in text[s:end]):
                continue
            bounded = s == lo or not _is_cjk(text[s - 1]) or text[s - 1] in LEFT_CUE
            named = data.surnames_at(text, s) or minority_name(text[s:end])
            if bounded and named and not _trap(text, s, end, data):
                out.append((s, end))
                break
    return out


_SUFFIX_FIND = re.compile(
    r"同志|之[子女妻夫父母孙兄弟姐妹]|[（(](?:[男女]|户主|配偶|本人)|[，,][男女][，,、（(]|[，,]\d{1,3}岁"
)


def _enumerations(text: str, lo: int, hi: int, data: NameData) -> list[tuple[int, int]]:
    """张建华、李秀英、岩罕等3户: items of a 、-list ending in 等N户 or led by a cue, mostly surnamed."""
    out: list[tuple[int, int]] = []
    for m in _ENUMERATION.finditer(text, lo, hi):
        items, pos = [], m.start()
        for part in m.group().split("、"):
            items.append((pos, pos + len(part)))
            pos += len(part) + 1
        # the first item may carry a lead-in (拟将张建华): cut at the last cue
        first_s, first_e = items[0]
        lead = PREFIX_CUES.search(text, first_s, first_e)
        if lead is not None and lead.end() < first_e:
            items[0] = (lead.end(), first_e)
        elif lead is None:  # …or the cue ends right before the list (特困供养人员：熊琪、…)
            before = PREFIX_CUES.search(text, max(lo, first_s - 8), first_s)
            lead = before if before is not None and before.end() == first_s else None
        # the last item may run on (李秀英等3户纳入): cut before 等
        last_s, last_e = items[-1]
        tail = text.find("等", last_s, last_e)
        ended = ENUM_END.match(text[last_e : last_e + 8]) is not None
        if tail > last_s:
            ended = ended or ENUM_END.match(text[tail : tail + 8]) is not None
            items[-1] = (last_s, tail)
        if not ended and lead is None:
            continue
        plain = [(s, e) for s, e in items if 2 <= e - s <= MAX_PLAIN or is_interpunct_name(text[s:e])]
        if len(plain) != len(items):
            continue
        items = [(s, e) for s, e in items if not is_masked_name(text[s:e])]  # 张某 is masked, not a name
        if not items:
            continue
        surnamed = sum(1 for s, e in items if data.surnames_at(text, s) and not _trap(text, s, e, data, given=False))
        minority = sum(1 for s, e in items if minority_name(text[s:e]))
        if surnamed + minority >= (len(items) + 1) // 2:
            out += [(s, e) for s, e in items if not _trap(text, s, e, data, given=False) or minority_name(text[s:e])]
    return out

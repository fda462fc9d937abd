"""Ethnic-minority names as written in Chinese characters (Yunnan), pure functions.

Many of these names carry no Han surname, so the surname model cannot see
them; they are accepted in name columns and after strong context, and these
patterns say how likely a token is to be such a name (domain.md §6.1).
"""

from __future__ import annotations

import re


# Dai: 岩 (men) / 玉 (women) gender markers, 波/咪 teknonyms, 召/刀/喃 nobility, 康朗 ex-monks.
def _words(text: str) -> list[str]:
    """A word list written as one space-separated string (easier to read and edit)."""
    return text.split()


DAI_PREFIXES = ("康朗", "岩", "玉", "波", "咪", "召", "刀", "喃", "依")
_DAI_FIRST = frozenset(prefix[0] for prefix in DAI_PREFIXES)
DAI_SYLLABLES = frozenset("罕温光香应叫尖腊恩燕皎旺龙坎章拉甩庄补涛乱糯南帕丙砍论嫩胆叶所扁")
# Tibetan (迪庆): 2- or 4-character names built from these syllables.
TIBETAN_SYLLABLES = frozenset(
    _words(
        "扎西 卓玛 次仁 达娃 尼玛 拉姆 巴桑 旺堆 多吉 格桑 曲珍 平措 彭措 央金 "
        "德吉 洛桑 丹增 索朗 顿珠 白玛 益西 仁增 阿旺 才让 卓嘎 次旦 边巴 普布 "
        "拉巴 米玛 群培 加措 泽仁 志玛 斯郎 此里 农布 取珍 永宗 鲁茸 七林 松诺 "
        "格茸 此称 都吉 拉茸 品措 茸卓 央宗 卓拉 尼玛 桑珠 次平 扎史 培楚 吉称 "
        "孙诺 曲扎 此尔 农布"
    )
)
# Lisu / Yi / Jingpo birth-order and kinship names: 阿 + syllable, 麻 + syllable.
ORDER_NAMES = frozenset(
    _words(
        "阿普 阿登 阿邓 阿克 阿策 阿迪 阿友 阿盖 阿皮 恰布 阿娜 阿妮 阿恰 阿都 "
        "阿库 阿其 阿达 阿阁 亚玛 麻干 麻诺 麻果 麻鲁"
    )
)
INTERPUNCT = "·•・‧"
_INTERPUNCT_NAME = re.compile(rf"[\u4e00-\u9fff]{{1,8}}(?:[{INTERPUNCT}][\u4e00-\u9fff]{{1,8}}){{1,3}}")
MAX_INTERPUNCT_NAME = 4 * 8 + 3  # the longest token _INTERPUNCT_NAME matches: four parts of 8 and three dots
_PLACE_END = re.compile(r"[省市县州区镇乡村国]$")


def is_interpunct_name(token: str) -> bool:
    """阿依古丽·买买提, 阿基·彭措: CJK runs joined by a middle dot (not 中国·云南)."""
    if _INTERPUNCT_NAME.fullmatch(token) is None:
        return False
    parts = re.split(f"[{INTERPUNCT}]", token)
    return not any(_PLACE_END.search(p) for p in parts) and "中国" not in parts and "云南" not in parts


def is_dai_name(token: str) -> bool:
    """岩罕, 玉香旺, 波岩温, 康朗坎: a Dai prefix followed by 1–2 name syllables."""
    if token[:1] not in _DAI_FIRST:
        return False  # most tokens: one set test instead of a slice per prefix
    for prefix in DAI_PREFIXES:
        if not token.startswith(prefix):
            continue
        rest = token[len(prefix) :]
        if prefix in ("波", "咪") and 2 <= len(rest) <= 3 and is_dai_name(rest):
            return True  # teknonyms: 波/咪 + the child's name (波岩温, 咪玉香)
        if 1 <= len(rest) <= 2:
            if len(rest) == 2:
                return all(c in DAI_SYLLABLES for c in rest)
            return rest in DAI_SYLLABLES or prefix in ("康朗", "岩", "玉")
    return False


def is_tibetan_name(token: str) -> bool:
    """扎西, 扎西多吉, 次仁旺堆: one or two known two-character syllable pairs."""
    if len(token) == 2:
        return token in TIBETAN_SYLLABLES
    return len(token) == 4 and token[:2] in TIBETAN_SYLLABLES and token[2:] in TIBETAN_SYLLABLES


def minority_name(token: str) -> bool:
    """Whether a token (no Han surname needed) reads as a minority name written in Chinese."""
    return (
        is_interpunct_name(token)
        or is_dai_name(token)
        or is_tibetan_name(token)
        or token in ORDER_NAMES
        or (len(token) == 3 and token[:2] in ORDER_NAMES)
    )

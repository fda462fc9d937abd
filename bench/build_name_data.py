"""Build the name data files in auditor/data/ (run by hand; nothing here runs at scan time).

    python bench/build_name_data.py            # needs `pip install jieba` (MIT) in the venv

Sources, all offline:

* surnames: hand-compiled below from the traditional 百家姓 (public domain) and
  general knowledge of common modern and Yunnan surnames (Yi clan names, Dai
  noble/commoner surnames). Tiers are rough frequency bands, not census data.
  岩/玉 are left out on purpose: in Dai names they are gender markers, handled
  by auditor/recognizers/minority.py.
* given-name characters: counted from the three-character person-name entries
  (tag ``nr``) of jieba 0.42.1's bundled ``dict.txt`` whose first character is a
  tier-1/2 surname, against character frequencies of the whole dictionary.
  The score is log P(char | given name) - log P(char | dictionary word).
* surname words: dictionary words of 2-3 characters that start with a surname
  character, are not tagged as names and occur at least 20 times (高级, 金额,
  周边 …), plus two-character ``nr`` entries seen at least 100 times (熊猫, 文明,
  高峰: words jieba tags as names): the "ordinary word, not a name" lexicon.
* common words: two-character dictionary words (not names) occurring at least
  30 times, with their counts: where a word starts or is cut tells where a name ends.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path


def _words(text: str) -> list[str]:
    """A word list written as one space-separated string (easier to read and edit)."""
    return text.split()


ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "auditor" / "data"

TIER1 = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
TIER2 = (
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成"
    "苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝杞普起者自字刀召罕"
    "木番矣茶沐禄保奎赛依纳撒杭线放多思"
)
TIER3 = (
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤"
    "花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余元卜顾孟平黄穆萧尹姚邵湛汪祁毛禹狄米"
    "贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支"
    "柯昝管卢莫经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井"
    "段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从"
    "鄂索咸籍赖卓蔺屠蒙池乔阴胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿"
    "阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚"
    "那简饶空曾毋沙乜养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公晋楚闫法汝鄢涂钦归海岳帅缑亢况郈有琴商牟佘佴伯赏墨哈"
    "谯笪年爱阳佟"
)
COMPOUND = _words(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 长孙 宇文 司徒 夏侯 "
    "轩辕 端木 西门 南宫 独孤 申屠 百里 万俟 澹台 公冶 濮阳 淳于 单于 太叔 "
    "仲孙 钟离 宗政 闻人 呼延 拓跋 第五 左丘 东郭 南门 羊舌 微生 梁丘 公良 "
    "乐正 漆雕 壤驷 谷梁 宰父 夹谷 巫马 公西 段干 司空 司寇 亓官 鲜于 赫连 "
    "东门 子车 颛孙 赫舍 叶赫 爱新"
)
# Yi clan names (Liangshan / Xiaoliangshan style) written in Chinese characters.
YI_CLANS = _words(
    "沙马 曲比 吉木 阿约 阿力 阿黑 阿措 吉克 马海 阿鲁 贾巴 黑来 阿苏 俄木 "
    "吉伍 海来 勒古 阿说 瓦扎 加拉 且沙 木乃 吉史 阿西 倮伍 阿尔 巴莫 比尔 "
    "拉马 日火 苏呷 依火 尔古 吉牛 曲木 阿牛"
)
# Characters that are rare surnames but ordinary function words: only trusted with strong context.
WEAK = (
    "和于向应时全成从以及共其所有同代来那能是第过还都才将与对在为由把被给因经据按等各每本该此无不也又并且"
    "而或即就只已要会可须得让使叫请令派非前后上下中内外新老大小东西南北"
)


def surnames() -> list[tuple[str, str, str]]:
    """(surname, kind, tier) rows: single tiers 1-3, compound, Yi clan names."""
    rows: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for tier, chars in (("1", TIER1), ("2", TIER2), ("3", TIER3)):
        for ch in chars:
            if ch not in seen:
                seen.add(ch)
                rows.append((ch, "weak" if ch in WEAK else "single", tier))
    rows += [(s, "compound", "2") for s in dict.fromkeys(COMPOUND)]
    rows += [(s, "yi_clan", "3") for s in dict.fromkeys(YI_CLANS)]
    return rows


def read_dict() -> list[tuple[str, int, str]]:
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word, freq, tag = line.split(" ")
        rows.append((word, int(freq), tag))
    return rows


def given_chars(words: list[tuple[str, int, str]]) -> list[tuple[str, int, float]]:
    """(char, count in given names, log-odds against dictionary text), most name-like first."""
    common = set(TIER1 + TIER2)
    names: Counter[str] = Counter()
    general: Counter[str] = Counter()
    for word, freq, tag in words:
        weight = 1 + int(math.log1p(freq))
        for ch in word:
            general[ch] += weight
        if tag == "nr" and len(word) == 3 and word[0] in common:
            names.update(word[1:])
    n_name, n_gen = sum(names.values()), sum(general.values())
    rows = []
    for ch, count in names.items():
        if count < 2 or not "\u4e00" <= ch <= "\u9fff":
            continue
        score = math.log((count + 0.5) / n_name) - math.log((general[ch] + 0.5) / n_gen)
        rows.append((ch, count, round(score, 2)))
    rows.sort(key=lambda r: (-r[1], r[0]))
    return rows


def surname_words(words: list[tuple[str, int, str]], surname_chars: set[str]) -> list[str]:
    """Ordinary words (not names) that begin with a surname character."""
    out = {
        w
        for w, f, t in words
        if 2 <= len(w) <= 3 and w[0] in surname_chars and t not in ("nr", "nrfg", "nrt") and f >= 20
    }
    # jieba tags some frequent ordinary words as names (熊猫, 孔雀, 文明, 高峰): as two-character
    # strings they are words far more often than someone's full name.
    out |= {w for w, f, t in words if len(w) == 2 and w[0] in surname_chars and t.startswith("nr") and f >= 100}
    return sorted(out)


def common_words(words: list[tuple[str, int, str]]) -> list[tuple[str, int]]:
    """Frequent two-character words (not names), for word-boundary checks around a name."""
    rows = [(w, f) for w, f, t in words if len(w) == 2 and f >= 30 and t not in ("nr", "nrfg", "nrt")]
    return sorted(rows)


def main() -> None:
    rows = surnames()
    header = (
        "# surname\tkind\ttier  (hand-compiled: 百家姓 + common modern/Yunnan surnames; see bench/build_name_data.py)\n"
    )
    (DATA / "surnames.tsv").write_text(header + "".join(f"{s}\t{k}\t{t}\n" for s, k, t in rows), encoding="utf-8")
    words = read_dict()
    chars = given_chars(words)
    head = "# char\tcount\tlog_odds  (from jieba 0.42.1 dict.txt nr entries, MIT; see bench/build_name_data.py)\n"
    (DATA / "given_chars.tsv").write_text(head + "".join(f"{c}\t{n}\t{s}\n" for c, n, s in chars), encoding="utf-8")
    single = {s for s, k, _ in rows if len(s) == 1}
    lexicon = surname_words(words, single)
    head = "# ordinary words starting with a surname character (jieba 0.42.1 dict.txt, not nr, freq >= 20; MIT)\n"
    (DATA / "surname_words.txt").write_text(head + "\n".join(lexicon) + "\n", encoding="utf-8")
    common = common_words(words)
    head = "# two-character words and counts (jieba 0.42.1 dict.txt, not nr, freq >= 30; MIT)\n"
    (DATA / "common_words.tsv").write_text(head + "".join(f"{w}\t{f}\n" for w, f in common), encoding="utf-8")
    print(f"surnames {len(rows)}, given chars {len(chars)}, surname words {len(lexicon)}, common words {len(common)}")


if __name__ == "__main__":
    main()

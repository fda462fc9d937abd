"""Synthetic person names and people-related phrases for the labelled corpus.

Names are random combinations from the pools below, written by hand for the
corpus (they are deliberately *not* the scanner's data files, so the evaluation
does not grade the detector on its own statistics). Minority names follow the
patterns in shared domain.md §6.1. Never add real people's data.
"""

from __future__ import annotations

import json
import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史"
    "陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
RARE_SURNAMES = (
    "禄",
    "普",
    "起",
    "者",
    "杞",
    "字",
    "自",
    "矣",
    "茶",
    "沐",
    "保",
    "奎",
    "寸",
    "和",
    "木",
    "鲁",
    "毕",
    "番",
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "皇甫", "令狐", "慕容", "公孙", "东方", "尉迟", "夏侯", "司徒")
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红梅建国志海燕春花文永正荣家兴德顺富金凤晓东"
    "小龙云飞光辉宝山成林学绍应祥开珍有才发贵琼蕊钰璇翊骞珺瑜桢烨琨昆润泽思雨欣怡佳睿浩宇子涵梓萱诗琪"
)
DAI_MALE = "罕温光香应叫尖腊恩龙坎庄"
DAI_FEMALE = "香罕恩应叫旺光南燕"
TIBETAN = (
    "扎西",
    "卓玛",
    "次仁",
    "达娃",
    "尼玛",
    "拉姆",
    "巴桑",
    "旺堆",
    "多吉",
    "格桑",
    "曲珍",
    "平措",
    "央金",
    "德吉",
    "洛桑",
    "丹增",
)
YI_CLANS = ("沙马", "曲比", "吉木", "阿约", "吉克", "马海", "阿鲁", "贾巴")
YI_GIVEN = ("拉则", "石哈", "阿呷", "木呷", "尔布", "伍沙", "阿支", "日哈", "拉洛", "么且")
LISU = ("阿普", "阿登", "阿克", "阿迪", "阿娜", "阿妮", "阿恰", "阿都")
UYGHUR = ("阿依古丽·买买提", "努尔·艾力", "古丽娜·吐尔逊", "买买提·艾山", "热依拉·阿不都", "阿基·彭措", "扎西·平措")
HANI = ("者每", "每吕", "吕波", "波妞", "木实孔", "孔欠莫")
ORIGINS = {"han": 62, "compound": 6, "rare": 8, "dai": 6, "tibetan": 5, "yi": 4, "lisu": 3, "uyghur": 3, "hani": 3}

PLACE_TRAPS = ("张家村", "李家湾组", "王家营", "杨家箐", "赵家庄", "刘家坝", "陈家冲")
WORD_TRAPS = (
    "高级",
    "金额",
    "常务",
    "周边",
    "黄金",
    "于是",
    "方案",
    "万元",
    "程序",
    "向前",
    "安全",
    "明确",
    "方便",
    "全部",
)
DISEASES = ("尿毒症", "白血病", "恶性肿瘤", "肝硬化", "脑瘫", "糖尿病并发症")
DISABILITY = ("肢体", "视力", "听力", "言语", "智力", "精神", "多重")
RELIGIONS = ("佛教", "伊斯兰教", "基督教", "天主教", "道教")
SCHOOL_GRADES = ("一年级", "三年级", "五年级", "初一", "初二")
OFFICIAL_TITLES_BEFORE = ("镇长", "副镇长", "党委书记", "村委会主任", "民政助理员", "驻村工作队队长")
OFFICIAL_TITLES_AFTER = ("书记", "主任", "副镇长", "村长", "组长")
SIGNOFF_ROLES = ("撰稿", "校对", "排版", "校对", "审核")


def origin(r: random.Random, weights: dict[str, int] = ORIGINS) -> str:
    keys = sorted(weights)
    return r.choices(keys, [weights[k] for k in keys])[0]


def han_given(r: random.Random) -> str:
    return r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.7 else "")


def draw_name(r: random.Random, kind: str) -> str:
    """A synthetic name of one origin: han, compound, rare, dai, tibetan, yi, lisu, uyghur, hani."""
    if kind == "han":
        return r.choice(SURNAMES) + han_given(r)
    if kind == "compound":
        return r.choice(COMPOUND_SURNAMES) + han_given(r)[:2]
    if kind == "rare":
        return r.choice(RARE_SURNAMES) + han_given(r)
    if kind == "dai":
        if r.random() < 0.5:
            return "岩" + "".join(r.sample(DAI_MALE, r.choice((1, 1, 2))))
        return "玉" + "".join(r.sample(DAI_FEMALE, r.choice((1, 1, 2))))
    if kind == "tibetan":
        first = r.choice(TIBETAN)
        return first if r.random() < 0.4 else first + r.choice([t for t in TIBETAN if t != first])
    if kind == "yi":
        return r.choice(YI_CLANS) + r.choice(YI_GIVEN)
    if kind == "lisu":
        return r.choice(LISU) if r.random() < 0.5 else r.choice(SURNAMES[:40]) + r.choice(LISU)
    if kind == "uyghur":
        return r.choice(UYGHUR)
    return r.choice(HANI)


def masked_name(r: random.Random) -> tuple[str, str]:
    """(text, kind) of a compliantly masked name: 张某, 张某某, 张*, 张**, 张×华, 岩某, 刘x甲."""
    style = r.choice(("mou", "moumou", "star", "stars", "times", "dai", "xjia"))
    s = r.choice(SURNAMES)
    text = {
        "mou": s + "某",
        "moumou": s + "某某",
        "star": s + "*",
        "stars": s + "**",
        "times": s + "×" + r.choice(GIVEN),
        "dai": r.choice(("岩", "玉", "扎")) + "某",
        "xjia": s + "x" + r.choice("甲乙丙"),
    }[style]
    return text, f"mask_{style}"


def escape_ascii(text: str) -> str:
    """The text as an ASCII-only JSON export writes it (\\uXXXX escapes)."""
    return json.dumps(text)[1:-1]

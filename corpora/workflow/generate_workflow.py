"""Generate the labelled workflow corpus (W201–W207) into corpora/workflow/docs.

Every planted document carries exactly one violation; valid documents cover every
text format (txt, md, csv, html, json), JSON and YAML sidecars (.yaml and .yml)
and the common shapes of embedded sign-off blocks. Deterministic: the same seed
gives byte-identical files.

    python corpora/workflow/generate_workflow.py [--out DIR] [--seed N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
FORMATS = ("txt", "md", "csv", "html", "json")
CN = timezone(timedelta(hours=8))

# Staff names (synthetic). None contains a role word such as 审 or 校.
STAFF = [
    "李明华",
    "王建国",
    "杨春燕",
    "张丽",
    "赵德胜",
    "刀志强",
    "岩温",
    "普正华",
    "段红梅",
    "罗家兴",
    "阿依古丽·买买提",
    "周海波",
    "马文俊",
    "陈晓东",
    "何玉兰",
    "施云飞",
    "鲁成林",
    "毕秀英",
    "龙天宇",
    "沙正明",
]
UNITS = ["元马镇", "黄瓜园镇", "老城乡", "物茂乡", "江边乡", "姜驿乡", "凉山乡", "新华乡"]
PROGRAMMES = ["城乡低保", "特困供养", "临时救助", "耕地地力保护补贴", "残疾人两项补贴", "医疗救助", "危房改造"]
SURNAMES = "张王李赵杨刘陈黄周吴普罗段施鲁毕沙"


@dataclass
class Case:
    """One document to write: its body, optional sidecar, and what the evaluation must find."""

    group: str  # "valid" or a W-code
    fmt: str
    note: str
    signoff: list[str] | None = None  # embedded sign-off lines
    sidecar: tuple[str, Any] | None = None  # (suffix json|yaml|yml, data dict or raw text)
    sha: str = "ok"  # ok | none | stale (hash of the text before an edit)
    edit: Callable[[bytes], bytes] | None = None  # applied after hashing (W206)
    settings: dict[str, Any] = field(default_factory=dict)
    encoding: str = "utf-8"
    csv_fields: bool = False  # sign-off entries as separate CSV fields


# --- document bodies ----------------------------------------------------------


def _rows(rng: random.Random, n: int = 4) -> list[tuple[str, str, str]]:
    """Masked beneficiary rows: a de-identified list is what a correct disclosure looks like."""
    rows = []
    for i in range(n):
        name = rng.choice(SURNAMES) + "*" + rng.choice("华明兰芳强军英平")
        rows.append((str(i + 1), name, str(rng.randrange(150, 900, 10))))
    return rows


def body(case: Case, rng: random.Random) -> str:
    unit, prog = rng.choice(UNITS), rng.choice(PROGRAMMES)
    title = f"{unit}2022年{rng.randint(1, 12)}月{prog}发放情况公示"
    intro = f"根据有关规定，现将{prog}发放情况予以公示，公示期7天。监督电话：0878-{rng.randint(3000000, 3999999)}。"
    rows = _rows(rng)
    lines = case.signoff or []
    if case.fmt == "txt":
        table = "\n".join(f"{a}  {b}  {c}元" for a, b, c in rows)
        tail = ("\n\n" + "\n".join(lines)) if lines else ""
        return f"{title}\n\n{intro}\n\n序号  户主  金额\n{table}\n\n{unit}人民政府{tail}\n"
    if case.fmt == "md":
        table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
        tail = ("\n\n" + "\n".join(lines)) if lines else ""
        return f"# {title}\n\n{intro}\n\n| 序号 | 户主 | 金额（元） |\n|---|---|---|\n{table}\n{tail}\n"
    if case.fmt == "csv":
        out = [f"{title},,", "序号,户主,金额（元）", *(",".join(r) for r in rows)]
        for line in lines:
            out.append(",".join(line.split("　")) if case.csv_fields else line)
        return "\n".join(out) + "\n"
    if case.fmt == "html":
        cells = "\n".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in rows)
        foot = "\n".join(f"<p>{line}</p>" for line in lines)
        return (
            f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>{title}</title></head>\n'
            f"<body>\n<h1>{title}</h1>\n<p>{intro}</p>\n<table>\n<tr><th>序号</th><th>户主</th><th>金额（元）</th></tr>\n"
            f'{cells}\n</table>\n<div class="signoff">\n{foot}\n</div>\n</body>\n</html>\n'
        )
    data: dict[str, Any] = {
        "title": title,
        "notice": intro,
        "rows": [dict(zip(("序号", "户主", "金额"), r, strict=True)) for r in rows],
    }
    if lines:
        data["signoff"] = lines
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --- sign-off lines -----------------------------------------------------------


def staff(rng: random.Random, n: int = 7) -> list[str]:
    return rng.sample(STAFF, n)


def style(kind: int, n: list[str]) -> list[str]:
    """Valid sign-off blocks in the shapes found on real pages (domain.md §5.2)."""
    a, b, c, d, e, f, g = n[:7]
    styles = [
        [f"撰稿：{a}　校对：{b}　排版：{c}　校对：{d}　审核：{e}"],
        [f"撰写:{a}、校对:{b}、排版:{c}、二校:{d}、审定:{e}"],
        [f"撰稿：{a}", f"初校：{b}", f"排版：{c}", f"二校：{d}", f"审核：{e}"],
        [f"撰  稿：{a}　　校  对：{b}", f"排  版：{c}　　校  对：{d}", f"审  核：{e}　　签  发：{f}"],
        [f"（撰稿：{a}　校对：{b}　排版：{c}　复校：{d}　终审：{e}）"],
        [f"撰稿：{a}校对：{b}排版：{c}校对：{d}审核：{e}"],
        [f"撰稿人：{a} 校对人：{b} 排版：{c} 校对：{d} 审核人：{e} 签发人：{f}", f"责任编辑：{g}"],
        [f"撰稿：{a}　校对：{b}　排版：{c}　校对：{d}", f"初审：{a}　复审：{g}　终审：{e}"],
        [f"撰稿 : {a} ; 校对 : {b} ; 排版 : {c} ; 校对 : {d} ; 审批 : {e}"],
    ]
    return styles[kind % len(styles)]


# --- sidecar records -------------------------------------------------------------


def times(rng: random.Random, count: int, start: datetime | None = None) -> list[datetime]:
    t = start or datetime(2022, rng.randint(1, 12), rng.randint(1, 25), 9, 0, tzinfo=CN)
    out = []
    for _ in range(count):
        out.append(t)
        t += timedelta(hours=rng.randint(1, 20), minutes=rng.choice((0, 15, 30, 45)))
    return out


def iso(t: datetime) -> str:
    return t.isoformat(timespec="seconds")


def record(steps: list[tuple[str, str, str]], published: str | None = None, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"steps": [{"step": s, "by": by, "at": at} for s, by, at in steps]}
    if published:
        data["published_at"] = published
    data.update(extra)
    return data


def chain(
    rng: random.Random,
    names: list[str],
    labels: tuple[str, ...] = ("draft", "proofread", "layout", "proofread", "approve"),
) -> list[tuple[str, str, str]]:
    ts = times(rng, len(labels))
    return [(label, names[i], iso(ts[i])) for i, label in enumerate(labels)]


def after(at: str, hours: float) -> str:
    return iso(datetime.fromisoformat(at) + timedelta(hours=hours))


# --- the cases ------------------------------------------------------------------


def valid_cases(rng: random.Random) -> list[Case]:
    cases: list[Case] = []
    zh = ("撰写", "校对", "排版", "二校", "审核")
    for i, fmt in enumerate(FORMATS):
        n = staff(rng)
        steps = chain(rng, n)
        cases.append(
            Case("valid", fmt, "sidecar json, English step names", sidecar=("json", record(steps, document=None)))
        )
        n = staff(rng)
        steps = chain(rng, n, zh)
        cases.append(
            Case(
                "valid",
                fmt,
                "sidecar yaml, Chinese step names, published",
                sidecar=("yaml", record(steps, after(steps[-1][2], 2))),
            )
        )
        for k in (i, i + 5):
            cases.append(Case("valid", fmt, f"embedded sign-off, style {k % 9}", signoff=style(k, staff(rng))))
    n = staff(rng)
    steps = chain(rng, n, ("撰稿", "初校", "二校", "排版", "三校", "审核", "签发"))
    steps[-1] = ("签发", n[6], steps[-1][2])
    cases.append(Case("valid", "txt", "sidecar yml, extra proofreads, 审核+签发", sidecar=("yml", record(steps))))
    n = staff(rng)
    naive = [(s, by, at[:19].replace("T", " ")) for s, by, at in chain(rng, n)]
    cases.append(
        Case("valid", "md", "sidecar yml, naive timestamps (assumed Asia/Shanghai)", sidecar=("yml", record(naive)))
    )
    n = staff(rng)
    steps = chain(rng, n)
    layout_at = datetime.fromisoformat(steps[2][2])
    steps[3] = (
        "proofread",
        n[3],
        (layout_at + timedelta(minutes=30)).astimezone(UTC).isoformat().replace("+00:00", "Z"),
    )
    steps[4] = ("approve", n[4], iso(layout_at + timedelta(hours=3)))
    cases.append(
        Case(
            "valid",
            "csv",
            "sidecar json, a UTC 'Z' time that reads earlier but is later",
            sidecar=("json", record(steps)),
        )
    )
    n = staff(rng)
    steps = chain(rng, n)
    approve = datetime.fromisoformat(steps[-1][2])
    pub = (approve + timedelta(minutes=30)).astimezone(UTC).isoformat().replace("+00:00", "Z")
    cases.append(
        Case("valid", "html", "sidecar yaml, published in UTC after approval", sidecar=("yaml", record(steps, pub)))
    )
    n = staff(rng)
    same = iso(times(rng, 1)[0])
    steps = [(s, n[i], same) for i, s in enumerate(("draft", "proofread", "layout", "proofread", "approve"))]
    cases.append(
        Case("valid", "json", "sidecar json, equal timestamps", sidecar=("json", record(steps, **{"x-unit": "元马镇"})))
    )
    n = staff(rng)
    cases.append(
        Case(
            "valid",
            "txt",
            "sidecar json plus an embedded block",
            signoff=style(0, n),
            sidecar=("json", record(chain(rng, n))),
        )
    )
    cases.append(
        Case("valid", "txt", "embedded sign-off in a GB18030 file", signoff=style(2, staff(rng)), encoding="gb18030")
    )
    n = staff(rng)
    cases.append(
        Case(
            "valid",
            "txt",
            "embedded block repeated (page footer)",
            signoff=[*style(0, n), "", "第 1 页", "", *style(0, n)],
        )
    )
    cases.append(Case("valid", "csv", "embedded entries as CSV fields", signoff=style(0, staff(rng)), csv_fields=True))
    n = staff(rng)
    cases.append(
        Case(
            "valid",
            "md",
            "markdown bold labels",
            signoff=[f"**撰稿**：{n[0]} | **校对**：{n[1]} | **排版**：{n[2]} | **校对**：{n[3]} | **审核**：{n[4]}"],
        )
    )
    n = staff(rng)
    cases.append(
        Case(
            "valid",
            "txt",
            "prose mentioning 审核 plus a real sign-off",
            signoff=["本公示经镇政府审核同意。", "", *style(1, n)],
        )
    )
    return cases


def _fmt(i: int) -> str:
    return FORMATS[i % len(FORMATS)]


def w201_cases(rng: random.Random) -> list[Case]:
    cases = [Case("W201", _fmt(i), "no record at all") for i in range(5)]
    cases.append(
        Case(
            "W201",
            "txt",
            "prose mentioning 审核 and 校对",
            signoff=["经镇政府审核，现予公示。", "如有异议，请在公示期内反映，我们将认真校对核实。"],
        )
    )
    cases.append(Case("W201", "md", "a colon after 审核 in prose", signoff=["审核：经镇党委研究同意后予以公示"]))
    cases.append(Case("W201", "html", "only 责任编辑", signoff=[f"责任编辑：{rng.choice(STAFF)}"]))
    cases.append(Case("W201", "txt", "only 作者 and 来源", signoff=[f"作者：{rng.choice(STAFF)}　来源：元马镇"]))
    cases.append(Case("W201", "csv", "a 校对 column header, no sign-off", signoff=["说明,校对情况,备注"]))
    cases.append(
        Case("W201", "json", "sign-off words in a sentence", signoff=["本公示已按撰稿、校对、排版、审核流程办理。"])
    )
    cases.append(Case("W201", "txt", "GB18030 file without record", encoding="gb18030"))
    return cases


def w202_cases(rng: random.Random) -> list[Case]:
    n = staff(rng)
    good = chain(rng, n)
    bad_step = [*good[:4], ("review", n[4], good[4][2])]
    no_by = record(good)
    del no_by["steps"][1]["by"]
    empty_by = record(good)
    empty_by["steps"][2]["by"] = "  "
    steps_map = record(good)
    steps_map["steps"] = {"draft": n[0]}
    raw_json = json.dumps(record(good), ensure_ascii=False, indent=2)
    return [
        Case("W202", "txt", "malformed JSON (trailing comma)", sidecar=("json", raw_json[:-1].rstrip() + ",\n}\n")),
        Case(
            "W202",
            "md",
            "malformed YAML (bad indentation)",
            sidecar=("yaml", "steps:\n  - step: draft\n    by: 李明华\n   at: 2022-03-01T09:00:00+08:00\n"),
        ),
        Case("W202", "csv", "unknown step name 'review'", sidecar=("json", record(bad_step))),
        Case(
            "W202",
            "html",
            "unknown Chinese step name 复核",
            sidecar=("yaml", record([*good[:4], ("复核", n[4], good[4][2])])),
        ),
        Case("W202", "json", "a step without 'by'", sidecar=("json", no_by)),
        Case("W202", "txt", "blank signer", sidecar=("yml", empty_by)),
        Case("W202", "md", "sha256 not a SHA-256", sidecar=("json", record(good, sha256="abc123"))),
        Case("W202", "csv", "steps is a mapping", sidecar=("yaml", steps_map)),
        Case("W202", "html", "typo key publish_at", sidecar=("json", record(good, publish_at=after(good[-1][2], 1)))),
        Case(
            "W202",
            "json",
            "impossible date 2022-02-30",
            sidecar=("yaml", record([*good[:4], ("approve", n[4], "2022-02-30T10:00:00+08:00")])),
        ),
        Case(
            "W202",
            "txt",
            "document field names another file",
            sidecar=("json", record(good, document="另一个公示.txt")),
        ),
        Case(
            "W202",
            "md",
            "duplicate key in JSON",
            sidecar=(
                "json",
                raw_json.replace(
                    '"steps":',
                    '"published_at": "2022-03-05T10:00:00+08:00",\n'
                    '  "published_at": "2022-03-06T10:00:00+08:00",\n  "steps":',
                    1,
                ),
            ),
        ),
        Case(
            "W202",
            "csv",
            "naive timestamp, configuration rejects",
            sidecar=("json", record([(s, by, at[:19]) for s, by, at in good])),
            settings={"naive_timezone": "reject"},
        ),
        Case("W202", "txt", "empty sidecar file", sidecar=("yml", "")),
    ]


def w203_cases(rng: random.Random) -> list[Case]:
    def drop(labels: tuple[str, ...], note: str, syntax: str, fmt: str) -> Case:
        return Case("W203", fmt, note, sidecar=(syntax, record(chain(rng, staff(rng), labels))))

    def embedded(fmt: str, note: str, lines: list[str]) -> Case:
        return Case("W203", fmt, note, signoff=lines)

    a, b, c, d, e, *_ = staff(rng)
    f, g, h, i, j, *_ = staff(rng)
    return [
        drop(("proofread", "layout", "proofread", "approve"), "sidecar: draft missing", "json", "txt"),
        drop(("draft", "proofread", "proofread", "approve"), "sidecar: layout missing", "yaml", "md"),
        drop(("draft", "proofread", "layout", "proofread"), "sidecar: approval missing", "yml", "csv"),
        drop(("draft", "proofread", "layout", "approve"), "sidecar: proofread after layout missing", "json", "html"),
        drop(("draft", "layout", "proofread", "approve"), "sidecar: proofread before layout missing", "yaml", "json"),
        embedded("txt", "embedded: layout missing", [f"撰稿：{a}　校对：{b}　校对：{d}　审核：{e}"]),
        embedded("md", "embedded: approval missing", [f"撰稿：{a}", f"初校：{b}", f"排版：{c}", f"二校：{d}"]),
        embedded("html", "embedded: draft missing", [f"校对：{b}　排版：{c}　校对：{d}　审核：{e}"]),
        embedded("csv", "embedded: second proofread missing", [f"撰稿：{f}、校对：{g}、排版：{h}、审核：{j}"]),
        embedded("json", "embedded: first proofread missing", [f"撰稿：{f}　排版：{h}　校对：{i}　审核：{j}"]),
        embedded(
            "txt", "embedded: layout listed but unsigned", [f"撰稿：{f}　校对：{g}　排版：　　校对：{i}　审核：{j}"]
        ),
        embedded(
            "html", "embedded: approval field blank at end", [f"撰稿：{f}　校对：{g}　排版：{h}　校对：{i}　审核："]
        ),
    ]


def w204_cases(rng: random.Random) -> list[Case]:
    cases: list[Case] = []
    n = staff(rng)
    seq = chain(rng, n, ("draft", "proofread", "layout", "approve", "proofread"))
    cases.append(Case("W204", "txt", "sidecar: approval before second proofread", sidecar=("json", record(seq))))
    n = staff(rng)
    seq = chain(rng, n, ("proofread", "draft", "layout", "proofread", "approve"))
    cases.append(Case("W204", "md", "sidecar: draft after proofread", sidecar=("yaml", record(seq))))
    n = staff(rng)
    seq = chain(rng, n, ("draft", "proofread", "layout", "proofread", "layout", "approve"))
    cases.append(Case("W204", "csv", "sidecar: layout again after second proofread", sidecar=("yml", record(seq))))
    n = staff(rng)
    seq = chain(rng, n)
    seq[3] = (seq[3][0], seq[3][1], after(seq[2][2], -1))
    cases.append(Case("W204", "html", "sidecar: second proofread timed before layout", sidecar=("json", record(seq))))
    n = staff(rng)
    seq = chain(rng, n)
    seq[1] = (seq[1][0], seq[1][1], after(seq[0][2], -0.5))
    cases.append(Case("W204", "json", "sidecar: proofread timed before draft", sidecar=("yaml", record(seq))))
    n = staff(rng)
    seq = chain(rng, n)
    layout_at = datetime.fromisoformat(seq[2][2])
    tz9 = timezone(timedelta(hours=9))
    seq[3] = (seq[3][0], seq[3][1], iso((layout_at - timedelta(minutes=30)).astimezone(tz9)))
    cases.append(
        Case("W204", "txt", "sidecar: +09:00 time that reads later but is earlier", sidecar=("json", record(seq)))
    )
    a, b, c, d, e, *_ = staff(rng)
    cases += [
        Case(
            "W204",
            "txt",
            "embedded: 审核 before 校对/排版",
            signoff=[f"撰稿：{a}　审核：{e}　校对：{b}　排版：{c}　校对：{d}"],
        ),
        Case(
            "W204",
            "md",
            "embedded: draft listed last",
            signoff=[f"校对：{b}", f"排版：{c}", f"校对：{d}", f"审核：{e}", f"撰稿：{a}"],
        ),
        Case(
            "W204",
            "html",
            "embedded: layout after second proofread",
            signoff=[f"撰稿：{a}　校对：{b}　排版：{c}", f"校对：{d}　排版：{c}　审核：{e}"],
        ),
        Case(
            "W204",
            "csv",
            "embedded: approval before second proofread",
            signoff=[f"撰稿：{a}、校对：{b}、排版：{c}、审核：{e}、校对：{d}"],
        ),
        Case(
            "W204",
            "json",
            "embedded: 签发 in the middle",
            signoff=[f"撰稿：{a}　校对：{b}　签发：{e}　排版：{c}　校对：{d}"],
        ),
        Case(
            "W204",
            "txt",
            "embedded over two lines, approval first",
            signoff=[f"审  核：{e}　　撰  稿：{a}", f"校  对：{b}　　排  版：{c}　　校  对：{d}"],
        ),
    ]
    return cases


def w205_cases(rng: random.Random) -> list[Case]:
    cases: list[Case] = []
    n = staff(rng)
    seq = chain(rng, n)
    seq[1] = ("proofread", n[0], seq[1][2])
    cases.append(Case("W205", "txt", "sidecar: first proofread by the drafter", sidecar=("json", record(seq))))
    n = staff(rng)
    seq = chain(rng, n)
    seq[4] = ("approve", n[0], seq[4][2])
    cases.append(Case("W205", "md", "sidecar: approved by the drafter", sidecar=("yaml", record(seq))))
    n = staff(rng)
    seq = chain(rng, n)
    seq[4] = ("approve", n[3], seq[4][2])
    cases.append(Case("W205", "csv", "sidecar: approved by the second proofreader", sidecar=("yml", record(seq))))
    n = ["张　晓东", *staff(rng, 5)]
    seq = chain(rng, n)
    seq[3] = ("proofread", "张晓东", seq[3][2])
    cases.append(
        Case("W205", "html", "sidecar: drafter proofreads, name written with a space", sidecar=("json", record(seq)))
    )
    n = ["Li Ming", *staff(rng, 5)]
    seq = chain(rng, n)
    seq[4] = ("approve", "li  ming", seq[4][2])
    cases.append(
        Case(
            "W205", "json", "sidecar: approved by the drafter, Latin name in other case", sidecar=("yaml", record(seq))
        )
    )
    a, b, c, d, e, f, g = staff(rng)
    cases += [
        Case(
            "W205",
            "txt",
            "embedded: proofread by the drafter",
            signoff=[f"撰稿：{a}　校对：{a}　排版：{c}　校对：{d}　审核：{e}"],
        ),
        Case(
            "W205",
            "md",
            "embedded: approved by the drafter",
            signoff=[f"撰稿：{a}", f"校对：{b}", f"排版：{c}", f"校对：{d}", f"审核：{a}"],
        ),
        Case(
            "W205",
            "html",
            "embedded: approved by the first proofreader",
            signoff=[f"撰稿：{a}　校对：{b}　排版：{c}　校对：{d}　审核：{b}"],
        ),
        Case(
            "W205",
            "csv",
            "embedded: second proofread by the drafter",
            signoff=[f"撰稿：{a}、校对：{b}、排版：{c}、二校：{a}、审定：{e}"],
        ),
        Case(
            "W205",
            "json",
            "embedded: 签发 by a proofreader",
            signoff=[f"撰稿：{a}　初校：{b}　排版：{c}　二校：{d}　签发：{d}"],
        ),
        Case(
            "W205",
            "txt",
            "embedded: 初审 and 复审 by one person",
            signoff=[f"撰稿：{a}　校对：{b}　排版：{c}　校对：{d}", f"初审：{g}　复审：{g}　终审：{e}"],
        ),
        Case(
            "W205",
            "md",
            "embedded: aligned labels, approver drafted",
            signoff=[f"撰  稿：{f}　　校  对：{b}", f"排  版：{c}　　校  对：{d}", f"审  核：{f}"],
        ),
    ]
    return cases


def _append_line(data: bytes) -> bytes:
    return data + "补充：新增一户。\n".encode()


def w206_cases(rng: random.Random) -> list[Case]:
    edits: list[tuple[str, Callable[[bytes], bytes]]] = [
        ("a line appended", _append_line),
        ("one digit changed", lambda d: d.replace(b"0", b"5", 1)),
        ("a BOM added", lambda d: b"\xef\xbb\xbf" + d),
        ("LF converted to CRLF", lambda d: d.replace(b"\n", b"\r\n")),
        ("trailing newline removed", lambda d: d.rstrip(b"\n")),
        ("a space inserted", lambda d: d.replace("公示".encode(), "公 示".encode(), 1)),
        ("a line appended", _append_line),
        ("one digit changed", lambda d: d.replace(b"1", b"7", 1)),
        ("a line appended", _append_line),
        ("LF converted to CRLF", lambda d: d.replace(b"\n", b"\r\n")),
    ]
    syntaxes = ("json", "yaml", "yml")
    cases = [
        Case(
            "W206",
            _fmt(i),
            f"edited after approval: {note}",
            sidecar=(syntaxes[i % 3], record(chain(rng, staff(rng)))),
            sha="stale",
            edit=edit,
        )
        for i, (note, edit) in enumerate(edits)
    ]
    cases.append(
        Case(
            "W206", "md", "approved but no hash recorded", sidecar=("json", record(chain(rng, staff(rng)))), sha="none"
        )
    )
    return cases


def w207_cases(rng: random.Random) -> list[Case]:
    cases: list[Case] = []
    for i, hours in enumerate((-1, -24, -0.25, -3, -48, -6)):
        seq = chain(rng, staff(rng))
        syntax = ("json", "yaml", "yml")[i % 3]
        cases.append(
            Case(
                "W207",
                _fmt(i),
                f"published {abs(hours)} h before approval",
                sidecar=(syntax, record(seq, after(seq[-1][2], hours))),
            )
        )
    seq = chain(rng, staff(rng))
    approve = datetime.fromisoformat(seq[-1][2])
    utc = (approve - timedelta(minutes=30)).astimezone(UTC).isoformat().replace("+00:00", "Z")
    cases.append(Case("W207", "txt", "published in UTC, 30 min before approval", sidecar=("json", record(seq, utc))))
    seq = chain(rng, staff(rng))
    naive = after(seq[-1][2], -2)[:19]
    cases.append(
        Case("W207", "md", "naive published_at (Asia/Shanghai) before approval", sidecar=("yaml", record(seq, naive)))
    )
    n = staff(rng)
    seq = chain(rng, n, ("draft", "proofread", "layout", "proofread", "approve", "approve"))
    seq[5] = ("签发", n[6], seq[5][2])
    cases.append(
        Case("W207", "csv", "published between 审核 and 签发", sidecar=("json", record(seq, after(seq[4][2], 0.5))))
    )
    seq = chain(rng, staff(rng))
    cases.append(
        Case(
            "W207",
            "html",
            "published on the day before approval",
            sidecar=("yml", record(seq, after(seq[-1][2], -24)[:10])),
        )
    )
    return cases


# --- writing ----------------------------------------------------------------------


def write(cases: list[Case], out: Path, rng: random.Random) -> list[dict[str, Any]]:
    labels = []
    counters: dict[str, int] = {}
    for case in cases:
        counters[case.group] = counters.get(case.group, 0) + 1
        name = f"{case.group.lower()}_{counters[case.group]:02d}.{case.fmt}"
        path = out / case.group / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = body(case, rng).encode(case.encoding)
        path.write_bytes(data)
        if case.sidecar:
            syntax, content = case.sidecar
            if isinstance(content, dict):
                content = dict(content)
                content.setdefault("document", name)
                if content["document"] is None:
                    content["document"] = name
                if case.sha in ("ok", "stale"):
                    content.setdefault("sha256", hashlib.sha256(data).hexdigest())
                text = (
                    json.dumps(content, ensure_ascii=False, indent=2) + "\n"
                    if syntax == "json"
                    else yaml.safe_dump(content, allow_unicode=True, sort_keys=False)
                )
            else:
                text = content
            path.with_name(f"{name}.workflow.{syntax}").write_text(text, encoding="utf-8")
        if case.edit:
            path.write_bytes(case.edit(data))
        expect = [] if case.group == "valid" else [case.group]
        record_kind = f"sidecar-{case.sidecar[0]}" if case.sidecar else ("embedded" if case.signoff else "none")
        label = {
            "path": f"{case.group}/{name}",
            "format": case.fmt,
            "expect": expect,
            "record": record_kind,
            "note": case.note,
        }
        if case.settings:
            label["settings"] = case.settings
        labels.append(label)
    return labels


def generate(out: Path, seed: int = 5) -> list[dict[str, Any]]:
    """Write the corpus under ``out`` (replacing it) and return the labels."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    cases = valid_cases(rng) + w201_cases(rng) + w202_cases(rng) + w203_cases(rng)
    cases += w204_cases(rng) + w205_cases(rng) + w206_cases(rng) + w207_cases(rng)
    labels = write(cases, out, rng)
    with (out.parent / "labels.jsonl").open("w", encoding="utf-8") as handle:
        for label in labels:
            handle.write(json.dumps(label, ensure_ascii=False) + "\n")
    return labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "docs", help="corpus folder (labels.jsonl goes beside it)")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    labels = generate(args.out, args.seed)
    groups: dict[str, int] = {}
    for label in labels:
        key = label["expect"][0] if label["expect"] else "valid"
        groups[key] = groups.get(key, 0) + 1
    print(f"wrote {len(labels)} documents to {args.out}: " + ", ".join(f"{k} {v}" for k, v in sorted(groups.items())))


if __name__ == "__main__":
    main()

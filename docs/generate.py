"""Generate docs/rules/*.md (one page per rule, plus an index) from rules/*.yaml.

    python docs/generate.py           # write the pages
    python docs/generate.py --check   # exit 1 if a committed page differs (tests run this)

Rules are data; their pages are derived, never edited by hand, so they cannot
drift from what `auditor rules show` prints.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.rules import Rule, load_rules  # noqa: E402

OUT = ROOT / "docs" / "rules"
HEADER = "<!-- Generated from rules/{code}.yaml by docs/generate.py; do not edit by hand. -->\n"
CATEGORY = {
    "privacy": "个人信息 privacy",
    "workflow": "审核流程 workflow",
    "report": "年度报告 report",
    "input": "输入 input",
}
SEVERITY = {"error": "错误 error", "warning": "警告 warning", "info": "提示 info"}


def _code(text: str) -> str:
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _examples(rule: Rule) -> list[str]:
    lines: list[str] = []
    for key, label in (("bad", "不合规 (reported)"), ("good", "合规 (not reported)")):
        items = rule.examples.get(key) or []
        if items:
            lines += [f"{label}:", "", *[f"- {_code(item)}" for item in items], ""]
    return ["## 示例 Examples", "", *lines] if lines else []


def rule_page(rule: Rule) -> str:
    """The Markdown page of one rule."""
    lines = [
        HEADER.format(code=rule.code).rstrip("\n"),
        "",
        f"# {rule.code} {rule.name}",
        "",
        f"**{rule.title['zh']}** — {rule.title['en']}",
        "",
        "| | |",
        "|---|---|",
        f"| 类别 category | {CATEGORY.get(rule.category, rule.category)} |",
        f"| 默认级别 default severity | {SEVERITY.get(rule.severity, rule.severity)} |",
        f"| 默认启用 enabled by default | {'是 yes' if rule.enabled else '否 no (`--select ' + rule.code + '`)'} |",
    ]
    if rule.entity:
        lines.append(f"| 实体 entity | `{rule.entity}` |")
    lines += [
        "",
        "## 说明 What it finds",
        "",
        rule.description["zh"],
        "",
        rule.description["en"],
        "",
        "## 为什么重要 Why it matters",
        "",
        rule.rationale["zh"],
        "",
        rule.rationale["en"],
        "",
        "## 依据 Basis",
        "",
        *[f"- {basis}" for basis in rule.basis],
        "",
        "## 怎么改 How to fix",
        "",
        rule.fix["zh"],
        "",
        rule.fix["en"],
        "",
        *_examples(rule),
    ]
    if rule.parameters:
        dumped = yaml.safe_dump(rule.parameters, allow_unicode=True, sort_keys=True, width=100).rstrip()
        lines += ["## 参数 Parameters", "", "```yaml", dumped, "```", ""]
    lines += [
        "## 忽略 Suppressing",
        "",
        f"- 在同一行、同一行记录或单元格批注中写 `auditor: ignore {rule.code}`（可在后面写理由）"
        f" — write `auditor: ignore {rule.code}` on the same line, in the same table row or in a cell/docx comment.",
        f'- 配置 `ignore = ["{rule.code}"]` 或命令行 `--ignore {rule.code}` — turn the rule off.',
        "- 已知问题用基线 `auditor baseline`，单个问题用 `allow-fingerprints` — accept known findings "
        "([CI integration](../ci.md)).",
        "",
    ]
    return "\n".join(lines)


def index_page(rules: dict[str, Rule]) -> str:
    lines = [
        "<!-- Generated from rules/ by docs/generate.py; do not edit by hand. -->",
        "",
        "# 规则 Rules",
        "",
        "| code | name | 标题 | severity | default |",
        "|---|---|---|---|---|",
    ]
    for code, rule in rules.items():
        enabled = "on" if rule.enabled else "off"
        lines.append(f"| [{code}]({code}.md) | {rule.name} | {rule.title['zh']} | {rule.severity} | {enabled} |")
    return "\n".join(lines) + "\n"


def pages(rules_dir: Path | None = None) -> dict[str, str]:
    """File name → content for every generated page."""
    rules = load_rules(rules_dir)
    out = {f"{code}.md": rule_page(rule) for code, rule in rules.items()}
    out["README.md"] = index_page(rules)
    return out


def outdated(out_dir: Path = OUT, rules_dir: Path | None = None) -> list[str]:
    """Pages that are missing, differ, or belong to no rule any more."""
    expected = pages(rules_dir)
    problems = [name for name, text in expected.items() if _read(out_dir / name) != text]
    problems += [p.name for p in sorted(out_dir.glob("*.md")) if p.name not in expected]
    return problems


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def write(out_dir: Path = OUT, rules_dir: Path | None = None) -> None:
    expected = pages(rules_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("*.md"):
        if stale.name not in expected:
            stale.unlink()
    for name, text in expected.items():
        if _read(out_dir / name) != text:
            (out_dir / name).write_text(text, encoding="utf-8")


def main(argv: list[str]) -> int:
    if "--check" in argv:
        problems = outdated()
        if problems:
            print(f"docs/rules is out of date ({', '.join(problems)}): run python docs/generate.py", file=sys.stderr)
            return 1
        return 0
    write()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

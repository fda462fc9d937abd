"""Command line (typer). Thin: parse options, call the engine, pick a formatter, set the exit code."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from auditor import __version__
from auditor.config import KEY_ENV, Config, ConfigError, resolve_config
from auditor.loaders.errors import reason
from auditor.model import SEVERITY_RANK, Report
from auditor.rules import RuleError, load_rules, validate_dir
from auditor.selection import SelectionError, expand

if TYPE_CHECKING:
    from auditor.baseline import Baseline
    from auditor.policy import PolicyOutcome

app = typer.Typer(
    name="auditor",
    help="政务公开合规审计：发现公示文件中暴露的个人信息，检查审核流程和年度报告。\n\n"
    "Compliance auditor for Chinese local-government disclosures.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
rules_app = typer.Typer(help="查看和校验规则 (list, show and validate rules)", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    csv = "csv"
    html = "html"
    junit = "junit"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


def _usage_error(message: str) -> typer.Exit:
    typer.echo(f"错误 (error): {message}", err=True)
    return typer.Exit(EXIT_USAGE)


def _codes(option: str | None) -> list[str] | None:
    if option is None:
        return None
    return [c.strip().upper() for c in option.split(",") if c.strip()]


def exit_code(report: Report, fail_on: str) -> int:
    """2 if any input could not be scanned; 1 if a finding reaches --fail-on; else 0."""
    if report.errors:
        return EXIT_USAGE
    if fail_on == "never":
        return EXIT_OK
    threshold = SEVERITY_RANK[fail_on]
    failing = any(SEVERITY_RANK[f.severity] >= threshold for f in report.findings if f.category != "input")
    return EXIT_FINDINGS if failing else EXIT_OK


def _version(value: bool) -> None:
    if value:
        from auditor.buildinfo import build_name

        typer.echo(f"auditor {__version__} — {build_name()}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本 (show version)")
    ] = False,
) -> None:
    """政务公开合规审计 (compliance auditor)."""


@app.command()
def scan(
    paths: Annotated[list[str], typer.Argument(help="文件、目录或 - (标准输入) (files, directories or - for stdin)")],
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="输出格式")] = OutputFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件 (write report to FILE)")] = None,
    config_file: Annotated[Path | None, typer.Option("--config", help="配置文件 (config file)")] = None,
    fail_on: Annotated[FailOn | None, typer.Option("--fail-on", help="达到该级别即退出码1")] = None,
    select: Annotated[str | None, typer.Option("--select", help="只启用这些规则或前缀，如 P1,W")] = None,
    ignore: Annotated[str | None, typer.Option("--ignore", help="停用这些规则或前缀")] = None,
    require_workflow: Annotated[
        bool, typer.Option("--require-workflow", help="缺少审核流程记录视为错误 (W201 as error)")
    ] = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            help="并行进程数；0（默认）= 文件多时每个核一个 (processes; 0 = automatic: all cores for big scans)",
        ),
    ] = 0,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="不显示进度，只在标准错误输出一行摘要 (no progress; one summary line)")
    ] = False,
    baseline_file: Annotated[
        Path | None, typer.Option("--baseline", help="只报告基线之外的新问题 (report only findings not in FILE)")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="只扫描自 git 版本 REV 以来改动的文件 (only files changed since REV)")
    ] = None,
    report_unused_ignores: Annotated[
        bool, typer.Option("--report-unused-ignores", help="列出没有起作用的 auditor: ignore 标记")
    ] = False,
    no_inline_ignores: Annotated[
        bool, typer.Option("--no-inline-ignores", help="不理会文件中的 auditor: ignore 标记 (e.g. for audits)")
    ] = False,
) -> None:
    """扫描文件，报告暴露的个人信息等问题 (scan files and report findings)."""
    from auditor.formatters import chunks_for
    from auditor.formatters.streaming import write_chunks
    from auditor.policy import apply_policy

    config, rules = _prepare(config_file, paths, select, ignore, fail_on, require_workflow, no_inline_ignores)
    baseline, paths = _ci_inputs(config, paths, baseline_file, since)
    report = _run_safely(paths, config, rules, jobs, quiet)
    outcome = apply_policy(report, config, baseline, _enabled(config, rules))
    color = output is None and output_format == "text" and _colour_terminal(sys.stdout)
    rendered = chunks_for(output_format.value, color)(report, rules)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as sink:
            write_chunks(rendered, sink)
    else:
        write_chunks(rendered, sys.stdout)
    code = exit_code(report, config.fail_on)
    _log(report, outcome, baseline, code, quiet, report_unused_ignores, output is None and output_format == "text")
    raise typer.Exit(code)


@app.command("baseline")
def baseline_command(
    paths: Annotated[list[str], typer.Argument(help="文件或目录 (files or directories)")],
    output: Annotated[Path, typer.Option("--output", "-o", help="基线文件，如 .auditor-baseline.json")],
    config_file: Annotated[Path | None, typer.Option("--config", help="配置文件 (config file)")] = None,
    select: Annotated[str | None, typer.Option("--select", help="只启用这些规则或前缀，如 P1,W")] = None,
    ignore: Annotated[str | None, typer.Option("--ignore", help="停用这些规则或前缀")] = None,
    require_workflow: Annotated[bool, typer.Option("--require-workflow", help="W201 as error")] = False,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=0, help="并行进程数；0（默认）= 自动 (processes; 0 = automatic)")
    ] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度 (no progress bar)")] = False,
) -> None:
    """记录当前所有问题的指纹，之后 scan --baseline 只报告新问题 (record current findings as accepted)."""
    from auditor.baseline import dumps, entries_of
    from auditor.policy import apply_policy

    config, rules = _prepare(config_file, paths, select, ignore, None, require_workflow, False)
    config.baseline = output  # a configured baseline is replaced, not applied; never scan the old file itself
    report = _run_safely(paths, config, rules, jobs, quiet)
    apply_policy(report, config)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(dumps(report, config.key_bytes()), encoding="utf-8")
    recorded = len(entries_of(report))
    typer.echo(f"基线已写入 {output}：{recorded} 个问题 (baseline written: {recorded} findings)", err=True)
    if config.fingerprint_key is None and not os.environ.get(KEY_ENV):
        typer.echo(
            "警告：使用的是公开的默认指纹密钥，短号码（身份证、手机）可由指纹反推。请设置 fingerprint-key 或 "
            f"{KEY_ENV} (warning: the default fingerprint key is public; set your own before committing a baseline)",
            err=True,
        )
    for error in report.errors:
        typer.echo(f"无法审计 (not scanned) {error['path']}: {error['message']}", err=True)
    raise typer.Exit(EXIT_USAGE if report.errors else EXIT_OK)


def _prepare(
    config_file: Path | None,
    paths: list[str],
    select: str | None,
    ignore: str | None,
    fail_on: FailOn | None,
    require_workflow: bool,
    no_inline_ignores: bool,
) -> tuple[Config, dict]:
    """Config and rules with command-line options applied; missing paths are a usage error."""
    try:
        config = resolve_config(config_file, paths)
        rules = load_rules()
        config = _apply_options(config, rules, select, ignore, fail_on, require_workflow)
    except (ConfigError, SelectionError) as exc:
        raise _usage_error(str(exc)) from exc
    except RuleError as exc:
        raise _usage_error(f"规则文件无效 (invalid rules):\n{exc}") from exc
    if no_inline_ignores:
        config.inline_ignores = False
    for raw in paths:
        if raw != "-" and not Path(raw).exists():
            raise _usage_error(f"路径不存在 (no such file or directory): {raw}")
    return config, rules


def _ci_inputs(
    config: Config, paths: list[str], baseline_file: Path | None, since: str | None
) -> tuple[Baseline | None, list[str]]:
    """Load the baseline (--baseline or config) and narrow paths for --since; problems exit 2."""
    from auditor.baseline import BaselineError, load
    from auditor.gitdiff import GitError, select_changed

    if baseline_file is not None:
        config.baseline = baseline_file
    try:
        baseline = load(config.baseline, config.key_bytes()) if config.baseline is not None else None
        if since is not None:
            paths = select_changed(paths, since)
    except (BaselineError, GitError) as exc:
        raise _usage_error(str(exc)) from exc
    return baseline, paths


def _run_safely(paths: list[str], config: Config, rules: dict, jobs: int, quiet: bool) -> Report:
    try:
        return _run(paths, config, rules, jobs, show_progress=not quiet)
    except ConfigError as exc:
        raise _usage_error(str(exc)) from exc
    except Exception as exc:  # an internal error must never look like "findings" (1) or "clean" (0)
        raise _usage_error(f"内部错误 (internal error): {reason(exc)}") from exc


def _enabled(config: Config, rules: dict) -> set[str]:
    from auditor.selection import enabled_codes

    return enabled_codes(rules, config.select, config.ignore, config.extend_select, config.profile)


def _colour_terminal(stream: TextIO) -> bool:
    """Colour only for a person at a terminal: not in files, pipes or CI logs, nor under NO_COLOR
    (no-color.org) or TERM=dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _log(
    report: Report,
    outcome: PolicyOutcome,
    baseline: Baseline | None,
    code: int,
    quiet: bool,
    report_unused: bool,
    text_on_stdout: bool,
) -> None:
    """Stderr for CI logs: filtering notes (unless --quiet) and a one-line summary."""
    from auditor.policy import notes, summary_line

    lines = notes(outcome, baseline if not quiet else None, report_unused)
    if quiet or not text_on_stdout:
        lines.append(summary_line(report, outcome, code, report_unused))
    for line in lines:
        typer.echo(line, err=True)


def _apply_options(
    config: Config,
    rules: dict,
    select: str | None,
    ignore: str | None,
    fail_on: FailOn | None,
    require_workflow: bool,
) -> Config:
    if select is not None:
        config.select = _codes(select)
        expand(config.select or [], rules)
    if ignore is not None:
        config.ignore = config.ignore + (_codes(ignore) or [])
    expand(config.ignore, rules)
    if config.select:
        expand(config.select, rules)
    if fail_on is not None:
        config.fail_on = fail_on.value
    if require_workflow:
        config.require_workflow = True
    if config.require_workflow:
        config.severity.setdefault("W201", "error")
    return config


def _run(paths: list[str], config: Config, rules: dict, jobs: int, show_progress: bool) -> Report:
    from auditor.engine import scan_paths

    if not (show_progress and sys.stderr.isatty()):
        return scan_paths(paths, config, rules, jobs=jobs)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("扫描中 (scanning)"), BarColumn(), TextColumn("{task.completed} 个文件"), TimeElapsedColumn()
    ) as progress:
        task = progress.add_task("scan", total=None)
        return scan_paths(paths, config, rules, progress=lambda _: progress.advance(task), jobs=jobs)


@rules_app.command("list")
def rules_list() -> None:
    """列出所有规则 (list rules)."""
    rules = load_rules()
    for code, rule in rules.items():
        state = "默认启用" if rule.enabled else "默认关闭"
        typer.echo(f"{code}  {rule.name:<36} {rule.severity:<8} {state}  {rule.title['zh']}")


@rules_app.command("show")
def rules_show(code: Annotated[str, typer.Argument(help="规则代码，如 P101")]) -> None:
    """显示一条规则的说明、依据和修改方法 (show one rule)."""
    rules = load_rules()
    rule = rules.get(code.upper())
    if rule is None:
        raise _usage_error(f"未知的规则代码 (unknown rule code): {code}")
    lines = [
        f"{rule.code} {rule.name} — {rule.title['zh']} / {rule.title['en']}",
        f"类别 category: {rule.category}    级别 severity: {rule.severity}    默认启用 enabled: {rule.enabled}",
        "",
        f"说明：{rule.description['zh']}",
        f"Description: {rule.description['en']}",
        "",
        f"为什么重要：{rule.rationale['zh']}",
        f"Why: {rule.rationale['en']}",
        "",
        "依据 (basis):",
        *[f"  - {b}" for b in rule.basis],
        "",
        f"怎么改：{rule.fix['zh']}",
        f"How to fix: {rule.fix['en']}",
    ]
    typer.echo("\n".join(lines))


@rules_app.command("validate")
def rules_validate(directory: Annotated[Path, typer.Argument(help="规则目录 (rules directory)")]) -> None:
    """校验规则目录中的 YAML 文件 (validate a rules directory against the schema)."""
    problems = validate_dir(directory)
    if problems:
        for problem in problems:
            typer.echo(problem, err=True)
        raise typer.Exit(EXIT_USAGE)
    count = len(list(directory.glob("*.y*ml")))
    typer.echo(f"规则有效 (valid): {count} 条")


def _workflow_settings_for(path: Path):
    from auditor.workflow import WorkflowSettings

    config = resolve_config(None, [str(path)])
    return WorkflowSettings.from_mapping(config.workflow, require_workflow=config.require_workflow)


def _register_workflow() -> None:
    from auditor.engine import load_document
    from auditor.workflow.cli import register

    register(app, load_document=load_document, settings_for=_workflow_settings_for)


_register_workflow()


def _register_fix() -> None:
    from auditor.fix.cli import register as register_fix

    register_fix(app)


_register_fix()


def _register_serve() -> None:
    from auditor.serve.cli import register as register_serve

    register_serve(app)


_register_serve()


def _register_sweep() -> None:
    from auditor.sweep.cli import register as register_sweep

    register_sweep(app)


_register_sweep()


def main() -> None:
    app()

"""Typer wiring for ``auditor fix``: de-identified copies in the same format.

Exit codes: 0 written (or dry run) with nothing left to do by hand; 1 written,
but some values must be fixed in the source (PDF, formula cells); 2 usage
error or a file that could not be read or rewritten.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from auditor.fix.changelog import FileOutcome, summary, to_csv, to_json
from auditor.fix.paths import LOG_NAME, UsageError, check_output
from auditor.loaders.errors import reason

EXIT_OK, EXIT_MANUAL, EXIT_USAGE = 0, 1, 2
STATUS_LABEL = {
    "fixed": "已修复 fixed",
    "unchanged": "无需修改 unchanged",
    "skipped": "跳过 skipped",
    "error": "错误 error",
    "manual": "需人工 manual",
}


class SummaryFormat(StrEnum):
    text = "text"
    json = "json"


class Profile(StrEnum):
    default = "default"
    strict = "strict"


def register(app: typer.Typer) -> None:
    """Add the ``fix`` command to ``app``."""

    @app.command("fix")
    def fix_command(
        paths: Annotated[list[str], typer.Argument(help="文件或目录 (files or directories)")],
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="输出目录，镜像输入路径 (output folder, mirrors inputs)")
        ] = None,
        in_place: Annotated[
            bool, typer.Option("--in-place", help="直接改写原文件（先备份）(rewrite originals)")
        ] = False,
        backup_suffix: Annotated[str, typer.Option("--backup-suffix", help="--in-place 的备份后缀")] = ".bak",
        dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示将要修改的内容 (show, write nothing)")] = False,
        config_file: Annotated[Path | None, typer.Option("--config", help="配置文件 (config file)")] = None,
        profile: Annotated[
            Profile | None, typer.Option("--profile", help="规则配置档，strict 启用 P132 (rule profile)")
        ] = None,
        log: Annotated[
            Path | None, typer.Option("--log", help=f"修改记录 JSON 路径，另写同名 .csv（默认 OUTPUT/{LOG_NAME}.json）")
        ] = None,
        summary_format: Annotated[SummaryFormat, typer.Option("--format", "-f", help="摘要格式")] = SummaryFormat.text,
    ) -> None:
        """生成去标识化副本，格式不变 (write de-identified copies in the same format)."""
        try:
            scanner = _scanner(paths, config_file, profile)
            _check_arguments(paths, output, in_place, backup_suffix, dry_run)
        except UsageError as exc:
            typer.echo(f"错误 (error): {exc}", err=True)
            raise typer.Exit(EXIT_USAGE) from exc
        from auditor.fix.run import FixOptions, fix_paths

        options = FixOptions(output, in_place, backup_suffix, dry_run)
        try:
            outcomes = fix_paths(paths, scanner, options)
        except Exception as exc:  # an internal error must not look like success
            typer.echo(f"内部错误 (internal error): {reason(exc)}", err=True)
            raise typer.Exit(EXIT_USAGE) from exc
        log_path = log or _default_log(output, in_place, dry_run)
        if log_path is not None:
            _write_log(log_path, outcomes, dry_run)
        rendered = to_json(outcomes, dry_run) if summary_format is SummaryFormat.json else _text(outcomes, dry_run)
        sys.stdout.write(rendered)
        if log_path is not None and summary_format is SummaryFormat.text:
            typer.echo(f"修改记录 change log: {log_path} , {log_path.with_suffix('.csv')}")
        raise typer.Exit(exit_code(outcomes))


def _scanner(paths: list[str], config_file: Path | None, profile: Profile | None):
    from auditor.config import ConfigError, resolve_config
    from auditor.engine import Scanner
    from auditor.rules import RuleError

    try:
        config = resolve_config(config_file, [p for p in paths if p != "-"])
        if profile is not None:
            config.profile = profile.value
        return Scanner(config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc
    except RuleError as exc:
        raise UsageError(f"规则文件无效 (invalid rules):\n{exc}") from exc


def _check_arguments(paths: list[str], output: Path | None, in_place: bool, suffix: str, dry_run: bool) -> None:
    if "-" in paths:
        raise UsageError("fix 不能读取标准输入，请给出文件或目录 (stdin is not supported by fix)")
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"路径不存在 (no such file or directory): {', '.join(missing)}")
    if in_place and output is not None:
        raise UsageError("--in-place 与 --output 只能选一个 (use one of --in-place and --output)")
    if in_place and not suffix:
        raise UsageError("--backup-suffix 不能为空：原件必须留有备份 (the backup suffix must not be empty)")
    if not in_place and output is None and not dry_run:
        raise UsageError("需要 --output DIR（或 --in-place，或 --dry-run）(give --output DIR)")
    if output is not None:
        check_output([Path(p) for p in paths], output)


def _default_log(output: Path | None, in_place: bool, dry_run: bool) -> Path | None:
    if dry_run:
        return None
    if output is not None:
        return output / f"{LOG_NAME}.json"
    return Path(f"{LOG_NAME}.json") if in_place else None


def _write_log(path: Path, outcomes: list[FileOutcome], dry_run: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_json(outcomes, dry_run), encoding="utf-8")
    path.with_suffix(".csv").write_text(to_csv(outcomes), encoding="utf-8", newline="")


def exit_code(outcomes: list[FileOutcome]) -> int:
    if any(o.status == "error" for o in outcomes):
        return EXIT_USAGE
    if any(o.status == "manual" or any(not c.applied for c in o.changes) for o in outcomes):
        return EXIT_MANUAL
    return EXIT_OK


def _text(outcomes: list[FileOutcome], dry_run: bool) -> str:
    """One line per file that needs attention; with --dry-run, every change (masked forms only)."""
    lines: list[str] = []
    for outcome in outcomes:
        if outcome.status == "unchanged" and not outcome.changes:
            continue
        applied = sum(1 for c in outcome.changes if c.applied)
        arrow = f" → {outcome.output}" if outcome.output and outcome.output != outcome.path else ""
        count = f"  ({applied} 处)" if applied else ""
        label = "将修复 would fix" if dry_run and outcome.status == "fixed" else STATUS_LABEL[outcome.status]
        lines.append(f"{label}: {outcome.path}{arrow}{count}")
        if outcome.message:
            lines.append(f"    {outcome.message}")
        lines += [f"    注意 warning: {w}" for w in outcome.warnings]
        for change in outcome.changes:
            if dry_run or not change.applied:
                where = " ".join(f"{k}={v}" for k, v in change.location.items())
                mark = "" if change.applied else " [需人工 manual]"
                note = f"  ({change.note})" if change.note else ""
                lines.append(f"    {where}  {change.rule_id} → {change.masked}{mark}{note}")
    totals = summary(outcomes)
    states = ", ".join(f"{STATUS_LABEL[k]} {v}" for k, v in totals["by_status"].items())
    rules = ", ".join(f"{k} {v}" for k, v in totals["by_rule"].items()) or "无 none"
    verb = "将遮蔽 would mask" if dry_run else "已遮蔽 masked"
    backups = sum(1 for o in outcomes if o.backup)
    if backups:
        lines.append(
            f"注意：{backups} 个备份文件仍含原始个人信息，请勿发布 (backups hold the original data: never publish them)"
        )
    lines.append(f"{totals['files']} 个文件 files: {states}")
    lines.append(f"{verb} {totals['changes']} 处 values ({rules}); 需人工 manual {totals['manual']}")
    return "\n".join(lines) + "\n"

"""Typer wiring for ``auditor sweep`` (supervisors: history, units, HTML report).

The main CLI calls :func:`register`. Exit codes: 0 the sweep completed (findings
are the report's business, not a failure), 2 usage error or unusable database,
130 interrupted (run the same command again to resume).
"""

from __future__ import annotations

import signal
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from auditor.config import Config, ConfigError, resolve_config
from auditor.rules import Rule, RuleError, load_rules
from auditor.selection import SelectionError, expand

EXIT_USAGE, EXIT_INTERRUPTED = 2, 130
DEFAULT_DB = Path("reports") / "sweep.sqlite"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    typer.echo(f"错误 (error): {message}", err=True)
    return typer.Exit(code)


def _codes(option: str | None) -> list[str] | None:
    if option is None:
        return None
    return [c.strip().upper() for c in option.split(",") if c.strip()]


def load_settings(root: Path, config_file: Path | None, select: str | None, ignore: str | None) -> tuple[Config, dict]:
    """Config and rules exactly as ``scan`` resolves them (config found upward from ROOT)."""
    config = resolve_config(config_file, [str(root)])
    rules = load_rules()
    if select is not None:
        config.select = _codes(select)
    if ignore is not None:
        config.ignore = config.ignore + (_codes(ignore) or [])
    expand(config.select or [], rules)
    expand(config.ignore, rules)
    if config.require_workflow:
        config.severity.setdefault("W201", "error")
    return config, rules


def register(app: typer.Typer) -> None:
    """Add the ``sweep`` command to ``app``."""

    @app.command("sweep")
    def sweep_command(
        root: Annotated[Path, typer.Argument(help="要巡查的目录 (folder to sweep)")],
        db: Annotated[Path, typer.Option("--db", help="巡查数据库 (SQLite store)")] = DEFAULT_DB,
        jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="进程数，0 = 每核一个 (0 = all cores)")] = 0,
        units_depth: Annotated[
            int, typer.Option("--units-depth", min=0, help="按第 K 级文件夹划分单位 (unit = first K folders)")
        ] = 1,
        units_file: Annotated[
            Path | None, typer.Option("--units", help="单位映射文件 {单位: [路径模式]} (unit -> path globs)")
        ] = None,
        html: Annotated[Path | None, typer.Option("--html", help="写出 HTML 报告 (write the HTML report)")] = None,
        export_format: Annotated[
            ExportFormat | None, typer.Option("--format", "-f", help="导出 csv 或 json (export)")
        ] = None,
        output: Annotated[Path | None, typer.Option("--output", "-o", help="导出文件，默认标准输出")] = None,
        since_last: Annotated[
            bool, typer.Option("--since-last", help="报告只列出上次巡查以来的变化 (changes since last sweep)")
        ] = False,
        config_file: Annotated[Path | None, typer.Option("--config", help="配置文件 (config file)")] = None,
        select: Annotated[str | None, typer.Option("--select", help="只启用这些规则或前缀")] = None,
        ignore: Annotated[str | None, typer.Option("--ignore", help="停用这些规则或前缀")] = None,
        report_only: Annotated[
            bool, typer.Option("--report-only", help="不扫描，只用最近一次完成的巡查出报告 (no scan)")
        ] = False,
        keep_runs: Annotated[int, typer.Option("--keep-runs", min=2, help="保留明细的巡查次数")] = 5,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度 (no progress bar)")] = False,
    ) -> None:
        """巡查整个目录：全部核心并行、可中断续扫、按单位汇总并与上次比较 (supervisory sweep)."""
        from auditor.sweep.store import StoreError
        from auditor.sweep.units import UnitMap, UnitsError

        if not root.is_dir():
            raise _fail(f"不是目录 (not a directory): {root}")
        try:
            config, rules = load_settings(root, config_file, select, ignore)
            units = UnitMap.from_file(units_file) if units_file else UnitMap(units_depth)
        except (ConfigError, SelectionError, UnitsError) as exc:
            raise _fail(str(exc)) from exc
        except RuleError as exc:
            raise _fail(f"规则文件无效 (invalid rules):\n{exc}") from exc
        to_stdout = export_format is not None and output is None
        say = (lambda text: typer.echo(text, err=True)) if to_stdout else typer.echo
        try:
            run_id = None
            if not report_only:
                run_id = _sweep(root, db, config, rules, jobs, keep_runs, (html, output), quiet, say)
            _report(root, db, run_id, units, rules, html, export_format, output, since_last, say)
        except StoreError as exc:
            raise _fail(str(exc)) from exc


def _sweep(
    root: Path,
    db: Path,
    config: Config,
    rules: dict[str, Rule],
    jobs: int,
    keep_runs: int,
    outputs: tuple[Path | None, Path | None],
    quiet: bool,
    say: Any,
) -> int:
    from auditor.sweep.runner import SweepOptions, run_sweep

    exclude = tuple(p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}.lock"), *outputs) if p)
    options = SweepOptions(
        root=root, db=db, config=config, rules=rules, jobs=jobs, keep_runs=keep_runs, exclude=exclude
    )
    show = not quiet and sys.stderr.isatty()
    previous = signal.signal(signal.SIGTERM, _term_as_interrupt)
    try:
        if show:
            from auditor.sweep.progress import RichProgress

            with RichProgress() as bar:
                outcome = run_sweep(options, bar)
        else:
            outcome = run_sweep(options)
    finally:
        signal.signal(signal.SIGTERM, previous)
    resumed = "（续扫 resumed）" if outcome.resumed else ""
    if outcome.interrupted:
        typer.echo(
            f"已中断{resumed}：已完成 {outcome.files} 个文件；再次运行同一命令即可继续 "
            f"(interrupted after {outcome.files} files; run the same command again to resume).",
            err=True,
        )
        raise typer.Exit(EXIT_INTERRUPTED)
    rate = outcome.files / outcome.seconds if outcome.seconds else 0.0
    say(
        f"巡查完成{resumed} (sweep #{outcome.run_id} done)：{outcome.files} 个文件 files，"
        f"扫描 scanned {outcome.scanned}，沿用 reused {outcome.reused}，"
        f"{outcome.bytes / 1e6:.1f} MB，用时 {outcome.seconds:.1f} 秒 ({rate:.0f} files/s)"
    )
    return outcome.run_id


def _term_as_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _report(
    root: Path,
    db: Path,
    run_id: int | None,
    units: Any,
    rules: dict[str, Rule],
    html: Path | None,
    export_format: ExportFormat | None,
    output: Path | None,
    since_last: bool,
    say: Any,
) -> None:
    from auditor.sweep.export import write_csv, write_json
    from auditor.sweep.html import HtmlOptions, write_html
    from auditor.sweep.store import Store
    from auditor.sweep.units import rollup

    if run_id is None and not db.exists():
        raise _fail(f"数据库不存在 (no database): {db}")
    with Store(db) as store:
        run = store.run(run_id) if run_id is not None else store.latest_run(str(root.resolve()), "completed")
        if run is None:
            raise _fail("该目录还没有完成的巡查 (no completed sweep of this folder yet)")
        report = rollup(store, run, units)
        for line in _summary_lines(report):
            say(line)
        if html is not None:
            html.parent.mkdir(parents=True, exist_ok=True)
            with html.open("w", encoding="utf-8") as fh:
                write_html(fh, store, report, rules, HtmlOptions(since_last=since_last))
            say(f"HTML 报告 (report)：{html}")
        if export_format is not None:
            writer = write_csv if export_format is ExportFormat.csv else write_json
            if output is None:
                writer(sys.stdout, store, run, units, since_last)
            else:
                output.parent.mkdir(parents=True, exist_ok=True)
                with output.open("w", encoding="utf-8", newline="") as fh:
                    writer(fh, store, run, units, since_last)
                say(f"导出 (export)：{output}")


def _summary_lines(report: Any, top: int = 10) -> list[str]:
    t = report.total
    severity = "，".join(f"{k} {v}" for k, v in sorted(t.by_severity.items()))
    lines = [
        f"问题 findings {t.findings}（{severity or '无 none'}），有问题的文件 files affected {t.files_affected}，"
        f"无法审计 unreadable {t.unreadable}，单位 units {len(report.units)}"
    ]
    if report.previous is not None:
        lines.append(
            f"与第 {report.previous.id} 次巡查相比 (vs run #{report.previous.id})：新增 new {t.new}，"
            f"已整改 fixed {t.fixed}，仍存在 still open {t.still_open}"
        )
    for unit in report.units[:top]:
        if unit.findings:
            lines.append(f"  {unit.name}: {unit.findings} 条 findings，{unit.files_affected}/{unit.files} 个文件")
    return lines

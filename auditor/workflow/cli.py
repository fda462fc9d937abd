"""Typer wiring for `auditor sign` and `auditor workflow show|publish`.

The main CLI calls :func:`register`; it may pass its own document loader and
config lookup so these commands see files and settings exactly as `scan` does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from auditor.model import Document
from auditor.rules import RuleError, load_rules
from auditor.workflow.settings import WorkflowSettings
from auditor.workflow.sign import SignError, describe, publish, sign
from auditor.workflow.textdoc import load_document as default_load_document
from auditor.workflow.timestamps import format_timestamp

LoadDocument = Callable[[Path], Document | None]
SettingsFor = Callable[[Path], WorkflowSettings]


def register(
    app: typer.Typer, *, load_document: LoadDocument | None = None, settings_for: SettingsFor | None = None
) -> None:
    """Add ``sign`` and the ``workflow`` sub-app (``show``, ``publish``) to ``app``."""
    loader = load_document or default_load_document

    def settings(path: Path) -> WorkflowSettings:
        return settings_for(path) if settings_for else WorkflowSettings()

    def refuse(exc: SignError) -> typer.Exit:
        typer.echo(f"拒绝 refused: {exc}", err=True)
        return typer.Exit(2 if exc.usage else 1)

    @app.command("sign")
    def sign_command(
        file: Annotated[Path, typer.Argument(help="要签的文件 the document")],
        step: Annotated[str, typer.Option("--step", help="draft|proofread|layout|approve（撰写|校对|排版|审核）")],
        by: Annotated[str, typer.Option("--by", help="签名人 signer")],
        at: Annotated[str | None, typer.Option("--at", help="ISO 8601 时间，默认现在 (default: now)")] = None,
    ) -> None:
        """在工作流程记录中签一步 — sign one step of the review chain (sidecar FILE.workflow.json)."""
        try:
            result = sign(file, step, by, at, settings(file))
        except SignError as exc:
            raise refuse(exc) from exc
        action = "已创建 created" if result.created else "已更新 updated"
        typer.echo(f"{action} {result.sidecar}: {result.step} @ {format_timestamp(result.at)}")
        if result.sha256:
            typer.echo(f"SHA-256 {result.sha256}")
        for warning in result.warnings:
            typer.echo(f"注意 warning: {warning}", err=True)

    workflow = typer.Typer(
        help="工作流程记录 review-chain records (撰写 → 校对 → 排版 → 校对 → 审核).", no_args_is_help=True
    )

    @workflow.command("show")
    def show_command(file: Annotated[Path, typer.Argument(help="文件 the document")]) -> None:
        """显示审核链和检查结果 — print the chain and its W2xx findings."""
        if not file.is_file():
            typer.echo(f"文件不存在 (no such file): {file}", err=True)
            raise typer.Exit(2)
        try:
            rules = load_rules()
        except RuleError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from exc
        lines, _ = describe(file, loader(file), settings(file), rules)
        typer.echo("\n".join(lines))

    @workflow.command("publish")
    def publish_command(
        file: Annotated[Path, typer.Argument(help="文件 the document")],
        at: Annotated[str | None, typer.Option("--at", help="ISO 8601 发布时间，默认现在")] = None,
    ) -> None:
        """记录发布时间 — record published_at (refused before approval or after edits)."""
        try:
            sidecar = publish(file, at, settings(file))
        except SignError as exc:
            raise refuse(exc) from exc
        typer.echo(f"已记录发布时间 published_at recorded in {sidecar}")

    app.add_typer(workflow, name="workflow")

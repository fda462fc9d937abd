"""Typer wiring for `auditor serve`: the local web page for village clerks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from auditor.serve import DEFAULT_MAX_MB


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to ``app``."""

    @app.command("serve")
    def serve_command(
        host: Annotated[str, typer.Option("--host", help="监听地址，默认只在本机 (bind address)")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="端口 (port)")] = 8000,
        token: Annotated[
            str | None,
            typer.Option("--token", envvar="AUDITOR_SERVE_TOKEN", help="访问口令；监听非本机地址时必须设置"),
        ] = None,
        max_mb: Annotated[float, typer.Option("--max-mb", help="上传文件大小上限 MB (upload limit)")] = DEFAULT_MAX_MB,
        config_file: Annotated[Path | None, typer.Option("--config", help="配置文件 (config file)")] = None,
    ) -> None:
        """启动本机网页：上传文件即可检查并下载修改后的副本 (local web page to check a file)."""
        from auditor.config import ConfigError, resolve_config
        from auditor.engine import Scanner
        from auditor.rules import RuleError
        from auditor.serve.app import create_app
        from auditor.serve.security import BindError

        try:
            scanner = Scanner(resolve_config(config_file, []))
            web = create_app(scanner, host=host, token=token, max_mb=max_mb)
        except BindError as exc:
            typer.echo(f"拒绝 refused: {exc}", err=True)
            raise typer.Exit(2) from exc
        except (ConfigError, RuleError) as exc:
            typer.echo(f"错误 (error): {exc}", err=True)
            raise typer.Exit(2) from exc
        shown = f"[{host}]" if ":" in host else host
        query = f"/?token={token}" if token else "/"
        typer.echo(f"请在浏览器打开 open: http://{shown}:{port}{query}  （按 Ctrl+C 停止 stop）")
        web.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)

"""``python -m auditor.sweep ROOT …``: the sweep command on its own (same as ``auditor sweep``)."""

from __future__ import annotations

import typer

from auditor.sweep.cli import register

app = typer.Typer(add_completion=False, rich_markup_mode=None)
register(app)  # one command and no callback: typer runs it directly

if __name__ == "__main__":
    app(prog_name="python -m auditor.sweep")

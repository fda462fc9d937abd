"""Report formatters: one module per output format, each ``render(report, rules) -> str``."""

from __future__ import annotations

from collections.abc import Callable

from auditor.formatters.streaming import Chunks
from auditor.model import Report
from auditor.rules import Rule

Formatter = Callable[[Report, dict[str, Rule]], str]
FORMATS = ("text", "json", "sarif", "csv", "html", "junit")


def formatter_for(name: str) -> Formatter:
    if name == "json":
        from auditor.formatters.json_format import render
    elif name == "sarif":
        from auditor.formatters.sarif import render
    elif name == "csv":
        from auditor.formatters.csv_format import render
    elif name == "html":
        from auditor.formatters.html_format import render
    elif name == "junit":
        from auditor.formatters.junit import render
    else:
        from auditor.formatters.text import render
    return render


def chunks_for(name: str, color: bool = False) -> Chunks:
    """The report as pieces to write one after another: text, JSON and SARIF stream, the rest is one piece.

    ``color``: the text report for a terminal, in colour.
    """
    if name == "text":
        from auditor.formatters import text

        return lambda report, rules: text.chunks(report, rules, color)
    if name == "json":
        from auditor.formatters.json_format import chunks
    elif name == "sarif":
        from auditor.formatters.sarif import chunks
    else:
        render = formatter_for(name)
        return lambda report, rules: (render(report, rules),)
    return chunks

"""The loaders' error type, and the one way a library's exception text may enter a report."""

from __future__ import annotations

import re

# A digit run with at most single spaces or hyphens inside (138 1234 5678 is one run).
_DIGIT_RUN = re.compile(r"[0-9０-９](?:[ \-]?[0-9０-９])*")
# Escaped bytes or code points in a repr (b'\xe5\xbc\xa0' is a name), and any non-ASCII text.
_ESCAPED_OR_WIDE = re.compile(r"(?:\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}|[^\x00-\x7f])+")
KEEP_DIGITS = 4  # line and column numbers stay readable; nothing personal is this short
REASON_LIMIT = 200


class LoadError(Exception):
    """A file that cannot be read or parsed; becomes E001 with this message."""


def reason(exc: BaseException) -> str:
    """``Type: message`` of a library's exception, safe to put in a report.

    Libraries quote what they choked on: pdfminer prints the objects of a broken dictionary,
    an ID string among them. Digit runs longer than KEEP_DIGITS become ``#`` and non-ASCII
    text (names, addresses) or escaped bytes become ``…``, before any of it reaches a report.
    """
    text = _ESCAPED_OR_WIDE.sub("…", f"{type(exc).__name__}: {exc}")
    text = _DIGIT_RUN.sub(_hide_long_number, text)
    return text if len(text) <= REASON_LIMIT else text[: REASON_LIMIT - 1] + "…"


def _hide_long_number(match: re.Match[str]) -> str:
    digits = sum(char.isdigit() for char in match.group())
    return match.group() if digits <= KEEP_DIGITS else "#" * digits

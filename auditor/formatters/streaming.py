"""Writing a report piece by piece, so a big one never exists as one string.

``json.dumps(..., indent=2)`` collects every token of the document in a list before joining
it: for 166,704 findings that list alone took 676 MB, three times what the findings
themselves hold. ``json_chunks_with_items`` writes the same text one item (a finding, a
SARIF result) at a time, and encodes each in half json.dumps's time (``encode_indented``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from json.encoder import encode_basestring
from typing import Any, TextIO

from auditor.model import Report
from auditor.rules import Rule

Chunks = Callable[[Report, dict[str, Rule]], Iterable[str]]
_SCALAR_ENCODER = json.JSONEncoder(ensure_ascii=False)
_INDENT = "  "  # json.dumps's indent=2
_BATCH = 4096  # pieces per write: tokens of a few bytes, or whole findings and SARIF results, 0.5-1 KB
_MARKER = "\x00auditor: items go here\x00"
ITEMS = [_MARKER]
"""Stands for the list that ``json_chunks_with_items`` fills, in the document it encodes."""


def encode_indented(value: Any, level: int = 0) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, as if ``value`` sat ``level`` indents deep.

    With ``indent`` json.dumps leaves its C encoder for the pure-Python ``_iterencode``, a chain
    of generators yielding a token at a time: 9-12 s to write the SARIF log of 150,000 findings,
    3-4 s the JSON report (bench/bench_report.py). Joining lists, with the C ``encode_basestring``
    for strings, encodes the same items in half the time. Handing each container of scalars to
    a C ``JSONEncoder`` was tried and was slower: its set-up per call (about 1.5 µs) costs more
    than encoding the one to five members such a container holds in a report. Dict keys must
    be ``str``.
    """
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = _INDENT * (level + 1)
        members = [
            encode_basestring(key) + ": " + (encode_basestring(v) if type(v) is str else encode_indented(v, level + 1))
            for key, v in value.items()
        ]  # most values of a report's dicts are plain strings: no call for those
        return "{\n" + inner + (",\n" + inner).join(members) + "\n" + _INDENT * level + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = _INDENT * (level + 1)
        members = [encode_indented(v, level + 1) for v in value]
        return "[\n" + inner + (",\n" + inner).join(members) + "\n" + _INDENT * level + "]"
    if isinstance(value, int) and not isinstance(value, bool):
        return int.__repr__(value)
    if value is None:
        return "null"
    return _SCALAR_ENCODER.encode(value)  # null, true, false; floats as json.dumps writes them, NaN too


def json_chunks_with_items(document: Any, items: Iterable[Any]) -> Iterator[str]:
    """The text of ``json.dumps(document, ensure_ascii=False, indent=2) + "\\n"``, in pieces, with
    its ``ITEMS`` list holding ``items``, made one at a time.

    For reports whose items are built from findings (JSON findings, SARIF results): the document
    around them is small, and building every item before encoding would hold them all at once.
    """
    text = encode_indented(document)
    marker = encode_basestring(_MARKER)
    at = text.index(marker)
    line_start = text.rindex("\n", 0, at)
    head, indent, tail = text[:line_start], text[line_start + 1 : at], text[at + len(marker) :]
    level = len(indent) // len(_INDENT)
    pieces = (encode_indented(item, level) for item in items)
    first = next(pieces, None)
    if first is None:  # json.dumps writes an empty list as "[]"
        yield head + tail[tail.index("]") :] + "\n"
        return
    yield head + "\n" + indent + first
    for piece in pieces:
        yield ",\n" + indent + piece
    yield tail + "\n"


def filled(document: Any, items: list[Any]) -> Any:
    """``document`` with its ``ITEMS`` placeholder replaced by ``items``: what
    ``json_chunks_with_items`` writes, built whole (the reference for tests and bench_report.py)."""
    if document is ITEMS:
        return items
    if isinstance(document, dict):
        return {key: filled(value, items) for key, value in document.items()}
    if isinstance(document, list):
        return [filled(value, items) for value in document]
    return document


def write_chunks(chunks: Iterable[str], sink: TextIO) -> None:
    """Write the pieces in batches: a big report has hundreds of thousands, and a write per
    piece would cost more than the encoding."""
    pieces = iter(chunks)
    while batch := list(islice(pieces, _BATCH)):
        sink.write("".join(batch))

"""Writing a report piece by piece, so a big one never exists as one string.

``json.dumps(..., indent=2)`` collects every token of the document in a list before joining
it: for 166,704 findings that list alone took 676 MB, three times what the findings
themselves hold. The same encoder's ``iterencode`` yields those tokens one at a time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from typing import Any, TextIO

from auditor.model import Report
from auditor.rules import Rule

Chunks = Callable[[Report, dict[str, Rule]], Iterable[str]]
_ENCODER = json.JSONEncoder(ensure_ascii=False, indent=2)
_BATCH = 4096  # pieces per write: tokens of a few bytes, or whole SARIF results of about 1 KB
_MARKER = "\x00auditor: items go here\x00"
ITEMS = [_MARKER]
"""Stands for the list that ``json_chunks_with_items`` fills, in the document it encodes."""


def json_chunks(document: Any) -> Iterator[str]:
    """The text of ``json.dumps(document, ensure_ascii=False, indent=2) + "\\n"``, in pieces."""
    return chain(_ENCODER.iterencode(document), ("\n",))


def json_chunks_with_items(document: Any, items: Iterable[Any]) -> Iterator[str]:
    """``json_chunks`` of ``document`` with its ``ITEMS`` list holding ``items``, made one at a time.

    For reports whose items are built from findings (SARIF results): the document around them
    is small, and building every item before encoding would hold them all at once.
    """
    text = _ENCODER.encode(document)
    marker = _ENCODER.encode(_MARKER)
    at = text.index(marker)
    line_start = text.rindex("\n", 0, at)
    head, indent, tail = text[:line_start], text[line_start + 1 : at], text[at + len(marker) :]
    pieces = (_ENCODER.encode(item).replace("\n", "\n" + indent) for item in items)
    first = next(pieces, None)
    if first is None:  # json.dumps writes an empty list as "[]"
        yield head + tail[tail.index("]") :] + "\n"
        return
    yield head + "\n" + indent + first
    for piece in pieces:
        yield ",\n" + indent + piece
    yield tail + "\n"


def write_chunks(chunks: Iterable[str], sink: TextIO) -> None:
    """Write the pieces in batches: the encoder yields a token at a time, millions for a big
    report, and a Python step per token would cost more than the encoding."""
    pieces = iter(chunks)
    while batch := list(islice(pieces, _BATCH)):
        sink.write("".join(batch))

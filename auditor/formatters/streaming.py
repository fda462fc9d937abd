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
_BATCH = 65536  # tokens per write: a few MB of text at most


def json_chunks(document: Any) -> Iterator[str]:
    """The text of ``json.dumps(document, ensure_ascii=False, indent=2) + "\\n"``, in pieces."""
    return chain(_ENCODER.iterencode(document), ("\n",))


def write_chunks(chunks: Iterable[str], sink: TextIO) -> None:
    """Write the pieces in batches: the encoder yields a token at a time, millions for a big
    report, and a Python step per token would cost more than the encoding."""
    pieces = iter(chunks)
    while batch := list(islice(pieces, _BATCH)):
        sink.write("".join(batch))

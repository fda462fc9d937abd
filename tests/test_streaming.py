"""Reports streamed item by item must be the bytes json.dumps would write."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from auditor.formatters import json_format
from auditor.formatters.streaming import ITEMS, encode_indented, filled, json_chunks_with_items
from auditor.model import FileResult, Finding, Report

_TEXT = st.text(alphabet=st.sampled_from('ab"\\\n\t甲[]{},: \x00'), max_size=8)
_SCALARS = st.none() | st.booleans() | st.integers() | _TEXT
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=12,
)


@st.composite
def _documents(draw: st.DrawFn) -> Any:
    """A document holding the ``ITEMS`` placeholder at some depth, in lists and dicts, among other values."""
    document: Any = ITEMS
    for _ in range(draw(st.integers(0, 4))):
        before = draw(st.lists(_VALUES, max_size=2))
        after = draw(st.lists(_VALUES, max_size=2))
        if draw(st.booleans()):
            document = [*before, document, *after]
        else:
            document = {
                **{f"b{i}": value for i, value in enumerate(before)},
                "results": document,
                **{f"a{i}": value for i, value in enumerate(after)},
            }
    return document


@given(document=_documents(), items=st.lists(_VALUES, max_size=5))
def test_streamed_items_are_written_as_json_dumps_writes_them(document: Any, items: list[Any]) -> None:
    streamed = "".join(json_chunks_with_items(document, iter(items)))
    assert streamed == json.dumps(filled(document, items), ensure_ascii=False, indent=2) + "\n"


# Every character json.dumps(ensure_ascii=False) treats specially, or might: quotes, backslashes,
# control characters (escaped), DEL, non-ASCII, U+2028/U+2029 and a lone surrogate (written as is).
_AWKWARD = st.text(alphabet=st.sampled_from('a"\\/\x00\x01\x1f\x7f\n\r\t\b\f甲é😀\u2028\u2029\ud800 '), max_size=10)
_FLOATS = st.floats() | st.sampled_from([0.0, -0.0, 1e300, -1e-300, 5e-324, 1e16, 0.1, math.nan, math.inf, -math.inf])
_INTEGERS = st.integers() | st.sampled_from([2**63, -(2**64), 10**200, -(10**300)])
_JSON_SCALARS = st.none() | st.booleans() | _INTEGERS | _FLOATS | _AWKWARD | st.text(max_size=10)
_JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(_AWKWARD | st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=30,
)


def _dumped_at(value: Any, level: int) -> str:
    """json.dumps's text of ``value`` as it reads ``level`` indents deep in a bigger document
    (every newline json.dumps writes is its own: a newline in a string is written ``\\n``)."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * level)


@given(value=_JSON_VALUES, level=st.integers(0, 6))
@example(value={}, level=0)
@example(value=[], level=3)
@example(value=[[], {}, [[{}]], {"": []}], level=1)
@example(value={"k": [-0.0, math.nan, math.inf, -math.inf, 1e300, 10**200]}, level=2)
@example(value=['\u2028"\\\x00\x1f甲', True, False, None, 0, 1], level=0)
@example(value=[1, [2, [3, [4, {"five": {"six": [7]}}]]]], level=4)
def test_encode_indented_writes_what_json_dumps_writes(value: Any, level: int) -> None:
    assert encode_indented(value, level) == _dumped_at(value, level)


@given(document=_documents(), items=st.lists(_JSON_VALUES, max_size=4))
def test_streamed_items_of_every_json_kind_are_written_as_json_dumps_writes_them(
    document: Any, items: list[Any]
) -> None:
    streamed = "".join(json_chunks_with_items(document, iter(items)))
    assert streamed == json.dumps(filled(document, items), ensure_ascii=False, indent=2) + "\n"


_LOCATIONS = st.fixed_dictionaries(
    {"path": _AWKWARD},
    optional={
        "sheet": _AWKWARD,
        "cell": st.text(max_size=4),
        "row": st.integers(1, 10**6),
        "line": st.integers(1, 10**6),
        "column": st.integers(1, 500),
        "field": _AWKWARD | st.none(),
    },
)
_FINDINGS = st.builds(
    Finding,
    rule_id=st.sampled_from(["P101", "P111", "W201"]),
    rule_name=st.text(max_size=8),
    category=st.sampled_from(["privacy", "workflow"]),
    severity=st.sampled_from(["error", "warning", "info"]),
    message=_AWKWARD,
    entity=st.none() | st.text(max_size=8),
    evidence=st.none() | _AWKWARD,
    location=_LOCATIONS,
    fingerprint=st.text(alphabet="0123456789abcdef", min_size=32, max_size=32),
)
_FILES = st.builds(
    FileResult,
    path=_AWKWARD,
    format=st.none() | st.sampled_from(["xlsx", "txt"]),
    sha256=st.none() | st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    status=st.sampled_from(["scanned", "error", "skipped"]),
    error=st.none() | _AWKWARD,
    findings=st.lists(_FINDINGS, max_size=3),
)


@given(files=st.lists(_FILES, max_size=4))
def test_the_json_report_is_json_dumps_of_report_to_dict(files: list[FileResult]) -> None:
    """The JSON report builds its findings one at a time; the bytes stay those of ``to_dict``."""
    report = Report(files, "1.2.3")
    streamed = "".join(json_format.chunks(report, {}))
    assert streamed == json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"

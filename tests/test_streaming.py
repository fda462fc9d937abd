"""Reports streamed item by item must be the bytes json.dumps would write."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from auditor.formatters.streaming import ITEMS, json_chunks_with_items

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


def _filled(document: Any, items: list[Any]) -> Any:
    if document is ITEMS:
        return items
    if isinstance(document, dict):
        return {key: _filled(value, items) for key, value in document.items()}
    if isinstance(document, list):
        return [_filled(value, items) for value in document]
    return document


@given(document=_documents(), items=st.lists(_VALUES, max_size=5))
def test_streamed_items_are_written_as_json_dumps_writes_them(document: Any, items: list[Any]) -> None:
    streamed = "".join(json_chunks_with_items(document, iter(items)))
    assert streamed == json.dumps(_filled(document, items), ensure_ascii=False, indent=2) + "\n"

"""The fast paths of the people scan against the code they replaced (kept here as references).

Segmentation, JSON decoding, record keys, name cells and name masks were rewritten for
speed (issue 3: names on within 2x of the core scan). Each test below runs the current
function and the straightforward version it replaced on generated input and wants the
same answer, so the speed-ups cannot change a finding.
"""

from __future__ import annotations

import csv
import io
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.checks.linkage import _plan
from auditor.loaders.delimited import DelimitedLocator
from auditor.loaders.text import text_document
from auditor.model import Block, Document, FixedLocator
from auditor.recognizers.names import INTERPUNCT, _split_cell_names, cell_names, mask_name
from auditor.recognizers.segments import (
    LIST_ITEM,
    SENTENCE_END,
    RecordKeys,
    Segment,
    decode_json_string,
    json_objects,
    segments,
)
from auditor.recognizers.surnames import name_data

HEADERS = ["序号", "姓名", "户主姓名", "身份证号", "残疾类别", "家庭住址", "备注", "年龄", "护照号码", "金额", "经办人"]
WORDS = ["张三", "欧阳明华", "李*", "王某某", "肢体二级", "因病致贫", "新增", "龙泉村3组15号", "12", "E12345678", "无"]
WORDS += ["经审核，该户于2023年新增纳入", "张三（户主）、李四"]  # long cells: free text when unlabelled
CELL = st.one_of(st.sampled_from(WORDS), st.text(alphabet=' 张李王三华,;"|\t、：1-', max_size=8))
PROSE = ["经审核，张三、李四等2户纳入。", "1. 王五，男，患有尿毒症；住龙泉村3组。", "说明"]
WANTED: list[Callable[[str | None], bool]] = [
    lambda header: True,
    lambda header: _plan(header, True, True, True).active,
    lambda header: _plan(header, False, False, False).active,
]
JSON_CHARS = '张三"\\{}[]:,\n\t/é\u2028 1'  # quotes, escapes and braces inside strings
SETTINGS = settings(deadline=None, max_examples=150)  # timing is not what these check


# ---------------------------------------------------------------------------
# References: the code before the speed-up
# ---------------------------------------------------------------------------

_JSON_PAIR = re.compile(r'\s*"((?:[^"\\\n]|\\.){1,60})"\s*:\s*"((?:[^"\\\n]|\\.)*)"')
_JSON_STRING = re.compile(r'\s*"((?:[^"\\\n]|\\.)*)"\s*,?\s*$')
_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|.)")
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}]')


def reference_decode(raw: str) -> tuple[str, list[int]]:
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _ESCAPE.finditer(raw):
        for i in range(pos, m.start()):
            out.append(raw[i])
            offsets.append(i)
        try:
            out.append(json.loads(f'"{m.group()}"'))
        except ValueError:
            out.append(m.group()[-1])
        offsets.append(m.start())
        pos = m.end()
    for i in range(pos, len(raw)):
        out.append(raw[i])
        offsets.append(i)
    return "".join(out), offsets


def reference_objects(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    for m in _JSON_TOKEN.finditer(text):
        if m.group() == "{":
            stack.append(m.start())
        elif m.group() == "}" and stack:
            start = stack.pop()
            if stack:
                spans.append((start, m.end()))
    spans.sort()
    return spans


def _lines(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for line in text.split("\n"):
        yield start, line.rstrip("\r")
        start += len(line) + 1


def _split_cells(line: str, delimiter: str) -> Iterator[tuple[int, str]]:
    start, quoted = 0, False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            yield _unquote(line, start, i)
            start = i + 1
    yield _unquote(line, start, len(line))


def _unquote(line: str, start: int, end: int) -> tuple[int, str]:
    cell = line[start:end]
    return (start + 1, cell[1:].rstrip('"')) if cell.startswith('"') else (start, cell)


def _json_value(block: Block, base: int, raw: str, key: str | None) -> Segment:
    if "\\" not in raw:
        return Segment(block, raw, base, key, key is None)
    decoded, offsets = reference_decode(raw)
    return Segment(block, decoded, base, key, key is None, [base + o for o in offsets])


def _reference_text_block(block: Block, fmt: str, wanted: Callable[[str | None], bool]) -> Iterator[Segment]:
    by_index: dict[int, str | None] = {}
    for start, line in _lines(block.text):
        if not line.strip():
            continue
        if fmt == "json":
            pair = _JSON_PAIR.match(line)
            if pair is not None:
                key = reference_decode(pair.group(1))[0] if "\\" in pair.group(1) else pair.group(1)
                if wanted(key):
                    yield _json_value(block, start + pair.start(2), pair.group(2), key)
                continue
            string = _JSON_STRING.match(line)
            if string is not None and string.group(1):
                yield _json_value(block, start + string.start(1), string.group(1), None)
            continue
        delimiter = "\t" if "\t" in line else "|" if line.count("|") >= 2 else None
        if delimiter is None:
            by_index = {}
            yield Segment(block, line, start, None, True)
            continue
        for index, (offset, cell) in enumerate(_split_cells(line, delimiter)):
            if not cell.strip():
                continue
            header = by_index.get(index)
            if header is None:
                header = block.locator.field_at(start + offset)
                if header is not None:
                    by_index[index] = header
            if header is not None and wanted(header):
                yield Segment(block, cell, start + offset, header, False)


def _reference_delimited_block(block: Block, fmt: str, wanted: Callable[[str | None], bool]) -> Iterator[Segment]:
    delimiter = "\t" if fmt == "tsv" else ","
    if fmt == "csv" and block.text.count(";") > block.text.count(",") * 2:
        delimiter = ";"
    by_index: dict[int, str | None] = {}
    first: str | None = None
    for start, line in _lines(block.text):
        plain = '"' not in line
        for index, (offset, cell) in enumerate(_split_cells(line, delimiter)):
            if not cell.strip():
                continue
            if index == 0 and plain:
                header = block.locator.field_at(start + offset)
                first = header if first is None else first
                plain = header is not None and header == first
            elif plain and index in by_index:
                header = by_index[index]
            else:
                header = block.locator.field_at(start + offset)
                if plain:
                    by_index[index] = header
            if header is None:
                if len(cell) > 8:
                    yield Segment(block, cell, start + offset, None, True)
            elif wanted(header):
                yield Segment(block, cell, start + offset, header, False)


def reference_segments(document: Document, wanted: Callable[[str | None], bool]) -> Iterator[Segment]:
    fmt = document.format
    for block in document.blocks:
        if not block.text.strip():
            continue
        if fmt in ("csv", "tsv"):
            yield from _reference_delimited_block(block, fmt, wanted)
        elif fmt in ("txt", "md", "json") or ("\n" in block.text and not block.locator.in_table):
            yield from _reference_text_block(block, fmt, wanted)
        elif block.locator.in_table:
            header = block.locator.field_at(0)
            if header is None or wanted(header):
                yield Segment(block, block.text, 0, header, header is None)
        else:
            yield Segment(block, block.text, 0, None, True)


def reference_key(document: Document, block: Block, offset: int) -> tuple[Any, ...]:
    record = None
    if document.format == "json":
        spans = reference_objects(block.text)
        index = bisect_right([s for s, _ in spans], offset) - 1
        while index >= 0:
            if spans[index][0] <= offset < spans[index][1]:
                record = ("object", spans[index][0])
                break
            index -= 1
    if record is None:
        record = getattr(block.locator, "record", None) or block.locator.locate(offset, offset + 1).record
    text = block.text
    if document.format in ("csv", "tsv") or (block.locator.in_table and "\n" not in text):
        return (record, 0)
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    line = text[start : end if end != -1 else len(text)]
    if "\t" in line or line.count("|") >= 2 or LIST_ITEM.match(line):
        return (record, 0)
    return (record, len(SENTENCE_END.findall(text, start, offset)))


def reference_mask(name: str) -> str:
    if len(name) <= 1:
        return "*" * len(name)
    data = name_data()
    keep = 1 if any(c in INTERPUNCT for c in name) else len(data.surname_of(name)) if len(name) > 2 else 1
    return name[:keep] + "".join(c if c in INTERPUNCT else "*" for c in name[keep:])


def as_tuples(found: Iterator[Segment]) -> list[tuple[Any, ...]]:
    return [(s.text, s.base, s.header, s.free, s.offsets) for s in found]


# ---------------------------------------------------------------------------
# Generated documents
# ---------------------------------------------------------------------------


@st.composite
def delimited_texts(draw: st.DrawFn) -> str:
    """A CSV as a spreadsheet exports it: title lines, a header row, ragged records, quoted cells."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    for _ in range(draw(st.integers(0, 2))):
        writer.writerow([draw(st.sampled_from(["2023年低保名单", "单位：元", ""]))])
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=2, max_size=6))
    writer.writerow(header)
    for number in range(1, draw(st.integers(0, 8)) + 1):
        first = draw(st.one_of(st.just(str(number)), CELL))  # a record number, or a line that is not a record
        writer.writerow([first, *draw(st.lists(CELL, min_size=len(header) - 1, max_size=len(header)))])
    return out.getvalue()


@st.composite
def text_tables(draw: st.DrawFn) -> str:
    """txt / md: prose, numbered lines, Markdown and tab tables (some cells quoted), blank lines."""
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["prose", "md", "tab", "blank"]))
        if kind == "prose":
            lines.append(draw(st.sampled_from(PROSE)))
        elif kind == "blank":
            lines.append("")
        else:
            header = draw(st.lists(st.sampled_from(HEADERS), min_size=2, max_size=5))
            rows = [draw(st.lists(CELL, min_size=1, max_size=len(header) + 1)) for _ in range(draw(st.integers(0, 5)))]
            if kind == "md":
                lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
                lines += ["| " + " | ".join(row) + " |" for row in rows]
            else:
                lines += ["\t".join(row) for row in [header, *rows]]
    return "\n".join(lines)


def json_values() -> st.SearchStrategy[Any]:
    leaves = st.one_of(st.sampled_from(WORDS), st.text(alphabet=JSON_CHARS, max_size=10), st.integers())
    keys = st.one_of(st.sampled_from([*HEADERS, "xm", "intro"]), st.text(max_size=5))
    return st.recursive(
        leaves,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
        max_leaves=20,
    )


@st.composite
def json_texts(draw: st.DrawFn) -> str:
    value = {"records": draw(st.lists(json_values(), max_size=4)), "title": draw(st.sampled_from(WORDS))}
    return json.dumps(value, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 2])))


# ---------------------------------------------------------------------------
# Equivalence
# ---------------------------------------------------------------------------


ESCAPED = ["\\u5f20", "\\u005C", "\\ud83d", "\\ude00", "\\n", '\\"', "\\\\", "\\u12", "\\x", "\\\n", "a", "张", "u"]


@SETTINGS
@given(
    st.one_of(st.text(alphabet='\\u5f20"nrtbf/x0Aa张\n', max_size=30), st.lists(st.sampled_from(ESCAPED)).map("".join))
)
def test_json_decoding_matches_json_loads_escape_by_escape(raw: str) -> None:
    assert decode_json_string(raw) == reference_decode(raw)


@SETTINGS
@given(json_texts())
def test_json_objects_match_the_token_walk(text: str) -> None:
    assert json_objects(text) == reference_objects(text)


@SETTINGS
@given(st.text(alphabet='{}"\\ a\n', max_size=40))
def test_json_objects_match_the_token_walk_on_any_text(text: str) -> None:
    assert json_objects(text) == reference_objects(text)


@SETTINGS
@given(delimited_texts(), st.sampled_from(["csv", "tsv"]), st.sampled_from(WANTED))
def test_delimited_segments_are_unchanged(text: str, fmt: str, wanted: Callable[[str | None], bool]) -> None:
    text = text.replace(",", "\t") if fmt == "tsv" else text
    document = Document("t." + fmt, fmt, [Block(text, DelimitedLocator(text, "\t" if fmt == "tsv" else ","))])
    assert as_tuples(segments(document, wanted)) == as_tuples(reference_segments(document, wanted))


@SETTINGS
@given(text_tables(), st.sampled_from(["txt", "md"]), st.sampled_from(WANTED))
def test_text_segments_are_unchanged(text: str, fmt: str, wanted: Callable[[str | None], bool]) -> None:
    document = text_document("t." + fmt, fmt, text)
    assert as_tuples(segments(document, wanted)) == as_tuples(reference_segments(document, wanted))


@SETTINGS
@given(json_texts(), st.sampled_from(WANTED))
def test_json_segments_are_unchanged(text: str, wanted: Callable[[str | None], bool]) -> None:
    document = text_document("t.json", "json", text)
    assert as_tuples(segments(document, wanted)) == as_tuples(reference_segments(document, wanted))


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from([*WORDS, "", " ", "张三\n李四"]), st.booleans(), st.sampled_from(HEADERS))))
def test_cell_segments_are_unchanged(cells: list[tuple[str, bool, str]]) -> None:
    blocks = [Block(text, FixedLocator({}, ("cell", i), field, table)) for i, (text, table, field) in enumerate(cells)]
    document = Document("t.html", "html", blocks)
    for wanted in WANTED:
        assert as_tuples(segments(document, wanted)) == as_tuples(reference_segments(document, wanted))


@SETTINGS
@given(st.one_of(json_texts(), text_tables(), delimited_texts()), st.sampled_from(["json", "txt", "md", "csv"]))
def test_record_keys_are_unchanged(text: str, fmt: str) -> None:
    if fmt == "csv":
        document = Document("t.csv", "csv", [Block(text, DelimitedLocator(text, ","))])
    else:
        document = text_document("t." + fmt, fmt, text)
    keys = RecordKeys(document)
    for block in document.blocks:
        for offset in range(len(block.text)):
            assert keys.key(block, offset) == reference_key(document, block, offset), offset
            _, position = keys.key_and_position(block, offset, offset + 1)
            assert position is None or position.record == block.locator.locate(offset, offset + 1).record


@SETTINGS
@given(
    st.lists(st.text(alphabet="张三。；！?\n|\t1、 ", max_size=40), min_size=1, max_size=4),
    st.booleans(),
)
def test_record_keys_of_paragraph_blocks_are_unchanged(texts: list[str], in_table: bool) -> None:
    """docx paragraphs and multi-line cells: one record per block, sentences counted per line."""
    blocks = [
        Block(text, FixedLocator({"paragraph": n}, ("paragraph", n), None, in_table)) for n, text in enumerate(texts)
    ]
    document = Document("t.docx", "docx", blocks)
    keys = RecordKeys(document)
    for block in [*blocks, *reversed(blocks)]:  # coming back to a block reads its lines again
        for offset in range(len(block.text)):
            assert keys.key(block, offset) == reference_key(document, block, offset), offset


@SETTINGS
@given(st.text(alphabet=" \u3000\t张李王欧阳明华某*、，（户主）·a1", max_size=12), st.integers(0, 5))
def test_name_cells_fast_path_agrees_with_splitting(text: str, offset: int) -> None:
    assert cell_names(text, offset) == _split_cell_names(text, offset)


@SETTINGS
@given(st.text(alphabet="欧阳张李明华·•x", max_size=8))
def test_name_mask_matches_the_definition(name: str) -> None:
    assert mask_name(name) == reference_mask(name)

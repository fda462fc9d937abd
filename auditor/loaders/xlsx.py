"""XLSX/XLSM: every sheet and every place a reader does not see — one block per non-empty cell.

Values come from python-calamine (about 10x faster than openpyxl; it never runs
macros or follows external links). What calamine does not report is read from
the package itself, through parse_xml (no DTDs): hidden rows and columns (streamed from
the sheet XML, only when the safety check saw it spell ``hidden="``), cell
comments, defined names and document properties. Those blocks carry
``hidden=True`` and ``part`` so P161 fires in addition to the finding for the
value itself.

Big workbooks are not held as blocks: :class:`StreamedBlocks` re-reads one
sheet at a time whenever the blocks are walked, so memory follows the largest
sheet, not rows x cells x Python objects.
"""

from __future__ import annotations

import datetime as _dt
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice
from pathlib import Path
from typing import Any, overload

from auditor.gcpause import gc_paused
from auditor.loaders.cells import CellBlock
from auditor.loaders.errors import LoadError, reason
from auditor.loaders.ooxml import local, property_blocks, relationships, text_of
from auditor.loaders.safety import CheckedZip, corrupt_entry, open_ooxml, parse_xml, read_member
from auditor.loaders.tables import SCAN_ROWS, detect_header, header_names
from auditor.model import Block, Document, FixedLocator

STREAM_ABOVE = 32 << 20  # uncompressed sheet XML beyond which blocks are streamed, not kept
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|col|sheetData)\b([^>]*)>")
_ATTR = re.compile(rb'([A-Za-z:]+)="([^"]*)"')
_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_HIDDEN = b'hidden="'  # the only spelling the tag scan's attribute pattern reads
MAX_SPARSE_AREA = 10_000_000  # cells of a sheet's bounding box calamine may allocate (~32 bytes each) …
SPARSE_RATIO = 4  # … or this many per cell the sheet really holds (a dense big sheet is not sparse)
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384  # the sheet grid of Excel 2007 and later
# Every spelling calamine reads (any case, either quote, spaces): a cell with a value (not ``/>``), a row.
# Any number of letters and digits: calamine reads a longer reference too, wrapping it into 32 bits
# (B99999999999999999999 is row 1,661,992,959), so a bounded pattern let it through to the abort.
_VALUE_REF = re.compile(rb"""r\s*=\s*["']([A-Za-z]+)(\d+)["'][^>]*(?<!/)>""")
_ROW_REF = re.compile(rb"""row\b[^>]*?\br\s*=\s*["'](\d+)["']""")
# A cell or row reference past column ZZ or row 9999, in the same spellings (no \b: 4x faster,
# and a stray match only costs the exact count).
_FAR_REF = re.compile(rb"""r\s*=\s*["'](?:[A-Za-z]{3}|[A-Za-z]{0,2}\d{5})""")
# The shared strings table's count of strings, as calamine reads it (digits only) to reserve that many.
# No \b in front: a literal start lets the search skip ahead (a megabyte in 0.8 ms, not 13).
_UNIQUE_COUNT = re.compile(rb"""uniqueCount\s*=\s*["'](\d+)["']""")
SHARED_STRINGS = "xl/sharedstrings.xml"  # calamine finds the part by this name in any case
SHARED_STRINGS_FLOOR = 1_000_000  # strings a table may claim whatever its size (24 MB reserved at most) …
SHARED_STRING_BYTES = 5  # … or one per this many bytes of the part: the shortest item, <si/>, takes 5


def column_index(letters: str) -> int:
    """A1 letters → 0-based column index."""
    value = 0
    for char in letters:
        value = value * 26 + ord(char) - 64
    return value - 1


def cell_text(value: object) -> str:
    """What a reader sees, as text; numbers too long for a double keep their 15 significant digits.

    Floats first: they are most of the cells that reach here (amounts), and comparing one to ""
    costs two refused comparisons.
    """
    if isinstance(value, float):
        if value.is_integer():
            if abs(value) < 1e15:
                return str(int(value))
            return format(Decimal(f"{value:.15g}"), "f")  # what Excel keeps: 15 digits, then zeros
        return repr(value)
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


class StreamedBlocks(Sequence[Block]):
    """Blocks produced on demand by ``factory``; each walk re-reads the source.

    Indexing (rare: sign-off lookups) re-walks once and keeps a window of
    neighbours, so neighbouring look-ups stay cheap.
    """

    WINDOW = 256
    HEAD = 2048  # kept: checks that only peek at the start (is this an annual report?) re-read nothing

    def __init__(self, factory: Callable[[], Iterator[Block]], nonempty: bool) -> None:
        self._factory = factory
        self._nonempty = nonempty
        self._length: int | None = None
        self._window: tuple[int, list[Block]] = (0, [])
        self._head = list(islice(factory(), self.HEAD))

    def __iter__(self) -> Iterator[Block]:
        yield from self._head
        if len(self._head) == self.HEAD:
            yield from islice(self._factory(), self.HEAD, None)

    def __bool__(self) -> bool:
        return self._nonempty

    def __len__(self) -> int:
        if self._length is None:
            self._length = sum(1 for _ in self._factory())
        return self._length

    @overload
    def __getitem__(self, index: int) -> Block: ...

    @overload
    def __getitem__(self, index: slice) -> list[Block]: ...

    def __getitem__(self, index: int | slice) -> Block | list[Block]:
        if isinstance(index, slice):
            return list(islice(self._factory(), *index.indices(len(self))))
        if index < 0:
            index += len(self)
        start, cached = self._window
        if not start <= index < start + len(cached):
            start = max(0, index - self.WINDOW // 4)
            cached = list(islice(self._factory(), start, start + self.WINDOW))
            self._window = (start, cached)
        if not start <= index < start + len(cached):
            raise IndexError(index)
        return cached[index - start]


@dataclass(slots=True)
class SheetInfo:
    """What the package says about one sheet beyond its values."""

    name: str
    hidden: bool
    part: str | None = None
    hidden_rows: set[int] = field(default_factory=set)  # 1-based
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)  # 0-based inclusive ranges
    comments: list[tuple[str, str]] = field(default_factory=list)  # (A1 ref, text)

    def col_hidden(self, col: int) -> bool:
        return any(lo <= col <= hi for lo, hi in self.hidden_cols)


def load_xlsx(path: Path, fmt: str, data: bytes) -> Document:
    marked: set[str] = set()  # parts that spell hidden=": only those can hide rows or columns
    archive = open_ooxml(data, "xlsx", _HIDDEN, marked)
    _check_shared_strings(archive)
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        metas = list(workbook.sheets_metadata)
    except Exception as exc:  # calamine raises several types for zip/xml/password problems
        raise LoadError(f"无法打开电子表格 (cannot open workbook): {reason(exc)}") from exc
    except BaseException as exc:
        raise _panic_error(exc) from exc
    try:
        parts, names = _workbook_xml(archive)
        sheets = []
        seen: set[str] = set()
        for meta in metas:
            info = SheetInfo(meta.name, meta.visible != SheetVisibleEnum.Visible, parts.get(meta.name))
            if info.name in seen or info.part in seen:  # one sheet listed 20,000 times was read 20,000 times
                continue
            seen.update(key for key in (info.name, info.part) if key)
            if info.part:
                if info.part in marked:  # most sheets hide nothing: no tag scan
                    _scan_hidden(archive, info)
                info.comments = _comments(archive, info.part)
            sheets.append(info)
        _check_extents(archive, sheets)
        extras = names + property_blocks(archive)
    except LoadError:
        raise
    except Exception as exc:  # a malformed part must be E001, never a crash of the whole scan
        raise LoadError(f"电子表格结构异常，无法解析 (malformed workbook: {reason(exc)})") from exc
    size = sum(archive.getinfo(s.part).file_size for s in sheets if s.part and s.part in archive.NameToInfo)

    def walk() -> Iterator[Block]:
        for info in sheets:
            for row in _sheet_rows(workbook, info):
                yield from row
        yield from extras

    document = Document(path=str(path), format=fmt)
    try:
        if size <= STREAM_ABOVE:
            with gc_paused():
                document.blocks = _all_blocks(workbook, sheets, extras)
        else:
            streamed = StreamedBlocks(walk, nonempty=True)  # reads the first sheet's head
            for info in sheets[1:]:  # calamine parses a sheet whole here: a later walk cannot fail
                workbook.get_sheet_by_name(info.name)
            document.blocks = streamed  # type: ignore[assignment]
    except LoadError:
        raise
    except Exception as exc:
        raise LoadError(f"电子表格内容无法读取 (cannot read workbook): {reason(exc)}") from exc
    except BaseException as exc:
        raise _panic_error(exc) from exc
    return document


def _panic_error(exc: BaseException) -> BaseException:
    """A Rust panic inside calamine as E001; anything else (KeyboardInterrupt …) goes on as it was.

    pyo3 raises a panic as ``PanicException``, a BaseException that ``except Exception`` misses
    and no module exports by name: it is told by its name.
    """
    if type(exc).__name__ != "PanicException":
        return exc
    return LoadError(f"电子表格读取组件内部出错，无法读取 (calamine panicked: {reason(exc)})")


def _all_blocks(workbook: Any, sheets: list[SheetInfo], extras: list[Block]) -> list[Block]:
    """Every block of a workbook small enough to hold, row lists joined without a per-cell step."""
    blocks: list[Block] = []
    for info in sheets:
        for row in _sheet_rows(workbook, info):
            blocks += row
    return blocks + extras


def _workbook_xml(archive: zipfile.ZipFile) -> tuple[dict[str, str], list[Block]]:
    """Sheet name -> worksheet part, and defined names as hidden blocks."""
    data = read_member(archive, "xl/workbook.xml")
    if data is None:
        return {}, []
    root = parse_xml(data, "xl/workbook.xml")
    rels = relationships(archive, "xl/workbook.xml")
    parts: dict[str, str] = {}
    sheet_names: list[str] = []
    for node in root.iter():
        if local(node.tag) == "sheet":
            name = node.get("name") or ""
            sheet_names.append(name)
            rid = next((v for k, v in node.attrib.items() if local(k) == "id"), None)
            if rid in rels:
                parts[name] = rels[rid][1]
    blocks = []
    for node in root.iter():
        if local(node.tag) != "definedName" or not (node.text or "").strip():
            continue
        name = node.get("name") or ""
        location: dict[str, Any] = {"part": "defined-name", "field": name}
        scope = node.get("localSheetId")
        if scope is not None and scope.isdigit() and int(scope) < len(sheet_names):
            location["sheet"] = sheet_names[int(scope)]
        locator = FixedLocator(location, ("defined-name", name), name, False)
        blocks.append(Block(node.text or "", locator, hidden=True, part="defined-name"))
    return parts, blocks


def _scan_hidden(archive: zipfile.ZipFile, info: SheetInfo) -> None:
    """Hidden rows and columns, read by streaming the sheet XML (it may be hundreds of MB)."""
    assert info.part is not None
    try:
        stream = archive.open(info.part)
    except KeyError:
        return
    row_number = 0
    tail = b""
    with stream:
        while True:
            chunk = stream.read(1 << 20)
            buffer = tail + chunk
            cut = buffer.rfind(b"<") if chunk else len(buffer)
            if cut == -1:
                cut = len(buffer)
            for match in _TAG.finditer(buffer, 0, cut):
                tag, attrs = match.group(1), dict(_ATTR.findall(match.group(2)))
                if tag == b"row":
                    ref = attrs.get(b"r", b"")
                    row_number = int(ref) if ref.isdigit() else row_number + 1
                    if attrs.get(b"hidden") in (b"1", b"true"):
                        info.hidden_rows.add(row_number)
                elif tag == b"col" and attrs.get(b"hidden") in (b"1", b"true"):
                    lo, hi = attrs.get(b"min", b"0"), attrs.get(b"max", b"0")
                    if lo.isdigit() and hi.isdigit() and int(lo) >= 1:
                        info.hidden_cols.append((int(lo) - 1, int(hi) - 1))
            tail = buffer[cut:]
            if not chunk:
                return


def _check_extents(archive: CheckedZip, sheets: list[SheetInfo]) -> None:
    """Refuse a sheet whose values lie so far apart that calamine's grid for them cannot be held.

    calamine allocates a slot for every cell of the box around a sheet's values: a 5 KB sheet
    with values in A1 and XFD1048576 asks for 17 billion and aborts the whole process (a Rust
    allocation failure is not an exception). Every worksheet part is checked, not only those
    the workbook names, since calamine resolves the parts itself.
    """
    parts = {s.part for s in sheets if s.part} | {n for n in archive.namelist() if n.startswith("xl/worksheets/")}
    for part in sorted(parts):
        if part.endswith(".xml") and part in archive.NameToInfo and _reaches_far(archive, part):
            rows, cols, cells = _extent(archive, part)
            if rows * cols > max(MAX_SPARSE_AREA, SPARSE_RATIO * cells):
                rows_at, cols_at = _within_grid(rows, EXCEL_ROWS), _within_grid(cols, EXCEL_COLUMNS)
                raise LoadError(
                    f"{part} 的数据分散在 {rows_at} 行 × {cols_at} 列的范围内，超过 {MAX_SPARSE_AREA} 个单元格上限，"
                    f"文件损坏或恶意构造 (sheet values span {rows_at} x {cols_at} cells: too sparse to load)"
                )


def _check_shared_strings(archive: CheckedZip) -> None:
    """Refuse a shared strings table that claims more strings than its bytes can hold.

    calamine reserves room for ``uniqueCount`` strings when it opens the workbook, 24 bytes each:
    a 1 KB table claiming four billion asked for 96 GB and aborted the whole process. A truthful
    count is at most one string per five bytes of the table; a small lie (up to a million) is let be.
    """
    for info in archive.infolist():
        if info.filename.lower() != SHARED_STRINGS:
            continue
        limit = max(SHARED_STRINGS_FLOOR, info.file_size // SHARED_STRING_BYTES)
        try:
            counts = _unique_counts(archive, info.filename)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # a bad CRC passed the safety check
            raise corrupt_entry(info) from exc
        if any(int(count) > limit for count in counts):
            raise LoadError(
                f"{info.filename} 声明的字符串个数远多于其内容，文件损坏或恶意构造 "
                "(shared strings table claims far more strings than it holds: corrupt or forged)"
            )


def _unique_counts(archive: CheckedZip, part: str) -> list[bytes]:
    """Every ``uniqueCount`` value in the part, read where it was kept or inflated a piece at a time."""
    kept = archive.inflated.get(part)
    if kept is not None:
        return _UNIQUE_COUNT.findall(kept)
    return [count for piece in _whole_tags(archive, part) for count in _UNIQUE_COUNT.findall(piece)]


def _whole_tags(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The part inflated about a megabyte at a time, each piece ending right before a tag's "<", so
    no tag, and no attribute in it, is cut in two. A piece with no "<" past its start (inside one
    long tag, or text) waits for the next one rather than be searched cut."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            buffer = tail + chunk
            cut = buffer.rfind(b"<")
            if cut <= 0:
                tail = buffer
                continue
            yield buffer[:cut]
            tail = buffer[cut:]
    if tail:
        yield tail


def _within_grid(count: int, limit: int) -> str:
    """A span for the message, capped at the sheet grid's size: a forged reference can be any
    digits (an ID number, say), and a message never repeats what a file holds beyond that."""
    return str(count) if count <= limit else f">{limit}"


def _reaches_far(archive: CheckedZip, part: str) -> bool:
    """Whether any reference lies beyond column ZZ or row 9999: one C-speed search, no step per cell.

    A box inside ZZ9999 (7 million cells) always fits, so most sheets need no count at all;
    only those that reach further are measured by :func:`_extent`. A sheet the safety check
    kept is searched where it lies; a bigger one is inflated again, a piece at a time.
    """
    kept = archive.inflated.get(part)
    if kept is not None:
        return _FAR_REF.search(kept) is not None
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            if _FAR_REF.search(tail + chunk) is not None:
                return True
            tail = chunk[-64:]
    return False


def _extent(archive: zipfile.ZipFile, part: str) -> tuple[int, int, int]:
    """(rows, columns) of the box around a sheet's values and row tags, and how many values it has."""
    rows: set[bytes] = set()
    cols: set[bytes] = set()
    cells = 0
    for piece in _whole_tags(archive, part):
        found = _VALUE_REF.findall(piece)
        if found:
            cells += len(found)
            letters, numbers = zip(*found, strict=True)
            cols.update(letters)
            rows.update(numbers)
        rows.update(_ROW_REF.findall(piece))
    if not cols:
        return 0, 0, 0
    rows_at = [int(row) for row in rows]
    cols_at = [column_index(col.decode().upper()) for col in cols]
    return max(rows_at) - min(rows_at) + 1, max(cols_at) - min(cols_at) + 1, cells


def _comments(archive: zipfile.ZipFile, part: str) -> list[tuple[str, str]]:
    """(cell ref, text) of the legacy comments (notes) of one sheet; threaded ones keep a legacy copy."""
    found = []
    for kind, target in relationships(archive, part).values():
        if kind != "comments":
            continue
        data = read_member(archive, target)
        if data is None:
            continue
        root = parse_xml(data, posixpath.basename(target))
        for node in root.iter():
            if local(node.tag) == "comment":
                text = "".join(text_of(child) for child in node if local(child.tag) == "text")
                if text.strip():
                    found.append(((node.get("ref") or "").upper(), text))
    return found


def _sheet_rows(workbook: Any, info: SheetInfo) -> Iterator[list[Block]]:
    """The blocks of one sheet a row at a time (a list per row, not a yield per cell), then its comments."""
    sheet = workbook.get_sheet_by_name(info.name)
    first_row, first_col = sheet.start or (0, 0)
    rows: Iterator[list[Any]] = sheet.iter_rows()
    if first_row:  # python-calamine pads the rows above the data with empty rows; older versions did not
        lead = list(islice(rows, first_row))
        if any(v not in (None, "") for row in lead for v in row):
            rows = chain(lead, rows)
    head = [[cell_text(v) for v in row] for row in islice(rows, SCAN_ROWS + 1)]
    header_index = detect_header(head)
    names = header_names(head, header_index)
    width = max((len(row) for row in head), default=0)
    columns = range(first_col, first_col + width)
    unnamed: list[str | None] = [None] * width
    named = names + unnamed[len(names) :] if header_index is not None else unnamed
    name = info.name
    for r, row in enumerate(chain(head, rows)):
        excel_row = first_row + r + 1
        fields = named if header_index is not None and r > header_index else unnamed
        row_part = "hidden-sheet" if info.hidden else "hidden-row" if excel_row in info.hidden_rows else None
        if row_part is not None or info.hidden_cols or len(row) > width:
            yield list(_marked_cells(info, row, excel_row, first_col, fields, row_part))
            continue
        blocks: list[Block] = []
        for value, col, field_name in zip(row, columns, fields, strict=False):  # the row may be shorter
            if value.__class__ is str:
                if not value:
                    continue
                text = value
            else:
                text = cell_text(value)
                if not text:
                    continue
            blocks.append(CellBlock(text, name, excel_row, col, field_name))
        yield blocks
    yield list(_comment_blocks(info))


def _marked_cells(
    info: SheetInfo, row: list[Any], excel_row: int, first_col: int, fields: list[str | None], row_part: str | None
) -> Iterator[Block]:
    """A row with something hidden (the sheet, the row or some columns): each block says which part."""
    for c, value in enumerate(row):
        text = value if value.__class__ is str else cell_text(value)
        if not text:
            continue
        col = first_col + c
        part = row_part or ("hidden-column" if info.col_hidden(col) else None)
        field_name = fields[c] if c < len(fields) else None
        yield CellBlock(text, info.name, excel_row, col, field_name, part is not None, part)


def _comment_blocks(info: SheetInfo) -> Iterator[Block]:
    """Cell notes: hidden text a reader only sees on hover."""
    for ref, text in info.comments:
        match = _CELL_REF.match(ref)
        location: dict[str, Any] = {"sheet": info.name, "part": "comment"}
        if match:
            location.update(cell=f"{match.group(1)}{match.group(2)}", row=int(match.group(2)))
        locator = FixedLocator(location, ("comment", info.name, ref), None, False)
        yield Block(text, locator, hidden=True, part="comment")

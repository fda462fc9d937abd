"""PDF: the text layer, page by page, as lines; a page without text is a scan and cannot pass.

pdfminer.six gives every character with its position. Characters are grouped
into visual lines by baseline, left to right; a wide gap (a table column in a
PDF exported from a spreadsheet) becomes a tab, so a table row stays one line
and one record, and the first row of a tab-separated block names the fields.
Locations are ``page`` and ``line`` (the line's number within its page, blank
lines not counted), plus ``field`` in a table with a header row.

Hostile input is bounded: the page tree is walked by hand (a loop is an
error, not a hang), compressed streams inflate to at most MAX_STREAM bytes,
the content pdfminer reads follows the file's size, a page holds at most
MAX_PAGE_CHARS characters, pdfminer's quadratic steps are replaced by linear
ones, and page count and wall time are capped. Scanned pages (an image, no text)
make the whole file E001: it cannot be audited without OCR.
"""

from __future__ import annotations

import io
import re
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from auditor.loaders.errors import LoadError, reason
from auditor.loaders.safety import content_kind, require_nonempty, sniff, wrong_kind
from auditor.model import Block, Document, Position, TextLocator

MAX_PAGES = 5000
MAX_STREAM = 64 << 20  # bytes one compressed stream may inflate to
MAX_TREE_DEPTH = 64
TIME_BUDGET = 120.0  # seconds for one file
SCAN_COVER = 0.3  # an image covering this share of a textless page makes it a scanned page
MAX_PAGE_CHARS = 50_000  # characters on one page (a dense A4 page has under 20,000; each is ~1 KB in pdfminer)
CONTENT_FLOOR = 8 << 20  # content-stream bytes pdfminer may read for any file (seconds, not minutes) …
CONTENT_RATIO = 128  # … or this many times the file's size (dense text without embedded fonts: up to 20)
CHAR_COST = 24  # content bytes one drawn character counts as (pdfminer spends as long on a CJK one as on ~24)
OBJECT_COST = 8  # … and one operand or operator (``ET ET ET …`` costs ~11 µs per 3 bytes)


class _BoundedZlib:
    """Stands in for ``zlib`` inside pdfminer: decompression stops at MAX_STREAM bytes."""

    error = zlib.error
    MAX_WBITS = zlib.MAX_WBITS

    @staticmethod
    def decompress(data: bytes, wbits: int = zlib.MAX_WBITS, bufsize: int = zlib.DEF_BUF_SIZE) -> bytes:
        inflater = zlib.decompressobj(wbits)
        out = inflater.decompress(data, MAX_STREAM + 1)
        if len(out) > MAX_STREAM or inflater.unconsumed_tail:
            raise _bomb()
        if not inflater.eof:
            raise zlib.error("incomplete or truncated stream")
        return out

    @staticmethod
    def decompressobj(*args: Any, **kwargs: Any) -> Any:
        return _BoundedInflater(zlib.decompressobj(*args, **kwargs))


class _BoundedInflater:
    """A decompressobj that refuses to produce more than MAX_STREAM bytes in total."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._produced = 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out = self._inner.decompress(data, max_length or MAX_STREAM + 1 - self._produced)
        self._produced += len(out)
        if self._produced > MAX_STREAM:
            raise _bomb()
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


CORRUPT_CHUNK = 4096  # bytes fed at a time when inflating a damaged stream


def decompress_corrupted(data: bytes, chunk_size: int = CORRUPT_CHUNK) -> bytes:
    """What a damaged Flate stream inflates to; replaces pdfminer's function of that name.

    pdfminer feeds the stream one byte at a time and appends to a bytes object, which is
    quadratic: one truncated stream of a few KB that inflates to MBs held a scan for minutes.
    Same contract: an error in the last 3 bytes (the checksum) keeps what was inflated, an
    earlier one raises ``zlib.error``. Chunks are fed whole; only a chunk that fails near
    the end is replayed byte by byte to find where. Bounded by MAX_STREAM like every stream
    (the replayed chunk may add at most what 4 KB inflate to).
    """
    inflater = zlib.decompressobj()
    pieces: list[bytes] = []
    produced = 0
    last_allowed_error = len(data) - 3
    for offset in range(0, len(data), chunk_size):
        chunk = data[offset : offset + chunk_size]
        before = inflater.copy()
        try:
            piece = inflater.decompress(chunk, MAX_STREAM + 1 - produced)
        except zlib.error:
            if offset + len(chunk) <= last_allowed_error:
                raise  # the failing byte lies before the checksum
            pieces += _inflate_until_error(before, chunk, offset, last_allowed_error)
            break
        produced += len(piece)
        if produced > MAX_STREAM or inflater.unconsumed_tail:
            raise _bomb()
        pieces.append(piece)
    return b"".join(pieces)


def _inflate_until_error(inflater: Any, chunk: bytes, offset: int, last_allowed_error: int) -> list[bytes]:
    """Replay a failing chunk byte by byte: the output before the bad byte, or the error if it is too early."""
    pieces = []
    for index in range(len(chunk)):
        try:
            pieces.append(inflater.decompress(chunk[index : index + 1]))
        except zlib.error:
            if offset + index < last_allowed_error:
                raise
            break
    return pieces


def lzwdecode(data: bytes) -> bytes:
    """An LZW stream, decoded to at most MAX_STREAM bytes; replaces pdfminer's function of that name.

    LZW packs a run into ever longer codes (over 1000:1): 75 KB of codes made 100 MB, so a
    file under 1 MB could ask for GBs. pdfminer's own decoder, with the bound Flate has.
    """
    from pdfminer.lzw import LZWDecoder

    pieces = []
    produced = 0
    for piece in LZWDecoder(io.BytesIO(data)).run():
        produced += len(piece)
        if produced > MAX_STREAM:
            raise _bomb()
        pieces.append(piece)
    return b"".join(pieces)


def _install_bounded_zlib() -> None:
    import pdfminer.pdfinterp as pdfinterp
    import pdfminer.pdftypes as pdftypes

    pdftypes.zlib = _BoundedZlib  # type: ignore[assignment]
    pdftypes.decompress_corrupted = decompress_corrupted
    pdftypes.lzwdecode = lzwdecode
    if not issubclass(pdfinterp.PDFContentParser, _Budgeted):
        pdfinterp.PDFContentParser = type(  # type: ignore[misc,assignment]
            "BudgetedContentParser", (_Budgeted, pdfinterp.PDFContentParser), {}
        )
    _install_in_place_tokens()


_deadline = threading.local()  # when this thread's current PDF must be done (scans may run in threads)


class _Budgeted:
    """Mixed into pdfminer's content-stream parser: the time budget is checked every 4 KB of a stream.

    Checking between pages is not enough: one page of vector drawing (a village plan) or a
    hostile stream of operators keeps pdfminer busy for minutes inside a single page. Each
    4 KB read also counts against the file's content allowance (``_spend_content``).
    """

    buf: bytes
    charpos: int

    def fillbuf(self) -> bool:
        if self.charpos < len(self.buf):
            return False  # what pdfminer does too: the tokenizer asks before every token
        if time.monotonic() > getattr(_deadline, "at", float("inf")):
            raise _too_slow()
        changed = super().fillbuf()  # type: ignore[misc]
        if not self.buf.isspace():  # pdfminer skips a run of blanks in one regex search: it costs nothing
            _spend_content(len(self.buf))
        return changed

    def nextobject(self) -> Any:
        _spend_content(OBJECT_COST)
        return super().nextobject()  # type: ignore[misc]

    def get_inline_data(self, pos: int, target: bytes = b"EI") -> tuple[int, bytes]:
        """pdfminer's reader of an inline image (``BI … ID data EI``), collecting into a bytearray.

        pdfminer appends to a bytes object for every byte after each ``E``: quadratic, so a
        2 KB page of ``E`` s in one inline image held a scan for minutes. Same bytes, same end.
        """
        self.seek(pos)  # type: ignore[attr-defined]
        matched = 0
        data = bytearray()
        while matched <= len(target):
            self.fillbuf()
            if matched:
                char = self.buf[self.charpos : self.charpos + 1]
                data += char
                self.charpos += 1
                if (len(target) <= matched and char.isspace()) or (
                    matched < len(target) and char == target[matched : matched + 1]
                ):
                    matched += 1
                else:
                    matched = 0
            else:
                found = self.buf.find(target[0], self.charpos)
                if found < 0:
                    data += self.buf[self.charpos :]
                    self.charpos = len(self.buf)
                else:
                    data += self.buf[self.charpos : found + 1]
                    self.charpos = found + 1
                    matched = 1
        del data[-(len(target) + 1) :]  # the target and the byte after it
        return (pos, re.sub(rb"(\x0d\x0a|[\x0d\x0a])$", b"", bytes(data)))


def _spend_content(size: int) -> None:
    """Count content read (and characters drawn) against this file's allowance: a form drawn twice counts twice.

    A stream may inflate to MAX_STREAM, and pdfminer reads about 1 MB/s of content: a few KB
    of deflated operators held a page for minutes, so what a file may cost follows its size.
    """
    left = getattr(_deadline, "content", float("inf")) - size
    _deadline.content = left
    if left < 0:
        limit = _deadline.content_limit >> 20
        raise LoadError(
            f"PDF 页面内容超过 {limit} MB 的处理上限（按文件大小计），疑似压缩炸弹，已中止 "
            f"(PDF page content exceeds {limit} MB: far more than the file holds, a bomb)"
        )


_TOKEN_STATES: dict[str, Any] = {}  # pdfminer's own string and name states, wrapped below


def _install_in_place_tokens() -> None:
    """Strings and names with escapes grow in place: pdfminer copies the whole token per escape.

    ``(\\(\\(…)`` with 200,000 escapes, ``((((…))))`` or a name of ``#41#41…`` took seconds
    (a few MB of them, minutes) because every escape, nested parenthesis or ``#xx`` does
    ``token += piece`` on bytes. Here the token is a bytearray while it grows and bytes again
    before pdfminer hands it on, so every token is exactly what pdfminer would make.
    """
    from pdfminer.psparser import PSBaseParser

    if _TOKEN_STATES:
        return
    for name in ("_parse_string", "_parse_literal", "_parse_literal_hex"):
        _TOKEN_STATES[name] = getattr(PSBaseParser, name)
    PSBaseParser._parse_string = _parse_string  # type: ignore[method-assign]
    PSBaseParser._parse_literal = _parse_literal  # type: ignore[method-assign]
    PSBaseParser._parse_literal_hex = _parse_literal_hex  # type: ignore[method-assign]


def _parse_string(self: Any, s: bytes, i: int) -> int:
    if self._curtoken.__class__ is bytes:
        self._curtoken = bytearray(self._curtoken)
    end = _TOKEN_STATES["_parse_string"](self, s, i)
    if self._parse1 == self._parse_main:  # the string closed: its token is bytes like any other
        position, token = self._tokens[-1]
        self._tokens[-1] = (position, bytes(token))
    return end


def _parse_literal(self: Any, s: bytes, i: int) -> int:
    if self._curtoken.__class__ is bytearray:
        from pdfminer.psparser import END_LITERAL

        found = END_LITERAL.search(s, i)
        if found is not None and s[found.start()] != 0x23:  # the name ends here: LIT() needs bytes
            self._curtoken = bytes(self._curtoken)
    return _TOKEN_STATES["_parse_literal"](self, s, i)  # type: ignore[no-any-return]


def _parse_literal_hex(self: Any, s: bytes, i: int) -> int:
    if self._curtoken.__class__ is bytes:
        self._curtoken = bytearray(self._curtoken)
    return _TOKEN_STATES["_parse_literal_hex"](self, s, i)  # type: ignore[no-any-return]


class _LinearPop:
    """Mixed into pdfminer's page interpreter: an operator takes its operands off the stack in place.

    pdfminer rebuilds the whole operand stack (``stack = stack[:-n]``) for every operator, so a
    stream that pushes 200,000 numbers and then runs 200,000 operators took over a minute for
    a 1.4 KB file. Same operands, same stack.
    """

    argstack: list[Any]

    def pop(self, n: int) -> list[Any]:
        if n == 0:
            return []
        taken = self.argstack[-n:]
        del self.argstack[-n:]
        return taken


class _PageLimits:
    """Mixed into pdfminer's page aggregator: what one page may cost in memory.

    Only characters and images are read, so lines and shapes are not kept (a page of vector
    drawing made a pdfminer object per segment), and a page may hold MAX_PAGE_CHARS characters:
    a few KB of deflated ``Tj`` operators otherwise make millions of ~1 KB objects.
    """

    chars = 0

    def begin_page(self, page: Any, ctm: Any) -> None:
        self.chars = 0
        super().begin_page(page, ctm)  # type: ignore[misc]

    def paint_path(self, *args: Any, **kwargs: Any) -> None:
        return None

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        self.chars += 1
        _spend_content(CHAR_COST)
        if self.chars > MAX_PAGE_CHARS:
            raise LoadError(
                f"PDF 一页中的字符超过 {MAX_PAGE_CHARS} 个上限，疑似恶意构造 "
                f"(more than {MAX_PAGE_CHARS} characters on a page)"
            )
        return super().render_char(*args, **kwargs)  # type: ignore[misc, no-any-return]


def _bomb() -> LoadError:
    """One stream inflated past MAX_STREAM (Flate, a damaged Flate retry or LZW)."""
    limit = MAX_STREAM >> 20
    return LoadError(f"PDF 中有数据流解压后超过 {limit} MB，疑似压缩炸弹 (PDF stream inflates too far: bomb)")


def _too_slow() -> LoadError:
    return LoadError(f"PDF 解析超过 {int(TIME_BUDGET)} 秒上限，已中止 (PDF took too long to parse)")


class PageLocator:
    """Offsets in one page's text -> page and line (and field for table lines)."""

    __slots__ = ("_lines", "page")
    in_table = False

    def __init__(self, text: str, page: int) -> None:
        self._lines = TextLocator(text)
        self.page = page

    def locate(self, start: int, end: int) -> Position:
        inner = self._lines.locate(start, end)
        line = inner.location["line"]
        location: dict[str, Any] = {"page": self.page, "line": line}
        if inner.field is not None:
            location["field"] = inner.field
        return Position(location, ("page", self.page, line), inner.field)

    def field_at(self, offset: int) -> str | None:
        return self._lines.field_at(offset)


def load_pdf(path: Path, fmt: str, data: bytes) -> Document:
    require_nonempty(data)
    kind = sniff(data)
    if kind != "pdf":
        raise wrong_kind("pdf", content_kind(data))
    _install_bounded_zlib()
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pages = list(_page_texts(data))
    except LoadError:
        raise
    except PDFPasswordIncorrect as exc:
        raise LoadError("PDF 受密码保护（已加密），无法读取内容 (password-protected PDF: cannot be audited)") from exc
    except RecursionError as exc:
        raise LoadError("PDF 结构嵌套过深或循环引用，无法解析 (PDF nesting too deep or cyclic)") from exc
    except Exception as exc:  # pdfminer raises many types for broken files
        raise LoadError(f"PDF 文件已损坏，无法解析 (corrupt PDF: {reason(exc)})") from exc
    if not pages:
        raise LoadError("PDF 没有任何页面，文件损坏或为空 (PDF has no pages)")
    scanned = [number for number, (text, image_page) in enumerate(pages, start=1) if image_page and not text.strip()]
    if scanned:
        shown = "、".join(map(str, scanned[:10])) + ("…" if len(scanned) > 10 else "")
        raise LoadError(
            f"PDF 第 {shown} 页只有图像、没有文本层（扫描件），不经 OCR 无法审计，不能视为通过 "
            f"(no text layer on page(s) {shown}: scanned PDF cannot be audited without OCR)"
        )
    if not any(text.strip() for text, _ in pages):
        raise LoadError(
            "PDF 没有文本层（可能是扫描件或纯图形），不经 OCR 无法审计 (no text layer: cannot be audited without OCR)"
        )
    blocks = [Block(text, PageLocator(text, number)) for number, (text, _) in enumerate(pages, start=1) if text.strip()]
    return Document(path=str(path), format=fmt, blocks=blocks)


def _page_texts(data: bytes) -> Iterator[tuple[str, bool]]:
    """(text, is a scanned page) for each page, in page-tree order."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    started = time.monotonic()
    _deadline.at = started + TIME_BUDGET
    _deadline.content = _deadline.content_limit = max(CONTENT_FLOOR, CONTENT_RATIO * len(data))
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        _check_page_tree(document)
        manager = PDFResourceManager(caching=True)
        device = type("LimitedAggregator", (_PageLimits, PDFPageAggregator), {})(manager, laparams=None)
        interpreter = type("LinearInterpreter", (_LinearPop, PDFPageInterpreter), {})(manager, device)
        for number, page in enumerate(PDFPage.create_pages(document), start=1):
            if number > MAX_PAGES:
                raise LoadError(f"PDF 超过 {MAX_PAGES} 页上限 (more than {MAX_PAGES} pages)")
            interpreter.process_page(page)
            layout = device.get_result()
            chars: list[Any] = []
            images: list[Any] = []
            _gather(layout, chars, images, 0)
            area = max(1.0, layout.width * layout.height)
            covered = sum(max(0.0, i.width) * max(0.0, i.height) for i in images)
            yield _lines_text(chars), covered / area >= SCAN_COVER
            if time.monotonic() - started > TIME_BUDGET:
                raise _too_slow()
    finally:
        _deadline.at = _deadline.content = float("inf")  # pdfminer used elsewhere is not on this file's budget


def _check_page_tree(document: Any) -> None:
    """Walk /Pages by hand: a node met twice (a loop) or a tree too deep is an error."""
    from pdfminer.pdftypes import PDFObjRef, resolve1

    root = document.catalog.get("Pages")
    if root is None:
        return
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack:
        ref, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise LoadError("PDF 页面树嵌套过深，文件损坏或恶意构造 (PDF page tree too deep)")
        if isinstance(ref, PDFObjRef):
            if ref.objid in seen:
                raise LoadError("PDF 页面树存在循环引用，文件损坏或恶意构造 (PDF page tree loops back on itself)")
            seen.add(ref.objid)
            if len(seen) > MAX_PAGES * 2:
                raise LoadError(f"PDF 超过 {MAX_PAGES} 页上限 (more than {MAX_PAGES} pages)")
        node = resolve1(ref)
        if not isinstance(node, dict):
            continue
        kids = resolve1(node.get("Kids"))
        if isinstance(kids, list):
            stack.extend((kid, depth + 1) for kid in reversed(kids))


def _gather(container: Any, chars: list[Any], images: list[Any], depth: int) -> None:
    from pdfminer.layout import LTChar, LTContainer, LTImage

    if depth > 32:
        return
    for item in container:
        if isinstance(item, LTChar):
            chars.append(item)
        elif isinstance(item, LTImage):
            images.append(item)
        elif isinstance(item, LTContainer):
            _gather(item, chars, images, depth + 1)


def _lines_text(chars: list[Any]) -> str:
    """Characters grouped into visual lines (top to bottom), a tab at each wide gap.

    Rotated text (a landscape table on a portrait page, a stamp) is not dropped:
    its characters follow as lines of their own, grouped by x instead of y.
    """
    upright = [c for c in chars if c.upright and c.get_text()]
    rotated = [c for c in chars if not c.upright and c.get_text()]
    lines = _group(upright, lambda c: c.y0 + c.height / 2, lambda c: c.height, lambda c: c.x0, True)
    lines += _group(rotated, lambda c: c.x0 + c.width / 2, lambda c: c.width, _along_rotated, False)
    return "\n".join(_line_text(line) for line in lines)


def _along_rotated(char: Any) -> float:
    """Position along the writing direction of rotated text (up the page for 90°, down for 270°)."""
    return char.y0 if char.matrix[1] > 0 else -char.y1


def _group(chars: list[Any], across: Any, extent: Any, along: Any, descending: bool) -> list[list[Any]]:
    """Chars whose centres (``across``) are close form one line, ordered by ``along``."""
    lines: list[list[Any]] = []
    centre = None
    for char in sorted(chars, key=across, reverse=descending):
        middle = across(char)
        if centre is None or abs(middle - centre) > max(1.0, 0.45 * extent(char)):
            lines.append([char])
            centre = middle
        else:
            lines[-1].append(char)
    return [sorted(line, key=along) for line in lines]


def _line_text(line: list[Any]) -> str:
    out: list[str] = []
    previous = None
    for char in line:
        text = char.get_text()
        if previous is not None:
            if char.upright:
                gap = char.x0 - previous.x1
            else:
                gap = char.y0 - previous.y1 if char.matrix[1] > 0 else previous.y0 - char.y1
            size = max(previous.size, char.size, 1.0)
            if gap > 0.9 * size:
                out.append("\t")
            elif gap > 0.2 * size and not text.isspace() and not previous.get_text().isspace():
                out.append(" ")
        if text.isspace() and out and out[-1] == "\t":
            continue
        out.append(text)
        previous = char
    return "".join(out).replace(" \t", "\t").replace("\t ", "\t").strip()

"""Checks that run before any parser touches a file: what it really is, and whether a zip is safe.

Office files are zips of XML. A hostile one can declare gigabytes of content
(zip bomb), lie about its sizes, carry thousands of entries, or hide an XML
entity bomb; an encrypted docx/xlsx is not a zip at all but an OLE2 compound
file holding ``EncryptionInfo``. Each case becomes a LoadError (E001) with a
Chinese-first reason before a parser can spend unbounded time or memory.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import ParseError, TreeBuilder, XMLParser

from auditor.loaders.errors import LoadError, reason

MAX_TOTAL_UNCOMPRESSED = 1 << 30  # 1 GiB declared for the whole archive …
SCALE_WITH_FILE = 25  # … or 25x the file for big workbooks (real sheet XML deflates 5-20x) …
MAX_TOTAL_CEILING = 8 << 30  # … never more than 8 GiB
MAX_RATIO = 100  # declared uncompressed / compressed, for entries big enough to matter
RATIO_FLOOR = 10 << 20  # entries under 10 MiB may compress as well as they like
MAX_ENTRIES = 10_000
XML_HEAD = 4096  # bytes of each XML entry checked for a DTD
KEEP_BELOW = 4 << 20  # members up to this size are kept once inflated, for the loader to read again

# What zipfile raises for a damaged archive; NotImplementedError is a header naming a zip version it lacks.
ZIP_ERRORS = (zipfile.BadZipFile, OSError, EOFError, struct.error, NotImplementedError)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
KIND_NAMES = {
    "pdf": "PDF 文件 (PDF)",
    "docx": "Word 文档 (.docx)",
    "xlsx": "Excel 工作簿 (.xlsx)",
    "ole2": "旧版 Office 文件 (.doc/.xls, OLE2)",
    "zip": "zip 压缩包 (zip archive)",
    "text": "文本文件 (text)",
    "unknown": "无法识别的二进制文件 (unknown binary)",
}


def sniff(data: bytes) -> str:
    """What the bytes are, regardless of the file name: pdf, zip, ole2, empty, text or unknown."""
    if not data:
        return "empty"
    head = data[:1024]
    if data.startswith(OLE2_MAGIC):
        return "ole2"
    if head.startswith(ZIP_MAGICS):
        return "zip"
    if b"%PDF-" in head:
        return "pdf"
    if b"\x00" not in head:
        return "text"
    return "unknown"


def content_kind(data: bytes) -> str:
    """Like :func:`sniff`, but a zip is told apart as docx, xlsx or a plain zip (central directory only)."""
    kind = sniff(data)
    if kind != "zip":
        return kind
    try:
        return package_kind(zipfile.ZipFile(io.BytesIO(data))).kind
    except (*ZIP_ERRORS, ValueError):
        return "zip"


def require_nonempty(data: bytes) -> None:
    if not data:
        raise LoadError("文件为空（0 字节），没有可审计的内容 (empty file: 0 bytes, nothing to audit)")


def wrong_kind(expected: str, actual: str) -> LoadError:
    """The file's content is not what its extension says."""
    name = KIND_NAMES.get(actual, actual)
    return LoadError(
        f"文件内容是{name}，与扩展名不符（应为 {expected}），无法按 {expected} 审计 "
        f"(content is {actual}, not {expected}: wrong file extension)"
    )


def is_encrypted_ole(data: bytes) -> bool:
    """An OLE2 compound file that wraps an encrypted OOXML package (password-protected docx/xlsx)."""
    try:
        import olefile
    except ImportError:  # pragma: no cover - olefile is a dependency
        return b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o\x00" in data[: 1 << 20]
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:
        return False
    try:
        return bool(ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"))
    finally:
        ole.close()


def encrypted_error() -> LoadError:
    return LoadError(
        "文件受密码保护（已加密），无法读取内容；请提供未加密的版本 "
        "(password-protected / encrypted file: cannot be audited without the password)"
    )


@dataclass(frozen=True, slots=True)
class ZipReport:
    """The names inside a checked archive and what kind of OOXML package it is."""

    names: frozenset[str]
    kind: str  # docx | xlsx | zip


class CheckedZip(zipfile.ZipFile):
    """An archive that passed :func:`checked_zip`; ``read`` serves the members the check kept.

    The check inflates every member anyway. A loader then reads the small parts (workbook,
    relationships, properties, a docx body) again: through zipfile that cost as much as the check.
    Only members that inflated to exactly their declared size with a matching CRC are kept, so
    ``read`` returns what ``ZipFile.read`` would, and raises where it would raise.
    """

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self.inflated: dict[str, bytes] = {}

    def read(self, name: str | zipfile.ZipInfo, pwd: bytes | None = None) -> bytes:
        kept = self.inflated.get(name.filename if isinstance(name, zipfile.ZipInfo) else name)
        return kept if kept is not None and pwd is None else super().read(name, pwd)


def open_ooxml(data: bytes, expected: str, marker: bytes = b"", found: set[str] | None = None) -> CheckedZip:
    """Open a docx/xlsx after every check; raises LoadError with the reason otherwise.

    With ``marker``, the names of the entries whose content holds it are added to
    ``found``: the check inflates every entry anyway, so a loader that would
    otherwise inflate a part again only to look for a word asks here.
    """
    kind = sniff(data)
    if kind == "empty":
        require_nonempty(data)
    if kind == "ole2":
        if is_encrypted_ole(data):
            raise encrypted_error()
        raise wrong_kind(expected, "ole2")
    if kind != "zip":
        raise wrong_kind(expected, kind)
    archive = checked_zip(data, marker, found)
    report = package_kind(archive)
    if report.kind != expected:
        raise wrong_kind(expected, report.kind)
    return archive


def checked_zip(data: bytes, marker: bytes = b"", found: set[str] | None = None) -> CheckedZip:
    """A ZipFile whose central directory passed the size, ratio and entry-count caps.

    Every entry is then inflated once with a hard output limit: a member that
    decompresses to more than it declares (a lying zip bomb) or whose XML opens
    with a DTD (entity expansion) is rejected before any parser reads it.
    """
    try:
        archive = CheckedZip(data)
        infos = archive.infolist()
    except (*ZIP_ERRORS, zipfile.LargeZipFile, ValueError) as exc:
        raise LoadError(
            f"文件已损坏或不完整（zip 结构无效，可能被截断）(corrupt or truncated zip: {reason(exc)})"
        ) from exc
    if len(infos) > MAX_ENTRIES:
        raise LoadError(f"压缩包内文件数 {len(infos)} 超过上限 {MAX_ENTRIES} (too many zip entries)")
    total = 0
    cap = declared_cap(len(data))
    for info in infos:
        if info.flag_bits & 0x1:
            raise encrypted_error()
        total += info.file_size
        if total > cap:
            raise LoadError(
                f"压缩包声明的解压后大小超过 {cap / 2**30:.0f} GB 上限，疑似压缩炸弹 "
                f"(zip declares more than {cap / 2**30:.0f} GB uncompressed: possible zip bomb)"
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise LoadError(
                f"压缩包内 {info.filename} 压缩比超过 {MAX_RATIO}:1，疑似压缩炸弹 "
                "(compression ratio too high: zip bomb)"
            )
    for info in infos:
        seen, content = _verify_entry(data, info, marker)
        if seen and found is not None:
            found.add(info.filename)
        if content is not None:
            archive.inflated[info.filename] = content
        else:  # of two members with one name, zipfile reads the last: never serve an earlier one
            archive.inflated.pop(info.filename, None)
    return archive


def declared_cap(size: int) -> int:
    """Most uncompressed bytes an archive of ``size`` bytes may declare."""
    return min(MAX_TOTAL_CEILING, max(MAX_TOTAL_UNCOMPRESSED, SCALE_WITH_FILE * size))


def _verify_entry(data: bytes, info: zipfile.ZipInfo, marker: bytes = b"") -> tuple[bool, bytes | None]:
    """Inflate one member with a cap of its declared size; check the XML head for a DTD.

    Returns whether the member's content holds ``marker`` (False when there is none), and the
    content itself when it is small enough to keep and intact (its declared size and CRC).
    """
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise LoadError(f"压缩包使用不支持的压缩方式 (unsupported zip compression {info.compress_type})")
    offset = info.header_offset
    header = data[offset : offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise LoadError("文件已损坏或不完整（zip 条目头无效）(corrupt or truncated zip entry)")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_len + extra_len
    raw = memoryview(data)[start : start + info.compress_size]
    if len(raw) < info.compress_size:
        raise LoadError("文件不完整（zip 条目被截断）(truncated zip entry)")
    if info.file_size <= KEEP_BELOW:
        return _verify_small(raw, info, marker)
    produced, head, tail, seen = 0, b"", b"", False
    try:
        for piece in _inflate(raw, info.compress_type == zipfile.ZIP_STORED):
            if len(head) < XML_HEAD:
                head += piece[: XML_HEAD - len(head)]
            produced += len(piece)
            if produced > info.file_size:
                break
            if marker and not seen:
                seen = marker in tail + piece[: len(marker)] or marker in piece
                tail = piece[-len(marker) :]
    except zlib.error as exc:
        raise corrupt_entry(info) from exc
    if produced > info.file_size:
        raise _inflates_beyond(info)
    _refuse_dtd(info, head)
    return seen, None


def _verify_small(raw: memoryview, info: zipfile.ZipInfo, marker: bytes) -> tuple[bool, bytes | None]:
    """:func:`_verify_entry` for a member small enough to keep: one inflate call, output capped one
    byte past the declared size. Nine in ten members of an office file are a few KB, and the
    streamed loop cost more in Python than inflating them did in C."""
    try:
        if info.compress_type == zipfile.ZIP_STORED:
            content = bytes(raw[: info.file_size + 1])
        else:
            content = zlib.decompressobj(-15).decompress(raw, info.file_size + 1)
    except zlib.error as exc:
        raise corrupt_entry(info) from exc
    if len(content) > info.file_size:
        raise _inflates_beyond(info)
    _refuse_dtd(info, content[:XML_HEAD])
    seen = bool(marker) and marker in content
    intact = len(content) == info.file_size and zlib.crc32(content) == info.CRC
    return seen, content if intact else None


def corrupt_entry(info: zipfile.ZipInfo) -> LoadError:
    """A member that does not inflate, or not to what its header says (a loader reading it again)."""
    return LoadError(f"文件已损坏（zip 条目无法解压）(corrupt zip entry {info.filename})")


def _inflates_beyond(info: zipfile.ZipInfo) -> LoadError:
    return LoadError(
        f"压缩包内 {info.filename} 解压后超过其声明大小，疑似压缩炸弹 (entry inflates beyond its declared size)"
    )


def _refuse_dtd(info: zipfile.ZipInfo, head: bytes) -> None:
    """An XML part (by its name) whose head opens a DTD: entity expansion is refused before any parser runs."""
    if info.filename.lower().endswith((".xml", ".rels", ".vml")) and _has_dtd(head):
        raise LoadError(
            f"{info.filename} 含 DTD/实体声明，疑似 XML 实体炸弹，已拒绝解析 (XML with DTD/entities rejected)"
        )


def _inflate(raw: memoryview, stored: bool, step: int = 1 << 20) -> Iterator[bytes]:
    """Output of a raw-deflate member in pieces of at most ``step`` bytes (memory stays bounded)."""
    if stored:
        for pos in range(0, len(raw), step):
            yield bytes(raw[pos : pos + step])
        return
    inflater = zlib.decompressobj(-15)
    pos = 0
    while not inflater.eof:
        if inflater.unconsumed_tail:
            piece = inflater.decompress(inflater.unconsumed_tail, step)
        elif pos < len(raw):
            piece = inflater.decompress(raw[pos : pos + step], step)
            pos += step
        else:
            piece = inflater.decompress(b"", step)
            if not piece:
                return
        if piece:
            yield piece


def _has_dtd(head: bytes) -> bool:
    """A declaration (``<!DOCTYPE``, ``<!ENTITY``, any case) or UTF-16 ``<!`` in the head of a part.

    Most parts hold no ``<!`` at all: that test is a memchr, and lowering 4 KB per part is not.
    """
    if b"<!" not in head:
        return b"<\x00!\x00" in head
    lowered = head.lower()
    return b"<!doctype" in lowered or b"<!entity" in lowered or b"<\x00!\x00" in head


def package_kind(archive: zipfile.ZipFile) -> ZipReport:
    names = frozenset(archive.namelist())
    if "word/document.xml" in names or any(n.startswith("word/") for n in names):
        kind = "docx"
    elif "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        kind = "xlsx"
    else:
        kind = "zip"
    return ZipReport(names, kind)


class _DoctypeFound(Exception):
    """Raised by the tree builder at a DOCTYPE, before expat reads what the DTD declares."""


class _RefusingDoctype(TreeBuilder):
    """ElementTree's C tree builder, except that a DOCTYPE stops the parse.

    Entity bombs and external entities both need declarations, and declarations live only in a
    DTD: refusing it is the protection defusedxml's ``forbid_dtd`` gives. defusedxml does it
    through the pure-Python parser, which runs Python code for every element; the C parser calls
    ``doctype`` at the start of the declaration, before its internal subset is read.
    """

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise _DoctypeFound(name)


def parse_xml(data: bytes, name: str = "") -> Any:
    """An ElementTree root, with no DTD, no entities and no external references."""
    parser = XMLParser(target=_RefusingDoctype())
    try:
        parser.feed(data)
        return parser.close()
    except _DoctypeFound as exc:
        raise LoadError(
            f"{name} 含 DTD/实体声明，疑似 XML 实体炸弹，已拒绝解析 (XML with DTD/entities rejected)"
        ) from exc
    except ParseError as exc:
        raise LoadError(f"{name} 不是有效的 XML，文件已损坏 (malformed XML: {reason(exc)})") from exc


def read_member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    """A member's bytes, or None when absent; corrupt members become LoadError."""
    try:
        return archive.read(name)
    except KeyError:
        return None
    except (*ZIP_ERRORS, zlib.error) as exc:
        raise LoadError(f"文件已损坏（无法读取 {name}）(corrupt zip member {name}: {reason(exc)})") from exc

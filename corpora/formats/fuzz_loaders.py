"""Deterministic mutation fuzzer for the document loaders: a broken file must be a clean E001, nothing worse.

    python corpora/formats/fuzz_loaders.py                                # 200 cases of every format
    python corpora/formats/fuzz_loaders.py --formats docx,xlsx --cases 3000 --seed 7 --timeout 10
    python corpora/formats/fuzz_loaders.py --replay /tmp/fuzz-findings/xlsx-crash-s1-00042.xlsx
    python corpora/formats/fuzz_loaders.py --show xlsx:42 --seed 1       # rebuild one case, print its mutations

Seeds are the files of each format under corpora/formats/samples, corpora/formats/hostile
and corpora/samples. A case is a seed plus one to three mutations, chosen by a
``random.Random`` keyed on (seed, format, case number), so a case is the same on
every run and on every machine:

- bytes (every format): bit flips, interesting integers, inserted / deleted /
  duplicated slices, truncation, and tokens of the format (quotes for csv,
  ``<td colspan=…>`` for html, brackets for json …);
- docx / xlsx: the zip is opened and one member is mutated (bytes, or the XML:
  numbers, attribute values, declared counts, duplicated / dropped / nested /
  renamed elements, junk text, namespaces), or the member list itself (dropped,
  duplicated, renamed members), then re-zipped with valid CRCs so the mutation reaches the XML and
  cell parsers instead of dying on a checksum;
- pdf: tokens inside object dictionaries (numbers, references, names, filters,
  deep nesting), content streams decoded, mutated as operators and re-encoded
  (Flate, LZW, RunLength, ASCIIHex, ASCII85), the xref / trailer; the xref table is
  usually rebuilt so the mutation is read where it was made;
- xls: BIFF records inside the Workbook stream (bodies, lengths, types, copies),
  written back in place through olefile so the OLE2 container stays valid.

Each case is scanned by ``Scanner.scan_target`` in a worker process (one by
default) with an address-space limit; a case that overruns ``--timeout`` is a
hang and the worker is killed and restarted. Wall time and peak RSS (VmHWM, reset
per case) are recorded. Outcomes: scanned, skipped, error (E001 with a
Chinese-first message), badmsg (error without E001 or without Chinese first),
crash (an exception escaped scan_target, or the worker died), hang, memory (peak
RSS over ``--memory-mb`` or a MemoryError), slow (over ``--slow`` seconds).

Problem inputs are written to ``--out`` (default /tmp/fuzz-findings, never the
repository) with one JSON line each in findings.jsonl. Nothing from inside a file
is ever printed: a crash shows its exception type, the last auditor frame, the
innermost frame and its message truncated with digit and CJK runs masked.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import faulthandler
import io
import json
import logging
import multiprocessing
import os
import random
import re
import resource
import signal
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FORMATS = ("txt", "md", "csv", "tsv", "json", "html", "xlsx", "xls", "docx", "pdf")
SEED_DIRS = (HERE / "samples", HERE / "hostile", ROOT / "corpora" / "samples")
EXTENSIONS = {fmt: (f".{fmt}",) for fmt in FORMATS} | {"html": (".html", ".htm")}
OUTCOMES = ("scanned", "skipped", "error", "badmsg", "crash", "hang", "memory", "slow")
PROBLEMS = frozenset(("badmsg", "crash", "hang", "memory", "slow"))
MAX_CASE_BYTES = 1_000_000  # every case stays under 1 MB
MAX_MEMBER_BYTES = 8 << 20  # a zip member may grow to this uncompressed (real sheets deflate 5-20x)
ADDRESS_LIMIT = 6 << 30  # the worker's address space: a runaway allocation fails instead of taking the machine

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

INTERESTING_INTS = (0, 1, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF)
INTERESTING_NUMBERS = (
    b"0",
    b"-1",
    b"1",
    b"2",
    b"255",
    b"65535",
    b"65536",
    b"1048576",
    b"1048577",
    b"16384",
    b"2147483647",
    b"2147483648",
    b"4294967296",
    b"999999999",
    b"99999999999999999999",
    b"1e308",
    b"-2147483649",
    b"0.5",
    b"NaN",
)
# What a declared count becomes: past what any reader should reserve, in and beyond 32 and 64 bits.
HUGE_COUNTS = (b"2147483647", b"2147483648", b"4294967295", b"4294967296", b"99999999999999999999")
INTERESTING_STRINGS = (
    b"",
    b" ",
    b"A1",
    b"XFD1048576",
    b"A1:XFD1048576",
    b"ZZZZ1",
    b"A0",
    b"A99999999",
    b"$A$1:$B$2",
    b"rId1",
    b"rId999",
    b"true",
    b"false",
    b"1",
    b"continue",
    b"restart",
    b"s",
    b"str",
    b"inlineStr",
    b"e",
    b"b",
    b"n",
    b"d",
    b"/xl/worksheets/sheet1.xml",
    b"../../../../etc/passwd",
    b"worksheets/sheet1.xml",
    b"document.xml",
    b"http://example.invalid/x",
    b"External",
    b"\xe4\xb8\xad",  # a CJK character
    b"\xff\xfe",
    b"&#0;",
    b"&#xD800;",
    b"&amp;",
    b"x" * 5000,
)
TOKENS: dict[str, tuple[bytes, ...]] = {
    "text": (b"\x00", b"\r", b"\r\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff", b"\xc3", b"\xe4\xb8", b"\t"),
    "csv": (b'"', b'""', b",", b";", b"\t", b"\r\n", b'"\n', b"\n\n", b'"' + b"x" * 200_000),
    "json": (b"[", b"]", b"{", b"}", b'"', b"\\u", b"\\ud800", b":", b",", b"[" * 100_000, b"1e999999", b"NaN"),
    "html": (
        b"<table>",
        b"</table>",
        b"<tr>",
        b"</tr>",
        b"<td>",
        b"</td>",
        b"<th>x</th>",
        b'<td colspan="999999999">x</td>',
        b"<td colspan=2147483647>",
        b'<td rowspan="99999">',
        b"<!--",
        b"-->",
        b"<script>",
        b"</script>",
        b"<style>",
        b"<br>",
        b"&#x110000;",
        b"&#99999999999999;",
        b"&nbsp;",
        b"&",
        b"<",
        b"<a href='",
        b"<table>" * 5000,
        b"<tr><td>x</td></tr>" * 2000,
    ),
}
PDF_OPS = (
    b"q ",
    b"Q ",
    b"q " * 5000,
    b"Q " * 5000,
    b"BT ",
    b"ET ",
    b"/F1 12 Tf ",
    b"/F1 1e30 Tf ",
    b"/F1 0 Tf ",
    b"/F1 -12 Tf ",
    b"1 0 0 1 0 0 cm ",
    b"0 0 0 0 0 0 cm ",
    b"1e300 0 0 1e300 0 0 cm ",
    b"1 0 0 1 1e308 1e308 Tm ",
    b"(x) Tj ",
    b"<4e2d> Tj ",
    b"[(a) -99999999 (b)] TJ ",
    b"100000 Tz ",
    b"1e30 Tc ",
    b"1e30 TL T* ",
    b"(x) ' ",
    b"3 Tr ",
    b"/Im0 Do ",
    b"/X1 Do ",
    b"/Fm1 Do ",
    b"BI /W 4 /H 4 /BPC 8 /CS /G ID \x00\x01\x02\x03 EI ",
    b"BI /W 99999 /H 99999 /BPC 8 /CS /RGB ID x EI ",
    b"(",
    b"<",
    b"[",
    b"<<",
    b"/P << /MCID 0 >> BDC ",
    b"EMC ",
    b"/GS0 gs ",
    b"0 0 1e30 1e30 re W n ",
    b"d0 ",
    b"sh ",
)
PDF_NAMES = (
    b"/Type",
    b"/Pages",
    b"/Page",
    b"/Kids",
    b"/Count",
    b"/Parent",
    b"/Resources",
    b"/Font",
    b"/XObject",
    b"/Form",
    b"/Image",
    b"/Contents",
    b"/MediaBox",
    b"/Encoding",
    b"/Identity-H",
    b"/ToUnicode",
    b"/DescendantFonts",
    b"/CIDSystemInfo",
    b"/W",
    b"/Widths",
    b"/FirstChar",
    b"/FlateDecode",
    b"/LZWDecode",
    b"/ASCII85Decode",
    b"/ASCIIHexDecode",
    b"/RunLengthDecode",
    b"/DCTDecode",
    b"/CCITTFaxDecode",
    b"/JBIG2Decode",
    b"/Crypt",
    b"/ObjStm",
    b"/XRef",
    b"/Length",
    b"/Filter",
    b"/DecodeParms",
    b"/Root",
    b"/Encrypt",
)
PDF_DICT_TOKENS = (
    b"/Length 0",
    b"/Length 999999999",
    b"/Filter /LZWDecode",
    b"/Filter [/FlateDecode /FlateDecode]",
    b"/DecodeParms << /Predictor 15 /Columns 100000 /Colors 4 >>",
    b"/DecodeParms << /Predictor 2 /Columns 0 >>",
    b"/Kids [1 0 R 1 0 R]",
    b"/Parent 1 0 R",
    b"/Count 2147483647",
    b"/Resources << /XObject << /X1 1 0 R /Fm1 2 0 R >> >>",
    b"/Type /XObject /Subtype /Form /BBox [0 0 1 1]",
    b"/W [0 [1000] 1 65535 500]",
    b"/Encoding /Identity-H",
    b"/ToUnicode 1 0 R",
    b"/Encrypt 1 0 R",
    b"/Prev 0",
    b"[" * 3000 + b"]" * 3000,
    b"<<" * 3000 + b">>" * 3000,
    b"(" + b"\\(" * 5000 + b")",
)
BIFF_TYPES = (
    0x0809,
    0x000A,
    0x00FC,
    0x003C,
    0x0200,
    0x0208,
    0x00FD,
    0x0203,
    0x027E,
    0x00BD,
    0x0018,
    0x001C,
    0x0085,
    0x0031,
    0x041E,
    0x00E0,
    0x007D,
    0x0042,
    0x0006,
    0x0207,
    0x01B6,
    0x005D,
    0x00EC,
    0x0022,
    0x0017,
    0x01AE,
    0x00FF,
    0x0204,
    0x00BE,
)

Mutator = Callable[[random.Random, bytes], tuple[bytes, str]]


# -- byte-level ---------------------------------------------------------------


def _spot(rng: random.Random, size: int) -> int:
    return rng.randrange(size) if size else 0


def _slice(rng: random.Random, size: int, longest: int = 4096) -> tuple[int, int]:
    start = _spot(rng, size)
    return start, min(size, start + rng.randint(1, max(1, longest)))


def mutate_bytes(rng: random.Random, data: bytes, tokens: tuple[bytes, ...] = ()) -> tuple[bytes, str]:
    """One generic byte mutation; ``tokens`` are the format's own words to insert."""
    kinds = ["flip", "set", "insert", "delete", "duplicate", "truncate"] + (["token", "token"] if tokens else [])
    kind = rng.choice(kinds)
    buf = bytearray(data)
    size = len(buf)
    if kind == "flip" and size:
        for _ in range(rng.randint(1, 8)):
            buf[_spot(rng, size)] ^= 1 << rng.randrange(8)
    elif kind == "set" and size:
        width = rng.choice((1, 2, 4))
        value = rng.choice(INTERESTING_INTS) & ((1 << (8 * width)) - 1)
        at = _spot(rng, size)
        buf[at : at + width] = value.to_bytes(width, rng.choice(("little", "big")))
    elif kind == "insert":
        at = rng.randint(0, size)
        buf[at:at] = rng.randbytes(rng.randint(1, 64))
    elif kind == "delete" and size:
        start, end = _slice(rng, size)
        del buf[start:end]
    elif kind == "duplicate" and size:
        start, end = _slice(rng, size)
        times = rng.choice((1, 2, rng.randint(2, 400)))
        at = rng.randint(0, size)
        buf[at:at] = bytes(buf[start:end]) * times
    elif kind == "truncate" and size:
        del buf[_spot(rng, size) :]
    elif kind == "token":
        at = rng.randint(0, size)
        buf[at:at] = rng.choice(tokens)
    return bytes(buf[:MAX_CASE_BYTES]), f"bytes:{kind}"


# -- XML inside a zip member --------------------------------------------------

XML_JUNK = (b"\x00", b"\xff", b"&#0;", b"&#xD800;", b"]]>", b"<![CDATA[", b"&bogus;", b"\xe4\xb8\xad" * 50)
_NUM = re.compile(rb"-?\d+")
_ATTR_VALUE = re.compile(rb'="([^"<]*)"')
# An attribute that declares how many of something follow (uniqueCount, count, …): a reader may reserve that many.
_DECLARED_COUNT = re.compile(rb'[cC]ount\s*=\s*"(\d+)"')
_START_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)\b[^<>]*?(/?)>")
_XMLNS = re.compile(rb'xmlns(?::\w+)?="([^"]*)"')


def _pick(rng: random.Random, pattern: re.Pattern[bytes], data: bytes) -> re.Match[bytes] | None:
    """A random match of ``pattern`` in ``data`` (None when there is none): the spot a mutation hits."""
    matches = list(pattern.finditer(data))
    return rng.choice(matches) if matches else None


def _element_at(data: bytes, match: re.Match[bytes]) -> tuple[int, int]:
    """Extent of the element whose start tag is ``match`` (up to the first end tag of that name)."""
    if match.group(2):
        return match.start(), match.end()
    close = b"</" + match.group(1) + b">"
    end = data.find(close, match.end())
    if end < 0:
        return match.start(), match.end()
    return match.start(), end + len(close)


def mutate_xml(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """One mutation that keeps most of the XML readable, so it reaches the parser behind the XML parser."""
    kind = rng.choice(
        ("num", "num", "attr", "attr", "count", "dup", "drop", "untag", "nest", "rename", "move", "junk", "ns")
    )
    tags = list(_START_TAG.finditer(data)) if kind in ("dup", "drop", "untag", "nest", "rename", "move") else []
    if kind == "num":
        hit = _pick(rng, _NUM, data)
        if hit:
            return data[: hit.start()] + rng.choice(INTERESTING_NUMBERS) + data[hit.end() :], "xml:num"
    elif kind == "count":
        hit = _pick(rng, _DECLARED_COUNT, data)
        if hit:
            return data[: hit.start(1)] + rng.choice(HUGE_COUNTS) + data[hit.end(1) :], "xml:count"
    elif kind == "attr":
        hit = _pick(rng, _ATTR_VALUE, data)
        if hit:
            new = rng.choice(INTERESTING_STRINGS + INTERESTING_NUMBERS)
            return data[: hit.start(1)] + new + data[hit.end(1) :], "xml:attr"
    elif kind == "ns":
        spaces = list(_XMLNS.finditer(data))
        if spaces:
            hit = rng.choice(spaces)
            other = rng.choice(spaces).group(1) if rng.random() < 0.5 else b"urn:x"
            return data[: hit.start(1)] + other + data[hit.end(1) :], "xml:ns"
    elif kind == "junk":
        at = rng.randint(0, len(data))
        junk = rng.choice(XML_JUNK)
        return data[:at] + junk + data[at:], "xml:junk"
    elif tags:
        hit = rng.choice(tags[1:] or tags)  # not the root, mostly
        start, end = _element_at(data, hit)
        element = data[start:end]
        if kind == "dup":
            times = rng.choice((1, 2, 10, 1000, 20000))
            times = max(1, min(times, MAX_MEMBER_BYTES // max(1, len(element))))
            return data[:end] + element * times + data[end:], f"xml:dup{times}"
        if kind == "drop":
            return data[:start] + data[end:], "xml:drop"
        if kind == "untag":
            return data[: hit.start()] + data[hit.end() :], "xml:untag"
        if kind == "nest" and not hit.group(2):
            depth = rng.choice((3, 100, 1000, 5000))
            opening, closing = hit.group(0), b"</" + hit.group(1) + b">"
            return data[:start] + opening * depth + element + closing * depth + data[end:], f"xml:nest{depth}"
        if kind == "rename":
            other = rng.choice(tags).group(1)
            name = hit.group(1)
            renamed = other + element[1 + len(name) :]
            if renamed.endswith(b"</" + name + b">"):
                renamed = renamed[: -len(name) - 1] + other + b">"
            return data[:start] + b"<" + renamed + data[end:], "xml:rename"
        if kind == "move":
            target = rng.choice(tags).start()
            rest = data[:start] + data[end:]
            target = min(target, len(rest))
            return rest[:target] + element + rest[target:], "xml:move"
    return mutate_bytes(rng, data)


# -- zip packages (docx / xlsx) ----------------------------------------------


def _member_weight(name: str) -> int:
    if name.endswith((".xml", ".rels")):
        return 6 if re.search(r"sheet|sharedStrings|workbook|document|styles|comments|Content_Types", name) else 3
    return 1


def mutate_zip(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Mutate one member (bytes or XML) or the member list, and re-zip with valid CRCs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    except Exception:
        return mutate_bytes(rng, data)
    if not members:
        return mutate_bytes(rng, data)
    kind = rng.choices(("member-xml", "member-bytes", "list"), (7, 2, 1))[0]
    names = [name for name, _ in members]
    index = rng.choices(range(len(members)), [_member_weight(n) for n in names])[0]
    name, content = members[index]
    stored = False
    if kind == "member-xml":
        content, what = mutate_xml(rng, content)
        members[index] = (name, content[:MAX_MEMBER_BYTES])
    elif kind == "member-bytes":
        content, what = mutate_bytes(rng, content)
        members[index] = (name, content)
    else:
        action = rng.choice(("drop", "duplicate", "rename", "swap", "add", "stored"))
        what = f"list:{action}"
        if action == "drop":
            del members[index]
        elif action == "duplicate":
            members.insert(rng.randint(0, len(members)), (name, mutate_xml(rng, content)[0]))
        elif action == "rename":
            new = rng.choice((rng.choice(names), name.upper(), "/" + name, name + "x", name.replace("1", "2")))
            members[index] = (new, content)
        elif action == "swap":
            other = rng.randrange(len(members))
            members[index], members[other] = (name, members[other][1]), (members[other][0], content)
        elif action == "add":
            members.append((rng.choice(("xl/worksheets/sheet9.xml", "word/header9.xml", "xl/comments9.xml")), content))
        else:
            stored = True
    return _rezip(members, stored), f"zip:{name}:{what}"


def _rezip(members: list[tuple[str, bytes]], stored: bool = False) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as archive:
        warnings.simplefilter("ignore")  # duplicate names are one of the mutations
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return out.getvalue()[:MAX_CASE_BYTES]


# -- PDF ------------------------------------------------------------------------

_OBJ = re.compile(rb"(?<![\d])(\d+)\s+(\d+)\s+obj\b")
_REF = re.compile(rb"(\d+)\s+(\d+)\s+R\b")
_PDF_NAME = re.compile(rb"/[A-Za-z][\w.+-]*")
_PDF_NUM = re.compile(rb"(?<![\w/.])-?\d+(?:\.\d+)?")
_STREAM = re.compile(rb"stream\r?\n")


@dataclass(slots=True)
class PdfObject:
    number: int
    start: int  # of "N G obj"
    end: int  # after "endobj"
    body: tuple[int, int]  # the dictionary part (before "stream")
    stream: tuple[int, int] | None  # the raw stream bytes


def pdf_objects(data: bytes) -> list[PdfObject]:
    found = []
    for match in _OBJ.finditer(data):
        end = data.find(b"endobj", match.end())
        if end < 0:
            continue
        stream = _STREAM.search(data, match.end(), end)
        if stream is not None:
            stop = data.rfind(b"endstream", stream.end(), end)
            raw_end = stop if stop >= 0 else end
            if data[raw_end - 2 : raw_end] == b"\r\n":
                raw_end -= 2
            elif data[raw_end - 1 : raw_end] in (b"\n", b"\r"):
                raw_end -= 1
            body, raw = (match.end(), stream.start()), (stream.end(), raw_end)
        else:
            body, raw = (match.end(), end), None
        found.append(PdfObject(int(match.group(1)), match.start(), end + 6, body, raw))
    return found


def lzw_encode(data: bytes) -> bytes:
    """PDF LZWDecode as pdfminer reads it: 9-12 bit codes, a clear code before the table overflows."""
    out, acc, bits, width = bytearray(), 0, 0, 9

    def emit(code: int) -> None:
        nonlocal acc, bits
        acc = (acc << width) | code
        bits += width
        while bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
        acc &= (1 << bits) - 1

    table = {bytes((i,)): i for i in range(256)}
    next_code = 258  # 256 clears, 257 ends
    emit(256)
    word = b""
    for byte in data:
        candidate = word + bytes((byte,))
        if candidate in table:
            word = candidate
            continue
        emit(table[word])
        table[candidate] = next_code
        next_code += 1
        if next_code == 4096:  # the reader, one entry behind, is at 12 bits: clear and start over
            emit(256)
            table = {bytes((i,)): i for i in range(256)}
            next_code, width = 258, 9
        elif next_code == 1 << width:
            width += 1
        word = bytes((byte,))
    if word:
        emit(table[word])
        if next_code + 1 == 1 << width:  # the reader adds an entry for this last code and widens first
            width += 1
    emit(257)
    if bits:
        out.append((acc << (8 - bits)) & 0xFF)
    return bytes(out)


def _runlength(data: bytes) -> bytes:
    out = bytearray()
    for pos in range(0, len(data), 128):
        chunk = data[pos : pos + 128]
        if len(set(chunk)) == 1 and len(chunk) > 1:
            out += bytes([257 - len(chunk), chunk[0]])
        else:
            out += bytes([len(chunk) - 1]) + chunk
    return bytes(out + b"\x80")


ENCODERS: dict[bytes, Callable[[bytes], bytes]] = {
    b"/FlateDecode": zlib.compress,
    b"/LZWDecode": lzw_encode,
    b"/RunLengthDecode": _runlength,
    b"/ASCIIHexDecode": lambda d: binascii.hexlify(d) + b">",
    b"/ASCII85Decode": lambda d: base64.a85encode(d) + b"~>",
}


def mutate_content(rng: random.Random, content: bytes) -> tuple[bytes, str]:
    """A content stream: numbers, operators inserted or repeated, the whole stream repeated."""
    kind = rng.choice(("num", "op", "op", "repeat-line", "grow", "bytes"))
    if kind == "num":
        hit = _pick(rng, _PDF_NUM, content)
        if hit:
            return content[: hit.start()] + rng.choice(INTERESTING_NUMBERS) + content[hit.end() :], "content:num"
    if kind == "op":
        at = rng.randint(0, len(content))
        return content[:at] + b" " + rng.choice(PDF_OPS) + content[at:], "content:op"
    if kind == "repeat-line":
        lines = content.split(b"\n")
        index = rng.randrange(len(lines))
        times = max(1, min(rng.choice((2, 100, 5000)), MAX_MEMBER_BYTES // (len(lines[index]) + 1)))
        lines[index:index] = [lines[index]] * times
        return b"\n".join(lines)[:MAX_MEMBER_BYTES], "content:repeat-line"
    if kind == "grow":
        times = max(1, min(rng.choice((10, 1000, 20000)), MAX_MEMBER_BYTES // max(1, len(content))))
        return content * times, f"content:grow{times}"
    return mutate_bytes(rng, content)


def mutate_pdf(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    objects = pdf_objects(data)
    if not objects:
        return mutate_bytes(rng, data, PDF_OPS)
    kind = rng.choices(("dict", "stream", "object", "tail", "bytes"), (4, 4, 1, 1, 1))[0]
    if kind == "stream":
        streams = [o for o in objects if o.stream is not None]
        if streams:
            mutated, what = _mutate_stream(rng, data, rng.choice(streams))
            return _maybe_fix_xref(rng, mutated), what
        kind = "dict"
    if kind == "dict":
        target = rng.choice(objects)
        start, end = target.body
        body, what = _mutate_dict(rng, data[start:end], objects)
        return _maybe_fix_xref(rng, data[:start] + body + data[end:]), f"pdf:obj{target.number}:{what}"
    if kind == "object":
        target = rng.choice(objects)
        chunk = data[target.start : target.end]
        if rng.random() < 0.5:
            return _maybe_fix_xref(rng, data[: target.start] + data[target.end :]), "pdf:drop-object"
        other = rng.choice(objects)
        return _maybe_fix_xref(rng, data[: other.end] + b"\n" + chunk + data[other.end :]), "pdf:dup-object"
    if kind == "tail":
        at = max(data.rfind(b"xref"), data.rfind(b"startxref"), 0)
        tail, what = mutate_bytes(rng, data[at:], (b"/Size 0 ", b"/Root 1 0 R ", b"/Prev 0 ", b"/Encrypt 1 0 R "))
        return data[:at] + tail, f"pdf:tail:{what}"
    return mutate_bytes(rng, data, PDF_OPS)


def _mutate_dict(rng: random.Random, body: bytes, objects: list[PdfObject]) -> tuple[bytes, str]:
    kind = rng.choice(("num", "ref", "name", "insert", "drop", "bytes"))
    if kind == "num":
        hit = _pick(rng, _PDF_NUM, body)
        if hit:
            return body[: hit.start()] + rng.choice(INTERESTING_NUMBERS) + body[hit.end() :], "num"
    if kind == "ref":
        hit = _pick(rng, _REF, body)
        if hit:
            number = rng.choice([o.number for o in objects] + [0, 99999])
            return body[: hit.start()] + b"%d 0 R" % number + body[hit.end() :], "ref"
    if kind == "name":
        hit = _pick(rng, _PDF_NAME, body)
        if hit:
            return body[: hit.start()] + rng.choice(PDF_NAMES) + body[hit.end() :], "name"
    if kind == "insert":
        at = body.rfind(b">>")
        if at >= 0:
            return body[:at] + b" " + rng.choice(PDF_DICT_TOKENS) + b" " + body[at:], "insert"
    if kind == "drop":
        hit = _pick(rng, _PDF_NAME, body)
        if hit:
            nxt = _PDF_NAME.search(body, hit.end())
            stop = nxt.start() if nxt else hit.end()
            return body[: hit.start()] + body[stop:], "drop"
    mutated, what = mutate_bytes(rng, body)
    return mutated, what


def _filters(body: bytes) -> list[bytes] | None:
    """The stream's filter chain, or None when it has one this tool cannot decode (or DecodeParms)."""
    if b"/DecodeParms" in body or b"/DP" in body:
        return None
    match = re.search(rb"/Filter\s*(/\w+|\[[^\]]*\])", body)
    names = re.findall(rb"/\w+", match.group(1)) if match else []
    return names if all(name in ENCODERS for name in names) else None


def _decode(raw: bytes, filters: list[bytes]) -> bytes:
    from pdfminer.ascii85 import ascii85decode, asciihexdecode
    from pdfminer.lzw import lzwdecode
    from pdfminer.runlength import rldecode

    decoders: dict[bytes, Callable[[bytes], bytes]] = {
        b"/FlateDecode": zlib.decompress,
        b"/LZWDecode": lzwdecode,
        b"/RunLengthDecode": rldecode,
        b"/ASCIIHexDecode": asciihexdecode,
        b"/ASCII85Decode": ascii85decode,
    }
    for name in filters:
        raw = decoders[name](raw)
    return raw


def _mutate_stream(rng: random.Random, data: bytes, target: PdfObject) -> tuple[bytes, str]:
    """Decode a stream, mutate it as content, re-encode (maybe with another filter), fix /Length."""
    assert target.stream is not None
    start, end = target.stream
    body = data[target.body[0] : target.body[1]]
    raw = data[start:end]
    filters = _filters(body)
    try:
        content = _decode(raw, filters) if filters is not None else None
    except Exception:
        content = None
    if content is None:
        mutated, what = mutate_bytes(rng, raw)
        return data[:start] + mutated + data[end:], f"pdf:stream{target.number}:raw:{what}"
    content, what = mutate_content(rng, content)
    chain = [rng.choice(list(ENCODERS))] if rng.random() < 0.3 else [b"/FlateDecode"]
    if rng.random() < 0.2:
        chain.append(b"/ASCII85Decode")
    encoded = content
    for name in chain:
        encoded = ENCODERS[name](encoded)
    if len(data) - len(raw) + len(encoded) > MAX_CASE_BYTES:
        encoded = encoded[: max(0, MAX_CASE_BYTES - (len(data) - len(raw)) - 64)]
        what += ":cut"
    names = b"[" + b" ".join(reversed(chain)) + b"]"
    entries = b"/Length %d /Filter %s" % (len(encoded), names)
    body = re.sub(rb"/Filter\s*(?:/\w+|\[[^\]]*\])", b"", body)
    body, count = re.subn(rb"/Length\s+\d+(?:\s+\d+\s+R)?", entries, body, count=1)
    if not count:
        at = body.rfind(b">>")
        body = body[:at] + entries + body[at:]
    rebuilt = data[: target.body[0]] + body + data[target.body[1] : start] + encoded + data[end:]
    return rebuilt, f"pdf:stream{target.number}:{what}:{'+'.join(n.decode()[1:] for n in chain)}"


def _maybe_fix_xref(rng: random.Random, data: bytes) -> bytes:
    return fix_xref(data) if rng.random() < 0.75 else data


def fix_xref(data: bytes) -> bytes:
    """Rebuild a classic xref table at the object offsets as they now are (the trailer is kept)."""
    at = data.rfind(b"\nxref")
    trailer = data.find(b"trailer", at)
    tail = data.find(b"startxref", trailer)
    if at < 0 or trailer < 0 or tail < 0:
        return data
    body = data[: at + 1]
    offsets = {int(m.group(1)): m.start() for m in _OBJ.finditer(body) if int(m.group(1)) < 100_000}
    if not offsets:
        return data
    size = max(offsets) + 1
    rows = [b"xref\n0 %d\n0000000000 65535 f \n" % size]
    rows += [b"%010d 00000 n \n" % offsets[i] if i in offsets else b"0000000000 65535 f \n" for i in range(1, size)]
    trailer_dict = re.sub(rb"/Size\s+\d+", b"/Size %d" % size, data[trailer:tail], count=1)
    return (body + b"".join(rows) + trailer_dict + b"startxref\n%d\n%%%%EOF\n" % len(body))[:MAX_CASE_BYTES]


# -- XLS (BIFF records in the OLE2 Workbook stream) ---------------------------


def biff_records(stream: bytes) -> list[tuple[int, int, int]]:
    """(offset, type, length) of each record, as far as the stream parses."""
    records, pos = [], 0
    while pos + 4 <= len(stream):
        kind = int.from_bytes(stream[pos : pos + 2], "little")
        length = int.from_bytes(stream[pos + 2 : pos + 4], "little")
        if pos + 4 + length > len(stream):
            break
        records.append((pos, kind, length))
        pos += 4 + length
    return records


def mutate_biff(rng: random.Random, stream: bytes) -> tuple[bytes, str]:
    """Change bytes in place (the stream keeps its length): a record's body, length, type, or a copied record."""
    records = [r for r in biff_records(stream) if r[1] != 0]
    buf = bytearray(stream)
    if not records:
        return mutate_bytes(rng, stream)
    pos, kind, length = rng.choice(records)
    action = rng.choice(("body", "body", "body", "length", "type", "copy"))
    if action == "body" and length:
        for _ in range(rng.randint(1, 3)):
            width = rng.choice((1, 2, 4))
            at = pos + 4 + _spot(rng, length)
            value = rng.choice((*INTERESTING_INTS, rng.getrandbits(32))) & ((1 << (8 * width)) - 1)
            buf[at : at + width] = value.to_bytes(width, "little")
    elif action == "length":
        value = rng.choice((0, 1, 2, length - 1, length + 1, 0xFFFF, 8224, 8228))
        buf[pos + 2 : pos + 4] = (value & 0xFFFF).to_bytes(2, "little")
    elif action == "type":
        buf[pos : pos + 2] = rng.choice(BIFF_TYPES).to_bytes(2, "little")
    else:
        src = rng.choice(records)
        chunk = stream[src[0] : src[0] + 4 + src[2]]
        buf[pos : pos + len(chunk)] = chunk
        del buf[len(stream) :]
    return bytes(buf[: len(stream)]), f"biff:{action}:{kind:#06x}"


def mutate_xls(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Mutate a stream of the OLE2 file through olefile (same size, so the container stays valid)."""
    import olefile

    if rng.random() < 0.3 or not data.startswith(b"\xd0\xcf\x11\xe0"):
        return mutate_bytes(rng, data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "case.xls"
        path.write_bytes(data)
        try:
            ole = olefile.OleFileIO(str(path), write_mode=True)
        except Exception:
            return mutate_bytes(rng, data)
        try:
            names = ["/".join(entry) for entry in ole.listdir()]
            books = [n for n in names if n in ("Workbook", "Book")]
            name = books[0] if books and rng.random() < 0.85 else rng.choice(names)
            stream = ole.openstream(name).read()
            mutated, what = mutate_biff(rng, stream) if name in books else mutate_bytes(rng, stream)
            ole.write_stream(name, mutated[: len(stream)].ljust(len(stream), b"\x00"))
        except Exception:
            return mutate_bytes(rng, data)
        finally:
            ole.close()
        return path.read_bytes(), f"ole:{name}:{what}"


# -- cases ----------------------------------------------------------------------

STRUCTURED: dict[str, Mutator] = {"docx": mutate_zip, "xlsx": mutate_zip, "pdf": mutate_pdf, "xls": mutate_xls}
TEXT_TOKENS = {
    "txt": TOKENS["text"],
    "md": TOKENS["text"],
    "csv": TOKENS["csv"] + TOKENS["text"],
    "tsv": TOKENS["csv"] + TOKENS["text"],
    "json": TOKENS["json"] + TOKENS["text"],
    "html": TOKENS["html"] + TOKENS["text"],
}


def seeds(fmt: str) -> list[Path]:
    found = {
        path
        for folder in SEED_DIRS
        for path in folder.rglob("*")
        if path.is_file() and path.suffix.lower() in EXTENSIONS[fmt]
    }
    return sorted(found)


def build_case(seed: int, fmt: str, index: int, pool: list[Path]) -> tuple[bytes, Path, list[str]]:
    """The case's bytes, its seed file and the mutations applied: the same for the same (seed, fmt, index)."""
    rng = random.Random(f"{seed}/{fmt}/{index}")
    source = rng.choice(pool)
    data = source.read_bytes()
    steps = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        mutator = STRUCTURED.get(fmt)
        if mutator is not None and rng.random() < 0.8:
            try:
                data, what = mutator(rng, data)
            except (MemoryError, RecursionError, ValueError):  # the tool must not die on its own input
                data, what = mutate_bytes(rng, data)
        else:
            data, what = mutate_bytes(rng, data, TEXT_TOKENS.get(fmt, ()))
        steps.append(what)
    return data[:MAX_CASE_BYTES], source, steps


# -- the worker -------------------------------------------------------------------

_DIGITS = re.compile(r"\d{6,}")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+")


def masked(text: str, limit: int = 140) -> str:
    """A message safe to print: digit and CJK runs masked (a value from the file may be echoed), cut short."""
    text = _CJK.sub("¤", _DIGITS.sub("#", text)).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _peak_kb() -> int:
    match = re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text())
    return int(match.group(1)) if match else 0


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def describe(exc: BaseException) -> dict[str, str]:
    """Exception type, the last auditor frame, the innermost frame and the masked message."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/auditor/" in f.filename]
    last = ours[-1] if ours else None
    inner = frames[-1] if frames else None

    def where(frame: Any) -> str:
        if frame is None:
            return "-"
        name = frame.filename
        short = name[name.index("/auditor/") + 1 :] if "/auditor/" in name else "/".join(name.split("/")[-2:])
        return f"{short}:{frame.lineno} {frame.name}"

    return {
        "type": f"{type(exc).__module__}.{type(exc).__qualname__}",
        "frame": where(last),
        "inner": where(inner),
        "message": masked(str(exc)),
    }


def classify(result: Any) -> tuple[str, dict[str, str]]:
    """Outcome of a FileResult that came back: scanned, skipped, error, badmsg or memory."""
    if result.status != "error":
        return result.status, {}
    message = result.error or ""
    english = message.find("(")
    chinese_first = english > 0 and _CJK.search(message[:english]) is not None
    has_e001 = any(f.rule_id == "E001" for f in result.findings)
    detail = {"message": masked(message[english:] if english >= 0 else message, 100)}
    if "MemoryError" in message:
        return "memory", detail
    if re.search(r"\d{11,}", message):
        detail["leak"] = "message echoes a long digit run"
        return "badmsg", detail
    if not (chinese_first and has_e001):
        return "badmsg", detail
    return "error", detail


def worker(conn: Connection, workdir: str, address_limit: int) -> None:
    """Scan cases sent down ``conn`` until it closes; answer (index, outcome, seconds, peak KB, detail)."""
    resource.setrlimit(resource.RLIMIT_AS, (address_limit, address_limit))
    logging.disable(logging.CRITICAL)  # pdfminer warns on every broken font: noise, and it may quote the file
    trace = open(Path(workdir) / "hang-trace.txt", "w")  # noqa: SIM115 - lives as long as the worker
    faulthandler.register(signal.SIGUSR1, file=trace, all_threads=False)
    from auditor.config import Config
    from auditor.engine import Scanner, Target
    from auditor.loaders import loader_for

    for fmt in FORMATS:
        loader_for(fmt)  # imports happen here, not in the first case's time
    scanner = Scanner(Config())
    folder = Path(workdir)
    conn.send("ready")
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        index, suffix, data = message
        path = folder / f"case{suffix}"
        path.write_bytes(data)
        _reset_peak()
        started = time.perf_counter()
        try:
            outcome, detail = classify(scanner.scan_target(Target(str(path), path, True)))
        except BaseException as exc:  # what escapes scan_target is exactly what this tool looks for
            outcome, detail = "crash", describe(exc)
        conn.send((index, outcome, time.perf_counter() - started, _peak_kb(), detail))


@dataclass
class Slot:
    """One worker process and the case it is running."""

    process: Any
    conn: Connection
    folder: Path
    case: tuple[str, int, bytes, list[str], Path] | None = None
    deadline: float = 0.0


class Pool:
    """Worker processes that survive hard crashes and hangs: a dead or late worker is replaced."""

    def __init__(self, size: int, workdir: Path, address_limit: int) -> None:
        self.workdir = workdir
        self.address_limit = address_limit
        self.context = multiprocessing.get_context("fork")
        self.slots = [self._start(i) for i in range(size)]

    def _start(self, number: int) -> Slot:
        folder = self.workdir / f"w{number}"
        folder.mkdir(parents=True, exist_ok=True)
        parent, child = self.context.Pipe()
        process = self.context.Process(target=worker, args=(child, str(folder), self.address_limit), daemon=True)
        process.start()
        child.close()
        if not parent.poll(120) or parent.recv() != "ready":
            raise RuntimeError("a fuzz worker did not start")
        return Slot(process, parent, folder)

    def restart(self, slot: Slot) -> None:
        slot.process.kill()
        slot.process.join()
        slot.conn.close()
        fresh = self._start(self.slots.index(slot))
        slot.process, slot.conn, slot.folder, slot.case = fresh.process, fresh.conn, fresh.folder, None

    def close(self) -> None:
        for slot in self.slots:
            with contextlib.suppress(OSError):
                slot.conn.send(None)
            slot.process.join(5)
            if slot.process.is_alive():
                slot.process.kill()


_FRAME = re.compile(r'File "(.+)", line (\d+) in (\S+)')


def hang_frames(slot: Slot) -> dict[str, str]:
    """Where a late worker is stuck: it dumps its stack on SIGUSR1 (faulthandler), read before it is killed."""
    try:
        os.kill(slot.process.pid, signal.SIGUSR1)
    except OSError:
        return {"frame": "-"}
    time.sleep(0.5)
    frames = _FRAME.findall((slot.folder / "hang-trace.txt").read_text(errors="replace"))
    if not frames:
        return {"frame": "-"}

    def where(frame: tuple[str, str, str]) -> str:
        name, line, func = frame
        short = name[name.index("/auditor/") + 1 :] if "/auditor/" in name else "/".join(name.split("/")[-2:])
        return f"{short}:{line} {func}"

    ours = next((f for f in frames if "/auditor/" in f[0]), None)  # most recent call first
    return {"frame": where(ours) if ours else "-", "inner": where(frames[0])}


@dataclass
class Tally:
    counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    signatures: Counter[tuple[str, ...]] = field(default_factory=Counter)
    messages: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    slowest: list[tuple[float, str, str]] = field(default_factory=list)
    peak: dict[str, int] = field(default_factory=Counter)


def run(args: argparse.Namespace) -> int:
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise SystemExit(f"unknown formats: {', '.join(sorted(unknown))}")
    pools = {fmt: seeds(fmt) for fmt in formats}
    for fmt, pool in pools.items():
        if not pool:
            raise SystemExit(f"no seed files for {fmt}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    queue = _interleave({fmt: range(args.start, args.start + args.cases) for fmt in formats})
    tally = Tally()
    started = time.monotonic()
    done = 0
    with tempfile.TemporaryDirectory(prefix="fuzz-work-") as workdir:
        pool = Pool(args.workers, Path(workdir), args.address_mb << 20)
        try:
            done = _drive(pool, queue, pools, args, tally, out, started)
        finally:
            pool.close()
    _print_table(tally, formats, done, time.monotonic() - started)
    return 1 if any(tally.counts[f][o] for f in formats for o in PROBLEMS - {"slow"}) else 0


def _interleave(ranges: dict[str, range]) -> Iterator[tuple[str, int]]:
    iterators = {fmt: iter(r) for fmt, r in ranges.items()}
    while iterators:
        for fmt in list(iterators):
            index = next(iterators[fmt], None)
            if index is None:
                del iterators[fmt]
            else:
                yield fmt, index


def _drive(
    pool: Pool,
    queue: Iterator[tuple[str, int]],
    seeds_of: dict[str, list[Path]],
    args: argparse.Namespace,
    tally: Tally,
    out: Path,
    started: float,
) -> int:
    done = 0
    exhausted = False
    while True:
        for slot in pool.slots:
            if slot.case is None and not exhausted:
                if args.max_minutes and time.monotonic() - started > args.max_minutes * 60:
                    exhausted = True
                    break
                item = next(queue, None)
                if item is None:
                    exhausted = True
                    break
                fmt, index = item
                data, source, steps = build_case(args.seed, fmt, index, seeds_of[fmt])
                suffix = EXTENSIONS[fmt][0]
                slot.case = (fmt, index, data, steps, source)
                slot.deadline = time.monotonic() + args.timeout
                slot.conn.send((index, suffix, data))
        busy = [slot for slot in pool.slots if slot.case is not None]
        if not busy:
            return done
        ready = wait([slot.conn for slot in busy], timeout=max(0.05, min(s.deadline for s in busy) - time.monotonic()))
        for slot in busy:
            assert slot.case is not None
            record: tuple[str, float, int, dict[str, str]] | None = None
            if slot.conn in ready:
                try:
                    _, outcome, seconds, peak_kb, detail = slot.conn.recv()
                    record = (outcome, seconds, peak_kb, detail)
                except (EOFError, OSError):
                    code = slot.process.exitcode
                    slot.process.join(1)
                    code = slot.process.exitcode if code is None else code
                    record = ("crash", 0.0, 0, {"type": f"worker died (exit code {code})", "frame": "-"})
            elif time.monotonic() >= slot.deadline:
                record = ("hang", float(args.timeout), 0, {"type": f"over {args.timeout:g} s", **hang_frames(slot)})
            if record is None:
                continue
            outcome, seconds, peak_kb, detail = record
            if outcome not in ("crash", "hang", "memory") and peak_kb > args.memory_mb * 1024:
                outcome = "memory"
            if outcome in ("scanned", "skipped", "error") and seconds > args.slow:
                outcome = "slow"
            _record(tally, out, args, slot.case, outcome, seconds, peak_kb, detail)
            done += 1
            if outcome in ("crash", "hang", "memory") or peak_kb > args.memory_mb * 1024:
                pool.restart(slot)
            slot.case = None
            if done % args.progress == 0:
                _progress(tally, done, time.monotonic() - started)


def _record(
    tally: Tally,
    out: Path,
    args: argparse.Namespace,
    case: tuple[str, int, bytes, list[str], Path],
    outcome: str,
    seconds: float,
    peak_kb: int,
    detail: dict[str, str],
) -> None:
    fmt, index, data, steps, source = case
    tally.counts[fmt][outcome] += 1
    tally.peak[fmt] = max(tally.peak[fmt], peak_kb)
    tally.slowest = sorted([*tally.slowest, (seconds, fmt, f"{index}")], reverse=True)[:10]
    if outcome in ("error", "badmsg") and "message" in detail:
        tally.messages[fmt][re.sub(r"#|\d+", "N", detail["message"])[:90]] += 1
    if outcome not in PROBLEMS:
        return
    name = f"{fmt}-{outcome}-s{args.seed}-{index:05d}{EXTENSIONS[fmt][0]}"
    (out / name).write_bytes(data)
    signature = (fmt, outcome, detail.get("type", ""), detail.get("frame", ""), detail.get("inner", ""))
    tally.signatures[signature] += 1
    line = {
        "file": name,
        "format": fmt,
        "case": index,
        "seed": args.seed,
        "source": str(source.relative_to(ROOT)),
        "mutations": steps,
        "outcome": outcome,
        "seconds": round(seconds, 2),
        "peak_mb": peak_kb // 1024,
        **detail,
    }
    with (out / "findings.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    if tally.signatures[signature] == 1:
        print(
            f"  new {outcome}: {fmt} case {index} {detail.get('type', '')} at {detail.get('frame', '-')}"
            f" / {detail.get('inner', '-')}: {detail.get('message', '')} ({seconds:.1f} s, {peak_kb // 1024} MB)",
            file=sys.stderr,
            flush=True,
        )


def _progress(tally: Tally, done: int, elapsed: float) -> None:
    totals: Counter[str] = Counter()
    for counts in tally.counts.values():
        totals.update(counts)
    shown = " ".join(f"{o}={totals[o]}" for o in OUTCOMES if totals[o])
    print(f"[{elapsed:7.0f} s] {done} cases: {shown}", file=sys.stderr, flush=True)


def _print_table(tally: Tally, formats: list[str], done: int, elapsed: float) -> None:
    print(f"\n{done} cases in {elapsed:.0f} s")
    header = f"{'format':<7}" + "".join(f"{o:>9}" for o in OUTCOMES) + f"{'total':>8}{'peak MB':>9}"
    print(header)
    print("-" * len(header))
    for fmt in formats:
        counts = tally.counts[fmt]
        row = "".join(f"{counts[o]:>9}" for o in OUTCOMES)
        print(f"{fmt:<7}{row}{sum(counts.values()):>8}{tally.peak[fmt] // 1024:>9}")
    if tally.signatures:
        print("\nproblems (format, outcome, exception, last auditor frame, innermost frame): count")
        for signature, count in tally.signatures.most_common():
            print(f"  {' | '.join(s for s in signature if s)}: {count}")
    print("\nslowest cases (seconds, format, case):")
    for seconds, fmt, index in tally.slowest:
        print(f"  {seconds:6.2f}  {fmt}:{index}")
    print("\nE001 messages (English part, numbers as N): count")
    for fmt in formats:
        for message, count in tally.messages[fmt].most_common(8):
            print(f"  {fmt:<5} {count:>6}  {message}")


def replay(paths: list[str], args: argparse.Namespace) -> int:
    """Scan given files in a worker and print each outcome (a found input, after a fix)."""
    worst = 0
    with tempfile.TemporaryDirectory(prefix="fuzz-replay-") as workdir:
        pool = Pool(1, Path(workdir), args.address_mb << 20)
        try:
            for number, name in enumerate(paths):
                path = Path(name)
                slot = pool.slots[0]
                slot.conn.send((number, path.suffix.lower(), path.read_bytes()))
                if slot.conn.poll(args.timeout):
                    try:
                        _, outcome, seconds, peak_kb, detail = slot.conn.recv()
                    except EOFError:
                        outcome, seconds, peak_kb, detail = "crash", 0.0, 0, {"type": "worker died"}
                        pool.restart(slot)
                else:
                    outcome, seconds, peak_kb, detail = "hang", args.timeout, 0, {}
                    pool.restart(slot)
                if outcome in ("scanned", "skipped", "error") and peak_kb > args.memory_mb * 1024:
                    outcome = "memory"
                worst = max(worst, outcome in PROBLEMS - {"slow"})
                shown = json.dumps(detail, ensure_ascii=False)
                print(f"{path.name}: {outcome} {seconds:.2f} s {peak_kb // 1024} MB {shown}")
        finally:
            pool.close()
    return worst


def show(spec: str, args: argparse.Namespace) -> int:
    """Rebuild one case (``fmt:index``), write it to --out and print where it came from."""
    fmt, _, index = spec.partition(":")
    data, source, steps = build_case(args.seed, fmt, int(index), seeds(fmt))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"case-{fmt}-s{args.seed}-{int(index):05d}{EXTENSIONS[fmt][0]}"
    path.write_bytes(data)
    print(f"{path}: {len(data)} bytes from {source.relative_to(ROOT)} via {' + '.join(steps)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated formats (default: all)")
    parser.add_argument("--cases", type=int, default=200, help="cases per format")
    parser.add_argument("--start", type=int, default=0, help="first case number (to continue a run)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds before a case is a hang")
    parser.add_argument("--slow", type=float, default=3.0, help="seconds before a case is reported as slow")
    parser.add_argument("--memory-mb", type=int, default=1024, help="peak RSS before a case is a memory problem")
    parser.add_argument("--address-mb", type=int, default=ADDRESS_LIMIT >> 20, help="worker address-space limit")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--max-minutes", type=float, default=0.0, help="stop starting cases after this long")
    parser.add_argument("--progress", type=int, default=250, help="print a progress line every N cases")
    parser.add_argument("--out", default="/tmp/fuzz-findings", help="where problem inputs are written")
    parser.add_argument("--replay", nargs="+", metavar="FILE", help="scan these files instead of fuzzing")
    parser.add_argument("--show", metavar="FMT:INDEX", help="rebuild one case into --out and stop")
    args = parser.parse_args(argv)
    if args.replay:
        return replay(args.replay, args)
    if args.show:
        return show(args.show, args)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())

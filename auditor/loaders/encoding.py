"""Decoding text files: UTF-8 (with or without BOM) and GB18030/GBK, detected not assumed."""

from __future__ import annotations

import codecs

from auditor.loaders.errors import LoadError

_SNIFF = 8192
DAMAGE_MIN = 4  # undecodable sequences any text file may have (more in a big one: damage_allowed)
HEAD_BYTES_MIN = 1024  # the head of a file that is tested before a whole decode with replacements …
HEAD_BYTES_PER_ALLOWED = 16  # … and per damage allowed: a GBK head this long holds several times that
VALID_PER_DAMAGED = 10  # well-formed non-ASCII characters per damaged sequence for a damaged UTF-8 file


def looks_binary(data: bytes) -> bool:
    """NUL bytes in the head of a file that has no UTF-16 BOM mean it is not text."""
    head = data[:_SNIFF]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head


def decode(data: bytes, tolerate_damage: bool = False) -> tuple[str, str]:
    """(text, encoding name). The BOM is dropped so columns count characters as stored.

    A file that is UTF-8 or GB18030 but for a few byte sequences (cut inside a character,
    a flipped byte) is still that encoding: with ``tolerate_damage`` (scanning) the damaged
    sequences become U+FFFD and the rest is audited, since digits and the text around them
    decode intact. Without it (rewriting, which must give back every byte) it is an error.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _decode_known(data[3:], "utf-8", "utf-8-sig", tolerate_damage)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    if looks_binary(data):
        raise LoadError("文件是二进制数据，不是文本 (binary content, not text)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        utf8 = _utf8_unless_head_rules_out(data)
    if utf8 is not None and _damaged_utf8(utf8, data):  # before GB18030, which reads most UTF-8 as nonsense
        return _tolerated(utf8, tolerate_damage)
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        gb18030 = _with_damage(data, "gb18030")
    if gb18030[2] <= damage_allowed(data):
        return _tolerated(gb18030, tolerate_damage)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise LoadError("无法识别文本编码 (cannot detect the text encoding)")
    return str(best), best.encoding


def damage_allowed(data: bytes) -> int:
    """Undecodable sequences a file may have and still count as text in its encoding (0.1 %, at least 4).

    More than that is a file of mixed encodings or not text at all: E001, it needs fixing.
    """
    return max(DAMAGE_MIN, len(data) // 1000)


def _damaged_utf8(decoded: tuple[str, str, int], data: bytes) -> bool:
    """UTF-8 with a few bad sequences among many good ones (a GBK file has no good ones)."""
    text, _, damage = decoded
    wide = len(text) - len(text.encode("ascii", "ignore")) - damage
    return damage <= damage_allowed(data) and wide >= VALID_PER_DAMAGED * damage


def _utf8_unless_head_rules_out(data: bytes) -> tuple[str, str, int] | None:
    """``data`` decoded as UTF-8 with its damage replaced; None when its head alone is too damaged.

    A GBK file is not damaged UTF-8, yet proving it took a whole decode with replacements that
    was then thrown away. The head decodes as the whole does up to a character its end may cut,
    which adds at most one replacement: more than ``damage_allowed + 1`` in the head is more
    than allowed in the file, whatever the rest holds.
    """
    allowed = damage_allowed(data)
    head = data[: max(HEAD_BYTES_MIN, HEAD_BYTES_PER_ALLOWED * allowed)]
    if len(head) < len(data) and head.decode("utf-8", errors="replace").count("\ufffd") > allowed + 1:
        return None
    return _with_damage(data, "utf-8")


def _decode_known(data: bytes, encoding: str, name: str, tolerate_damage: bool) -> tuple[str, str]:
    try:
        return data.decode(encoding), name
    except UnicodeDecodeError as exc:
        text, _, damage = _with_damage(data, encoding)
        if damage > damage_allowed(data):
            raise LoadError(f"UTF-8 BOM 但内容不是有效的 UTF-8 (invalid UTF-8 after BOM): {exc.reason}") from exc
        return _tolerated((text, name, damage), tolerate_damage)


def _with_damage(data: bytes, encoding: str) -> tuple[str, str, int]:
    text = data.decode(encoding, errors="replace")
    return text, encoding, text.count("\ufffd")


def _tolerated(damaged: tuple[str, str, int], tolerate_damage: bool) -> tuple[str, str]:
    text, encoding, damage = damaged
    if not tolerate_damage:
        raise LoadError(
            f"文件有 {damage} 处字节无法按 {encoding} 解码，改写会改变它们，请先修正文件编码 "
            f"({damage} undecodable byte sequences in {encoding}: fix the encoding before rewriting)"
        )
    return text, encoding

"""Decoding text files: UTF-8 (with or without BOM) and GB18030/GBK, detected not assumed."""

from __future__ import annotations

import codecs

from auditor.loaders.errors import LoadError

_SNIFF = 8192


def looks_binary(data: bytes) -> bool:
    """NUL bytes in the head of a file that has no UTF-16 BOM mean it is not text."""
    head = data[:_SNIFF]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name). The BOM is dropped so columns count characters as stored."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise LoadError(f"UTF-8 BOM 但内容不是有效的 UTF-8 (invalid UTF-8 after BOM): {exc.reason}") from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    if looks_binary(data):
        raise LoadError("文件是二进制数据，不是文本 (binary content, not text)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise LoadError("无法识别文本编码 (cannot detect the text encoding)")
    return str(best), best.encoding

"""Synthetic identifiers, valid by construction (never real people's data), and minimal files that hold them."""

from __future__ import annotations

from collections.abc import Sequence

from auditor.recognizers.bank import luhn_ok
from auditor.recognizers.idcard import check_char


def make_id(region: str = "530102", birth: str = "19900101", seq: str = "123") -> str:
    body = region + birth + seq
    return body + check_char(body)


def luhn_complete(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


def minimal_pdf(objects: Sequence[bytes]) -> bytes:
    """A PDF of the numbered ``objects`` (1 is the catalog) with a correct cross-reference table."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out

"""Synthetic identifiers, valid by construction (never real people's data)."""

from __future__ import annotations

from auditor.recognizers.bank import luhn_ok
from auditor.recognizers.idcard import check_char


def make_id(region: str = "530102", birth: str = "19900101", seq: str = "123") -> str:
    body = region + birth + seq
    return body + check_char(body)


def luhn_complete(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))

"""Bank card and account numbers: Luhn and issuer prefixes. Pure functions."""

from __future__ import annotations

import re

# UnionPay 62, old domestic 60/9, Visa 4, Mastercard 51–55 and 2221–2720, JCB 35.
ISSUER_RE = re.compile(r"62|60|4|5[1-5]|35|9[45]|2(?:2[2-9]|[3-6]\d|7[01]|720)")


# A digit doubled under Luhn (2d, minus 9 when above 9), as a digit character.
_LUHN_DOUBLE = str.maketrans("0123456789", "0246813579")


def luhn_ok(digits: str) -> bool:
    """Luhn check with sums done in C: it runs for every 16–19-digit candidate.

    Same answer as :func:`luhn_ok_reference` (property-tested). The digit sum of
    an ASCII digit string is the byte sum minus 48 per character.
    """
    if not digits.isdigit() or len(digits) < 2 or not digits.isascii():
        return False
    kept = digits[-1::-2]
    doubled = digits[-2::-2].translate(_LUHN_DOUBLE)
    total = sum(kept.encode()) + sum(doubled.encode()) - 48 * len(digits)
    return total % 10 == 0


def luhn_ok_reference(digits: str) -> bool:
    """Luhn as usually written, digit by digit (for tests)."""
    if not digits.isdigit() or len(digits) < 2:
        return False
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def plausible_card(digits: str) -> bool:
    """Luhn-valid 16–19 digits with a known issuer prefix."""
    return 16 <= len(digits) <= 19 and ISSUER_RE.match(digits) is not None and luhn_ok(digits)


def mask_account(value: str, keep_last: int = 4) -> str:
    last = min(keep_last, len(value))
    return "*" * (len(value) - last) + value[len(value) - last :]

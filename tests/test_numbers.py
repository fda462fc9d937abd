"""Pure phone, bank, USCC and normalisation functions (property tests)."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from auditor.normalize import fold_width, folds_into
from auditor.recognizers import bank, phone
from auditor.recognizers.uscc import CHARSET, WEIGHTS, uscc_ok, uscc_ok_reference

digits = st.text("0123456789", min_size=15, max_size=18)


def luhn_complete(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if bank.luhn_ok(prefix + d))


@given(digits)
def test_luhn_completion_is_valid_and_unique(prefix: str) -> None:
    completed = luhn_complete(prefix)
    assert bank.luhn_ok(completed)
    assert sum(bank.luhn_ok(prefix + d) for d in "0123456789") == 1


@given(digits, st.integers(0, 14), st.integers(1, 9))
def test_luhn_catches_single_digit_errors(prefix: str, pos: int, delta: int) -> None:
    number = luhn_complete(prefix)
    changed = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    assert not bank.luhn_ok(changed)


@given(st.text("0123456789", min_size=15, max_size=15))
def test_unionpay_cards_are_plausible(body: str) -> None:
    assert bank.plausible_card(luhn_complete("62" + body))


def test_mobile_allocation() -> None:
    assert phone.is_mobile("13812345678")
    assert phone.is_mobile("19912345678")
    assert not phone.is_mobile("12012345678")
    assert not phone.is_mobile("15412345678")  # 154 is not allocated


@given(st.text("0123456789", min_size=8, max_size=8))
def test_mobile_policy_mask(tail: str) -> None:
    number = "138" + tail
    masked = phone.mask_mobile(number)
    assert masked == number[:3] + "****" + number[7:]
    assert phone.mobile_mask_ok(masked)
    assert not phone.mobile_mask_ok(number[:7] + "****")


def _uscc(body: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(body, WEIGHTS, strict=True))
    return body + CHARSET[(31 - total % 31) % 31]


@given(st.text(CHARSET, min_size=17, max_size=17))
def test_uscc_check_character(body: str) -> None:
    assert uscc_ok(_uscc(body))


@given(
    st.one_of(
        st.text(CHARSET + "abcxyzIOSVZ0 _", min_size=16, max_size=19),
        st.text(CHARSET, min_size=17, max_size=17).map(_uscc),
    )
)
@example("91350100M000100Y43")
@example("913501_0M000100Y43")  # int() reads an underscore between digits: the alphabet check must stop it
def test_uscc_ok_is_the_reference(code: str) -> None:
    assert uscc_ok(code) == uscc_ok_reference(code)


def test_uscc_worked_example() -> None:
    assert uscc_ok("91350100M000100Y43")
    assert not uscc_ok("91350100M000100Y4Z")


@given(st.text())
def test_fold_width_keeps_length(text: str) -> None:
    assert len(fold_width(text)) == len(text)


@given(st.text("0123456789Xx*- EeAz+.", min_size=1, max_size=8))
def test_folds_into_is_every_character_that_folds_into_the_set(chars: str) -> None:
    """What the detector's classes for unfolded text are built from: nothing missing, nothing extra."""
    found = set(folds_into(chars))
    candidates = {chr(code) for code in (*range(0x20, 0x7F), 0xA0, *range(0x2000, 0x3001), *range(0xFF00, 0xFF60))}
    assert found == {c for c in candidates if fold_width(c) in chars}


@given(st.text("0123456789", min_size=1, max_size=30))
def test_fold_width_maps_fullwidth_digits(ascii_digits: str) -> None:
    full = "".join(chr(ord(c) + 0xFEE0) for c in ascii_digits)
    assert fold_width(full) == ascii_digits


@given(st.text("0123456789", min_size=2, max_size=25))
def test_fast_luhn_equals_the_textbook_loop(number: str) -> None:
    assert bank.luhn_ok(number) == bank.luhn_ok_reference(number)


@given(st.text(min_size=0, max_size=20))
def test_fast_luhn_rejects_what_is_not_ascii_digits(text: str) -> None:
    if not (text.isascii() and text.isdigit()):
        assert not bank.luhn_ok(text)


MASKED_MOBILE_ALPHABET = "0123456789*×●Xx１-"


def _plausible_masked_mobile_reference(value: str) -> bool:
    if len(value) != 11 or value[0] != "1":
        return False
    if not all(c.isdigit() or c in "*×●#○◯■□" or c in "Xx" for c in value):
        return False
    return any(not c.isdigit() for c in value) and (not value[1].isdigit() or value[1] in "3456789")


@given(st.text(MASKED_MOBILE_ALPHABET, min_size=10, max_size=12).map(lambda s: "1" + s[1:] if s else s))
def test_masked_mobile_plausibility_equals_the_definition(value: str) -> None:
    assert phone.plausible_masked_mobile(value) == _plausible_masked_mobile_reference(value)


@given(st.text(MASKED_MOBILE_ALPHABET, min_size=11, max_size=11), st.integers(0, 11), st.integers(0, 11))
def test_mobile_mask_check_equals_the_definition(value: str, keep_first: int, keep_last: int) -> None:
    shown = {i for i, c in enumerate(value) if c.isdigit()}
    allowed = set(range(keep_first)) | set(range(len(value) - keep_last, len(value)))
    assert phone.mobile_mask_ok(value, keep_first, keep_last) == (shown <= allowed)

"""Pure ID-number functions: check digit, dates, masks (property tests)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from auditor.recognizers import idcard
from auditor.recognizers.regions import region_codes

COUNTIES = sorted(c for c in region_codes() if not c.endswith("00"))
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31))
regions = st.sampled_from(COUNTIES)
seqs = st.integers(0, 999).map(lambda n: f"{n:03d}")


def build(region: str, date: dt.date, seq: str) -> str:
    body = region + date.strftime("%Y%m%d") + seq
    return body + idcard.check_char(body)


def test_known_examples_from_gb11643() -> None:
    for number in ("11010519491231002X", "440524188001010014", "370101190102039973"):
        assert idcard.classify_id18(number) is idcard.IdKind.VALID


@given(regions, dates, seqs)
def test_built_numbers_are_valid(region: str, date: dt.date, seq: str) -> None:
    assert idcard.classify_id18(build(region, date, seq)) is idcard.IdKind.VALID


@given(regions, dates, seqs, st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_error_is_caught(region: str, date: dt.date, seq: str, pos: int, delta: int) -> None:
    number = build(region, date, seq)
    changed = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    assert idcard.classify_id18(changed) is not idcard.IdKind.VALID


@given(regions, dates, seqs)
def test_wrong_check_digit_with_real_region_is_bad_check(region: str, date: dt.date, seq: str) -> None:
    number = build(region, date, seq)
    wrong = "0" if number[17] != "0" else "1"
    assert idcard.classify_id18(number[:17] + wrong) is idcard.IdKind.BAD_CHECK


@given(regions, dates.filter(lambda d: d.year < 2000), seqs)
def test_legacy_15_upgrades_to_a_valid_18(region: str, date: dt.date, seq: str) -> None:
    legacy = region + date.strftime("%y%m%d") + seq
    assert idcard.classify_id15(legacy) is idcard.IdKind.LEGACY15
    assert idcard.classify_id18(idcard.upgrade15(legacy)) is idcard.IdKind.VALID


def test_abolished_county_code_is_still_an_id() -> None:
    body = "510124" + "19800101" + "001"  # 郫县, abolished 2016
    assert idcard.classify_id18(body + idcard.check_char(body)) is idcard.IdKind.VALID


def test_impossible_dates_are_not_ids() -> None:
    body = "530102" + "19900230" + "123"
    assert idcard.classify_id18(body + idcard.check_char(body)) is idcard.IdKind.NOT_ID


@given(regions, dates, seqs)
def test_policy_mask_is_compliant_and_hides_birth_date(region: str, date: dt.date, seq: str) -> None:
    masked = idcard.mask_id(build(region, date, seq))
    assert len(masked) == 18
    assert masked[6:14] == "*" * 8
    assert idcard.is_masked(masked)
    assert idcard.id_mask_ok(masked)


@given(regions, dates, seqs, st.integers(6, 13))
def test_showing_any_birth_digit_is_weak(region: str, date: dt.date, seq: str, pos: int) -> None:
    number = build(region, date, seq)
    masked = idcard.mask_id(number)
    leaky = masked[:pos] + number[pos] + masked[pos + 1 :]
    assert not idcard.id_mask_ok(leaky)


def test_x_in_check_position_is_a_digit_not_a_mask() -> None:
    assert not idcard.is_masked("11010519491231002X")
    assert idcard.is_masked("110105xxxxxxxx002X")
    assert 17 in idcard.visible_positions("110105********002X")


@given(st.text("0123456789*×X", min_size=18, max_size=18), st.integers(0, 8), st.integers(0, 6))
def test_fast_mask_check_equals_the_definition(value: str, keep_first: int, keep_last: int) -> None:
    shown = idcard.visible_positions(value)
    expected = not (shown & set(idcard.BIRTH_DATE)) and shown <= idcard.allowed_positions(18, keep_first, keep_last)
    assert idcard.id_mask_ok(value, keep_first, keep_last) == expected


@given(st.text("0123456789", min_size=17, max_size=17))
def test_base13_check_char_equals_the_weighted_sum(body: str) -> None:
    assert idcard.check_char(body) == idcard.check_char_reference(body)


@given(st.text("0123456789", min_size=8, max_size=8))
def test_cached_real_date_equals_the_calendar(digits: str) -> None:
    today = dt.date.today()
    try:
        date = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        expected = False
    else:
        expected = date.year >= idcard.MIN_YEAR and date <= today
    assert idcard.real_date(digits) == expected
    assert idcard.real_date(digits, today) == expected


@given(st.text("0123456789*×Xx＊１", min_size=0, max_size=20))
def test_visible_count_counts_the_visible_positions(value: str) -> None:
    assert idcard.visible_count(value) == len(idcard.visible_positions(value))


def _plausible_masked_year(value: str) -> bool:
    """The year test as first written: a shown year lies from MIN_YEAR to this year."""
    year = value[6:10]
    return not (year.isdigit() and not idcard.MIN_YEAR <= int(year) <= dt.date.today().year)


@given(st.text("0123456789*", min_size=4, max_size=4), st.sampled_from(["01", "12", "**"]))
def test_masked_id_year_test_compares_as_numbers(year: str, month: str) -> None:
    value = f"110105{year}{month}**002X"
    if "*" not in value[:17]:
        value = value[:12] + "*" + value[13:]
    expected = _plausible_masked_year(value)
    assert idcard.plausible_masked_id(value) == expected

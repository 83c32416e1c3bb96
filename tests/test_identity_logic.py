"""Pure rules of the identity check: names with diacritics, dates, how often to try."""

import unicodedata
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.identity.logic import (
    ANSWERED_PER_DAY,
    EXPLANATIONS,
    TRIES_PER_WINDOW,
    Outcome,
    PersonRecord,
    claim_problems,
    compare,
    name_key,
    parse_birth_date,
    same_name,
    seconds_until_allowed,
)

RECORD = PersonRecord("051090012345", "Nguyễn Văn An", date(1990, 9, 5))


@pytest.mark.parametrize("typed", [
    "Nguyễn Văn An", "nguyễn văn an", "NGUYỄN VĂN AN", "  Nguyễn   Văn\tAn ",
    unicodedata.normalize("NFD", "Nguyễn Văn An"),  # typed on a decomposing keyboard
])
def test_same_name_ignores_case_spacing_and_unicode_form(typed):
    assert same_name("Nguyễn Văn An", typed)


@pytest.mark.parametrize("typed", [
    "Nguyen Van An", "Nguyễn Văn Ân", "Nguyên Văn An", "Nguyễn Vãn An", "Nguyễn An",
    "Nguyễn Văn An Anh", "Nguyễn Văn", "Ngyễn Văn An", "Nguyễn Văn Án", "Nguyễn Văn Ạn",
])
def test_a_missing_or_different_diacritic_or_word_is_another_name(typed):
    assert not same_name("Nguyễn Văn An", typed)


@pytest.mark.parametrize(("old", "new"), [
    ("Hoà", "Hòa"), ("Thuý", "Thúy"), ("Khoẻ", "Khỏe"), ("Hoạ", "Họa"), ("Xoã", "Xõa"),
    ("Nguyễn Thị Thuỷ", "NGUYỄN THỊ THỦY"),
])
def test_the_old_and_new_place_of_the_tone_mark_is_the_same_name(old, new):
    assert same_name(old, new)


@pytest.mark.parametrize(("a", "b"), [
    ("Hoà", "Hoá"), ("Hòa", "Hoa"), ("Thuý", "Thuỳ"), ("Đức", "Dức"), ("Ơn", "Ơn" + "n"),
    ("Ưng", "Ung"), ("Hồ", "Hổ"), ("Ấn", "Ẩn"), ("Lệ", "Lế"),
])
def test_vowel_marks_tone_marks_and_d_bar_all_count(a, b):
    assert not same_name(a, b)


def test_name_key_keeps_vowel_quality_and_tone_apart():
    assert name_key("Nguyễn") == (("nguyên", "\u0303"),)
    assert name_key("H'Hen Niê") == (("h'hen", ""), ("niê", ""))


@given(st.text(alphabet="aăâeêioôơuưyđAĂÂĐ àáảãạ", max_size=30))
def test_a_name_is_always_the_same_as_itself_in_any_form_and_case(name):
    for form in ("NFC", "NFD"):
        assert same_name(name, unicodedata.normalize(form, name.upper()))


def test_compare_outcomes_and_what_differs():
    assert compare(None, "Nguyễn Văn An", date(1990, 9, 5)).outcome == Outcome.NOT_FOUND
    match = compare(RECORD, "nguyễn văn an", date(1990, 9, 5))
    assert (match.outcome, match.mismatched) == (Outcome.MATCH, ())
    assert compare(RECORD, "Nguyen Van An", date(1990, 9, 5)).mismatched == ("full_name",)
    assert compare(RECORD, "Nguyễn Văn An", date(1990, 5, 9)).mismatched == ("birth_date",)
    both = compare(RECORD, "Trần Thị B", date(1991, 9, 5))
    assert (both.outcome, both.mismatched) == (Outcome.MISMATCH, ("full_name", "birth_date"))


TODAY = date(2026, 12, 3)


@pytest.mark.parametrize(("text", "expected"), [
    ("05/09/1990", date(1990, 9, 5)), ("5/9/1990", date(1990, 9, 5)),
    ("05.09.1990", date(1990, 9, 5)), ("05-09-1990", date(1990, 9, 5)),
    (" 29/02/2000 ", date(2000, 2, 29)), ("03/12/2026", TODAY), ("01/01/1900", date(1900, 1, 1)),
])
def test_birth_dates_people_write_are_read(text, expected):
    assert parse_birth_date(text, TODAY) == (expected, "")


@pytest.mark.parametrize(("text", "message"), [
    ("", "Nhập ngày sinh."),
    ("1990-09-05", "Ngày sinh phải theo dạng ngày/tháng/năm, ví dụ 05/09/1990."),
    ("05/09/90", "Ngày sinh phải theo dạng ngày/tháng/năm, ví dụ 05/09/1990."),
    ("５/9/1990", "Ngày sinh phải theo dạng ngày/tháng/năm, ví dụ 05/09/1990."),
    ("05/09/\n1990", "Ngày sinh phải theo dạng ngày/tháng/năm, ví dụ 05/09/1990."),
    ("ngày 5", "Ngày sinh phải theo dạng ngày/tháng/năm, ví dụ 05/09/1990."),
    ("31/02/1990", "Ngày sinh không có thật, kiểm tra lại ngày và tháng."),
    ("29/02/2001", "Ngày sinh không có thật, kiểm tra lại ngày và tháng."),
    ("00/01/1990", "Ngày sinh không có thật, kiểm tra lại ngày và tháng."),
    ("12/13/1990", "Ngày sinh không có thật, kiểm tra lại ngày và tháng."),
    ("04/12/2026", "Ngày sinh không thể sau ngày hôm nay."),
    ("31/12/1899", "Năm sinh phải từ 1900 trở đi."),
])
def test_bad_birth_dates_get_a_vietnamese_reason(text, message):
    assert parse_birth_date(text, TODAY) == (None, message)


@given(st.text(max_size=40))
def test_parse_birth_date_never_raises_and_answers_one_way(text):
    born, message = parse_birth_date(text, TODAY)
    assert (born is None) == bool(message)
    assert born is None or date(1900, 1, 1) <= born <= TODAY


NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def ago(**kw):
    return NOW - timedelta(**kw)


def test_first_checks_are_allowed():
    assert seconds_until_allowed([], NOW) == 0
    assert seconds_until_allowed([(ago(minutes=1), Outcome.MISMATCH)] * (TRIES_PER_WINDOW - 1),
                                 NOW) == 0


def test_too_many_tries_in_ten_minutes_wait_for_the_oldest_to_leave():
    checks = [(ago(minutes=9), Outcome.UNAVAILABLE), (ago(minutes=5), Outcome.UNAVAILABLE),
              (ago(minutes=1), Outcome.UNAVAILABLE)]
    assert seconds_until_allowed(checks, NOW) == 60
    assert seconds_until_allowed(checks[1:], NOW) == 0


def test_unavailable_tries_do_not_use_up_the_day():
    checks = [(ago(hours=h), Outcome.UNAVAILABLE) for h in range(1, 20)]
    assert seconds_until_allowed(checks, NOW) == 0


def test_answered_checks_are_limited_per_day():
    checks = [(ago(hours=h), Outcome.MISMATCH) for h in (23, 20, 10, 5, 2)]
    assert len(checks) == ANSWERED_PER_DAY
    assert seconds_until_allowed(checks, NOW) == 3600  # the check 23 hours ago leaves first
    assert seconds_until_allowed(checks[1:], NOW) == 0
    assert seconds_until_allowed([(ago(hours=25), Outcome.MISMATCH)] + checks[1:], NOW) == 0


def test_fractions_of_a_second_round_up():
    checks = [(ago(minutes=9, seconds=59, microseconds=500_000), Outcome.NOT_FOUND)] * 3
    assert seconds_until_allowed(checks, NOW) == 1


def test_every_outcome_is_explained_in_vietnamese():
    assert set(EXPLANATIONS) == set(Outcome)
    assert all("Cơ sở dữ liệu quốc gia về dân cư" in text for text in EXPLANATIONS.values())
    assert not Outcome.UNAVAILABLE.answered and Outcome.MISMATCH.answered


def test_claim_problems_name_each_field_at_fault():
    assert claim_problems("Y Hoa", "12/03/1995", TODAY) == (date(1995, 3, 12), {})
    assert claim_problems("", "", TODAY) == (None, {"full_name": "Nhập họ và tên.",
                                                    "birth_date": "Nhập ngày sinh."})
    born, problems = claim_problems("A" * 201, "12/03/1995", TODAY)
    assert born == date(1995, 3, 12)
    assert problems == {"full_name": "Họ và tên không được dài quá 200 ký tự."}

"""Pure rules: text folding, identity numbers, formatting, dossier codes, roles."""

from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.accounts.passwords import password_problems
from app.accounts.roles import APPLICANT_ROLES, STAFF_ROLES, Role
from app.catalog.logic import TimeUnit, describe_time_limit
from app.dossiers.logic import Status, format_dossier_code, parse_dossier_code
from app.formatting import format_date, format_datetime, format_money, format_number
from app.text import fold, is_cccd, is_phone, is_tax_code, normalise_phone, tax_code_check_digit


def test_fold_removes_diacritics_and_d_stroke():
    assert fold("Cấp giấy phép xây dựng") == "cap giay phep xay dung"
    assert fold("ĐĂNG KÝ  Đất đai") == "dang ky dat dai"
    assert fold("Ia H'Drai") == "ia h'drai"


@given(st.text())
def test_fold_is_idempotent_and_ascii_for_vietnamese(text):
    assert fold(fold(text)) == fold(text)


def test_identity_numbers():
    assert is_cccd("052090001234") and not is_cccd("52090001234") and not is_cccd("05209000123a")
    assert is_tax_code("0100109106") and is_tax_code("0300588569-001")
    assert not is_tax_code("61001234")
    assert not is_tax_code("0100109107")  # one digit mistyped: the check digit catches it
    assert not is_tax_code("6100123456")
    assert normalise_phone("+84 905.123.456") == "0905123456"
    assert is_phone("0905 123 456") and not is_phone("12345")


def test_vietnamese_number_money_and_dates():
    assert format_money(12038400) == "12.038.400 đ"
    assert format_number(Decimal("0.5")) == "0,50"
    assert format_date(date(2026, 2, 13)) == "13/02/2026"
    # 03:00 UTC is 10:00 in Asia/Ho_Chi_Minh
    assert format_datetime(datetime(2026, 2, 13, 3, 0, tzinfo=UTC)) == "10:00 13/02/2026"
    assert format_date(datetime(2026, 2, 13, 18, 0, tzinfo=UTC)) == "14/02/2026"


def test_time_limits_read_in_words():
    assert describe_time_limit(5, TimeUnit.WORKING_DAYS) == "5 ngày làm việc"
    assert describe_time_limit(Decimal("12.00"), "hours") == "12 giờ làm việc"
    assert describe_time_limit(1, "months") == "1 tháng"
    assert describe_time_limit(15, "calendar_days") == "15 ngày"


def test_dossier_code_round_trip_example():
    code = format_dossier_code("000.00.17.H55", date(2026, 2, 13), 7)
    assert code == "000.00.17.H55-260213-0007"
    assert parse_dossier_code(code) == ("000.00.17.H55", date(2026, 2, 13), 7)
    assert parse_dossier_code("000.00.17.H55-261313-0007") is None  # month 13
    assert parse_dossier_code("<script>") is None


@given(
    st.from_regex(r"[0-9A-Z]{1,5}(\.[0-9A-Z]{1,4}){0,3}", fullmatch=True),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(min_value=1, max_value=999_999),
)
def test_dossier_code_round_trips(agency, day, seq):
    assert parse_dossier_code(format_dossier_code(agency, day, seq)) == (agency, day, seq)


def test_statuses_match_the_national_list():
    assert [s.value for s in Status] == list(range(11))
    assert Status.RETURNED.label == "Đã trả kết quả"


def test_roles_partition_and_labels():
    assert set(Role) == APPLICANT_ROLES | STAFF_ROLES
    assert not APPLICANT_ROLES & STAFF_ROLES
    assert all(role.label for role in Role)
    assert Role.AUDITOR.sees_whole_province and not Role.HANDLER.sees_whole_province


def test_password_rules():
    assert password_problems("abc12345") == []
    assert len(password_problems("short")) == 2
    assert password_problems("0521abc99", username="0521abc99")


@given(st.from_regex(r"\A[0-9]{9}\Z", fullmatch=True), st.integers(0, 9))
def test_exactly_one_tenth_digit_completes_a_tax_code_or_none_does(first_nine, tenth):
    check = tax_code_check_digit(first_nine)
    assert is_tax_code(f"{first_nine}{tenth}") == (tenth == check)
    assert is_tax_code(f"{first_nine}{tenth}-001") == (tenth == check)

"""Property tests for what parses visitor input: any text at all gives an answer or a
Vietnamese refusal, never an exception, and what is accepted is exactly what the rule says
(ASCII digits, same-site paths, signed values)."""

from __future__ import annotations

import string
from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.accounts import second_factor
from app.accounts.second_factor_service import pending_cookie_value, pending_user_id
from app.dossiers.logic import format_dossier_code, parse_dossier_code
from app.formatting import now_utc, to_local
from app.identity.logic import parse_birth_date
from app.routes.auth import _safe_next, validate_registration
from app.text import is_cccd, is_phone, is_tax_code, normalise_phone

FIELDS = ["full_name", "id_number", "birth_date", "phone", "email", "password",
          "password_confirm"]
KNOWN_CODE = st.from_regex(r"\A[0-9A-Z.]{1,20}\Z", fullmatch=True)


@given(st.text())
@example("١٢٣٤٥٦٧٨٩٠١٢")  # Arabic-Indic digits: `\d` in Python matches them
@example("051090012345\n")  # `$` alone accepts a trailing newline
@example("0９05123456")  # a full-width digit
def test_identity_and_phone_checks_accept_only_ascii_digits(text):
    if is_cccd(text):
        assert len(text) == 12 and text.isascii() and text.isdigit()
    if is_tax_code(text):
        assert text.isascii() and text.replace("-", "").isdigit()
    if is_phone(text):
        phone = normalise_phone(text)
        assert len(phone) == 10 and phone.isascii() and phone.isdigit() and phone[0] == "0"


@given(st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=300)))
@example({"full_name": "Y Hoa", "id_number": "062195006789", "birth_date": "12/3/1995",
          "phone": "0914222333", "password": "nuiNgoc2026", "password_confirm": "nuiNgoc2026"})
@pytest.mark.clock
def test_registration_validation_never_raises(data):
    errors = validate_registration(data)
    assert set(errors.messages) <= set(FIELDS)
    if not errors:  # accepted: exactly the documented rules hold
        assert is_cccd(data["id_number"]) and is_phone(data["phone"])
        tomorrow = to_local(now_utc()).date() + timedelta(days=1)  # the app's clock
        assert parse_birth_date(data["birth_date"], tomorrow)[0]
        assert data["password"] == data["password_confirm"]


@given(st.text())
def test_next_parameter_never_leaves_the_site(target):
    result = _safe_next(target, "/ca-nhan")
    assert result == "/ca-nhan" or (
        result.startswith("/") and not result.startswith("//")
        and "\\" not in result and result.isprintable())


def test_backslash_and_control_tricks_are_refused():
    for target in ("/\\evil.example", "/\\/evil.example", "/\t/evil.example",
                   "//evil.example", "https://evil.example/", "/%5Cevil", "\n/ca-nhan"):
        assert _safe_next(target, "/") in ("/", "/%5Cevil")


@given(st.text())
@example("000.00.17.H55-２60213-0007")
def test_dossier_code_parser_never_raises(text):
    parsed = parse_dossier_code(text)
    if parsed is not None:
        agency, day, sequence = parsed
        assert format_dossier_code(agency, day, sequence) == text.strip().upper()


@given(KNOWN_CODE, st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
       st.integers(min_value=1, max_value=10**6))
def test_dossier_code_round_trip(agency, day, sequence):
    assert parse_dossier_code(format_dossier_code(agency, day, sequence)) == (
        agency, day, sequence)


@given(st.text())
@example("١٢٣٤٥٦")
@example("1.9999999999.é")
def test_second_factor_inputs_never_raise(text):
    step = second_factor.matching_step("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", text,
                                       last_used_step=None)
    assert step is None or isinstance(step, int)
    assert pending_user_id(text) is None  # nothing unsigned is ever accepted


@given(st.integers(min_value=1, max_value=10**9),
       st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=4))
def test_pending_cookie_tampering_is_refused(user_id, junk):
    value = pending_cookie_value(user_id)
    assert pending_user_id(value) == user_id
    user, expires, signature = value.split(".")
    assert pending_user_id(f"{int(user) + 1}.{expires}.{signature}") is None
    assert pending_user_id(f"{user}.{int(expires) + 1}.{signature}") is None
    assert pending_user_id(f"{user}.{expires}.{signature[:-len(junk)]}{junk}") in (
        None, user_id)


@given(st.text())
@example("abc.é")
def test_session_cookie_parser_never_raises(text):
    from app.accounts.service import token_from_cookie

    assert token_from_cookie(text) is None

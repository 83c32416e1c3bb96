"""The staff second factor: TOTP rules (pure), and the whole login as staff live it —
enrol on first login, codes afterwards, replay refused, recovery codes once, lockout,
reset by the IT team. Citizens never see it."""

from __future__ import annotations

import re
import time

import pyotp
import pytest

from app.accounts import second_factor as logic
from app.accounts.roles import Role
from app.settings import get_settings
from tests.cli_helpers import app_cli
from tests.conftest import csrf_from, login, post_form, run
from tests.second_factor import factor_from_database, secret_from_enrolment_page

NOW = 1_800_000_000.0  # a fixed instant: steps below are relative to it
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def code_at(step_offset: int) -> str:
    return pyotp.TOTP(SECRET).at(NOW + step_offset * logic.STEP_SECONDS)


# -- pure rules -------------------------------------------------------------------------


def test_code_of_this_step_and_neighbours_accepted_others_refused():
    step = logic.current_step(NOW)
    for offset in (-1, 0, 1):
        assert logic.matching_step(SECRET, code_at(offset), last_used_step=None,
                                   now=NOW) == step + offset
    for offset in (-3, -2, 2, 3):
        assert logic.matching_step(SECRET, code_at(offset), last_used_step=None,
                                   now=NOW) is None


def test_a_code_is_single_use():
    step = logic.current_step(NOW)
    assert logic.matching_step(SECRET, code_at(0), last_used_step=step, now=NOW) is None
    assert logic.matching_step(SECRET, code_at(-1), last_used_step=step - 1, now=NOW) is None
    # The next step's code is still good after this one was used.
    assert logic.matching_step(SECRET, code_at(1), last_used_step=step, now=NOW) == step + 1


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_malformed_codes_refused(typed):
    assert logic.matching_step(SECRET, typed, last_used_step=None, now=NOW) is None


def test_spaces_in_a_typed_code_are_ignored():
    spaced = code_at(0)[:3] + " " + code_at(0)[3:]
    assert logic.matching_step(SECRET, spaced, last_used_step=None, now=NOW) is not None


def test_recovery_codes_are_distinct_and_hashed_independently_of_case_and_dash():
    codes = logic.new_recovery_codes()
    assert len(set(codes)) == logic.RECOVERY_CODE_COUNT
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}", code) for code in codes)
    assert logic.hash_recovery_code(codes[0]) == logic.hash_recovery_code(
        codes[0].upper().replace("-", " "))
    assert logic.hash_recovery_code(codes[0]) != logic.hash_recovery_code(codes[1])


@pytest.mark.parametrize("password, message", [
    ("Ngan12345", "ít nhất 10 ký tự"),
    ("chiconchuthoi", "cả chữ và số"),
    ("thuly.tuphap2026", "tên đăng nhập"),
    ("1212121212a", "ít nhất 4 ký tự khác nhau"),
    ("matkhau123", "quá phổ biến"),
])
def test_staff_password_rules_explain_in_vietnamese(password, message):
    problems = logic.staff_password_problems(password, username="thuly.tuphap")
    assert any(message in problem for problem in problems), problems


def test_a_good_staff_password_passes():
    assert logic.staff_password_problems("Hoa-Sen-2026-Kon", username="thuly.tuphap") == []


# -- the login flow ---------------------------------------------------------------------


@pytest.fixture
def staff(client):
    from app.accounts import service as accounts

    run(accounts.create_user(username="canbo.2fa", password="CanBo2026abc",
                             full_name="Lê Văn Cán", role=Role.HANDLER))
    return "canbo.2fa", "CanBo2026abc"


def password_step(client, username, password):
    return post_form(client, "/dang-nhap", "/dang-nhap",
                     {"username": username, "password": password})


def enrol(client, username, password) -> tuple[str, list[str]]:
    page = password_step(client, username, password)
    assert page.url.path == "/dang-nhap/thiet-lap-xac-thuc"
    assert "<svg" in page.text  # the QR code, inline
    secret = secret_from_enrolment_page(page.text)
    done = client.post("/dang-nhap/thiet-lap-xac-thuc", data={
        "code": pyotp.TOTP(secret).now(), "_csrf_token": csrf_from(page.text)})
    assert done.status_code == 200 and "Đã bật xác thực hai lớp" in done.text
    codes = re.findall(r"<code>([a-z2-9]{4}-[a-z2-9]{4})</code>", done.text)
    return secret, codes


def signed_in(client) -> bool:
    return client.get("/can-bo", follow_redirects=False).status_code == 200


def test_password_alone_opens_no_session_for_staff(client, staff):
    page = password_step(client, *staff)
    assert page.url.path == "/dang-nhap/thiet-lap-xac-thuc"
    assert "motcua_session" not in client.cookies
    assert not signed_in(client)


def test_enrolment_then_code_then_replay_refused(client, staff, db):
    secret, codes = enrol(client, *staff)
    assert len(codes) == logic.RECOVERY_CODE_COUNT and signed_in(client)
    used_code = pyotp.TOTP(secret).now()
    client.post("/dang-xuat", data={"_csrf_token": csrf_from(client.get("/can-bo").text)})
    assert not signed_in(client)

    page = password_step(client, *staff)
    assert page.url.path == "/dang-nhap/xac-thuc"
    _, last_step = factor_from_database(get_settings().database_url, staff[0])
    if pyotp.TOTP(secret).at(last_step * logic.STEP_SECONDS) == used_code:
        replay = client.post("/dang-nhap/xac-thuc", data={
            "code": used_code, "_csrf_token": csrf_from(page.text)})
        assert replay.status_code == 400 and "đã được dùng" in replay.text
        assert not signed_in(client)
    fresh = pyotp.TOTP(secret).at((last_step + 1) * logic.STEP_SECONDS)
    ok = client.post("/dang-nhap/xac-thuc", data={
        "code": fresh, "_csrf_token": csrf_from(page.text)})
    assert ok.status_code == 200 and signed_in(client)


def test_recovery_code_works_once(client, staff):
    _, codes = enrol(client, *staff)
    client.cookies.clear()
    page = password_step(client, *staff)
    ok = client.post("/dang-nhap/xac-thuc", data={
        "code": codes[0].upper(), "_csrf_token": csrf_from(page.text)})
    assert ok.status_code == 200 and signed_in(client)
    client.cookies.clear()
    page = password_step(client, *staff)
    again = client.post("/dang-nhap/xac-thuc", data={
        "code": codes[0], "_csrf_token": csrf_from(page.text)})
    assert again.status_code == 400 and "Mã khôi phục không đúng hoặc đã được dùng" in again.text


def test_wrong_codes_lock_the_account(client, staff):
    enrol(client, *staff)
    client.cookies.clear()
    page = password_step(client, *staff)
    statuses = []
    for _ in range(6):
        response = client.post("/dang-nhap/xac-thuc", data={
            "code": "000000", "_csrf_token": csrf_from(page.text)})
        statuses.append(response.status_code)
    assert statuses[-1] == 429 and "quá nhiều lần" in response.text
    assert not signed_in(client)


def test_code_pages_need_the_password_step_first(client, staff):
    for path in ("/dang-nhap/xac-thuc", "/dang-nhap/thiet-lap-xac-thuc"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/dang-nhap"
    forged = client.get("/dang-nhap/xac-thuc", follow_redirects=False,
                        cookies={"motcua_pending_login": "1.9999999999.deadbeef"})
    assert forged.headers["location"] == "/dang-nhap"


def test_code_forms_posted_without_the_password_step_go_back_to_login(client, staff):
    token = csrf_from(client.get("/dang-nhap").text)
    for path in ("/dang-nhap/xac-thuc", "/dang-nhap/thiet-lap-xac-thuc"):
        response = client.post(path, data={"code": "123456", "_csrf_token": token},
                               follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/dang-nhap"


def test_a_missing_or_wrong_first_code_shows_the_enrolment_page_again(client, staff):
    page = password_step(client, *staff)
    secret = secret_from_enrolment_page(page.text)
    totp = pyotp.TOTP(secret)
    accepted = {totp.at(time.time() + drift) for drift in (-60, -30, 0, 30, 60)}
    wrong = next(code for code in ("000000", "111111", "222222") if code not in accepted)
    for typed, message in (("", "Nhập mã 6 chữ số đang hiện"), (wrong, "không đúng")):
        again = client.post("/dang-nhap/thiet-lap-xac-thuc", data={
            "code": typed, "_csrf_token": csrf_from(page.text)})
        assert again.status_code == 400 and message in again.text
        assert secret_from_enrolment_page(again.text) == secret  # the same key, still pending
    assert not signed_in(client)


def test_an_empty_code_is_asked_for_again(client, staff):
    enrol(client, *staff)
    client.cookies.clear()
    page = password_step(client, *staff)
    response = client.post("/dang-nhap/xac-thuc", data={"code": "", "_csrf_token": csrf_from(
        page.text)})
    assert response.status_code == 400 and "Nhập mã 6 chữ số trong ứng dụng" in response.text
    assert not signed_in(client)


def test_citizens_have_no_second_factor(client):
    from app.accounts import service as accounts

    run(accounts.create_user(username="051090099999", password="abc12345",
                             full_name="Nguyễn Văn Dân", role=Role.CITIZEN,
                             id_number="051090099999"))
    response = login(client, "051090099999", "abc12345")
    assert response.url.path == "/ca-nhan"


def test_login_helper_passes_second_factor_twice_in_a_row(client, staff):
    assert login(client, *staff).url.path == "/can-bo"
    client.cookies.clear()
    assert login(client, *staff).url.path == "/can-bo"


def test_reset_cli_forces_new_enrolment_and_ends_sessions(client, staff, db):
    enrol(client, *staff)
    assert signed_in(client)
    result = app_cli("reset-second-factor", staff[0], var_dir=db.parent)
    assert result.returncode == 0, result.stderr
    assert not signed_in(client)
    assert password_step(client, *staff).url.path == "/dang-nhap/thiet-lap-xac-thuc"
    from app.accounts import second_factor_service
    from app.accounts.service import AccountError

    with pytest.raises(AccountError, match="Không có tài khoản"):
        run(second_factor_service.reset("khong.co"))


def test_createuser_applies_staff_password_rules(db):
    weak = app_cli("createuser", "thuly.moi", "--name", "Chuyên viên", "--role", "handler",
                   "--password", "abc12345", var_dir=db.parent)
    assert weak.returncode == 2 and "ít nhất 10 ký tự" in weak.stderr

""""Quên mật khẩu" through the real app (issue #17: there was no way back into an
account): a one-time code by SMS and e-mail through the sandbox gateway, hashed,
short-lived, single use, a limited number of tries; limited per account name and per
address; audited; and the same to the visitor whether the account exists or not."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.accounts import service as accounts
from app.accounts.recovery import CODES_PER_IDENTIFIER, REQUESTS_PER_ADDRESS
from app.accounts.roles import Role
from app.accounts.tables import PasswordReset, UserSession
from app.audit.tables import AuditEntry
from app.formatting import now_utc
from app.notifications.service import deliver_pending
from app.notifications.tables import OutboxMessage, SandboxMessage
from tests.conftest import csrf_from, run

CCCD = "051090012345"


@pytest.fixture
def holder(client):
    """A citizen with a phone and an e-mail, signed in on another device."""
    async def make():
        user = await accounts.create_user(
            username=CCCD, password="cuAn2026xyz", full_name="Nguyễn Văn An",
            role=Role.CITIZEN, id_number=CCCD, phone="0905123456", email="an@example.vn")
        await accounts.start_session(user, "10.0.0.9", "điện thoại cũ")
        return user.id
    return run(make())


def ask_for_code(client, username: str):
    page = client.get("/quen-mat-khau")
    return client.post("/quen-mat-khau", data={"username": username,
                                               "_csrf_token": csrf_from(page.text)},
                       follow_redirects=False)


def received(recipient: str) -> list[str]:
    """What the sandbox gateway delivered to this phone or mailbox, oldest first."""
    run(deliver_pending())
    rows = run(SandboxMessage.select(SandboxMessage.body).where(
        SandboxMessage.recipient == recipient).order_by(SandboxMessage.id).run())
    return [row["body"] for row in rows]


def code_in(message: str) -> str:
    return re.search(r"\b(\d{6})\b", message).group(1)


def reset(client, page_url: str, code: str, password: str = "moiAn2026x",
          confirm: str | None = None):
    token = csrf_from(client.get("/quen-mat-khau").text)  # the page may show only why not
    return client.post(page_url, data={
        "code": code, "password": password, "password_confirm": confirm or password,
        "_csrf_token": token}, follow_redirects=False)


def test_a_code_by_sms_sets_a_new_password_and_ends_old_sessions(client, holder):
    asked = ask_for_code(client, CCCD)
    assert asked.status_code == 303
    page_url = asked.headers["location"]
    sms, = received("0905123456")
    mail, = received("an@example.vn")
    code = code_in(sms)
    assert code_in(mail) == code and "Het han sau 10 phut" in sms
    stored = run(PasswordReset.select().first().run())
    assert code not in str(stored) and stored["user"] == holder  # only its keyed hash

    weak = reset(client, page_url, code, "ngan")  # the right code, a weak password
    assert weak.status_code == 400 and "ít nhất 8 ký tự" in weak.text
    done = reset(client, page_url, code)
    assert (done.status_code, done.headers["location"]) == (303, "/dang-nhap?da_dat_lai=1")
    assert "Đã đặt mật khẩu mới" in client.get("/dang-nhap?da_dat_lai=1").text

    with pytest.raises(accounts.AccountError):
        run(accounts.authenticate(CCCD, "cuAn2026xyz", "10.0.0.1"))
    run(accounts.authenticate(CCCD, "moiAn2026x", "10.0.0.1"))
    assert run(UserSession.count().where(UserSession.revoked_at.is_null()).run()) == 0
    assert "vua duoc dat lai" in received("0905123456")[-1]
    again = reset(client, page_url, code, "khacAn2026x")
    assert again.status_code == 400 and "Mã này đã được dùng" in again.text
    actions = [row["action"] for row in run(AuditEntry.select(AuditEntry.action).run())]
    assert "password_reset.requested" in actions and "user.password_reset" in actions


def test_wrong_codes_are_counted_and_five_use_the_code_up(client, holder):
    page_url = ask_for_code(client, CCCD).headers["location"]
    code = code_in(received("0905123456")[0])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1):
        refused = reset(client, page_url, wrong)
        assert refused.status_code == 400 and f"Còn {left} lần thử" in refused.text
    assert "Hãy yêu cầu mã mới" in reset(client, page_url, wrong).text
    used_up = reset(client, page_url, code)  # even the right code, now
    assert used_up.status_code == 400 and "Nhập sai mã quá nhiều lần" in used_up.text
    run(accounts.authenticate(CCCD, "cuAn2026xyz", "10.0.0.1"))  # password unchanged


def test_an_expired_code_is_refused(client, holder):
    page_url = ask_for_code(client, CCCD).headers["location"]
    code = code_in(received("0905123456")[0])
    run(PasswordReset.update({PasswordReset.expires_at: now_utc() - timedelta(seconds=1)},
                             force=True).run())
    assert "Mã đã hết hạn" in reset(client, page_url, code).text


@pytest.mark.parametrize("name", ["999999999999", "u.canbo"])
def test_unknown_and_staff_accounts_look_the_same_and_get_nothing(client, holder, name):
    run(accounts.create_user(username="u.canbo", password="CanBo2026xyz", full_name="Cán bộ",
                             role=Role.HANDLER, phone="0905999000"))
    known = client.get(ask_for_code(client, CCCD).headers["location"]).text
    asked = ask_for_code(client, name)
    assert asked.status_code == 303
    page = client.get(asked.headers["location"])
    strip = re.compile(r'(name="_csrf_token" value="|/quen-mat-khau/)[^"]+')
    assert strip.sub("", page.text) == strip.sub("", known)
    assert run(OutboxMessage.count().where(OutboxMessage.event == "password_reset_code").run()
               ) == 2  # the real account's SMS and e-mail only
    assert "Mã không đúng" in reset(client, asked.headers["location"], "000000").text


def test_codes_are_limited_per_account_name_and_per_address(client, holder):
    for _ in range(CODES_PER_IDENTIFIER):
        assert ask_for_code(client, CCCD).status_code == 303
    limited = ask_for_code(client, f"  {CCCD} ")  # spaced: the same account name
    assert limited.status_code == 429 and "nhiều lần trong một giờ" in limited.text
    for n in range(REQUESTS_PER_ADDRESS - CODES_PER_IDENTIFIER):
        assert ask_for_code(client, f"05109000{n:04d}").status_code == 303
    from_here = ask_for_code(client, "051090099999")
    assert from_here.status_code == 429 and "từ địa chỉ này" in from_here.text
    assert len(received("0905123456")) == CODES_PER_IDENTIFIER


def test_an_account_gets_at_most_six_codes_a_day():
    from app.accounts.recovery import CODES_PER_IDENTIFIER_DAY, limit_problem

    assert limit_problem(CODES_PER_IDENTIFIER - 1, CODES_PER_IDENTIFIER_DAY - 1, 0) is None
    assert "trong ngày" in limit_problem(0, CODES_PER_IDENTIFIER_DAY, 0)
    assert "một giờ" in limit_problem(CODES_PER_IDENTIFIER, CODES_PER_IDENTIFIER, 0)
    assert "địa chỉ này" in limit_problem(0, 0, REQUESTS_PER_ADDRESS)


def test_the_daily_ceiling_holds_across_hours(client, holder):
    for _ in range(2):
        for _ in range(CODES_PER_IDENTIFIER):
            assert ask_for_code(client, CCCD).status_code == 303
        rows = run(PasswordReset.select(PasswordReset.id, PasswordReset.created_at).run())
        for row in rows:  # an hour and more ago: the hourly window is free again
            run(PasswordReset.update({PasswordReset.created_at: row["created_at"] - timedelta(
                minutes=61)}).where(PasswordReset.id == row["id"]).run())
    refused = ask_for_code(client, CCCD)
    assert refused.status_code == 429 and "nhiều lần trong ngày" in refused.text


def test_staff_never_read_a_code_in_the_failed_messages(client):
    from tests.conftest import login

    run(accounts.create_user(username="051090099999", password="abc12345", full_name="Lò Văn Ổn",
                             role=Role.CITIZEN, phone="0999123456"))  # the sandbox fails it
    run(accounts.create_user(username="tinh.admin", password="Tinh2026xyzq",
                             full_name="Quản trị tỉnh", role=Role.PROVINCIAL_ADMIN))
    ask_for_code(client, "051090099999")
    run(deliver_pending())
    (body,) = [row["body"] for row in run(OutboxMessage.select(OutboxMessage.body).where(
        OutboxMessage.status == "temporary_failure").run())]
    code = code_in(body)
    client.cookies.clear()
    login(client, "tinh.admin", "Tinh2026xyzq")
    page = client.get("/quan-tri/thong-bao").text
    assert "0999123456" in page and "Nội dung ẩn vì chứa mã đặt lại mật khẩu" in page
    assert code not in page

"""Accounts: creation, sign-in with throttling, sessions — on a real database file."""

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.audit import service as audit

pytestmark = pytest.mark.anyio


async def make_citizen(username="an@example.vn", password="matkhau123"):
    return await accounts.create_user(
        username=username, password=password, full_name="Nguyễn Văn An",
        role=Role.CITIZEN, id_number="052090001234",
    )


async def test_create_user_is_audited(db):
    user = await make_citizen()
    assert user.id
    entries = await audit.AuditEntry.select().where(audit.AuditEntry.action == "user.created")
    assert [e["entity_id"] for e in entries] == [str(user.id)]
    assert await audit.verify() == []


async def test_duplicate_username_is_refused_in_vietnamese(db):
    await make_citizen()
    with pytest.raises(accounts.AccountError, match="đã được sử dụng"):
        await make_citizen()


async def test_wrong_password_then_right_password(db):
    await make_citizen()
    with pytest.raises(accounts.AccountError, match="không đúng"):
        await accounts.authenticate("an@example.vn", "sai", "10.0.0.1")
    user = await accounts.authenticate("AN@example.vn ", "matkhau123", "10.0.0.1")
    assert user.full_name == "Nguyễn Văn An"


async def test_account_is_throttled_after_repeated_failures(db):
    await make_citizen()
    for _ in range(5):
        with pytest.raises(accounts.AccountError):
            await accounts.authenticate("an@example.vn", "sai", "10.0.0.2")
    # Even the right password is refused while the account is throttled.
    with pytest.raises(accounts.LoginThrottled, match="thử lại sau 15 phút"):
        await accounts.authenticate("an@example.vn", "matkhau123", "10.0.0.3")


async def test_session_round_trip_and_logout_everywhere(db):
    user = await make_citizen()
    first = await accounts.start_session(user, "10.0.0.1", "test")
    second = await accounts.start_session(user, "10.0.0.2", "test")
    assert first != second
    current = await accounts.load_session(first)
    assert current.role is Role.CITIZEN and current.agency_ids == ()
    assert await accounts.end_all_sessions(user.id) == 2
    assert await accounts.load_session(first) is None
    assert await accounts.load_session(second) is None


def test_forged_cookie_is_rejected(db):
    value = accounts.cookie_value("abc")
    assert accounts.token_from_cookie(value) == "abc"
    assert accounts.token_from_cookie("abc.0000") is None
    assert accounts.token_from_cookie("no-signature") is None

"""Accounts: creation, sign-in with throttling, sessions — on a real database file."""

from datetime import timedelta

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.accounts.tables import LoginAttempt
from app.audit import service as audit
from app.formatting import now_utc

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


async def test_failures_slow_the_pair_not_the_account(db):
    await make_citizen()
    for _ in range(3):
        with pytest.raises(accounts.AccountError):
            await accounts.authenticate("an@example.vn", "sai", "10.0.0.2")
    # Even the right password waits at that address, told how long...
    with pytest.raises(accounts.LoginThrottled, match="chờ 30 giây"):
        await accounts.authenticate("an@example.vn", "matkhau123", "10.0.0.2")
    # ...but the owner elsewhere is not locked out by someone else's guesses.
    assert (await accounts.authenticate("an@example.vn", "matkhau123", "10.0.0.3")).id


async def test_the_wait_ends_and_a_sign_in_clears_the_pair(db):
    await make_citizen()
    long_ago = now_utc() - timedelta(minutes=20)
    for _ in range(6):  # a 4-minute wait after the sixth failure: over by now
        await LoginAttempt(username="an@example.vn", ip="10.0.0.2", at=long_ago,
                           success=False).save()
    assert (await accounts.authenticate("an@example.vn", "matkhau123", "10.0.0.2")).id
    for _ in range(3):  # counted afresh after the sign-in: three free failures again
        with pytest.raises(accounts.AccountError, match="không đúng"):
            await accounts.authenticate("an@example.vn", "sai", "10.0.0.2")


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

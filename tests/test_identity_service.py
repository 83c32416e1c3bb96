"""The identity service on its own: a double tap counts once against the limit, and an
administrator's vouching is recorded."""

import asyncio
from datetime import date

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.accounts.tables import User
from app.audit.tables import AuditEntry
from app.identity import service as identity
from app.identity.http import HttpRegistry
from app.identity.logic import Outcome
from app.identity.tables import IdentityCheck
from tests.conftest import run
from tests.notify_servers import ScriptedGateway


def test_two_checks_at_once_do_not_slip_past_the_limit(db, monkeypatch):
    """A registry that answers slowly (a real local HTTP server) lets a double tap overlap;
    the second tap must find the first one counted, not ask the registry again."""
    with ScriptedGateway() as server:
        monkeypatch.setenv("MOTCUA_POPULATION_REGISTRY", "http")
        monkeypatch.setenv("MOTCUA_POPULATION_URL", server.url)
        monkeypatch.setenv("MOTCUA_POPULATION_TIMEOUT", "2")

        async def scenario():
            # The gateway's default reply is not a record: the registry is "unavailable".
            user, outcome = await identity.register_citizen(
                full_name="Nguyễn Văn An", id_number="051090012345",
                birth_date=date(1990, 9, 5), phone="0905123456", email="",
                password="nuiAn2026x")
            assert outcome == Outcome.UNAVAILABLE
            await identity.check_again(user.id, "Nguyễn Văn An", date(1990, 9, 5))
            server.script.append(("sleep", 0.3))  # one try left in the ten-minute window
            return await asyncio.gather(
                identity.check_again(user.id, "Nguyễn Văn An", date(1990, 9, 5)),
                identity.check_again(user.id, "Nguyễn Văn An", date(1990, 9, 5)),
                return_exceptions=True)

        answers = run(scenario())
        assert answers[0] == Outcome.UNAVAILABLE and isinstance(answers[1], identity.TooSoon)
        assert len(server.requests) == 3 and run(IdentityCheck.count().run()) == 3


def test_vouching_verifies_once_and_is_audited(db):
    async def scenario():
        user = await accounts.create_user(
            username="062195006789", password="abc12345", full_name="Y Hoa",
            role=Role.CITIZEN, id_number="062195006789")
        assert (await identity.status(user.id)).verified is False
        await identity.vouch(user.id, None, "test", date(1995, 3, 12))
        status = await identity.status(user.id)
        return status, await User.select(User.birth_date).where(User.id == user.id).first()

    status, row = run(scenario())
    assert status.verified and status.applies and row["birth_date"] == date(1995, 3, 12)
    assert "đã được xác thực" in status.explanation
    assert run(AuditEntry.count().where(AuditEntry.action == "user.identity_vouched").run()) == 1


def test_organisations_are_not_checked_against_the_population_database(db):
    async def scenario():
        user = await accounts.create_user(
            username="4300856141", password="abc12345", full_name="Công ty Sông Trà",
            role=Role.ORGANISATION, id_number="4300856141")
        assert (await identity.status(user.id)).applies is False
        await identity.check_again(user.id, "Công ty Sông Trà", date(2000, 1, 1))

    with pytest.raises(accounts.AccountError, match="Chỉ tài khoản công dân"):
        run(scenario())


def test_a_mistyped_timeout_setting_falls_back_to_three_seconds(monkeypatch):
    monkeypatch.setenv("MOTCUA_POPULATION_TIMEOUT", "ba giây")
    assert HttpRegistry.from_environment().timeout == 3.0

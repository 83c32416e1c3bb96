"""The outbox seam: queued in the caller's transaction, once, delivered by the sandbox."""

import pytest

from app.accounts.tables import User
from app.db import write_transaction
from app.formatting import now_utc
from app.notifications.api import Event, notify_applicant, notify_contact, schedule_delivery
from app.notifications.service import deliver_pending
from app.notifications.tables import OutboxMessage, SandboxMessage
from tests import factories
from tests.conftest import run


async def make_dossier(phone="0905123456", email="an@example.vn") -> int:
    procedure = await factories.procedure(await factories.agency())
    user = User(username=f"u{phone}", full_name="Nguyễn Văn An", role="citizen", email=email,
                password_hash="x", created_at=now_utc())
    await user.save()
    return (await factories.dossier(procedure, applicant_id=user.id, phone=phone)).id


async def outbox():
    return await OutboxMessage.select(
        OutboxMessage.event, OutboxMessage.channel, OutboxMessage.recipient,
        OutboxMessage.status, OutboxMessage.dossier, OutboxMessage.body,
        OutboxMessage.subject, OutboxMessage.last_error, OutboxMessage.attempts,
    ).order_by(OutboxMessage.id)


def test_applicant_gets_sms_and_email_once(db):
    async def scenario():
        dossier = await make_dossier()
        async with write_transaction():
            first = await notify_applicant(dossier, Event.RECEIVED)
            again = await notify_applicant(dossier, Event.RECEIVED)
        return dossier, first, again, await outbox()

    dossier, first, again, rows = run(scenario())
    assert (first, again) == (2, 0)
    assert [(r["channel"], r["recipient"], r["status"], r["dossier"]) for r in rows] == [
        ("sms", "0905123456", "created", dossier),
        ("email", "an@example.vn", "created", dossier)]
    sms, email = rows
    assert sms["body"].startswith("Ho so 000.00.17.H55-") and "da duoc tiep nhan" in sms["body"]
    assert "Hen tra ket qua " in sms["body"] and len(sms["body"]) <= 160
    assert email["subject"].endswith("đã được tiếp nhận") and "Nguyễn Văn An" in email["body"]


def test_rolled_back_change_leaves_no_message(db):
    async def scenario():
        dossier = await make_dossier()
        with pytest.raises(RuntimeError):
            async with write_transaction():
                await notify_applicant(dossier, Event.REFUSED, values={"reason": "Sai"})
                raise RuntimeError("the state change failed")
        return await outbox()

    assert run(scenario()) == []


def test_occurrence_tells_repeated_events_apart(db):
    async def scenario():
        dossier = await make_dossier(email="")
        return [await notify_applicant(dossier, Event.SUPPLEMENT_REQUESTED, occurrence=o,
                                       values={"reason": "Thiếu bản sao"}) for o in "112"]

    assert run(scenario()) == [1, 0, 1]


def test_sandbox_delivers_and_records(db):
    async def scenario():
        dossier = await make_dossier()
        await notify_applicant(dossier, Event.RESULT_READY)
        counts = await deliver_pending()
        again = await deliver_pending()
        inbox = await SandboxMessage.select(SandboxMessage.channel, SandboxMessage.recipient,
                                            SandboxMessage.body)
        return counts, again, await outbox(), inbox

    counts, again, rows, inbox = run(scenario())
    assert counts == {"delivered": 2, "temporary_failure": 0, "permanent_failure": 0}
    assert again == {"delivered": 0, "temporary_failure": 0, "permanent_failure": 0}
    assert [r["status"] for r in rows] == ["delivered", "delivered"]
    assert sorted((m["channel"], m["recipient"]) for m in inbox) == [
        ("email", "an@example.vn"), ("sms", "0905123456")]
    assert [m["body"] for m in inbox if m["channel"] == "sms"] == [rows[0]["body"]]


def test_contact_without_dossier_and_bad_addresses(db):
    async def scenario():
        queued = await notify_contact(Event.SET_PASSWORD, email="Binh@Example.vn",
                                      phone="12345", values={"link": "http://x/dat-mat-khau/abc"})
        return queued, await outbox()

    queued, rows = run(scenario())
    assert queued == 1  # the malformed phone is not queued to fail
    assert [(r["channel"], r["recipient"], r["dossier"]) for r in rows] == [
        ("email", "binh@example.vn", None)]
    assert "http://x/dat-mat-khau/abc" in rows[0]["body"]


def test_sandbox_failures_are_classified(db):
    async def scenario():
        await notify_contact(Event.SET_PASSWORD, phone="0998000111", values={"link": "l"})
        await notify_contact(Event.SET_PASSWORD, phone="0999000111", values={"link": "l"})
        counts = await deliver_pending()
        return counts, await outbox()

    counts, rows = run(scenario())
    assert counts == {"delivered": 0, "temporary_failure": 1, "permanent_failure": 1}
    assert [(r["status"], r["attempts"]) for r in rows] == [
        ("permanent_failure", 1), ("temporary_failure", 1)]
    assert rows[0]["last_error"] == "Thuê bao hoặc hộp thư không tồn tại (hộp thử nghiệm)."


def test_schedule_delivery_runs_the_task_after_commit(db, immediate_huey):
    async def scenario():
        dossier = await make_dossier(email="")
        async with write_transaction():
            await notify_applicant(dossier, Event.RECEIVED)
        schedule_delivery()  # from inside a running loop, as a request handler calls it
        return await outbox(), await SandboxMessage.count()

    rows, sent = run(scenario())
    assert [r["status"] for r in rows] == ["delivered"] and sent == 1

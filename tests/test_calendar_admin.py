"""The provincial admin changes the working calendar; open dossiers' due dates follow,
each move recorded with its reason (event and audit), apologised appointments kept."""

from datetime import date, datetime

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.audit import service as audit
from app.audit.tables import AuditEntry
from app.calendar import admin
from app.calendar.deadlines import deadline
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierApology, DossierEvent
from app.formatting import LOCAL_TZ
from app.notifications.tables import OutboxMessage
from app.routes.calendar_admin import parse_blocks, parse_day
from app.workflow.recompute import recompute_open_due_dates
from tests import factories
from tests.conftest import login, post_form, run

MON = datetime(2026, 3, 9, 9, 0, tzinfo=LOCAL_TZ)  # an ordinary week, no holiday near


def test_form_parsing():
    assert parse_blocks("7:30-11:30, 13:00–17:00") == [("07:30", "11:30"), ("13:00", "17:00")]
    assert parse_blocks("07:30") is None and parse_blocks("") is None
    assert parse_day("11/03/2026") == date(2026, 3, 11) and parse_day("2026-03-11") is None


async def open_dossier(procedure, received=MON, status=Status.PROCESSING) -> int:
    row = await factories.dossier(procedure, status=status)
    due = deadline(received, 10, "working_days")
    await Dossier.update({Dossier.received_at: received, Dossier.due_at: due}).where(
        Dossier.id == row.id)
    return row.id


async def due(dossier_id: int) -> datetime:
    return (await Dossier.select(Dossier.due_at).where(Dossier.id == dossier_id).first())[
        "due_at"]


@pytest.mark.clock
@pytest.mark.anyio
async def test_day_off_moves_open_due_dates_once_with_reason(db):
    procedure = await factories.procedure(await factories.agency())  # 10 working days
    moving = await open_dossier(procedure)
    assert await due(moving) == datetime(2026, 3, 23, 9, 0, tzinfo=LOCAL_TZ)
    apologised = await open_dossier(procedure)
    await DossierApology(dossier=apologised, previous_due_at=MON, new_due_at=await due(
        apologised), reason="Phức tạp", created_at=MON).save()
    earlier = await open_dossier(procedure, received=datetime(2026, 2, 23, 9, 0,
                                                              tzinfo=LOCAL_TZ))
    paused = await open_dossier(procedure, status=Status.SUPPLEMENT_REQUESTED)
    untouched = {d: await due(d) for d in (apologised, earlier, paused)}

    change = await admin.add_override(1, date(2026, 3, 11), False, "Nghỉ theo Quyết định 12")
    assert change.since == date(2026, 3, 11)
    counts = await recompute_open_due_dates(change.reason, change.since)
    # Not even candidates: the apologised, the one due before the day, the paused one.
    assert counts == {"checked": 1, "moved": 1}
    assert await due(moving) == datetime(2026, 3, 24, 9, 0, tzinfo=LOCAL_TZ)
    assert {d: await due(d) for d in untouched} == untouched
    event = await DossierEvent.select().where(DossierEvent.dossier == moving).first()
    assert event["action"] == "due_recomputed"
    assert "Nghỉ theo Quyết định 12" in event["comment"]
    assert "09:00 23/03/2026 → 09:00 24/03/2026" in event["comment"]
    assert await AuditEntry.count().where(AuditEntry.action == "dossier.due_recomputed") == 1
    told = await OutboxMessage.select(OutboxMessage.event, OutboxMessage.body).where(
        OutboxMessage.dossier == moving)
    assert [m["event"] for m in told] == ["due_recomputed"] and "24/03/2026" in told[0]["body"]
    # A retry moves nothing more; removing the day moves the date back.
    assert (await recompute_open_due_dates(change.reason, change.since))["moved"] == 0
    override = await admin.configuration()
    back = await admin.remove_override(1, override["overrides"][0]["id"])
    assert (await recompute_open_due_dates(back.reason, back.since))["moved"] == 1
    assert await due(moving) == datetime(2026, 3, 23, 9, 0, tzinfo=LOCAL_TZ)
    assert await audit.verify() == []


@pytest.mark.anyio
async def test_bad_changes_are_refused_with_nothing_saved(db):
    with pytest.raises(admin.CalendarError, match="không hợp lệ"):
        await admin.add_office_hours(1, date(2026, 4, 1), [("11:30", "07:30")])
    await admin.add_office_hours(1, date(2026, 4, 1), [("07:30", "11:30"), ("13:30", "17:00")])
    with pytest.raises(admin.CalendarError, match="Đã có giờ làm việc"):
        await admin.add_office_hours(1, date(2026, 4, 1), [("07:00", "11:00")])
    await admin.add_override(1, date(2026, 4, 4), True, "Làm bù")
    with pytest.raises(admin.CalendarError, match="đã được khai báo"):
        await admin.add_override(1, date(2026, 4, 4), False, "Nghỉ")
    assert len((await admin.configuration())["overrides"]) == 1


def test_admin_page_queues_the_recomputation(client):
    from app.tasks import huey

    async def make():
        await accounts.create_user(username="tinh", password="abc12345",
                                   full_name="Quản trị tỉnh", role=Role.PROVINCIAL_ADMIN)
        return await open_dossier(await factories.procedure(await factories.agency()))

    dossier_id = run(make())
    huey.flush()
    login(client, "tinh", "abc12345")
    page = "/quan-tri/lich-lam-viec"
    bad = post_form(client, page, page + "/ngay", {"day": "31/02/2026", "kind": "off"})
    assert bad.status_code == 400 and "dd/mm/yyyy" in bad.text and "Ghi lý do" in bad.text
    assert huey.pending_count() == 0
    saved = post_form(client, page, page + "/ngay",
                      {"day": "11/03/2026", "kind": "off", "reason": "Nghỉ bù"},
                      follow_redirects=False)
    assert saved.status_code == 303
    assert huey.execute(huey.dequeue()) == {"checked": 1, "moved": 1}
    assert run(due(dossier_id)) == datetime(2026, 3, 24, 9, 0, tzinfo=LOCAL_TZ)
    shown = client.get(saved.headers["location"])
    assert "11/03/2026" in shown.text and "Nghỉ bù" in shown.text and "Đã lưu" in shown.text

"""The provincial admin changes the working calendar; open dossiers' due dates follow,
each move recorded with its reason (event and audit), apologised appointments kept."""

from datetime import date, datetime, time, timedelta

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.audit import service as audit
from app.audit.tables import AuditEntry
from app.calendar import admin
from app.calendar.deadlines import deadline
from app.calendar.due_notices import notice_moment, send_due_notices
from app.calendar.tables import DueNotice
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierApology, DossierEvent
from app.formatting import LOCAL_TZ, now_utc
from app.notifications.tables import OutboxMessage
from app.routes.calendar_admin import parse_blocks, parse_day
from app.workflow.recompute import preview, recompute_open_due_dates
from tests import factories
from tests.conftest import csrf_from, login, post_form, run

MON = datetime(2026, 3, 9, 9, 0, tzinfo=LOCAL_TZ)  # an ordinary week, no holiday near
END_OF_DAYS = now_utc() + timedelta(days=2)  # past every notice held today


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
    # The applicant is told at the end of the day, not at once (an undo may follow).
    assert await OutboxMessage.count().where(OutboxMessage.dossier == moving) == 0
    assert await send_due_notices(END_OF_DAYS) == {"sent": 1, "dropped": 0}
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


@pytest.mark.anyio
async def test_undo_the_same_day_sends_nothing_and_the_preview_says_so(db):
    """Issue #16: adding then deleting one day off sent 35 + 12 SMS."""
    procedure = await factories.procedure(await factories.agency())
    moving = await open_dossier(procedure)  # with a phone: one SMS per notice
    change = await admin.add_override(1, date(2026, 3, 11), False, "Nghỉ đột xuất")
    await recompute_open_due_dates(change.reason, change.since)
    proposal, _ = await admin.propose_removal(
        (await admin.configuration())["overrides"][0]["id"])
    undo = await preview(proposal.since, proposal.calendar)
    assert (undo.moving, undo.messages) == (1, 0)  # back to what the applicant was told
    back = await admin.remove_override(1, (await admin.configuration())["overrides"][0]["id"])
    await recompute_open_due_dates(back.reason, back.since)
    assert await send_due_notices(END_OF_DAYS) == {"sent": 0, "dropped": 1}
    assert await OutboxMessage.count().where(OutboxMessage.dossier == moving) == 0
    assert await AuditEntry.count().where(
        AuditEntry.action == "dossier.due_notice_dropped") == 1
    assert await DueNotice.count() == 0


@pytest.mark.anyio
async def test_preview_counts_dossiers_and_messages_without_saving(db):
    procedure = await factories.procedure(await factories.agency())
    with_phone = await open_dossier(procedure)
    silent = await open_dossier(procedure)
    await Dossier.update({Dossier.applicant_phone: ""}).where(Dossier.id == silent)
    await open_dossier(procedure, received=datetime(2026, 2, 2, 9, 0, tzinfo=LOCAL_TZ))
    proposal = await admin.propose_override(date(2026, 3, 11), False, "Nghỉ")
    shown = await preview(proposal.since, proposal.calendar)
    assert (shown.moving, shown.messages) == (2, 1)
    assert {code for code, _, _ in shown.examples} == set(
        await Dossier.select(Dossier.code).where(Dossier.id.is_in([with_phone, silent])
                                                 ).output(as_list=True))
    assert (await admin.configuration())["overrides"] == []  # nothing saved


@pytest.mark.anyio
async def test_a_weekend_or_holiday_is_not_an_extra_day_off(db):
    with pytest.raises(admin.CalendarError, match="vốn là ngày nghỉ"):
        await admin.propose_override(date(2026, 3, 14), False, "Nghỉ")  # a Saturday
    with pytest.raises(admin.CalendarError, match="vốn là ngày nghỉ"):
        await admin.add_override(1, date(2026, 9, 2), False, "Quốc khánh")  # a holiday
    with pytest.raises(admin.CalendarError, match="vốn là ngày làm việc"):
        await admin.propose_override(date(2026, 3, 11), True, "Làm bù")  # a Wednesday
    assert (await admin.configuration())["overrides"] == []


def test_notice_moment_is_the_end_of_the_office_day():
    at = time(16, 30)
    morning = datetime(2026, 3, 11, 9, 0, tzinfo=LOCAL_TZ)
    assert notice_moment(morning, at) == datetime(2026, 3, 11, 16, 30, tzinfo=LOCAL_TZ)
    evening = datetime(2026, 3, 11, 18, 0, tzinfo=LOCAL_TZ)
    assert notice_moment(evening, at) == datetime(2026, 3, 12, 16, 30, tzinfo=LOCAL_TZ)


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
    weekend = post_form(client, page, page + "/ngay",
                        {"day": "14/03/2026", "kind": "off", "reason": "Nghỉ"})
    assert weekend.status_code == 400 and "vốn là ngày nghỉ" in weekend.text
    assert 'value="14/03/2026"' in weekend.text  # what was typed comes back
    fields = {"day": "11/03/2026", "kind": "off", "reason": "Nghỉ bù"}
    asked = post_form(client, page, page + "/ngay", fields)
    assert asked.status_code == 200 and "1 hồ sơ sẽ đổi ngày hẹn, 1 tin nhắn" in asked.text
    assert huey.pending_count() == 0 and "Nghỉ bù" not in client.get(page).text
    back = client.post(page + "/ngay", data={**fields, "sua": "1",
                                             "_csrf_token": csrf_from(asked.text)})
    assert back.status_code == 200 and 'value="Nghỉ bù"' in back.text
    saved = client.post(page + "/ngay", data={**fields, "xac_nhan": "1",
                                              "_csrf_token": csrf_from(asked.text)},
                        follow_redirects=False)
    assert saved.status_code == 303
    assert huey.execute(huey.dequeue()) == {"checked": 1, "moved": 1}
    assert run(due(dossier_id)) == datetime(2026, 3, 24, 9, 0, tzinfo=LOCAL_TZ)
    shown = client.get(saved.headers["location"])
    assert "11/03/2026" in shown.text and "Nghỉ bù" in shown.text and "Đã lưu" in shown.text
    # Deleting asks first, and the preview knows the applicant was never told.
    override_id = run(admin.configuration())["overrides"][0]["id"]
    remove = f"{page}/ngay/{override_id}/xoa"
    question = post_form(client, page, remove, {})
    assert question.status_code == 200 and "Xóa khai báo ngày nghỉ 11/03/2026" in question.text
    assert "1 hồ sơ sẽ đổi ngày hẹn, 0 tin nhắn" in question.text
    assert len(run(admin.configuration())["overrides"]) == 1
    gone = client.post(remove, data={"xac_nhan": "1", "_csrf_token": csrf_from(question.text)},
                       follow_redirects=False)
    assert gone.status_code == 303 and run(admin.configuration())["overrides"] == []

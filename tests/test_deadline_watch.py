"""The deadline watch records each due-soon / overdue transition once, on the real calendar."""

import asyncio
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

import pytest

from app.audit import service as audit
from app.audit.tables import AuditEntry
from app.calendar.deadlines import working_days_left
from app.calendar.logic import DEFAULT_CALENDAR
from app.db import write_transaction
from app.dossiers.logic import Status
from app.dossiers.tables import DeadlineAlert, Dossier, DossierApology
from app.formatting import LOCAL_TZ, now_utc
from app.workflow.watch import (
    DUE_SOON,
    OVERDUE,
    due_soon_horizon,
    overdue_without_apology,
    watch_deadlines,
)
from tests import factories
from tests.conftest import run

# Wednesday 11 March 2026, 09:00 in Quảng Ngãi: an ordinary week, no holiday near.
WED = datetime(2026, 3, 11, 9, 0, tzinfo=LOCAL_TZ)


def local(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL_TZ)


@pytest.fixture
async def procedure(db):
    return await factories.procedure(await factories.agency())


async def make(procedure, due_at: datetime, status: Status = Status.PROCESSING,
               **columns) -> int:
    row = await factories.dossier(procedure, status=status)
    await Dossier.update({Dossier.due_at: due_at, **columns}).where(Dossier.id == row.id)
    return row.id


async def alerts() -> list[tuple[int, str, datetime]]:
    rows = await DeadlineAlert.select(
        DeadlineAlert.dossier, DeadlineAlert.kind, DeadlineAlert.due_at
    ).order_by(DeadlineAlert.id)
    return [(r["dossier"], r["kind"], r["due_at"]) for r in rows]


@pytest.mark.anyio
async def test_overdue_is_recorded_once(procedure):
    late = await make(procedure, WED - timedelta(hours=1))
    await make(procedure, WED + timedelta(days=10))  # far away: not even a candidate

    first = await watch_deadlines(WED)
    assert first == {"checked": 1, DUE_SOON: 0, OVERDUE: 1}
    assert await alerts() == [(late, OVERDUE, WED - timedelta(hours=1))]

    again = await watch_deadlines(WED + timedelta(minutes=5))
    assert again == {"checked": 1, DUE_SOON: 0, OVERDUE: 0}
    assert len(await alerts()) == 1
    assert await AuditEntry.count().where(AuditEntry.action == "deadline.watch") == 1


@pytest.mark.anyio
async def test_due_within_one_working_day_but_not_three(procedure):
    # Wed 09:00 -> Thu 08:30 is 2.5 + 4 + 1 = 7.5 office hours: under one working day.
    soon = await make(procedure, local(12, 8, 30))
    await make(procedure, local(16, 10))  # Monday: more than three working days away
    assert await watch_deadlines(WED) == {"checked": 1, DUE_SOON: 1, OVERDUE: 0}
    assert await alerts() == [(soon, DUE_SOON, local(12, 8, 30))]

    # When the appointment passes, the same dossier becomes overdue: a second transition.
    counts = await watch_deadlines(local(12, 9))
    assert counts == {"checked": 1, DUE_SOON: 0, OVERDUE: 1}
    assert [kind for _, kind, _ in await alerts()] == [DUE_SOON, OVERDUE]


@pytest.mark.anyio
async def test_a_wider_due_soon_window(procedure):
    await make(procedure, local(16, 10))  # Monday 10:00: 3 working days + 1 hour from Wed 9:00
    assert (await watch_deadlines(WED, due_soon_working_days=3))[DUE_SOON] == 0
    assert (await watch_deadlines(WED, due_soon_working_days=3.25))[DUE_SOON] == 1


@pytest.mark.anyio
async def test_friday_afternoon_one_working_day_reaches_into_monday(procedure):
    friday_4pm = local(13, 16)
    # One office hour left on Friday, seven more on Monday: Monday 14:00 is 5 office hours
    # away although three calendar days; Monday 17:00 is 9 hours away.
    monday_2pm = await make(procedure, local(16, 14))
    await make(procedure, local(16, 17))
    counts = await watch_deadlines(friday_4pm)
    assert counts == {"checked": 1, DUE_SOON: 1, OVERDUE: 0}
    assert [dossier for dossier, _, _ in await alerts()] == [monday_2pm]


@pytest.mark.anyio
async def test_friday_evening_horizon_is_the_next_opening(procedure):
    friday_6pm = local(13, 18)
    # Closed until Monday 07:30; one working day is used up at Monday 17:00, and nothing
    # more is used until Tuesday 07:30, which therefore still has exactly one day left.
    assert due_soon_horizon(friday_6pm, 1, DEFAULT_CALENDAR) == local(17, 7, 30)
    edge = await make(procedure, local(17, 7, 30))
    saturday = await make(procedure, local(14, 10))
    await make(procedure, local(17, 7, 31))
    counts = await watch_deadlines(friday_6pm)
    assert counts == {"checked": 2, DUE_SOON: 2, OVERDUE: 0}
    assert {dossier for dossier, _, _ in await alerts()} == {edge, saturday}


@pytest.mark.parametrize("now", [
    WED, local(13, 16), local(13, 18), local(11, 11, 45), local(11, 17),
    local(29, 15, month=4),  # before the 30/4 and 1/5 holidays
    local(24, 10, month=4),  # before the Hùng Kings day (Sunday 26/4, observed Monday 27/4)
])
@pytest.mark.parametrize("days", [0, 0.5, 1, 2])
def test_horizon_agrees_with_working_days_left(now, days):
    """due_at <= horizon exactly when at most `days` of office time are left."""
    horizon = due_soon_horizon(now, days, DEFAULT_CALENDAR)
    for step in range(1, 8 * 24 * 4):
        due = now + timedelta(minutes=15 * step)
        within = working_days_left(now, due, calendar=DEFAULT_CALENDAR) <= days
        assert (due <= horizon) == within, (now, days, due)


@pytest.mark.anyio
async def test_paused_finished_and_stopped_dossiers_are_ignored(procedure):
    past = WED - timedelta(days=2)
    await make(procedure, past, Status.SUPPLEMENT_REQUESTED, clock_paused_at=past)
    await make(procedure, past, Status.PROCESSED)
    await make(procedure, past, Status.RETURNED)
    await make(procedure, past, Status.STOPPED)
    # A withdrawal request keeps the clock it interrupted: running from processing...
    withdrawing = await make(procedure, past, Status.WITHDRAWAL_REQUESTED,
                             withdrawn_status=Status.PROCESSING.value)
    # ...paused when the dossier was waiting for a supplement.
    await make(procedure, past, Status.WITHDRAWAL_REQUESTED,
               withdrawn_status=Status.SUPPLEMENT_REQUESTED.value)
    received = await make(procedure, past, Status.RECEIVED)
    paying = await make(procedure, past, Status.FINANCIAL_OBLIGATION)

    assert await watch_deadlines(WED) == {"checked": 3, DUE_SOON: 0, OVERDUE: 3}
    assert {dossier for dossier, _, _ in await alerts()} == {withdrawing, received, paying}


@pytest.mark.anyio
async def test_a_new_appointment_after_an_apology_alerts_again(procedure):
    first_due = WED - timedelta(hours=2)
    dossier = await make(procedure, first_due)
    assert (await watch_deadlines(WED))[OVERDUE] == 1

    new_due = local(18, 10)  # next Wednesday
    await DossierApology(dossier=dossier, previous_due_at=first_due, new_due_at=new_due,
                         reason="Chờ ý kiến cơ quan phối hợp", created_at=WED).save()
    await Dossier.update({Dossier.due_at: new_due}).where(Dossier.id == dossier)
    assert await watch_deadlines(WED + timedelta(hours=1)) == {
        "checked": 0, DUE_SOON: 0, OVERDUE: 0}

    assert (await watch_deadlines(local(17, 11)))[DUE_SOON] == 1
    assert (await watch_deadlines(local(18, 11)))[OVERDUE] == 1
    assert await alerts() == [(dossier, OVERDUE, first_due), (dossier, DUE_SOON, new_due),
                              (dossier, OVERDUE, new_due)]


@pytest.mark.anyio
async def test_overdue_without_apology(procedure):
    other = await factories.procedure(await factories.agency("UBND xã Ba Tơ"))
    due = WED - timedelta(days=1)
    bare = await make(procedure, due - timedelta(hours=3))
    apologised = await make(procedure, due)
    await DossierApology(dossier=apologised, previous_due_at=due, new_due_at=WED,
                         reason="Hồ sơ phức tạp", created_at=due).save()
    # An apology for an earlier appointment does not cover the current one.
    late_again = await make(procedure, due + timedelta(hours=1))
    await DossierApology(dossier=late_again, previous_due_at=due - timedelta(days=5),
                         new_due_at=due + timedelta(hours=1), reason="Lần trước",
                         created_at=due - timedelta(days=5)).save()
    elsewhere = await make(other, due)
    await make(procedure, due, Status.SUPPLEMENT_REQUESTED)
    await make(procedure, due, Status.RETURNED)
    await make(procedure, WED + timedelta(hours=1))

    rows = await overdue_without_apology(None, now=WED)
    assert [r["id"] for r in rows] == [bare, elsewhere, late_again]  # most late first
    assert rows[0]["agency_name"] == "Sở Tư pháp"
    assert rows[0]["procedure_name"] == "Cấp Phiếu lý lịch tư pháp"
    mine = await overdue_without_apology([procedure.agency], now=WED)
    assert [r["id"] for r in mine] == [bare, late_again]
    assert await overdue_without_apology([], now=WED) == []


@asynccontextmanager
async def write_lock_held(then=None):
    """Another task holds the app's own write_transaction (SQLite: the writer lock;
    PostgreSQL: the advisory lock) until the block ends; `then` runs inside it just before
    it commits. The same overlap on either engine."""
    held, release = asyncio.Event(), asyncio.Event()

    async def hold():
        async with write_transaction():
            held.set()
            await release.wait()
            if then is not None:
                await then()

    holder = asyncio.create_task(hold())
    await held.wait()
    try:
        yield
    finally:
        release.set()
        await holder


@pytest.mark.anyio
async def test_overlapping_runs_do_not_duplicate(procedure):
    for hours in range(1, 31):
        await make(procedure, WED - timedelta(hours=hours))
    for hours in range(1, 6):
        await make(procedure, WED + timedelta(hours=hours / 2))
    # Holding the writer lock makes the runs really overlap: each reads the same 35 missing
    # alerts before any of them may write, then they write one after the other.
    async with write_lock_held():
        runs = [asyncio.create_task(watch_deadlines(WED)) for _ in range(2)]
        await asyncio.sleep(0.05)
        assert not any(task.done() for task in runs)
    counts = await asyncio.gather(*runs)
    assert sorted(c[OVERDUE] + c[DUE_SOON] for c in counts) == [0, 35]
    assert len(await alerts()) == len(set(await alerts())) == 35
    assert await AuditEntry.count().where(AuditEntry.action == "deadline.watch") == 1
    assert await audit.verify() == []


@pytest.mark.anyio
async def test_runs_in_other_threads_do_not_duplicate(procedure):
    for hours in range(1, 41):
        await make(procedure, WED - timedelta(hours=hours))
    # Separate threads have their own connections and event loops: SQLite's own locking
    # (BEGIN IMMEDIATE, busy timeout) is what keeps them apart.
    counts = await asyncio.gather(
        watch_deadlines(WED),
        *(asyncio.to_thread(asyncio.run, watch_deadlines(WED)) for _ in range(3)))
    assert sum(c[OVERDUE] for c in counts) == 40
    assert len(set(await alerts())) == len(await alerts()) == 40
    assert await audit.verify() == []


@pytest.mark.anyio
async def test_a_dossier_finished_while_the_run_waited_is_not_alerted(procedure):
    finished = await make(procedure, WED - timedelta(hours=1))
    still_open = await make(procedure, WED - timedelta(hours=2))

    async def finish():
        await Dossier.update({Dossier.status: Status.RETURNED.value}).where(
            Dossier.id == finished)

    async with write_lock_held(then=finish):
        run_task = asyncio.create_task(watch_deadlines(WED))
        await asyncio.sleep(0.05)  # the run has read both and waits for the lock
        assert not run_task.done()
    assert await run_task == {"checked": 1, DUE_SOON: 0, OVERDUE: 1}
    assert [dossier for dossier, _, _ in await alerts()] == [still_open]


@pytest.mark.anyio
async def test_runs_keep_the_audit_chain_intact(procedure):
    await make(procedure, WED - timedelta(hours=1))
    await make(procedure, WED + timedelta(hours=1))
    await watch_deadlines(WED)
    await watch_deadlines(WED + timedelta(hours=2))
    await watch_deadlines(WED + timedelta(hours=3))
    entries = await AuditEntry.select().where(AuditEntry.action == "deadline.watch").order_by(
        AuditEntry.id)
    assert len(entries) == 2  # a run with nothing new writes nothing
    assert '"overdue":1' in entries[0]["data"] and '"due_soon":1' in entries[0]["data"]
    assert await audit.verify() == []


def test_naive_now_is_refused(db):
    with pytest.raises(ValueError, match="múi giờ"):
        run(watch_deadlines(datetime(2026, 3, 11, 9)))


@pytest.mark.clock
def test_periodic_task_runs_against_the_test_database(db, immediate_huey):
    from app.tasks.deadlines import deadline_watch

    async def setup() -> int:
        procedure = await factories.procedure(await factories.agency())
        return await make(procedure, now_utc() - timedelta(minutes=10))

    dossier = run(setup())
    deadline_watch()
    deadline_watch()  # a second run (or a retry) records nothing new
    assert [(d, kind) for d, kind, _ in run(alerts())] == [(dossier, OVERDUE)]
    assert run(audit.verify()) == []


@pytest.mark.anyio
async def test_a_step_past_its_own_deadline_is_recorded_once(procedure):
    from app.accounts import service as accounts
    from app.accounts.roles import Role
    from app.notifications.tables import StaffNotice
    from app.workflow.watch import STEP_DUE_SOON, STEP_OVERDUE, watch_step_deadlines

    handler = await accounts.create_user(username="thuly.buoc", password="abc12345",
                                         full_name="Thụ lý", role=Role.HANDLER,
                                         agency_ids=[procedure.agency])
    late_step = await make(procedure, WED + timedelta(days=10),
                           step_due_at=WED - timedelta(hours=2), current_step=1,
                           assignee=handler.id)
    soon_step = await make(procedure, WED + timedelta(days=10),
                           step_due_at=WED + timedelta(hours=3), current_step=1)
    # Waiting for a supplement: the step's clock is paused, no alert.
    await make(procedure, WED + timedelta(days=10), Status.SUPPLEMENT_REQUESTED,
               step_due_at=WED - timedelta(hours=5), current_step=1)

    assert await watch_step_deadlines(WED) == {
        "checked": 2, STEP_DUE_SOON: 1, STEP_OVERDUE: 1}
    assert await watch_step_deadlines(WED) == {
        "checked": 2, STEP_DUE_SOON: 0, STEP_OVERDUE: 0}
    assert sorted((d, k) for d, k, _ in await alerts()) == sorted(
        [(late_step, STEP_OVERDUE), (soon_step, STEP_DUE_SOON)])
    # The dossier's own appointment is far away: the dossier watch records nothing.
    assert await watch_deadlines(WED) == {"checked": 0, DUE_SOON: 0, OVERDUE: 0}
    told = await StaffNotice.select(StaffNotice.kind).where(
        (StaffNotice.user == handler.id) & (StaffNotice.dossier == late_step))
    assert [row["kind"] for row in told] == [STEP_OVERDUE]  # no apology task for a step

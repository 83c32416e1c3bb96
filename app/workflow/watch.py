"""The deadline watch: record, once, when a dossier becomes due soon or overdue.

Run every few minutes by a Huey task (app.tasks.deadlines). Each transition is a
`DeadlineAlert` row, unique per (dossier, kind, due_at): a re-run, a retried task or two
overlapping runs never record it twice, and a dossier given a new appointment (apology,
form 04) can alert again for the new `due_at`. Notifying people and the page of late
dossiers build on these rows later.

Cost follows the open dossiers that are due soon or overdue, not the size of the table.
The horizon (the last moment that is at most N working days away on the province calendar)
is computed once per run; one range query on the (status, due_at) index then returns
exactly those dossiers, and existing alerts are looked up through their unique index for
them only. A run that finds nothing new takes no write lock and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from piccolo.columns.combination import Where
from piccolo.query import Select

from app.audit import service as audit
from app.calendar.deadlines import deadline
from app.calendar.logic import WorkingCalendar
from app.calendar.service import current_calendar
from app.db import write_transaction
from app.dossiers.logic import Status
from app.dossiers.tables import DeadlineAlert, Dossier, DossierApology
from app.formatting import now_utc
from app.notifications.staff import notify_deadlines

DUE_SOON = "due_soon"
OVERDUE = "overdue"
# Each step of the internal process has its own deadline (`Dossier.step_due_at`).
STEP_DUE_SOON = "step_due_soon"
STEP_OVERDUE = "step_overdue"

# Statuses whose legal clock runs (app.workflow.clock). SUPPLEMENT_REQUESTED is left out on
# purpose: the clock is paused while the applicant completes the dossier and `due_at` is
# recomputed (moved by the time paused) when it resumes, so the stored `due_at` of a waiting
# dossier is not a deadline anyone can miss yet. Finished, stopped and refused dossiers have
# no deadline left to miss.
RUNNING_STATUSES = (Status.RECEIVED, Status.PROCESSING, Status.FINANCIAL_OBLIGATION)

# Bound parameters per statement stay far below SQLite's and PostgreSQL's limits.
BATCH = 500

Key = tuple[int, str, datetime]  # (dossier, kind, due_at): what makes an alert unique


def _clock_runs() -> Where:
    """Dossiers whose clock runs, as an index-friendly condition on `status`.

    A withdrawal request keeps the clock of the status it interrupted (app.workflow.clock),
    so one made during processing still runs late, and one made while waiting for a
    supplement does not. A missing `withdrawn_status` (imported history) is read as
    processing, as `app.workflow.service.snapshot` does.
    """
    running = [status.value for status in RUNNING_STATUSES]
    withdrawal = Status.WITHDRAWAL_REQUESTED.value
    return Dossier.status.is_in([*running, withdrawal]) & (
        (Dossier.status != withdrawal)
        | Dossier.withdrawn_status.is_null()
        | Dossier.withdrawn_status.is_in(running)
    )


def due_soon_horizon(now: datetime, working_days: float, calendar: WorkingCalendar) -> datetime:
    """The last moment with at most `working_days` of office time left from `now`.

    `deadline()` gives the first moment the amount is used up; when that is a closing time
    (11:30, 17:00 on a Friday), every moment until the office opens again has the same amount
    left, so the horizon moves to that opening. Then "due_at <= horizon" is exactly "at most
    `working_days` left", with no per-dossier calendar walk.
    """
    used_up = deadline(now, working_days, "working_days", calendar=calendar)
    return calendar.next_opening(used_up)


def _batches(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _due_by(moment: datetime) -> Where:
    return _clock_runs() & (Dossier.due_at <= moment)


def candidates(horizon: datetime) -> Select:
    """The run's one range query: clock running and due by `horizon` (served by the
    (status, due_at) index; public so the benchmark can EXPLAIN the real SQL)."""
    return Dossier.select(Dossier.id, Dossier.due_at).where(_due_by(horizon))


def recorded_alerts(horizon: datetime) -> Select:
    """Alerts already recorded for the candidates. The sub-select keeps the lookup on the
    unique (dossier, kind, due_at) index; only alerts with due_at <= horizon can match a
    candidate's current appointment, which skips old appointments early."""
    return DeadlineAlert.select(
        DeadlineAlert.dossier, DeadlineAlert.kind, DeadlineAlert.due_at
    ).where(
        DeadlineAlert.dossier.is_in(Dossier.select(Dossier.id).where(_due_by(horizon)))
        & (DeadlineAlert.due_at <= horizon)
    )


async def _pending(now: datetime, horizon: datetime) -> tuple[int, list[Key]]:
    """(candidates checked, alerts not yet recorded) at `now`."""
    rows = await candidates(horizon)
    if not rows:
        return 0, []
    recorded = {(r["dossier"], r["kind"], r["due_at"]) for r in await recorded_alerts(horizon)}
    wanted = ((row["id"], OVERDUE if row["due_at"] <= now else DUE_SOON, row["due_at"])
              for row in rows)
    return len(rows), [key for key in wanted if key not in recorded]


async def _insert(keys: list[Key], now: datetime) -> int:
    """Insert, skipping any (dossier, kind, due_at) already there; returns rows added."""
    added = 0
    for batch in _batches(keys):
        # ON CONFLICT DO NOTHING (SQLite and PostgreSQL alike) guards writers that did not
        # take the IMMEDIATE lock; the count comes from the rows actually inserted.
        added += len(await DeadlineAlert.insert(*(
            DeadlineAlert(dossier=dossier, kind=kind, due_at=due_at, detected_at=now)
            for dossier, kind, due_at in batch
        )).on_conflict(action="DO NOTHING"))
    return added


def _step_due_by(moment: datetime) -> Where:
    # A step's deadline runs only while the dossier is processed at that step (a supplement
    # wait keeps it and moves it on resumption: app.workflow.service._step_due).
    return (Dossier.status == Status.PROCESSING.value) & (Dossier.step_due_at <= moment)


def step_candidates(horizon: datetime) -> Select:
    """Dossiers in processing whose current step is due by `horizon` (served by the
    (status, step_due_at) index; public so a test can EXPLAIN the real SQL)."""
    return Dossier.select(Dossier.id, Dossier.step_due_at).where(_step_due_by(horizon))


async def _pending_steps(now: datetime, horizon: datetime) -> tuple[int, list[Key]]:
    """(steps checked, step alerts not yet recorded) at `now`."""
    rows = await step_candidates(horizon)
    if not rows:
        return 0, []
    recorded = {(r["dossier"], r["kind"], r["due_at"]) for r in await DeadlineAlert.select(
        DeadlineAlert.dossier, DeadlineAlert.kind, DeadlineAlert.due_at
    ).where(
        DeadlineAlert.dossier.is_in(Dossier.select(Dossier.id).where(_step_due_by(horizon)))
        & DeadlineAlert.kind.is_in([STEP_DUE_SOON, STEP_OVERDUE])
        & (DeadlineAlert.due_at <= horizon)
    )}
    wanted = ((row["id"], STEP_OVERDUE if row["step_due_at"] <= now else STEP_DUE_SOON,
               row["step_due_at"]) for row in rows)
    return len(rows), [key for key in wanted if key not in recorded]


async def watch_deadlines(
    now: datetime | None = None, *, due_soon_working_days: float = 1.0
) -> dict[str, int]:
    """Record new due-soon and overdue alerts; returns {"checked", "due_soon", "overdue"}.

    Due soon: the clock runs, `now < due_at` and at most `due_soon_working_days` working days
    of office time are left on the province calendar. Overdue: the clock runs and
    `due_at <= now`. Each is recorded once per appointment.
    """
    return await _watch(now, due_soon_working_days, _pending, (DUE_SOON, OVERDUE))


async def watch_step_deadlines(
    now: datetime | None = None, *, due_soon_working_days: float = 1.0
) -> dict[str, int]:
    """The same for the current step's own deadline of dossiers in processing; returns
    {"checked", "step_due_soon", "step_overdue"}. Each is recorded once per step deadline."""
    return await _watch(now, due_soon_working_days, _pending_steps,
                        (STEP_DUE_SOON, STEP_OVERDUE))


async def _watch(now: datetime | None, due_soon_working_days: float, pending,
                 kinds: tuple[str, str]) -> dict[str, int]:
    now = now or now_utc()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("Thời điểm phải kèm múi giờ (ví dụ +07:00 hoặc UTC).")
    horizon = due_soon_horizon(now, due_soon_working_days, await current_calendar())
    checked, new = await pending(now, horizon)
    if not new:
        return {"checked": checked, **{kind: 0 for kind in kinds}}
    async with write_transaction():
        # Decided again under the write lock: another run may have recorded these since,
        # and a dossier may have been finished or given a new appointment meanwhile.
        checked, new = await pending(now, horizon)
        counts = {"checked": checked}
        for kind in kinds:
            counts[kind] = await _insert([key for key in new if key[1] == kind], now)
        await notify_deadlines(new, now)  # the assignee and the unit's leaders, same commit
        if any(counts[kind] for kind in kinds):
            await audit.record("deadline.watch", "deadline_alert", now.isoformat(), {
                **counts, "due_soon_working_days": due_soon_working_days,
                "horizon": horizon.isoformat()})
    return counts


async def overdue_without_apology(
    agency_ids: list[int] | None, *, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Open dossiers past their appointment with no apology (form 04) for it, most late first.

    The Kon Tum rule: every late dossier needs a written explanation and an apology. An
    apology answers the appointment it missed (`previous_due_at`), so a dossier that misses
    its new appointment too is listed again. `agency_ids=None` means the whole province;
    paused dossiers are not late while paused, as for the watch.
    """
    if agency_ids is not None and not agency_ids:
        return []
    now = now or now_utc()
    late = _due_by(now)
    if agency_ids is not None:
        late &= Dossier.agency.is_in(list(agency_ids))
    rows = await Dossier.select(
        Dossier.id, Dossier.code, Dossier.status, Dossier.agency,
        Dossier.agency.name.as_alias("agency_name"),
        Dossier.procedure.name.as_alias("procedure_name"),
        Dossier.assignee, Dossier.assignee.full_name.as_alias("assignee_name"),
        Dossier.received_at, Dossier.due_at,
    ).where(late).order_by(Dossier.due_at).order_by(Dossier.id)
    if not rows:
        return []
    apologised = {
        (row["dossier"], row["previous_due_at"])
        for row in await DossierApology.select(
            DossierApology.dossier, DossierApology.previous_due_at
        ).where(DossierApology.dossier.is_in(Dossier.select(Dossier.id).where(late)))
    }
    return [row for row in rows if (row["id"], row["due_at"]) not in apologised]


__all__ = [
    "DUE_SOON", "OVERDUE", "RUNNING_STATUSES", "candidates", "due_soon_horizon",
    "overdue_without_apology", "recorded_alerts", "watch_deadlines",
]

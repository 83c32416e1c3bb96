"""Recomputing the due dates of open dossiers after the working calendar changed.

Only dossiers whose clock runs and whose legal due moment is on or after the first day the
change touches can move: a deadline depends on the calendar only up to itself. A dossier
with an apology keeps the new appointment promised in writing (form 04); the law's date
no longer binds it. Paused dossiers get their due date recomputed when they resume.

Each moved dossier gets, in the same transaction, its new `due_at`, a `due_recomputed`
event saying why (old and new appointment), an audit entry and a held notice to the
applicant (`app.calendar.due_notices`: told at the end of the day, only if the date then
still differs). Work is done in batches of short transactions so counters are never
blocked for long; a rerun finds nothing left to move, so the task may be retried safely.
`preview` runs the same selection against a proposed calendar without writing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from piccolo.columns.combination import WhereRaw

from app.audit import service as audit
from app.calendar.deadlines import deadline
from app.calendar.due_notices import hold, told_appointments
from app.calendar.logic import WorkingCalendar
from app.calendar.service import current_calendar
from app.catalog.tables import Procedure
from app.db import write_transaction
from app.dossiers.tables import Dossier, DossierEvent, DossierPause
from app.formatting import LOCAL_TZ, format_datetime, now_utc
from app.integrations import dossier_changes
from app.notifications.api import recipient_count
from app.workflow.watch import _clock_runs

EVENT = "due_recomputed"
BATCH = 200
NO_APOLOGY = "NOT EXISTS (SELECT 1 FROM dossier_apology a WHERE a.dossier = dossier.id)"


async def _new_due(row: dict, limits: dict[int, tuple], calendar: WorkingCalendar) -> datetime:
    if row["procedure"] not in limits:
        limit = await Procedure.select(
            Procedure.time_limit_amount, Procedure.time_limit_unit
        ).where(Procedure.id == row["procedure"]).first()
        limits[row["procedure"]] = (limit["time_limit_amount"], limit["time_limit_unit"])
    amount, unit = limits[row["procedure"]]
    pauses = await DossierPause.select(DossierPause.started_at, DossierPause.ended_at).where(
        (DossierPause.dossier == row["id"]) & DossierPause.ended_at.is_not_null())
    return deadline(row["received_at"], amount, unit,
                    pauses=[(p["started_at"], p["ended_at"]) for p in pauses],
                    calendar=calendar)


def _candidates(since: date):
    since_moment = datetime.combine(since, time.min, LOCAL_TZ)
    return (_clock_runs() & Dossier.received_at.is_not_null()
            & (Dossier.due_at >= since_moment) & WhereRaw(NO_APOLOGY))


@dataclass(frozen=True)
class Preview:
    """What a calendar change would do: dossiers whose appointment moves, messages the
    applicants would get at the end of the day, and a few examples (code, old, new)."""

    moving: int
    messages: int
    examples: list[tuple[str, datetime, datetime]]


async def preview(since: date, calendar: WorkingCalendar, examples: int = 10) -> Preview:
    """The effect of `calendar` (the proposed one) on open dossiers, writing nothing. A
    dossier moving back to the appointment it was last told costs no message."""
    limits: dict[int, tuple] = {}
    moving: list[tuple[dict, datetime]] = []
    last_id = 0
    while True:
        rows = await Dossier.select(
            Dossier.id, Dossier.code, Dossier.procedure, Dossier.received_at, Dossier.due_at,
            Dossier.applicant_phone, Dossier.applicant.phone.as_alias("account_phone"),
            Dossier.applicant.email.as_alias("email"),
        ).where(_candidates(since) & (Dossier.id > last_id)).order_by(Dossier.id).limit(BATCH)
        if not rows:
            break
        last_id = rows[-1]["id"]
        for row in rows:
            new_due = await _new_due(row, limits, calendar)
            if new_due != row["due_at"]:
                moving.append((row, new_due))
    told = await told_appointments([row["id"] for row, _ in moving])
    messages = sum(recipient_count(row["applicant_phone"] or row["account_phone"], row["email"])
                   for row, new_due in moving if new_due != told.get(row["id"], row["due_at"]))
    return Preview(len(moving), messages, [(row["code"], row["due_at"], new_due)
                                           for row, new_due in moving[:examples]])


async def recompute_open_due_dates(reason: str, since: date, actor_id: int | None = None
                                   ) -> dict[str, int]:
    """Move the due dates the calendar change affects; returns {"checked", "moved"}."""
    where = _candidates(since)
    limits: dict[int, tuple] = {}
    checked = moved = last_id = 0
    while True:
        rows = await Dossier.select(
            Dossier.id, Dossier.procedure, Dossier.received_at, Dossier.due_at, Dossier.status,
        ).where(where & (Dossier.id > last_id)).order_by(Dossier.id).limit(BATCH)
        if not rows:
            return {"checked": checked, "moved": moved}
        last_id = rows[-1]["id"]
        checked += len(rows)
        async with write_transaction():
            # Read the calendar under the write lock: a second change made meanwhile is
            # then either fully seen here or recomputed by its own task.
            calendar = await current_calendar()
            for row in rows:
                new_due = await _new_due(row, limits, calendar)
                if new_due == row["due_at"]:
                    continue
                moved += 1
                await _record(row, new_due, reason, actor_id)


async def _record(row: dict, new_due: datetime, reason: str, actor_id: int | None) -> None:
    await Dossier.update({Dossier.due_at: new_due}).where(
        (Dossier.id == row["id"]) & (Dossier.due_at == row["due_at"]))
    comment = (f"Lịch làm việc thay đổi ({reason}): hẹn trả kết quả "
               f"{format_datetime(row['due_at'])} → {format_datetime(new_due)}")
    event = DossierEvent(dossier=row["id"], at=now_utc(), actor=actor_id, action=EVENT,
                         from_status=row["status"], to_status=row["status"],
                         comment=comment[:2000])
    await event.save()
    await hold(row["id"], row["due_at"], event.at)
    await dossier_changes.queue(row["id"])  # the portal's NgayHenTra moves too
    await audit.record(f"dossier.{EVENT}", "dossier", row["id"], {
        "reason": reason, "old_due_at": row["due_at"].isoformat(),
        "new_due_at": new_due.isoformat()}, actor_id=actor_id)

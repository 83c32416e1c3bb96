"""Recomputing the due dates of open dossiers after the working calendar changed.

Only dossiers whose clock runs and whose legal due moment is on or after the first day the
change touches can move: a deadline depends on the calendar only up to itself. A dossier
with an apology keeps the new appointment promised in writing (form 04); the law's date
no longer binds it. Paused dossiers get their due date recomputed when they resume.

Each moved dossier gets, in the same transaction, its new `due_at`, a `due_recomputed`
event saying why (old and new appointment) and an audit entry. Work is done in batches of
short transactions so counters are never blocked for long; a rerun finds nothing left to
move, so the task may be retried safely.
"""

from __future__ import annotations

from datetime import date, datetime, time

from piccolo.columns.combination import WhereRaw

from app.audit import service as audit
from app.calendar.deadlines import deadline
from app.calendar.logic import WorkingCalendar
from app.calendar.service import current_calendar
from app.catalog.tables import Procedure
from app.db import write_transaction
from app.dossiers.tables import Dossier, DossierEvent, DossierPause
from app.formatting import LOCAL_TZ, format_datetime, now_utc
from app.integrations import dossier_changes
from app.notifications.api import schedule_delivery
from app.workflow.notices import notify_due_recomputed
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


async def recompute_open_due_dates(reason: str, since: date, actor_id: int | None = None
                                   ) -> dict[str, int]:
    """Move the due dates the calendar change affects; returns {"checked", "moved"}."""
    since_moment = datetime.combine(since, time.min, LOCAL_TZ)
    where = (_clock_runs() & Dossier.received_at.is_not_null()
             & (Dossier.due_at >= since_moment) & WhereRaw(NO_APOLOGY))
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
        moved_before = moved
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
        if moved > moved_before:
            schedule_delivery()


async def _record(row: dict, new_due: datetime, reason: str, actor_id: int | None) -> None:
    await Dossier.update({Dossier.due_at: new_due}).where(
        (Dossier.id == row["id"]) & (Dossier.due_at == row["due_at"]))
    comment = (f"Lịch làm việc thay đổi ({reason}): hẹn trả kết quả "
               f"{format_datetime(row['due_at'])} → {format_datetime(new_due)}")
    event = DossierEvent(dossier=row["id"], at=now_utc(), actor=actor_id, action=EVENT,
                         from_status=row["status"], to_status=row["status"],
                         comment=comment[:2000])
    await event.save()
    await notify_due_recomputed(row["id"], event.id)
    await dossier_changes.queue(row["id"])  # the portal's NgayHenTra moves too
    await audit.record(f"dossier.{EVENT}", "dossier", row["id"], {
        "reason": reason, "old_due_at": row["due_at"].isoformat(),
        "new_due_at": new_due.isoformat()}, actor_id=actor_id)

"""Telling applicants that a calendar change moved their appointment, once the day is over.

Issue #16: adding and then deleting one day off sent 35 + 12 SMS. A recomputed appointment
is therefore not announced at once: the recomputation `hold`s a `DueNotice` remembering
the appointment the applicant was last told, and the periodic `send_due_notices` (every
few minutes) sends, from the end of the office day (`MOTCUA_DUE_NOTICE_TIME`, default
16:30 local), only where the appointment still differs from that. An undo the same day
leaves nothing to say; a dossier finished, or given an apology with its own letter,
meanwhile is not told either. Each send or drop is one transaction with its audit entry.
"""

from __future__ import annotations

import os
from datetime import datetime, time, timedelta

from app.audit import service as audit
from app.calendar.tables import DueNotice
from app.db import write_transaction
from app.dossiers.logic import OPEN_STATUSES
from app.dossiers.tables import Dossier, DossierApology, DossierEvent
from app.formatting import LOCAL_TZ, now_utc, to_local
from app.notifications.api import schedule_delivery
from app.workflow.notices import notify_due_recomputed

BATCH = 200
DEFAULT_SEND_AT = time(16, 30)


def send_at() -> time:
    """The local time notices of the day go out (MOTCUA_DUE_NOTICE_TIME, "HH:MM")."""
    try:
        return time.fromisoformat(os.environ.get("MOTCUA_DUE_NOTICE_TIME", "") or "x")
    except ValueError:
        return DEFAULT_SEND_AT


def notice_moment(now: datetime, at: time) -> datetime:
    """The first `at` (local) not before `now`: today's, or tomorrow's when it has passed,
    so a change and its undo on the same office day fall in the same batch."""
    local = to_local(now)
    moment = datetime.combine(local.date(), at, LOCAL_TZ)
    return moment if moment >= local else moment + timedelta(days=1)


async def hold(dossier_id: int, previous_due: datetime, now: datetime) -> None:
    """Inside the recomputation's transaction: remember what the applicant was told (the
    appointment before the first change not yet announced) and when to tell them."""
    send = notice_moment(now, send_at())
    pending = await DueNotice.select(DueNotice.id).where(DueNotice.dossier == dossier_id).first()
    if pending is None:
        await DueNotice(dossier=dossier_id, told_due_at=previous_due, changed_at=now,
                        send_after=send).save()
    else:
        await DueNotice.update({DueNotice.send_after: send, DueNotice.changed_at: now}).where(
            DueNotice.id == pending["id"])


async def told_appointments(dossier_ids: list[int]) -> dict[int, datetime]:
    """For a preview: the appointment last told to each dossier still waiting for a notice."""
    found: dict[int, datetime] = {}
    for start in range(0, len(dossier_ids), BATCH):
        rows = await DueNotice.select(DueNotice.dossier, DueNotice.told_due_at).where(
            DueNotice.dossier.is_in(dossier_ids[start:start + BATCH]))
        found.update({row["dossier"]: row["told_due_at"] for row in rows})
    return found


async def _settle(notice_id: int) -> str | None:
    """Send or drop one notice: "sent", "dropped", or None if another run settled it."""
    async with write_transaction():
        notice = await DueNotice.select().where(DueNotice.id == notice_id).first()
        if notice is None:
            return None
        dossier = await Dossier.select(Dossier.due_at, Dossier.status).where(
            Dossier.id == notice["dossier"]).first()
        apologised = await DossierApology.exists().where(
            (DossierApology.dossier == notice["dossier"])
            & (DossierApology.created_at >= notice["changed_at"]))
        moved = (dossier["due_at"] != notice["told_due_at"] and not apologised
                 and dossier["status"] in {s.value for s in OPEN_STATUSES})
        await DueNotice.delete().where(DueNotice.id == notice_id)
        if moved:
            event = await DossierEvent.select(DossierEvent.id).where(
                (DossierEvent.dossier == notice["dossier"])
                & (DossierEvent.action == "due_recomputed")).order_by(
                DossierEvent.id, ascending=False).first()
            await notify_due_recomputed(notice["dossier"], event["id"] if event else notice_id)
        await audit.record("dossier.due_notice_sent" if moved else "dossier.due_notice_dropped",
                           "dossier", notice["dossier"], {
                               "told_due_at": notice["told_due_at"].isoformat(),
                               "due_at": dossier["due_at"].isoformat()
                               if dossier["due_at"] else None})
    return "sent" if moved else "dropped"


async def send_due_notices(now: datetime | None = None) -> dict[str, int]:
    """Settle every notice whose time has come: {"sent", "dropped"}. Safe to rerun."""
    now = now or now_utc()
    counts = {"sent": 0, "dropped": 0}
    while True:
        ids = [row["id"] for row in await DueNotice.select(DueNotice.id).where(
            DueNotice.send_after <= now).order_by(DueNotice.id).limit(BATCH)]
        if not ids:
            break
        for notice_id in ids:
            outcome = await _settle(notice_id)
            if outcome is not None:
                counts[outcome] += 1
    if counts["sent"]:
        schedule_delivery()
    return counts

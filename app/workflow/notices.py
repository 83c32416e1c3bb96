"""Applicant messages the workflow sends outside `perform`.

Moves made through `perform` are announced by `app.notifications.workflow`; a due date
moved by a calendar change is not such a move, so it is announced here.
"""

from __future__ import annotations

from app.notifications.api import Event, notify_applicant


async def notify_due_recomputed(dossier_id: int, event_id: int) -> int:
    """The calendar changed and the appointment moved (the new date is on the dossier)."""
    return await notify_applicant(dossier_id, Event.DUE_RECOMPUTED, occurrence=str(event_id))

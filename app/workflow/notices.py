"""Which workflow moves tell the applicant, and with what. One place for all of them.

`perform` calls `notify_for` inside the transaction that makes the move, so the message
exists exactly when the move does; the state machine already says which transitions
notify the applicant (`Effect.NOTIFY_APPLICANT`), this maps them to notification events.
The dossier event's id is the occurrence: a second supplement request is a second message.
"""

from __future__ import annotations

from app.notifications.api import Event, notify_applicant
from app.workflow.logic import Effect, Transition

# transition.event -> notification event
EVENTS = {
    "accepted": Event.RECEIVED,
    "supplement_requested": Event.SUPPLEMENT_REQUESTED,
    "reception_refused": Event.REFUSED,
    "refused": Event.REFUSED,
    "redirected": Event.REFUSED,  # the reason names the competent agency
    "apology_recorded": Event.LATE_APOLOGY,
    "processing_finished": Event.RESULT_READY,
    "result_returned": Event.RETURNED,
    "stopped": Event.STOPPED,
    "withdrawn": Event.STOPPED,
}


async def notify_for(transition: Transition, dossier_id: int, event_id: int,
                     reason: str) -> int:
    """Queue the applicant's message for this move, if it has one; messages queued."""
    if Effect.NOTIFY_APPLICANT not in transition.effects:
        return 0
    event = EVENTS.get(transition.event)
    if event is None:
        return 0
    values = {"reason": reason} if reason else {}
    if event == Event.STOPPED and not reason:
        values["reason"] = "Theo yêu cầu rút hồ sơ của người nộp"
    return await notify_applicant(dossier_id, event, values=values, occurrence=str(event_id))


async def notify_due_recomputed(dossier_id: int, event_id: int) -> int:
    """The calendar changed and the appointment moved (the new date is on the dossier)."""
    return await notify_applicant(dossier_id, Event.DUE_RECOMPUTED, occurrence=str(event_id))

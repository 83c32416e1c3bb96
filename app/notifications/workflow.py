"""Which workflow transitions tell the applicant what, and with which values.

Called by `app.workflow.service.perform` inside its transaction, so the message is queued
exactly when the dossier changes. Only transitions carrying `Effect.NOTIFY_APPLICANT` are
considered; the rating invitation (`Effect.INVITE_RATING`) belongs to the feedback area.
"""

from __future__ import annotations

from typing import Any

from app.dossiers.logic import Status
from app.notifications.api import notify_applicant
from app.notifications.logic import Event
from app.notifications.staff import close_apology_tasks
from app.workflow.logic import Action, Effect, Transition


def event_for(transition: Transition) -> Event | None:
    """The applicant's notice for a transition, or None (pure)."""
    if Effect.NOTIFY_APPLICANT not in transition.effects:
        return None
    action = transition.action
    if action == Action.FORWARD:
        return Event.RESULT_READY if transition.status == Status.PROCESSED else None
    return {
        Action.ACCEPT: Event.RECEIVED,
        Action.REQUEST_SUPPLEMENT: Event.SUPPLEMENT_REQUESTED,
        Action.REFUSE: Event.REFUSED,
        Action.REDIRECT: Event.REFUSED,
        Action.RECORD_APOLOGY: Event.LATE_APOLOGY,
        Action.RETURN_RESULT: Event.RETURNED,
        Action.STOP: Event.STOPPED,
        Action.ACCEPT_WITHDRAWAL: Event.STOPPED,
    }.get(action)


def reason_for(transition: Transition, params: dict[str, Any]) -> str:
    reason = str(params.get("reason") or params.get("comment") or "").strip()
    if transition.action == Action.REDIRECT:
        # The counter already writes the guidance ("Hướng dẫn nộp hồ sơ tại: …") as reason.
        target = str(transition.details.get("target_agency_name") or "").strip()
        where = reason or (f"Đề nghị nộp tại {target}." if target else "")
        return f"Không thuộc thẩm quyền giải quyết. {where}".strip()
    if transition.action == Action.ACCEPT_WITHDRAWAL and not reason:
        return "Theo yêu cầu rút hồ sơ của người nộp."
    return reason


async def notify_transition(dossier_id: int, transition: Transition,
                            params: dict[str, Any]) -> int:
    """Queue the applicant's notice for `transition`; returns messages queued. The event
    time tells repeated actions apart (a second supplement request is a new message).
    Recording an apology also closes the staff's apology task for the missed appointment."""
    if transition.action == Action.RECORD_APOLOGY:
        await close_apology_tasks(dossier_id, transition.details.get("old_due_at"),
                                  transition.at)
    event = event_for(transition)
    if event is None:
        return 0
    return await notify_applicant(
        dossier_id, event, values={"reason": reason_for(transition, params)},
        occurrence=f"{transition.event}@{transition.at.isoformat()}")

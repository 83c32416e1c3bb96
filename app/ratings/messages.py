"""The rating invitation, through the one notification seam (app.notifications.api)."""

from __future__ import annotations


async def send_rating_invite(dossier_id: int, path: str) -> int:
    from app.notifications.api import Event, notify_applicant
    from app.notifications.config import notify_settings

    return await notify_applicant(dossier_id, Event.RATING_INVITE,
                                  values={"link": notify_settings().public_url + path})

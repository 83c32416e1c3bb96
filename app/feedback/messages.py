"""Messages of the feedback area, through the one notification seam."""

from __future__ import annotations


async def send_answered(row: dict, path: str) -> int:
    """Tell the submitter the answer is ready (in the caller's transaction)."""
    from app.notifications.api import Event, notify_contact
    from app.notifications.config import notify_settings

    return await notify_contact(
        Event.FEEDBACK_ANSWERED, phone=row["submitter_phone"] or None,
        email=row["submitter_email"] or None, occurrence=f"feedback:{row['id']}",
        values={"code": row["code"], "name": row["submitter_name"],
                "link": notify_settings().public_url + path})


async def send_code(phone: str, code: str, occurrence: str) -> int:
    """The one-time code proving the submitter holds the phone (SMS only)."""
    from app.notifications.api import Event, notify_contact

    return await notify_contact(Event.VERIFY_CODE, phone=phone, values={"code": code},
                                occurrence=occurrence)


def schedule_delivery() -> None:
    from app.notifications.api import schedule_delivery as schedule

    schedule()

"""Messages of the internal procedures, through the one notification seam
(app.notifications.api, owned by the notify area). One small function per message."""

from __future__ import annotations


async def send_set_password_link(*, user_id: int, full_name: str, email: str, phone: str,
                                 path: str) -> int:
    """Queue the one-time set-password link (never a password) in the caller's
    transaction; the number of messages queued. Each link is its own occurrence."""
    from app.notifications.api import Event, notify_contact
    from app.notifications.config import notify_settings

    return await notify_contact(
        Event.SET_PASSWORD, email=email or None, phone=phone or None,
        values={"name": full_name, "link": notify_settings().public_url + path},
        occurrence=f"user:{user_id}:{path[-12:]}")


def schedule_delivery() -> None:
    from app.notifications.api import schedule_delivery as schedule

    schedule()

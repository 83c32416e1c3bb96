"""Admin-edited templates: read the saved text of a slot, save a validated one."""

from __future__ import annotations

from app.audit import service as audit
from app.db import write_transaction
from app.formatting import now_utc
from app.notifications.logic import Channel, Event, Template, validate_template
from app.notifications.tables import NotificationTemplate


def slot(event: Event, channel: Channel) -> str:
    return f"{event.value}:{channel.value}"


async def saved_template(event: Event, channel: Channel) -> Template | None:
    row = await NotificationTemplate.select(
        NotificationTemplate.subject, NotificationTemplate.body
    ).where(NotificationTemplate.slot == slot(event, channel)).first()
    return Template(row["body"], row["subject"]) if row else None


async def save_template(event: Event, channel: Channel, body: str, subject: str,
                        user_id: int) -> list[str]:
    """Validate and save; returns the Vietnamese problems (nothing saved) or []."""
    body, subject = body.replace("\r\n", "\n").strip(), subject.strip()
    problems = validate_template(channel, body, subject)
    if problems:
        return problems
    key, now = slot(event, channel), now_utc()
    async with write_transaction():
        existing = await NotificationTemplate.exists().where(NotificationTemplate.slot == key)
        if existing:
            await NotificationTemplate.update({
                NotificationTemplate.body: body, NotificationTemplate.subject: subject,
                NotificationTemplate.updated_at: now, NotificationTemplate.updated_by: user_id,
            }).where(NotificationTemplate.slot == key)
        else:
            await NotificationTemplate(slot=key, body=body, subject=subject, updated_at=now,
                                       updated_by=user_id).save()
        await audit.record("notification.template_saved", "notification_template", key,
                           {"body": body, "subject": subject}, actor_id=user_id)
    return []


async def reset_template(event: Event, channel: Channel, user_id: int) -> None:
    """Go back to the built-in text."""
    key = slot(event, channel)
    async with write_transaction():
        await NotificationTemplate.delete().where(NotificationTemplate.slot == key)
        await audit.record("notification.template_reset", "notification_template", key, {},
                           actor_id=user_id)

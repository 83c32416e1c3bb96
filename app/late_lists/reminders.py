"""Reminding the provincial admins of a late list still waiting for their approval on the
4th and the 5th (`logic.reminds_on`), through the one notification path: each active
provincial admin's e-mail and phone channels, once a day per list (the occurrence names
the day, so the hourly job queues nothing more the same day). Queued in one transaction
with its audit entry; delivered by the worker after the commit."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from app.accounts.roles import Role
from app.accounts.tables import User
from app.audit import service as audit
from app.db import write_transaction
from app.formatting import format_date
from app.late_lists import logic
from app.late_lists.tables import LateList
from app.notifications.api import Event, notify_contact, schedule_delivery
from app.notifications.config import notify_settings

log = logging.getLogger(__name__)


async def _send(admin: dict, row: dict, today: date) -> int:
    return await notify_contact(
        Event.LATE_LIST_PENDING, email=admin["email"] or None, phone=admin["phone"] or None,
        occurrence=f"late_list:{row['id']}:{today.isoformat()}",
        values={"name": admin["full_name"], "month": f"{row['month']}/{row['year']}",
                "due_date": format_date(row["publish_by"]),
                "link": f"{notify_settings().public_url}{logic.ADMIN_PATH}/{row['id']}"})


async def remind(today: date) -> int:
    """Queue today's reminders for every draft due in public today or tomorrow; how many
    messages were queued (0 when they were already queued today)."""
    drafts = [r for r in await LateList.select().where(
        (LateList.status == "draft") & LateList.publish_by.is_in(
            [today, today + timedelta(days=logic.REMIND_DAYS_BEFORE)]))
        if logic.reminds_on(today, r["publish_by"], r["status"])]
    if not drafts:
        return 0
    admins = await User.select(User.id, User.full_name, User.email, User.phone).where(
        (User.role == Role.PROVINCIAL_ADMIN.value) & User.active.eq(True))
    queued = 0
    async with write_transaction():
        for row in drafts:
            sent = sum([await _send(admin, row, today) for admin in admins])
            if sent:
                await audit.record("late_list.reminded", "late_list", row["id"], {
                    "day": today.isoformat(), "admins": len(admins), "messages": sent})
            queued += sent
    if queued:
        schedule_delivery()
    elif not any(a["email"] or a["phone"] for a in admins):
        log.warning("late list %s awaits approval but no active provincial admin has an "
                    "e-mail or phone to be reminded at", [r["id"] for r in drafts])
    return queued

"""Staff work on the outbox: the list of messages that could not be sent, and resending.

Scope follows the dossiers a user may see (app.dossiers.service.visible_to); messages to
contacts without a dossier (new accounts, SMS lookups) are for province-wide roles only.
"""

from __future__ import annotations

from app.accounts.service import CurrentUser
from app.audit import service as audit
from app.db import write_transaction
from app.dossiers.service import visible_to
from app.dossiers.tables import Dossier
from app.formatting import now_utc
from app.notifications.api import schedule_delivery
from app.notifications.logic import (
    CHANNEL_LABELS,
    EVENT_LABELS,
    STATUS_LABELS,
    Channel,
    Event,
    Status,
)
from app.notifications.tables import OutboxMessage

FAILED = (Status.PERMANENT_FAILURE.value, Status.TEMPORARY_FAILURE.value)
PAGE_SIZE = 50
# Bodies that carry a secret link or code are never shown to staff (a password link or a
# password-reset code is an account; a phone code lets anyone file feedback as that phone).
HIDDEN_BODIES = {Event.SET_PASSWORD.value: "(Nội dung ẩn vì chứa đường dẫn đặt mật khẩu.)",
                 Event.PASSWORD_RESET_CODE.value: "(Nội dung ẩn vì chứa mã đặt lại mật khẩu.)",
                 Event.VERIFY_CODE.value: "(Nội dung ẩn vì chứa mã xác thực số điện thoại.)"}


def _in_scope(user: CurrentUser):
    if user.role.sees_whole_province:
        return OutboxMessage.id.is_not_null()
    return OutboxMessage.dossier.is_in(Dossier.select(Dossier.id).where(visible_to(user)))


async def failed_messages(user: CurrentUser, *, only_permanent: bool) -> tuple[list[dict], int]:
    """Failed messages in scope, newest first; (first page, total)."""
    statuses = [Status.PERMANENT_FAILURE.value] if only_permanent else list(FAILED)
    where = OutboxMessage.status.is_in(statuses) & _in_scope(user)
    total = await OutboxMessage.count().where(where)
    rows = await OutboxMessage.select(
        OutboxMessage.id, OutboxMessage.event, OutboxMessage.channel, OutboxMessage.recipient,
        OutboxMessage.body, OutboxMessage.status, OutboxMessage.attempts,
        OutboxMessage.last_error, OutboxMessage.created_at, OutboxMessage.next_attempt_at,
        OutboxMessage.dossier, OutboxMessage.dossier.code.as_alias("dossier_code"),
    ).where(where).order_by(OutboxMessage.id, ascending=False).limit(PAGE_SIZE)
    for row in rows:
        row["event_label"] = EVENT_LABELS.get(Event(row["event"]), row["event"])
        row["channel_label"] = CHANNEL_LABELS[Channel(row["channel"])]
        row["status_label"] = STATUS_LABELS[Status(row["status"])]
        row["body"] = HIDDEN_BODIES.get(row["event"], row["body"])
    return rows, total


async def resend(message_id: int, user: CurrentUser) -> bool:
    """Queue a failed message again from the start (attempts reset); False if it is not a
    failed message this user may see. The old reason stays in the audit log."""
    async with write_transaction():
        row = await OutboxMessage.select(
            OutboxMessage.id, OutboxMessage.last_error, OutboxMessage.attempts
        ).where((OutboxMessage.id == message_id) & OutboxMessage.status.is_in(list(FAILED))
                & _in_scope(user)).first()
        if row is None:
            return False
        await OutboxMessage.update({
            OutboxMessage.status: Status.CREATED.value, OutboxMessage.attempts: 0,
            OutboxMessage.next_attempt_at: now_utc(), OutboxMessage.claimed_at: None,
            OutboxMessage.last_error: "",
        }).where(OutboxMessage.id == message_id)
        await audit.record("notification.resent", "outbox_message", message_id,
                           {"previous_error": row["last_error"], "attempts": row["attempts"]},
                           actor_id=user.id)
    schedule_delivery()
    return True

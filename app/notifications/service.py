"""Outbox work with the database: queue messages, claim them, record what the provider said.

Queuing runs inside the caller's transaction (the state change and its messages commit
together). Delivery claims a batch in one short transaction, sends with no transaction
open (a slow gateway must not hold SQLite's write lock), then records each outcome in its
own short transaction. A worker that dies mid-send leaves messages in `sending`; the next
run reclaims them after `stuck_after_seconds`, and the provider reference (our key) lets the
gateway drop the duplicate.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from app.audit import service as audit
from app.db import write_transaction
from app.formatting import now_utc
from app.notifications.config import notify_settings
from app.notifications.logic import (
    Channel,
    Event,
    Status,
    default_template,
    gives_up,
    idempotency_key,
    next_attempt,
    render_message,
)
from app.notifications.providers import Outcome, Outgoing, Provider, permanent, providers_for
from app.notifications.tables import OutboxMessage

log = logging.getLogger(__name__)

DUE = (Status.CREATED.value, Status.TEMPORARY_FAILURE.value)


async def template_for(event: Event, channel: Channel):
    """The admin's edited text if there is one, else the built-in one."""
    from app.notifications.templates import saved_template

    return await saved_template(event, channel) or default_template(event, channel)


async def queue(scope: str, event: Event, recipients: list[tuple[Channel, str]],
                values: dict[str, str], occurrence: str, dossier_id: int | None) -> int:
    """Write one outbox row per (channel, recipient) not queued before; returns rows added.
    Opens a write transaction only if the caller has none (nested calls join theirs)."""
    now = now_utc()
    rows = []
    for channel, recipient in recipients:
        text = render_message(await template_for(event, channel), channel, values)
        rows.append(OutboxMessage(
            idempotency_key=idempotency_key(scope, event, occurrence, recipient, channel),
            event=event.value, channel=channel.value, recipient=recipient,
            subject=text.subject[:300], body=text.body, status=Status.CREATED.value,
            dossier=dossier_id, attempts=0, next_attempt_at=now, created_at=now))
    if not rows:
        return 0
    async with write_transaction():
        added = await OutboxMessage.insert(*rows).on_conflict(action="DO NOTHING")
    return len(added)


async def claim(now: datetime, limit: int, stuck_after: timedelta) -> list[dict]:
    """Mark up to `limit` due messages `sending` and return them. Due: created or
    temporarily failed with next_attempt_at reached, or stuck in `sending` too long."""
    condition = (OutboxMessage.status.is_in(list(DUE)) & (OutboxMessage.next_attempt_at <= now)) | (
        (OutboxMessage.status == Status.SENDING.value)
        & (OutboxMessage.claimed_at <= now - stuck_after))
    async with write_transaction():
        rows = await OutboxMessage.select().where(condition).order_by(
            OutboxMessage.next_attempt_at).limit(limit)
        if not rows:
            return []
        await OutboxMessage.update({
            OutboxMessage.status: Status.SENDING.value, OutboxMessage.claimed_at: now,
            OutboxMessage.attempts: OutboxMessage.attempts + 1,
        }).where(OutboxMessage.id.is_in([row["id"] for row in rows]))
    return [{**row, "attempts": row["attempts"] + 1, "claimed_at": now} for row in rows]


async def record(row: dict, outcome: Outcome, now: datetime) -> Status:
    """Store the outcome, unless another run reclaimed the message meanwhile (its claim
    time changed): the newer claim decides."""
    values: dict = {OutboxMessage.last_error: outcome.reason}
    status = outcome.status
    if status == Status.DELIVERED:
        values.update({OutboxMessage.delivered_at: now,
                       OutboxMessage.provider_ref: outcome.provider_ref[:100]})
    elif status == Status.TEMPORARY_FAILURE and gives_up(row["attempts"]):
        status = Status.PERMANENT_FAILURE
        values[OutboxMessage.last_error] = (
            f"Không gửi được sau {row['attempts']} lần thử. Lần cuối: {outcome.reason}")
    elif status == Status.TEMPORARY_FAILURE:
        values[OutboxMessage.next_attempt_at] = next_attempt(now, row["attempts"])
    values[OutboxMessage.status] = status.value
    async with write_transaction():
        changed = await OutboxMessage.update(values).where(
            (OutboxMessage.id == row["id"]) & (OutboxMessage.status == Status.SENDING.value)
            & (OutboxMessage.claimed_at == row["claimed_at"])).returning(OutboxMessage.id)
        if changed and status == Status.PERMANENT_FAILURE:
            await audit.record("notification.failed", "outbox_message", row["id"],
                               {"channel": row["channel"], "reason": values[
                                   OutboxMessage.last_error]})
    return status


async def send_one(row: dict, provider: Provider) -> Outcome:
    message = Outgoing(reference=row["idempotency_key"], channel=Channel(row["channel"]),
                       recipient=row["recipient"], subject=row["subject"], body=row["body"])
    try:
        return await provider.send(message)
    except Exception as error:  # a provider bug must not lose the message: retry later
        log.exception("provider error for outbox message %s", row["id"])
        from app.notifications.providers import temporary

        return temporary(f"Lỗi khi gửi: {type(error).__name__}.")


async def deliver_pending(now: datetime | None = None, *, limit: int = 50,
                          providers: dict[Channel, Provider] | None = None,
                          max_batches: int = 20) -> dict[str, int]:
    """Deliver what is due; returns counts per resulting status."""
    settings = notify_settings()
    providers = providers or providers_for(settings)
    stuck_after = timedelta(seconds=settings.stuck_after_seconds)
    counts = {status.value: 0 for status in
              (Status.DELIVERED, Status.TEMPORARY_FAILURE, Status.PERMANENT_FAILURE)}
    for _ in range(max_batches):
        moment = now or now_utc()
        rows = await claim(moment, limit, stuck_after)
        for row in rows:
            if gives_up(row["attempts"] - 1) and row["status"] == Status.SENDING.value:
                outcome = permanent("Không xác nhận được việc gửi sau nhiều lần thử.")
            else:
                outcome = await send_one(row, providers[Channel(row["channel"])])
            counts[(await record(row, outcome, now or now_utc())).value] += 1
        if len(rows) < limit:
            break
    return counts

"""The partner outbox: queue a delivery in the caller's transaction, deliver it later in
order per subject, record what the partner said.

    version = await outbox.queue("dvcqg", "dvcqg.dossier", f"dossier:{id}", payload,
                                 dossier_id=id, agency_id=agency)   # inside the change's txn

A kind registers its sender with `@sends("kind")` (and optionally what to write when a
delivery succeeds, in the same transaction as the outcome). Delivery claims a batch in one
short IMMEDIATE transaction (only the lowest undelivered version of each subject, so two
workers never send two versions of one dossier at once), calls the partners with no
transaction open, then writes every outcome and call-log row in one transaction.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from app.audit import service as audit
from app.db import after_commit, write_transaction
from app.formatting import now_utc
from app.integrations.calls import PartnerUnavailable, save_log
from app.integrations.config import call_settings
from app.integrations.logic import (
    Delivery,
    Result,
    as_json,
    backoff,
    deliverable,
    gives_up,
    permanent,
    temporary,
)
from app.integrations.tables import PartnerOutbox
from app.jobs.logic import is_transient

log = logging.getLogger(__name__)

Sender = Callable[[dict, list], Awaitable[Result]]
OnDelivered = Callable[[dict, Result], Awaitable[None]]
SENDERS: dict[str, Sender] = {}
ON_DELIVERED: dict[str, OnDelivered] = {}
PARALLEL = 8  # calls in flight per batch (each to a different subject)


def sends(kind: str, on_delivered: OnDelivered | None = None):
    """Register the sender of a kind: `async def send(row, collect) -> Result`, where
    `collect` gathers the call-log rows of the batch."""
    def register(fn: Sender) -> Sender:
        SENDERS[kind] = fn
        if on_delivered is not None:
            ON_DELIVERED[kind] = on_delivered
        return fn
    return register


def digest_of(payload: dict) -> str:
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                           default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def last_version(kind: str, subject: str) -> dict | None:
    return await PartnerOutbox.select(PartnerOutbox.version, PartnerOutbox.digest).where(
        (PartnerOutbox.kind == kind) & (PartnerOutbox.subject == subject)).order_by(
        PartnerOutbox.version, ascending=False).first()


async def queue(partner: str, kind: str, subject: str, payload: dict, *,
                dossier_id: int | None = None, agency_id: int | None = None,
                version: int | None = None, now: datetime | None = None) -> int | None:
    """Queue `payload` as the next version of `subject` (or as `version`), unless it is
    the same as the last one queued; returns the version, or None when nothing was added.
    Joins the caller's write transaction; delivery is asked for after it commits."""
    digest = digest_of(payload)
    moment = now or now_utc()
    async with write_transaction():
        last = await last_version(kind, subject)
        if version is None:
            if last is not None and last["digest"] == digest:
                return None
            version = (last["version"] if last else 0) + 1
        added = await PartnerOutbox.insert(PartnerOutbox(
            key=f"{kind}:{subject}:{version}"[:160], partner=partner, kind=kind,
            subject=subject, version=version, payload=payload, digest=digest,
            status=Delivery.PENDING.value, next_attempt_at=moment, created_at=moment,
            dossier=dossier_id, agency=agency_id)).on_conflict(action="DO NOTHING")
    if not added:
        return None
    after_commit(schedule_delivery)
    return version


_SCHEDULED: list[float] = [float("-inf")]  # monotonic time of the last run asked for
COALESCE_SECONDS = 0.5


def schedule_delivery() -> None:
    """Ask the worker to deliver soon; never raises (the periodic run catches up).

    Called after every commit that queued something: one run COALESCE_SECONDS ahead serves
    every commit until then (a burst of changes asks the worker once, not once each)."""
    moment = time.monotonic()
    if moment - _SCHEDULED[0] < COALESCE_SECONDS:
        return
    _SCHEDULED[0] = moment
    try:
        from app.tasks.integrations import deliver_partner_outbox

        deliver_partner_outbox.schedule(delay=COALESCE_SECONDS)
    except Exception:
        log.exception("could not schedule partner deliveries; the periodic run will")


async def seconds_until_due(now: datetime) -> float | None:
    """How long until the earliest waiting retry (None: nothing waits)."""
    row = await PartnerOutbox.select(PartnerOutbox.next_attempt_at).where(
        PartnerOutbox.status == Delivery.PENDING.value).order_by(
        PartnerOutbox.next_attempt_at).first()
    if row is None:
        return None
    return max(0.0, (row["next_attempt_at"] - now).total_seconds())


_UNDELIVERED = (Delivery.PENDING.value, Delivery.SENDING.value, Delivery.FAILED.value)


async def claim(now: datetime, limit: int, stuck_after: timedelta) -> list[dict]:
    async with write_transaction():
        candidates = await PartnerOutbox.select(
            PartnerOutbox.id, PartnerOutbox.subject, PartnerOutbox.version,
            PartnerOutbox.status, PartnerOutbox.next_attempt_at, PartnerOutbox.claimed_at,
        ).where(PartnerOutbox.status.is_in(list(_UNDELIVERED)))
        ready = deliverable(candidates, now, stuck_after, limit)
        if not ready:
            return []
        ids = [row["id"] for row in ready]
        await PartnerOutbox.update({
            PartnerOutbox.status: Delivery.SENDING.value, PartnerOutbox.claimed_at: now,
            PartnerOutbox.attempts: PartnerOutbox.attempts + 1,
        }).where(PartnerOutbox.id.is_in(ids))
        rows = await PartnerOutbox.select().where(PartnerOutbox.id.is_in(ids))
    return [{**row, "payload": as_json(row["payload"])} for row in rows]


async def _send(row: dict, collect: list) -> Result:
    sender = SENDERS.get(row["kind"])
    if sender is None:
        return permanent(f"Không có bộ gửi cho loại {row['kind']}.")
    try:
        return await sender(row, collect)
    except PartnerUnavailable as exc:
        return temporary(str(exc))
    except Exception as exc:  # a sender's bug must not lose the delivery: retried, logged
        if is_transient(exc):  # a busy database, a dropped connection: no trace needed
            log.warning("partner delivery %s: %s; retried", row["key"], exc)
        else:
            log.exception("partner delivery %s failed", row["key"])
        return temporary(f"Lỗi khi gửi: {type(exc).__name__}.")


def _values(row: dict, result: Result, now: datetime, retry_seconds: float) -> dict:
    values = {PartnerOutbox.answer: result.answer[:4000],
              PartnerOutbox.last_error: result.reason[:2000]}
    status = result.status
    if status == Delivery.PENDING and gives_up(row["attempts"]):
        status = Delivery.FAILED
        values[PartnerOutbox.last_error] = (
            f"Không gửi được sau {row['attempts']} lần thử. Lần cuối: {result.reason}")
    elif status == Delivery.PENDING:
        values[PartnerOutbox.next_attempt_at] = now + backoff(row["attempts"], retry_seconds)
    elif status == Delivery.DELIVERED:
        values[PartnerOutbox.delivered_at] = now
    values[PartnerOutbox.status] = status.value
    return values


async def record(outcomes: list[tuple[dict, Result]], collect: list, now: datetime) -> None:
    """Store each outcome unless another run reclaimed the row meanwhile (its claim time
    changed), and the batch's call log, in one transaction."""
    retry_seconds = call_settings().retry_seconds
    async with write_transaction():
        for row, result in outcomes:
            values = _values(row, result, now, retry_seconds)
            changed = await PartnerOutbox.update(values).where(
                (PartnerOutbox.id == row["id"])
                & (PartnerOutbox.status == Delivery.SENDING.value)
                & (PartnerOutbox.claimed_at == row["claimed_at"])).returning(PartnerOutbox.id)
            if not changed:
                continue
            final = values[PartnerOutbox.status]
            if final == Delivery.DELIVERED and row["kind"] in ON_DELIVERED:
                await ON_DELIVERED[row["kind"]](row, result)
            elif final == Delivery.FAILED:
                await audit.record("integration.failed", "partner_outbox", row["id"], {
                    "key": row["key"], "reason": values[PartnerOutbox.last_error]})
        await save_log(collect)


async def deliver_pending(now: Callable[[], datetime] = now_utc, *, limit: int = 50,
                          max_batches: int = 20) -> dict[str, int]:
    """Deliver what is due; counts per resulting status."""
    settings = call_settings()
    stuck_after = timedelta(seconds=settings.stuck_after)
    counts = {status.value: 0 for status in (Delivery.DELIVERED, Delivery.PENDING,
                                             Delivery.FAILED)}
    gate = asyncio.Semaphore(PARALLEL)

    async def one(row: dict, collect: list) -> Result:
        async with gate:
            return await _send(row, collect)

    for _ in range(max_batches):
        rows = await claim(now(), limit, stuck_after)
        if not rows:
            break
        collect: list = []
        results = await asyncio.gather(*(one(row, collect) for row in rows))
        await record(list(zip(rows, results, strict=True)), collect, now())
        for result in results:
            counts[result.status.value] += 1
        if len(rows) < limit:
            break
    return counts


async def resend(row_id: int, actor_id: int | None, refresh: bool = True) -> bool:
    """Put a failed delivery back in the queue (attempts from zero); audited. A kind may
    refresh its payload's reference data (codes an admin has just corrected)."""
    async with write_transaction():
        row = await PartnerOutbox.select().where(PartnerOutbox.id == row_id).first()
        if row is None or row["status"] != Delivery.FAILED.value:
            return False
        row["payload"] = as_json(row["payload"])
        values = {PartnerOutbox.status: Delivery.PENDING.value, PartnerOutbox.attempts: 0,
                  PartnerOutbox.next_attempt_at: now_utc(), PartnerOutbox.last_error: ""}
        if refresh and row["kind"] in REFRESH:
            payload = await REFRESH[row["kind"]](row)
            values.update({PartnerOutbox.payload: payload,
                           PartnerOutbox.digest: digest_of(payload)})
        await PartnerOutbox.update(values).where(PartnerOutbox.id == row_id)
        await audit.record("integration.resent", "partner_outbox", row_id,
                           {"key": row["key"]}, actor_id=actor_id)
    after_commit(schedule_delivery)
    return True


REFRESH: dict[str, Callable[[dict], Awaitable[dict]]] = {}

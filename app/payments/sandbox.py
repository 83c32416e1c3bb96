"""The sandbox gateway: its own pages inside the app, behaving like a real gateway.

The payer chooses an outcome on the sandbox page (pay, cancel, fail) and may ask for the
callback to be delayed or sent twice. The sandbox then redirects the browser to our return
URL and posts the signed callback over HTTP to our callback URL (retrying if our server
does not answer 2xx), exactly as a real provider would, so the same code path handles both.
"""

from __future__ import annotations

import asyncio
import logging
import secrets

from app.db import write_transaction
from app.formatting import now_utc
from app.payments.gateway import Checkout, shared_secret
from app.payments.logic import SIGNATURE_HEADER, GatewayReport, PaymentStatus, sign
from app.payments.tables import SandboxTransaction

log = logging.getLogger(__name__)

OUTCOMES = {"pay": PaymentStatus.PAID, "cancel": PaymentStatus.CANCELLED,
            "fail": PaymentStatus.FAILED}
DELAY_SECONDS = 4.0
DELIVERY_ATTEMPTS = 3


class SandboxError(ValueError):
    pass


class SandboxGateway:
    name = "sandbox"

    async def create(self, checkout: Checkout) -> str:
        async with write_transaction():
            await SandboxTransaction(
                reference=checkout.reference, amount=checkout.amount,
                description=checkout.description[:300], return_url=checkout.return_url,
                callback_url=checkout.callback_url, created_at=now_utc()).save()
        return f"/sandbox/thanh-toan/{checkout.reference}"

    async def lookup(self, reference: str) -> GatewayReport | None:
        row = await SandboxTransaction.select().where(
            SandboxTransaction.reference == reference).first()
        if row is None:
            return None
        return GatewayReport(reference=reference, status=PaymentStatus(row["status"]),
                             amount=row["amount"], transaction_id=row["transaction_id"])


async def transaction(reference: str) -> dict | None:
    return await SandboxTransaction.select().where(
        SandboxTransaction.reference == reference).first()


async def complete(reference: str, outcome: str) -> dict:
    """The payer's choice on the sandbox page; a transaction completes once."""
    status = OUTCOMES.get(outcome)
    if status is None:
        raise SandboxError("Chọn một kết quả thanh toán.")
    async with write_transaction():
        row = await transaction(reference)
        if row is None:
            raise SandboxError("Giao dịch không tồn tại.")
        if row["status"] == PaymentStatus.PENDING:
            txn = "SBX" + secrets.token_hex(6).upper()
            await SandboxTransaction.update({
                SandboxTransaction.status: status.value,
                SandboxTransaction.transaction_id: txn,
                SandboxTransaction.completed_at: now_utc(),
            }).where(SandboxTransaction.reference == reference)
    return await transaction(reference)


async def deliver_callback(row: dict, *, delay: float = 0.0, times: int = 1) -> list[int]:
    """Post the signed report `times` times after `delay` seconds; each delivery retries
    on errors. Returns the final HTTP status of each delivery (0 = never answered)."""
    report = GatewayReport(reference=row["reference"], status=PaymentStatus(row["status"]),
                           amount=row["amount"], transaction_id=row["transaction_id"])
    body = report.to_body()
    headers = {SIGNATURE_HEADER: sign(body, shared_secret()),
               "content-type": "application/json"}
    if delay:
        await asyncio.sleep(delay)
    import httpx  # here: only the sandbox's deliveries need it, not every web start

    statuses = []
    async with httpx.AsyncClient(timeout=10) as client:
        for _ in range(times):
            status = 0
            for attempt in range(DELIVERY_ATTEMPTS):
                try:
                    response = await client.post(row["callback_url"], content=body,
                                                 headers=headers)
                    status = response.status_code
                    if status < 500:
                        break
                except httpx.HTTPError as exc:
                    log.warning("sandbox callback to %s failed: %s", row["callback_url"], exc)
                await asyncio.sleep(0.5 * (attempt + 1))
            statuses.append(status)
    return statuses

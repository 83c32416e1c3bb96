"""A real payment provider over HTTP: the contract a provider adapter must speak.

Selected by MOTCUA_PAYMENT_GATEWAY=http with MOTCUA_PAYMENT_URL (the base URL of the
provider's API, e.g. ``https://pay.example.vn/api``) and MOTCUA_PAYMENT_SECRET (the shared
HMAC secret; required — without it the gateway is not built and online payment stays off).
Every signature below is ``logic.sign``: HMAC-SHA256, hex, in the ``x-signature`` header.

1. Create — ``POST {url}/payments`` with the JSON body
   ``{"reference", "amount", "description", "return_url", "callback_url"}`` (amount in whole
   đồng), the header signing the exact body bytes. The provider answers ``201`` with
   ``{"payment_url": "https://…"}``, where we send the payer's browser. ``401`` means the
   signature was wrong.
2. Lookup — ``GET {url}/payments/{reference}``, the header signing the bytes of the path
   relative to the base URL, ``/payments/{reference}`` (a GET has no body, and signing the
   path binds the request to this one payment wherever the provider mounts its API). The
   provider answers ``200`` with the same body a callback carries,
   ``{"reference", "status", "amount", "transaction_id"}`` (status: pending, paid, failed,
   cancelled), and the header signing the exact response bytes; ``404`` if it does not know
   the reference. We reject a response whose signature does not match.
3. Callback — the provider posts that same signed body to ``callback_url`` whenever the
   payment reaches a final status, and repeats it until we answer 2xx (see
   ``service.receive_callback``).

Failures: a timeout (5 s), a connection error or any answer but 201 on create raises
``GatewayUnavailable`` (a ``PaymentError``, shown to the payer with HTTP 503); a lookup
that fails for any reason returns None — the callback will still come, and the return
page re-checks by itself.
"""

from __future__ import annotations

import json
import logging

import httpx

from app.payments.gateway import Checkout, GatewayUnavailable
from app.payments.logic import SIGNATURE_HEADER, GatewayReport, sign, signature_valid

log = logging.getLogger(__name__)

UNAVAILABLE = "Cổng thanh toán đang gián đoạn, vui lòng thử lại sau."
TIMEOUT_SECONDS = 5.0


def lookup_path(reference: str) -> str:
    """The path a lookup requests and signs, relative to the provider's base URL."""
    return f"/payments/{reference}"


class HttpGateway:
    name = "http"

    def __init__(self, url: str, secret: str, *, timeout: float = TIMEOUT_SECONDS):
        self.url, self.secret, self.timeout = url.rstrip("/"), secret, timeout

    async def create(self, checkout: Checkout) -> str:
        body = json.dumps({
            "reference": checkout.reference, "amount": checkout.amount,
            "description": checkout.description, "return_url": checkout.return_url,
            "callback_url": checkout.callback_url,
        }, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
        headers = {SIGNATURE_HEADER: sign(body, self.secret),
                   "content-type": "application/json"}
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.post(f"{self.url}/payments", content=body,
                                             headers=headers)
        except httpx.HTTPError as exc:
            log.warning("payment provider unreachable creating %s: %r", checkout.reference, exc)
            raise GatewayUnavailable(UNAVAILABLE) from None
        if response.status_code != 201:
            # 401 is our configuration (secret) and 4xx our request: an operator must look,
            # but to the payer every refusal is the same outage.
            level = logging.WARNING if response.status_code >= 500 else logging.ERROR
            log.log(level, "payment provider answered %s creating %s: %s",
                    response.status_code, checkout.reference, response.text[:200])
            raise GatewayUnavailable(UNAVAILABLE)
        try:
            payment_url = response.json().get("payment_url")
        except (ValueError, AttributeError):
            payment_url = None
        if not isinstance(payment_url, str) or not payment_url.startswith(
                ("https://", "http://")):
            log.error("payment provider gave no usable payment_url for %s", checkout.reference)
            raise GatewayUnavailable(UNAVAILABLE)
        return payment_url

    async def lookup(self, reference: str) -> GatewayReport | None:
        path = lookup_path(reference)
        headers = {SIGNATURE_HEADER: sign(path.encode(), self.secret)}
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.get(f"{self.url}{path}", headers=headers)
        except httpx.HTTPError as exc:
            log.warning("payment lookup of %s failed: %r", reference, exc)
            return None
        if response.status_code != 200:
            if response.status_code != 404:
                log.warning("payment lookup of %s answered %s", reference,
                            response.status_code)
            return None
        body = response.content
        if not signature_valid(body, response.headers.get(SIGNATURE_HEADER, ""), self.secret):
            log.error("payment lookup of %s: response signature does not match; ignored",
                      reference)
            return None
        try:
            report = GatewayReport.from_body(body)
        except ValueError:
            log.error("payment lookup of %s: malformed response ignored", reference)
            return None
        return report if report.reference == reference else None

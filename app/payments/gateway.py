"""The one payment-gateway interface and the choice of provider from configuration.

A provider creates a payment and says where to send the payer, and looks a payment up by
reference when the payer comes back. Callbacks come to us (`POST /api/v1/payments/callback`)
signed with the shared secret; their checking lives in `app.payments.service`.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from dataclasses import dataclass
from typing import Protocol

from app.payments.logic import GatewayReport
from app.settings import get_settings

log = logging.getLogger(__name__)


class PaymentError(ValueError):
    """A refusal to show the payer (Vietnamese)."""


class GatewayUnavailable(PaymentError):
    """The provider could not take the payment now (outage, timeout, refusal)."""


@dataclass(frozen=True)
class Checkout:
    """A payment to create at the gateway."""

    reference: str
    amount: int
    description: str
    return_url: str  # where the payer's browser comes back
    callback_url: str  # where the gateway posts its signed server-to-server report


class PaymentGateway(Protocol):
    name: str

    async def create(self, checkout: Checkout) -> str:
        """Register the payment; returns the URL to redirect the payer to."""
        ...

    async def lookup(self, reference: str) -> GatewayReport | None:
        """The gateway's current view of the payment (None if it does not know it)."""
        ...


def shared_secret() -> str:
    """The secret both sides sign callbacks with: MOTCUA_PAYMENT_SECRET in production,
    otherwise derived from the app's own key so a fresh install works."""
    configured = os.environ.get("MOTCUA_PAYMENT_SECRET", "")
    if configured:
        return configured
    key = get_settings().secret_key.encode()
    return hmac.new(key, b"payment-gateway", hashlib.sha256).hexdigest()


def gateway_name() -> str:
    """MOTCUA_PAYMENT_GATEWAY: "sandbox" enables the sandbox, "http" a real provider
    (`app.payments.http_gateway`); empty (default) disables online payment, so a
    production install never takes fake payments by accident."""
    return os.environ.get("MOTCUA_PAYMENT_GATEWAY", "").strip().lower()


_REPORTED: set[tuple[str, ...]] = set()  # misconfigurations already logged (once each)


def _misconfigured(*why: str) -> None:
    if why not in _REPORTED:
        _REPORTED.add(why)
        log.error("online payment disabled: %s", " ".join(why))


def get_gateway() -> PaymentGateway | None:
    name = gateway_name()
    if name == "sandbox":
        from app.payments.sandbox import SandboxGateway

        return SandboxGateway()
    if name == "http":
        url = os.environ.get("MOTCUA_PAYMENT_URL", "").strip()
        secret = os.environ.get("MOTCUA_PAYMENT_SECRET", "")
        # Never fall back to the derived secret here: the provider must hold the same
        # one, and a silent default would sign requests it can only refuse.
        if not secret:
            _misconfigured("MOTCUA_PAYMENT_GATEWAY=http needs MOTCUA_PAYMENT_SECRET")
            return None
        if not url.startswith(("https://", "http://")):
            _misconfigured("MOTCUA_PAYMENT_GATEWAY=http needs MOTCUA_PAYMENT_URL",
                           "(the provider's base URL)")
            return None
        from app.payments.http_gateway import HttpGateway

        return HttpGateway(url, secret)
    if name:
        _misconfigured(f"unknown MOTCUA_PAYMENT_GATEWAY={name!r}")
    return None

"""Settings of the partner integrations, read from the environment at each use (a few
dictionary look-ups), so operators and tests change them without a restart.

Every partner is off unless named: a production install never talks to a sandbox, nor a
demo to a real portal, by accident. `make run` names the sandboxes.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from app.settings import get_settings


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"MOTCUA_{name}", default).strip()


def env_float(name: str, default: float) -> float:
    try:
        return float(env(name, str(default)))
    except ValueError:
        return default  # a mistyped number must not turn every call into a 500


def provider(partner: str) -> str:
    """"sandbox", "http" or "" (off) for MOTCUA_<PARTNER>."""
    return env(partner.upper()).lower()


def derived_secret(purpose: str) -> str:
    """A per-purpose secret derived from the app's key: what the sandboxes sign with when
    no secret is configured, so a fresh `make run` works."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, purpose.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class CallSettings:
    timeout: float  # seconds for one outbound call
    breaker_failures: int  # failures in a row that open a partner's circuit
    breaker_seconds: float  # how long it stays open before one trial call
    retry_seconds: float  # first backoff of an outbox delivery (then doubling)
    stuck_after: float  # a delivery left `sending` this long by a dead worker is retried


def call_settings() -> CallSettings:
    return CallSettings(
        timeout=env_float("PARTNER_TIMEOUT", 5.0),
        breaker_failures=max(1, int(env_float("PARTNER_BREAKER_FAILURES", 5))),
        breaker_seconds=env_float("PARTNER_BREAKER_SECONDS", 30.0),
        retry_seconds=env_float("PARTNER_RETRY_SECONDS", 30.0),
        stuck_after=env_float("PARTNER_STUCK_AFTER", 300.0),
    )


def public_url() -> str:
    return env("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

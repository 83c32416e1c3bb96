"""Notification settings, read from the environment (MOTCUA_NOTIFY_* and friends).

Kept apart from app.settings because they are many and concern this area only; read on
each delivery run (a few dictionary look-ups) so tests and operators can change them
without restarting the worker.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from app.notifications.logic import Channel
from app.settings import get_settings


def _env(name: str, default: str = "") -> str:
    return os.environ.get(f"MOTCUA_{name}", default)


@dataclass(frozen=True)
class NotifySettings:
    # Sandbox: every channel is delivered to the sandbox_message table (the default, so a
    # fresh `make run` never reaches a real phone).
    sandbox: bool
    public_url: str
    phone_channels: tuple[Channel, ...]
    sms_url: str
    sms_token: str
    zalo_url: str
    zalo_token: str
    zalo_template_id: str
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    smtp_starttls: bool
    smtp_from: str
    http_timeout: float
    inbound_token: str
    stuck_after_seconds: int


def notify_settings() -> NotifySettings:
    channels = tuple(Channel(c.strip()) for c in _env("NOTIFY_PHONE_CHANNELS", "sms").split(",")
                     if c.strip())
    return NotifySettings(
        sandbox=_env("NOTIFY_SANDBOX", "1").lower() in {"1", "true", "yes", "on"},
        public_url=get_settings().public_url,
        phone_channels=channels,
        sms_url=_env("SMS_URL"),
        sms_token=_env("SMS_TOKEN"),
        zalo_url=_env("ZALO_URL", "https://business.openapi.zalo.me/message/template"),
        zalo_token=_env("ZALO_TOKEN"),
        zalo_template_id=_env("ZALO_TEMPLATE_ID"),
        smtp_host=_env("SMTP_HOST", "127.0.0.1"),
        smtp_port=int(_env("SMTP_PORT", "25")),
        smtp_user=_env("SMTP_USER"),
        smtp_password=_env("SMTP_PASSWORD"),
        smtp_starttls=_env("SMTP_STARTTLS", "0").lower() in {"1", "true", "yes", "on"},
        smtp_from=_env("SMTP_FROM", "motcua@localhost"),
        http_timeout=float(_env("NOTIFY_HTTP_TIMEOUT", "10")),
        inbound_token=_env("SMS_INBOUND_TOKEN"),
        stuck_after_seconds=int(_env("NOTIFY_STUCK_AFTER", "600")),
    )

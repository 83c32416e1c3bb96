"""Providers: one small interface, one implementation per outside system.

`send()` never raises for a delivery problem: it returns an `Outcome` that says delivered,
temporary failure (try again later: outage, timeout, throttling) or permanent failure
(retrying cannot help: bad number, refused content), with a plain Vietnamese reason staff
can act on. Every provider receives our idempotency key as its reference so a gateway
that saw a send before can deduplicate it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from app.formatting import now_utc
from app.notifications.logic import EMAIL_RE, Channel, Status, gsm_length, is_gsm
from app.notifications.tables import SandboxMessage
from app.text import is_phone, normalise_phone


@dataclass(frozen=True)
class Outgoing:
    reference: str
    channel: Channel
    recipient: str
    subject: str
    body: str


@dataclass(frozen=True)
class Outcome:
    status: Status  # DELIVERED, TEMPORARY_FAILURE or PERMANENT_FAILURE
    reason: str = ""
    provider_ref: str = ""


def delivered(ref: str = "") -> Outcome:
    return Outcome(Status.DELIVERED, provider_ref=ref)


def temporary(reason: str) -> Outcome:
    return Outcome(Status.TEMPORARY_FAILURE, reason)


def permanent(reason: str) -> Outcome:
    return Outcome(Status.PERMANENT_FAILURE, reason)


class Provider(Protocol):
    async def send(self, message: Outgoing) -> Outcome: ...


def check_recipient(message: Outgoing) -> Outcome | None:
    """Refusals every real gateway makes before sending (shared by all providers)."""
    if message.channel == Channel.EMAIL:
        if not EMAIL_RE.match(message.recipient):
            return permanent("Địa chỉ thư điện tử không hợp lệ.")
        return None
    if not is_phone(message.recipient):
        return permanent("Số điện thoại không hợp lệ (cần 10 chữ số, bắt đầu bằng 0).")
    if message.channel == Channel.SMS:
        if not is_gsm(message.body):
            return permanent("Tin nhắn SMS có ký tự không gửi được (cần viết không dấu).")
        if gsm_length(message.body) > 160:
            return permanent("Tin nhắn SMS dài quá 160 ký tự.")
    return None


# Sandbox recipients that behave like a failing network, documented in the README:
# phones starting 0999 / e-mail at loi-tam-thoi.test fail temporarily; 0998 /
# khong-ton-tai.test fail permanently, as an unknown subscriber or mailbox would.
SANDBOX_TEMPORARY = ("0999", "@loi-tam-thoi.test")
SANDBOX_PERMANENT = ("0998", "@khong-ton-tai.test")


class SandboxProvider:
    """Records messages in `sandbox_message` instead of sending them. Refuses what a real
    gateway refuses and fails for the documented test recipients; deduplicates on the
    reference like a real gateway."""

    async def send(self, message: Outgoing) -> Outcome:
        refused = check_recipient(message)
        if refused is not None:
            return refused
        recipient = (message.recipient.lower() if message.channel == Channel.EMAIL
                     else normalise_phone(message.recipient))
        if recipient.startswith(SANDBOX_TEMPORARY[0]) or recipient.endswith(SANDBOX_TEMPORARY[1]):
            return temporary("Nhà mạng tạm thời không phản hồi (hộp thử nghiệm).")
        if recipient.startswith(SANDBOX_PERMANENT[0]) or recipient.endswith(SANDBOX_PERMANENT[1]):
            return permanent("Thuê bao hoặc hộp thư không tồn tại (hộp thử nghiệm).")
        rows = await SandboxMessage.insert(SandboxMessage(
            channel=message.channel.value, recipient=recipient, subject=message.subject,
            body=message.body, reference=message.reference, received_at=now_utc(),
        )).on_conflict(action="DO NOTHING")
        if rows:
            return delivered(f"sandbox-{rows[0]['id']}")
        existing = await SandboxMessage.select(SandboxMessage.id).where(
            SandboxMessage.reference == message.reference).first()
        return delivered(f"sandbox-{existing['id']}")


def providers_for(settings) -> dict[Channel, Provider]:
    """The provider of each channel under the current settings."""
    if settings.sandbox:
        sandbox = SandboxProvider()
        return {channel: sandbox for channel in Channel}
    from app.notifications.gateways import EmailSmtp, SmsHttp, ZaloZns

    return {Channel.SMS: SmsHttp(settings), Channel.ZALO: ZaloZns(settings),
            Channel.EMAIL: EmailSmtp(settings)}

"""The real providers: SMS over HTTP, Zalo ZNS over HTTP, e-mail over SMTP.

Each turns what its gateway answers into an Outcome. The rule for every one: a problem
that may go away (outage, timeout, throttling, 5xx, an expired token an operator will fix)
is a temporary failure and the message waits; only an answer that says this message can
never be delivered (bad number, unknown mailbox, refused content) is permanent.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import httpx

from app.notifications.config import NotifySettings
from app.notifications.providers import (
    Outcome,
    Outgoing,
    check_recipient,
    delivered,
    permanent,
    temporary,
)


def _http_status_outcome(response: httpx.Response, who: str) -> Outcome | None:
    """Non-2xx answers: throttling, auth and server errors wait; others are refusals."""
    code = response.status_code
    if 200 <= code < 300:
        return None
    if code in (401, 403):
        return temporary(f"{who} từ chối xác thực (mã {code}): cần kiểm tra mã truy cập.")
    if code in (408, 409, 425, 429) or code >= 500:
        return temporary(f"{who} tạm thời lỗi (mã {code}).")
    return permanent(f"{who} từ chối tin nhắn (mã {code}).")


async def post_json(url: str, payload: dict, *, headers: dict, timeout: float, who: str,
                    read_accepted: Callable[[httpx.Response], Outcome]) -> Outcome:
    """POST `payload` as JSON and classify what comes back. No address, no connection, a
    timeout and the waiting HTTP statuses are temporary; other non-2xx answers are refusals;
    a 2xx answer is read by `read_accepted`, the provider's own reading of its body."""
    if not url:
        return temporary(f"Chưa cấu hình địa chỉ {who}.")
    try:
        async with httpx.AsyncClient(timeout=timeout) as client:
            answer = await client.post(url, json=payload, headers=headers)
    except httpx.TimeoutException:
        return temporary(f"{who} không trả lời trong {timeout:g} giây.")
    except httpx.HTTPError:
        return temporary(f"Không kết nối được tới {who}.")
    return _http_status_outcome(answer, who) or read_accepted(answer)


def _sms_accepted(answer: httpx.Response) -> Outcome:
    """Any 2xx is accepted; the JSON `id`, when there is one, is the provider reference."""
    try:
        ref = str(answer.json().get("id", ""))
    except (ValueError, AttributeError):
        ref = ""
    return delivered(ref)


class SmsHttp:
    """A generic SMS gateway: POST JSON {to, text, reference} with a Bearer token; any 2xx
    means accepted, its JSON `id` (if any) is kept as the provider reference."""

    who = "Nhà cung cấp SMS"

    def __init__(self, settings: NotifySettings):
        self.url, self.token, self.timeout = (settings.sms_url, settings.sms_token,
                                              settings.http_timeout)

    async def send(self, message: Outgoing) -> Outcome:
        refused = check_recipient(message)
        if refused is not None:
            return refused
        return await post_json(
            self.url, {"to": message.recipient, "text": message.body,
                       "reference": message.reference},
            headers={"Authorization": f"Bearer {self.token}"}, timeout=self.timeout,
            who=self.who, read_accepted=_sms_accepted)


# Zalo ZNS answers HTTP 200 with {"error": <code>, "message": ...}; 0 is success. Codes
# that can never succeed for this recipient are permanent; anything else waits.
ZNS_PERMANENT = {
    -108: "Số điện thoại không hợp lệ với Zalo.",
    -118: "Số điện thoại chưa dùng Zalo hoặc tài khoản Zalo đã bị khóa.",
    -119: "Tài khoản Zalo này không nhận tin ZNS.",
    -139: "Người nhận đã từ chối nhận tin từ cơ quan trên Zalo.",
}
ZNS_TEMPORARY = {
    -124: "Mã truy cập Zalo sai hoặc hết hạn: cần cấp lại.",
    -133: "Zalo không cho gửi tin vào ban đêm (22:00–06:00).",
    -144: "Đã hết hạn mức gửi tin Zalo trong ngày.",
}


def zalo_phone(phone: str) -> str:
    """ZNS wants the international form without '+': 0905… → 84905…"""
    return "84" + phone[1:] if phone.startswith("0") else phone


def _zns_accepted(answer: httpx.Response) -> Outcome:
    """A 2xx from ZNS still carries its own error code in the body."""
    try:
        data = answer.json()
        code = int(data.get("error", -1))
    except (ValueError, TypeError, AttributeError):
        return temporary("Zalo ZNS trả lời không đúng định dạng.")
    if code == 0:
        return delivered(str((data.get("data") or {}).get("msg_id", "")))
    if code in ZNS_PERMANENT:
        return permanent(ZNS_PERMANENT[code])
    return temporary(ZNS_TEMPORARY.get(code, f"Zalo ZNS báo lỗi {code}."))


class ZaloZns:
    """Zalo Notification Service: a pre-approved template (`ZALO_TEMPLATE_ID`) with our
    rendered text as its `noi_dung` parameter; `tracking_id` carries our reference."""

    who = "Zalo ZNS"

    def __init__(self, settings: NotifySettings):
        self.url, self.token, self.template_id, self.timeout = (
            settings.zalo_url, settings.zalo_token, settings.zalo_template_id,
            settings.http_timeout)

    async def send(self, message: Outgoing) -> Outcome:
        refused = check_recipient(message)
        if refused is not None:
            return refused
        return await post_json(
            self.url, {"phone": zalo_phone(message.recipient), "template_id": self.template_id,
                       "template_data": {"noi_dung": message.body[:400]},
                       "tracking_id": message.reference},
            headers={"access_token": self.token}, timeout=self.timeout, who=self.who,
            read_accepted=_zns_accepted)


class EmailSmtp:
    """E-mail through an SMTP relay. The Message-ID is derived from our reference, so a
    mailbox (or the relay) can recognise a message sent twice after a reclaim."""

    who = "Máy chủ thư"

    def __init__(self, settings: NotifySettings):
        self.settings = settings

    def _message(self, message: Outgoing) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.settings.smtp_from
        mail["To"] = message.recipient
        mail["Subject"] = message.subject or "Thông báo"
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = make_msgid(idstring=message.reference[:32], domain="motcua")
        mail.set_content(message.body)
        return mail

    def _send_sync(self, mail: EmailMessage) -> None:
        s = self.settings
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.http_timeout) as smtp:
            if s.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password)
            smtp.send_message(mail)

    async def send(self, message: Outgoing) -> Outcome:
        refused = check_recipient(message)
        if refused is not None:
            return refused
        try:
            await asyncio.to_thread(self._send_sync, self._message(message))
        except smtplib.SMTPRecipientsRefused as error:
            code = next(iter(error.recipients.values()))[0]
            if code >= 500:
                return permanent(f"Hộp thư người nhận không tồn tại hoặc từ chối (mã {code}).")
            return temporary(f"Máy chủ thư tạm thời từ chối người nhận (mã {code}).")
        except smtplib.SMTPResponseException as error:
            if error.smtp_code >= 500 and error.smtp_code not in (530, 535):
                return permanent(f"Máy chủ thư từ chối thư (mã {error.smtp_code}).")
            return temporary(f"Máy chủ thư tạm thời lỗi (mã {error.smtp_code}).")
        except (smtplib.SMTPException, OSError):
            return temporary("Không kết nối được tới máy chủ thư.")
        return delivered(message.reference)

"""Dossier lookup through the province's Zalo Official Account.

Zalo posts each event to `POST /api/v1/zalo/webhook` with `X-ZEvent-Signature:
mac=<sha256(app_id + body + timestamp + OA secret key)>` (Zalo's own scheme, the OA
secret, not the app secret). We refuse a missing or wrong signature and an event older
than `MAX_AGE` (a replayed capture), answer 200 at once (Zalo wants it within 2 s), and
queue the reply in the partner outbox, keyed by Zalo's message id so a resent event is
answered once. The text is answered by the same lookup and limiter as SMS
(`app.notifications.inbound.reply_for`), keyed `zalo:<user id>`.

Replies go through the OA's customer-service message API: sandbox (MOTCUA_ZALO_OA=sandbox,
recorded in `sandbox_zalo_reply`; user ids starting 999 fail for a while, 998 are not
followers) or http (MOTCUA_ZALO_OA=http: ``POST MOTCUA_ZALO_OA_URL`` with header
``access_token: MOTCUA_ZALO_OA_TOKEN`` and ``{"recipient": {"user_id"}, "message":
{"text"}}`` → ``{"error": 0, "data": {"message_id"}}``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

from app.db import write_transaction
from app.formatting import now_utc
from app.integrations import outbox
from app.integrations.calls import Answer, call, http_call, log_inbound
from app.integrations.config import env, provider
from app.integrations.logic import Result, delivered, permanent, temporary
from app.integrations.zalo.tables import SandboxZaloReply
from app.notifications.inbound import reply_for

KIND = "zalo.reply"
MAX_AGE_MS = 10 * 60 * 1000
HEADER = "x-zevent-signature"
OA_URL = "https://openapi.zalo.me/v3.0/oa/message/cs"


class WebhookRefused(ValueError):
    """A webhook call we do not accept (Vietnamese), with its HTTP status."""

    def __init__(self, message: str, status: int = 401):
        super().__init__(message)
        self.status = status


def oa_secret() -> str:
    return env("ZALO_OA_SECRET")


def app_id() -> str:
    return env("ZALO_APP_ID")


def mac(app: str, body: bytes, timestamp: str, secret: str) -> str:
    digest = hashlib.sha256(app.encode() + body + timestamp.encode() + secret.encode())
    return "mac=" + digest.hexdigest()


@dataclass(frozen=True)
class Handled:
    outcome: str  # queued | repeat | ignored | limited


async def handle_webhook(body: bytes, signature: str, now_ms: int) -> Handled:
    """Check and answer one webhook call; WebhookRefused for what Zalo did not send."""
    secret = oa_secret()
    if not provider("zalo_oa") or not secret:
        raise WebhookRefused("Chưa cấu hình Zalo OA.", 503)
    try:
        data = json.loads(body)
        timestamp = str(data["timestamp"])
    except (ValueError, KeyError, TypeError):
        raise WebhookRefused("Dữ liệu không đúng định dạng.", 400) from None
    expected = mac(app_id(), body, timestamp, secret)
    if not signature or not hmac.compare_digest(expected, signature.strip()):
        raise WebhookRefused("Sai chữ ký Zalo (X-ZEvent-Signature).")
    if not timestamp.isdigit() or abs(now_ms - int(timestamp)) > MAX_AGE_MS:
        raise WebhookRefused("Sự kiện Zalo quá cũ hoặc sai thời điểm.")
    if data.get("event_name") != "user_send_text":
        return Handled("ignored")
    try:
        user_id = str(data["sender"]["id"])[:40]
        text = str(data["message"]["text"])[:1000]
        message_id = str(data["message"]["msg_id"])[:100]
    except (KeyError, TypeError):
        raise WebhookRefused("Tin nhắn Zalo thiếu người gửi hoặc nội dung.", 400) from None
    if not user_id or not message_id:
        raise WebhookRefused("Tin nhắn Zalo thiếu người gửi hoặc mã tin.", 400)
    if await outbox.last_version(KIND, f"zalo-message:{message_id}") is not None:
        return Handled("repeat")  # Zalo resends an event it thinks we missed
    reply = await reply_for(f"zalo:{user_id}", text)
    if reply is None:
        return Handled("limited")
    version = await outbox.queue("zalo", KIND, f"zalo-message:{message_id}",
                                 {"user_id": user_id, "text": reply,
                                  "reference": message_id}, version=1)
    return Handled("queued" if version else "repeat")


async def log_refused(body: bytes, error: WebhookRefused) -> None:
    await log_inbound("zalo", "webhook", body, accepted=False, status=error.status,
                      error=str(error), secrets=(oa_secret(),))


class SandboxOa:
    """The OA message API as the sandbox: records what it would send, refuses what Zalo
    refuses (not a follower), and fails for a while for the test users 999…."""

    async def _send(self, payload: dict) -> Answer:
        user = payload["recipient"]["user_id"]
        if user.startswith("998"):
            return Answer.of(200, {"error": -213, "message": "User has not followed the OA"})
        if user.startswith("999"):
            return Answer.of(503, {"error": -32, "message": "Service unavailable"})
        async with write_transaction():
            rows = await SandboxZaloReply.insert(SandboxZaloReply(
                reference=payload["reference"], user_id=user, text=payload["message"]["text"],
                sent_at=now_utc())).on_conflict(action="DO NOTHING")
        return Answer.of(200, {"error": 0, "message": "Success",
                               "data": {"message_id": f"sbx-{rows[0]['id'] if rows else 0}"}})

    async def send(self, payload: dict, collect: list) -> Answer:
        return await call("zalo", "reply", lambda: self._send(payload), target="sandbox",
                          request=payload, collect=collect)


class HttpOa:
    async def send(self, payload: dict, collect: list) -> Answer:
        token = env("ZALO_OA_TOKEN")
        body = {"recipient": payload["recipient"], "message": payload["message"]}
        return await http_call("zalo", "reply", "POST", env("ZALO_OA_URL", OA_URL),
                               json_body=body, headers={"access_token": token},
                               secrets=(token,), collect=collect)


def get_oa():
    name = provider("zalo_oa")
    return SandboxOa() if name == "sandbox" else HttpOa() if name == "http" else None


def judge(answer: Answer) -> Result:
    try:
        data = answer.json()
    except ValueError:
        data = {}
    text = answer.body[:500].decode("utf-8", "replace")
    if answer.status == 200 and isinstance(data, dict) and data.get("error") == 0:
        return delivered(text)
    if answer.status >= 500 or answer.status == 429:
        return temporary(f"Zalo tạm thời lỗi (mã {answer.status}).", text)
    return permanent(f"Zalo không gửi được tin trả lời: {data.get('message', answer.status)}",
                     text)


@outbox.sends(KIND)
async def send(row: dict, collect: list) -> Result:
    oa = get_oa()
    if oa is None:
        return permanent("Chưa kết nối Zalo OA (MOTCUA_ZALO_OA).")
    payload = row["payload"]
    message = {"recipient": {"user_id": payload["user_id"]},
               "message": {"text": payload["text"]}, "reference": payload["reference"]}
    return judge(await oa.send(message, collect))

"""The SMS gateway's webhook: inbound lookups (`TC <mã> <4 số>`), answered by SMS.

Authenticated by its own Bearer token (MOTCUA_SMS_INBOUND_TOKEN), not by a session: the
caller is the gateway, never a browser, so CSRF does not apply (/api/v1/ is exempt).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from litestar import Controller, Request, post
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_400_BAD_REQUEST, HTTP_429_TOO_MANY_REQUESTS

from app.notifications.config import notify_settings
from app.notifications.inbound import InboundRefused, answer_lookup
from app.notifications.logic import Channel


@dataclass
class InboundMessage:
    """One message the gateway received: sender phone, text, the gateway's id."""

    sender: str
    text: str
    id: str = ""
    channel: str = "sms"


def _check_token(request: Request) -> None:
    expected = notify_settings().inbound_token
    given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    # An unset token disables the webhook rather than leaving it open.
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise NotAuthorizedException("Thiếu hoặc sai mã truy cập của cổng tin nhắn.")


class SmsInboundController(Controller):
    path = "/api/v1/sms"
    opt = {"exclude_from_auth": True}

    @post("/inbound", name="sms.inbound", status_code=HTTP_200_OK)
    async def inbound(self, request: Request, data: JSONBody[InboundMessage]) -> dict:
        _check_token(request)
        if data.channel not in (Channel.SMS.value, Channel.ZALO.value):
            raise HTTPException("Kênh phải là sms hoặc zalo.", status_code=HTTP_400_BAD_REQUEST)
        if len(data.text) > 1000 or len(data.id) > 200:
            raise HTTPException("Tin nhắn quá dài.", status_code=HTTP_400_BAD_REQUEST)
        try:
            result = await answer_lookup(data.sender, data.text, data.id, Channel(data.channel))
        except InboundRefused as error:
            raise HTTPException(str(error), status_code=HTTP_400_BAD_REQUEST) from None
        if result.limited:
            raise HTTPException("Số điện thoại này tra cứu quá nhiều lần, vui lòng thử lại "
                                "sau ít phút.", status_code=HTTP_429_TOO_MANY_REQUESTS)
        return {"queued": result.queued}

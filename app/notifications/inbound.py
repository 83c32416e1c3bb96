"""SMS lookup: `TC <mã hồ sơ> <4 số cuối SĐT>` from the SMS gateway, answered by SMS.

The answer goes through the outbox like any notice (Event.LOOKUP_REPLY). Unknown codes and
wrong digits get the same answer, so codes cannot be probed; each sender may ask a few
times per 10 minutes (each answer costs an SMS), and wrong digits count against the code
and the sender in the one lookup limit (`app.dossiers.lookup_limit`) like on the web.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from app.dossiers import lookup_limit
from app.dossiers import service as dossiers
from app.dossiers.logic import Status as DossierStatus
from app.formatting import format_date
from app.notifications.api import notify_contact, schedule_delivery
from app.notifications.logic import (
    LOOKUP_NOT_FOUND,
    LOOKUP_USAGE,
    Channel,
    Event,
    lookup_reply,
    lookup_throttled,
    parse_lookup,
)
from app.text import is_phone, normalise_phone
from app.web.ratelimit import limiter

# Each answer costs an SMS: a handful per sender per 10 minutes serves any honest use.
LOOKUPS_PER_SENDER = limiter(5, 600)


class InboundRefused(ValueError):
    """Bad request from the gateway; the message is Vietnamese."""


@dataclass(frozen=True)
class InboundResult:
    queued: int
    limited: bool = False


async def answer_lookup(sender: str, text: str, message_id: str,
                        channel: Channel = Channel.SMS) -> InboundResult:
    """Queue the reply to one inbound SMS (or Zalo message), on the channel it came from.
    `message_id` (the gateway's id) makes a resent webhook answer once."""
    if not sender or not is_phone(sender):
        raise InboundRefused("Số điện thoại người gửi không hợp lệ.")
    phone = normalise_phone(sender)
    reply = await reply_for(phone, text)
    if reply is None:
        return InboundResult(queued=0, limited=True)
    occurrence = message_id or f"{text.strip()}@{int(time.time() // 60)}"
    queued = await notify_contact(Event.LOOKUP_REPLY, phone=phone, values={"status": reply},
                                  occurrence=occurrence[:200], phone_channels=(channel,))
    if queued:
        schedule_delivery()
    return InboundResult(queued=queued)


async def reply_for(sender_key: str, text: str) -> str | None:
    """The answer to one lookup message from `sender_key` (a phone, or "zalo:<user id>"
    for the Zalo Official Account), or None when the sender is over its own limit (each
    answer costs a message). One lookup and one limiter for every channel: the sender
    counts as the source, the code as itself (`app.dossiers.lookup_limit`)."""
    now = time.time()
    if LOOKUPS_PER_SENDER.blocked(sender_key, now):
        return None
    LOOKUPS_PER_SENDER.hit(sender_key, now)
    parsed = parse_lookup(text)
    if parsed is None:
        return LOOKUP_USAGE
    code, digits = parsed
    try:
        found = await lookup_limit.attempt(f"sms:{sender_key}",
                                           lambda: dossiers.public_lookup(code, digits),
                                           code=code, digits=digits)
    except lookup_limit.LookupThrottled as exc:
        return lookup_throttled(exc.minutes)
    if found is None:
        return LOOKUP_NOT_FOUND
    return lookup_reply(found["code"], DossierStatus(found["status"]).label,
                        format_date(found["due_at"]),
                        format_date(found["returned_at"] or found["finished_at"]))

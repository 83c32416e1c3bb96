"""The one way other areas send a message to an applicant or contact.

    await notify_applicant(dossier_id, Event.RECEIVED, occurrence=str(event_id))
    ...                      # inside the caller's write transaction
    schedule_delivery()      # after it commits

Both `notify_*` functions write outbox rows in the caller's current transaction, so the
message exists exactly when the state change does; they return the number of rows queued
(0 when the same notice was queued before: the idempotency key is (dossier or contact,
event, occurrence, recipient, channel)). Use `occurrence` to tell apart events that may
happen more than once on a dossier (a second supplement request, a second apology).

`values` fill the template's placeholders (see logic.PLACEHOLDERS: code, name, procedure,
agency, due_date, reason, status, lookup_url, link, province); for a dossier the first
six are filled from the dossier and may be overridden.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from app.db import after_commit
from app.dossiers.tables import Dossier
from app.formatting import format_date
from app.notifications.config import notify_settings
from app.notifications.logic import Channel, Event
from app.notifications.service import queue
from app.settings import get_settings
from app.text import is_phone, normalise_phone

log = logging.getLogger(__name__)

__all__ = ["Channel", "Event", "notify_applicant", "notify_contact", "recipient_count",
           "schedule_delivery"]


def _recipients(phone: str | None, email: str | None,
                phone_channels: tuple[Channel, ...] | None = None) -> list[tuple[Channel, str]]:
    """Phone → the configured phone channels (SMS by default), e-mail → e-mail. A missing
    or malformed phone is skipped here rather than queued to fail: there is nobody to reach."""
    found: list[tuple[Channel, str]] = []
    if phone and is_phone(phone):
        channels = phone_channels or notify_settings().phone_channels
        found += [(channel, normalise_phone(phone)) for channel in channels]
    if email and "@" in email:
        found.append((Channel.EMAIL, email.strip().lower()))
    return found


def recipient_count(phone: str | None, email: str | None) -> int:
    """How many messages one notice to this phone and e-mail would be (for previews)."""
    return len(_recipients(phone, email))


def _common_values() -> dict[str, str]:
    settings = notify_settings()
    return {"province": get_settings().province_name,
            "lookup_url": f"{settings.public_url}/tra-cuu"}


@lru_cache(maxsize=1)
def _dossier_columns() -> tuple:
    """Built once: Piccolo's joined-column chains cost ~1 ms each time they are resolved."""
    return (Dossier.code, Dossier.applicant_name, Dossier.applicant_phone, Dossier.due_at,
            Dossier.procedure.name.as_alias("procedure"), Dossier.agency.name.as_alias("agency"),
            Dossier.applicant.email.as_alias("email"), Dossier.applicant.phone.as_alias("phone"))


async def notify_applicant(dossier_id: int, event: Event, *,
                           values: dict[str, str] | None = None, occurrence: str = "") -> int:
    """Queue `event` for the dossier's applicant: the phone on the dossier (or their
    account's), and their account's e-mail. Returns the number of messages queued."""
    row = await Dossier.select(*_dossier_columns()).where(Dossier.id == dossier_id).first()
    if row is None:
        raise LookupError(f"dossier {dossier_id} not found")
    filled = {**_common_values(), "code": row["code"], "name": row["applicant_name"],
              "procedure": row["procedure"] or "", "agency": row["agency"] or "",
              "due_date": format_date(row["due_at"]), **(values or {})}
    recipients = _recipients(row["applicant_phone"] or row["phone"], row["email"])
    return await queue(f"dossier:{dossier_id}", Event(event), recipients, filled,
                       occurrence, dossier_id)


async def notify_contact(event: Event, *, phone: str | None = None, email: str | None = None,
                         values: dict[str, str] | None = None, occurrence: str = "",
                         dossier_id: int | None = None,
                         phone_channels: tuple[Channel, ...] | None = None) -> int:
    """Queue `event` for a person given by phone and/or e-mail (feedback submitter, new
    account, SMS lookup sender). `phone_channels` overrides the configured ones (a reply
    goes back on the channel the question came from). Returns the number queued."""
    scope = f"dossier:{dossier_id}" if dossier_id is not None else "contact"
    return await queue(scope, Event(event), _recipients(phone, email, phone_channels),
                       {**_common_values(), **(values or {})}, occurrence, dossier_id)


def schedule_delivery() -> None:
    """Ask the worker to deliver now. Called inside a transaction (perform nested in a
    caller's), it waits until the outermost one commits, so the worker sees the rows.
    Never raises: if the queue is unreachable, the periodic delivery run picks them up."""
    after_commit(_enqueue_delivery)


def _enqueue_delivery() -> None:
    try:
        from app.tasks.notifications import deliver_outbox

        deliver_outbox()
    except Exception:
        log.exception("could not schedule notification delivery; the periodic run will")

"""Tables shared by the partner integrations: the call log and the delivery outbox."""

from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from app.directory.tables import Agency
from app.dossiers.tables import Dossier


class PartnerCall(Table, tablename="partner_call"):
    """One call to (`out`) or from (`in`) an outside system and its answer, secrets and
    personal numbers redacted (`app.integrations.redact`), kept for the sync page."""

    partner = Varchar(length=20, index=True)  # dvcqg | vneid | ioffice | zalo
    operation = Varchar(length=60)
    direction = Varchar(length=3, default="out")
    target = Varchar(length=300, default="")  # URL without its query, or "sandbox"
    request = Text(default="")
    status = Integer(null=True, default=None)  # HTTP status when there was one
    answer = Text(default="")
    outcome = Varchar(length=20)  # app.integrations.logic.CallOutcome
    error = Text(default="")
    duration_ms = Integer(default=0)
    at = Timestamptz(index=True)


class PartnerOutbox(Table, tablename="partner_outbox"):
    """One delivery to a partner, queued in the transaction of the change that causes it.

    `key` (unique) is `<kind>:<subject>:<version>`: queuing the same version twice adds
    nothing, and a partner that receives a version again drops it by the same key. Rows of
    one subject (a dossier, a feedback item) are delivered in `version` order: a version
    waits while an earlier one is undelivered. `status`: pending → sending → delivered, or
    back to pending with `next_attempt_at` (temporary failure, backoff), or failed (the
    partner refused it, or retries ran out) until someone resends it.
    """

    key = Varchar(length=160, unique=True)
    partner = Varchar(length=20, index=True)
    kind = Varchar(length=40)
    subject = Varchar(length=80, index=True)
    version = Integer()
    payload = JSON(default="{}")
    digest = Varchar(length=64, default="")  # SHA-256 of the payload
    status = Varchar(length=20, index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(index=True)
    claimed_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    delivered_at = Timestamptz(null=True, default=None)
    last_error = Text(default="")
    answer = Text(default="")  # what the partner said last (redacted)
    dossier = ForeignKey(Dossier, null=True, on_delete=OnDelete.restrict, index=True)
    agency = ForeignKey(Agency, null=True, on_delete=OnDelete.set_null, index=True)

"""Tables of notifications: the outbox, admin-edited templates and the sandbox inbox."""

from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User
from app.dossiers.tables import Dossier


class OutboxMessage(Table, tablename="outbox_message"):
    """One message to one recipient on one channel, written in the same transaction as the
    change that causes it and delivered later by the worker.

    `idempotency_key` (unique) hashes (dossier or contact, event, occurrence, recipient,
    channel): queuing the same notice twice adds nothing. `status` is
    created → sending → delivered / temporary_failure (retried at `next_attempt_at`) /
    permanent_failure (`last_error` says why, in plain Vietnamese, for staff).
    """

    idempotency_key = Varchar(length=64, unique=True)
    event = Varchar(length=40)
    channel = Varchar(length=10)
    recipient = Varchar(length=200)
    subject = Varchar(length=300, default="")
    body = Text()
    status = Varchar(length=20, index=True)
    dossier = ForeignKey(Dossier, null=True, on_delete=OnDelete.restrict, index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(index=True)
    claimed_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    delivered_at = Timestamptz(null=True, default=None)
    last_error = Text(default="")
    provider_ref = Varchar(length=100, default="")


class SandboxMessage(Table, tablename="sandbox_message"):
    """What the sandbox provider "sent": the stand-in for a phone, a Zalo account or a
    mailbox. Unique per `reference` (our idempotency key), as real gateways deduplicate
    on the client reference, so a retried send is recorded once."""

    channel = Varchar(length=10, index=True)
    recipient = Varchar(length=200, index=True)
    subject = Varchar(length=300, default="")
    body = Text()
    reference = Varchar(length=64, unique=True)
    received_at = Timestamptz()


class NotificationTemplate(Table, tablename="notification_template"):
    """The provincial admin's text for one event and channel, replacing the built-in one
    (app.notifications.logic.default_template). Unique per `slot` ("<event>:<channel>");
    validated before it is saved."""

    slot = Varchar(length=60, unique=True)
    subject = Varchar(length=300, default="")
    body = Text()
    updated_at = Timestamptz()
    updated_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)


class StaffNotice(Table, tablename="staff_notice"):
    """An in-app notice to a staff member (shown on their dashboard): a dossier became due
    soon or overdue, or an apology must be written (kind `apology_task`, done when the
    apology is recorded). Unique per `notice_key` = (user, dossier, kind, due_at), so the
    deadline watch never notifies twice for the same appointment."""

    notice_key = Varchar(length=64, unique=True)
    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade, index=True)
    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=20)  # due_soon | overdue | apology_task
    due_at = Timestamptz()
    created_at = Timestamptz()
    done_at = Timestamptz(null=True, default=None)

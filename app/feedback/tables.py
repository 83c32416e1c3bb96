"""Tables of feedback and petitions: the items and their history."""

from piccolo.columns import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from app.accounts.tables import User
from app.catalog.tables import Procedure
from app.directory.tables import Agency
from app.dossiers.tables import Dossier


class Feedback(Table, tablename="feedback"):
    """One feedback or petition (phản ánh, kiến nghị) and its answer.

    `status` is `app.feedback.logic.Status`. Deadlines are stored when they start so the
    overdue list is one indexed range query. `public_*` hold the redacted texts shown on
    the public page, written when the answer is published.
    """

    code = Varchar(length=30, unique=True)
    status = Varchar(length=20, index=True)
    category = Varchar(length=20, default="")
    submitter = ForeignKey(User, null=True, on_delete=OnDelete.restrict, index=True)
    submitter_name = Varchar(length=200)
    submitter_phone = Varchar(length=20, default="")
    submitter_email = Varchar(length=200, default="")
    agree_publish = Boolean(default=False)
    procedure = ForeignKey(Procedure, null=True, on_delete=OnDelete.restrict)
    dossier = ForeignKey(Dossier, null=True, on_delete=OnDelete.restrict)
    about_agency = ForeignKey(Agency, null=True, on_delete=OnDelete.restrict)
    agency = ForeignKey(Agency, null=True, on_delete=OnDelete.restrict, index=True)  # routed to
    title = Varchar(length=300)
    content = Text()
    received_at = Timestamptz()
    refuse_due_at = Timestamptz()
    answer_due_at = Timestamptz()
    due_at = Timestamptz(null=True, default=None, index=True)  # the deadline that applies now
    info_request = Text(default="")
    info_reply = Text(default="")
    refusal_reason = Text(default="")
    answer = Text(default="")
    answered_at = Timestamptz(null=True, default=None)
    answered_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    published_at = Timestamptz(null=True, default=None, index=True)
    public_title = Varchar(length=300, default="")
    public_content = Text(default="")
    public_answer = Text(default="")
    rating = Integer(null=True, default=None)  # 1 satisfied, 0 not satisfied
    rated_at = Timestamptz(null=True, default=None)


class FeedbackEvent(Table, tablename="feedback_event"):
    """Append-only history of a feedback item."""

    feedback = ForeignKey(Feedback, null=False, on_delete=OnDelete.restrict, index=True)
    at = Timestamptz()
    actor = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    move = Varchar(length=20)
    from_status = Varchar(length=20, default="")
    to_status = Varchar(length=20)
    comment = Text(default="")


class PhoneVerification(Table, tablename="phone_verification"):
    """A pending anonymous submission waiting for the code sent to the phone. The URL
    token and the code are stored as SHA-256 only; attempts are counted."""

    token_hash = Varchar(length=64, unique=True)
    phone = Varchar(length=20, index=True)
    code_hash = Varchar(length=64)
    payload = JSON(default="{}")  # the form as submitted
    created_at = Timestamptz(index=True)
    expires_at = Timestamptz()
    attempts = Integer(default=0)
    used_at = Timestamptz(null=True, default=None)


class FeedbackAccess(Table, tablename="feedback_access"):
    """A private link for a submitter without an account to follow, supplement and rate."""

    feedback = ForeignKey(Feedback, null=False, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()

"""Tables of the dossier domain: dossiers, their history, components and stored files."""

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from app.accounts.tables import User
from app.catalog.tables import Procedure, ProcedureComponent, ProcedureVersion
from app.directory.tables import Agency


class RuleVersion(Table, tablename="rule_version"):
    """A dated set of one-stop rules (decree, forms, indicator weights).

    Each dossier keeps the version in force when it was received, so a change of law does
    not rewrite how old dossiers are judged.
    """

    code = Varchar(length=40, unique=True)  # e.g. ND61-2018, ND118-2025
    title = Varchar(length=300)
    effective_from = Timestamptz()
    config = JSON(default="{}")


class StoredFile(Table, tablename="stored_file"):
    """A file on disk, content-addressed by its SHA-256 (var/files/ab/cd/abcd…)."""

    sha256 = Varchar(length=64, unique=True)
    size = Integer()
    content_type = Varchar(length=100)
    created_at = Timestamptz()


class Dossier(Table, tablename="dossier"):
    """A dossier (hồ sơ TTHC) from reception to return.

    `status` is one of the national statuses (`app.dossiers.logic.Status`, 1–10) or 0 for a
    draft. Times are stored in UTC and shown in Asia/Ho_Chi_Minh.
    """

    code = Varchar(length=60, unique=True)
    procedure = ForeignKey(Procedure, null=False, on_delete=OnDelete.restrict, index=True)
    # The published version of the procedure the dossier was received under (None for
    # dossiers from before versions were kept): its components, limit and fees.
    procedure_version = ForeignKey(ProcedureVersion, null=True, on_delete=OnDelete.restrict)
    agency = ForeignKey(Agency, null=False, on_delete=OnDelete.restrict, index=True)
    receiving_agency = ForeignKey(Agency, null=True, on_delete=OnDelete.restrict)
    applicant = ForeignKey(User, null=True, on_delete=OnDelete.restrict, index=True)
    applicant_name = Varchar(length=200)
    applicant_id_number = Varchar(length=20, default="")
    applicant_phone = Varchar(length=20, default="")
    applicant_address = Varchar(length=300, default="")
    channel = Integer(default=1)  # 1 in person, 2 online, 3 post
    status = Integer(default=0, index=True)
    rule_version = ForeignKey(RuleVersion, null=True, on_delete=OnDelete.restrict)
    created_at = Timestamptz()
    received_at = Timestamptz(null=True, default=None, index=True)
    due_at = Timestamptz(null=True, default=None, index=True)
    # The current step's own deadline: its allotted office hours from entering it, supplement
    # waits left out (None outside processing).
    step_due_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
    returned_at = Timestamptz(null=True, default=None)
    # Processing state (see app.workflow.logic.DossierState).
    current_step = Integer(null=True, default=None)
    assignee = ForeignKey(User, null=True, on_delete=OnDelete.restrict, index=True)
    approved = Boolean(default=False)
    signed = Boolean(default=False)
    fees_due = Integer(default=0)  # đồng
    fees_paid = Integer(default=0)
    supplement_requests = Integer(default=0)
    resume_status = Integer(null=True, default=None)  # where a supplement/withdrawal returns
    resume_step = Integer(null=True, default=None)
    withdrawn_status = Integer(null=True, default=None)  # what a withdrawal request interrupted
    withdrawn_step = Integer(null=True, default=None)
    clock_paused_at = Timestamptz(null=True, default=None)


class DossierEvent(Table, tablename="dossier_event"):
    """Append-only history of every action on a dossier: who, when, which step, why."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, index=True)
    at = Timestamptz()
    actor = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    action = Varchar(length=40)
    # The agency handling the dossier after this event: names where a transfer went.
    agency = ForeignKey(Agency, null=True, default=None, on_delete=OnDelete.restrict)
    from_status = Integer(null=True, default=None)
    to_status = Integer(null=True, default=None)
    step = Integer(null=True, default=None)
    comment = Text(default="")


class DossierComponent(Table, tablename="dossier_component"):
    """A component supplied with a dossier, optionally with its file."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, index=True)
    procedure_component = ForeignKey(
        ProcedureComponent, null=True, on_delete=OnDelete.restrict
    )
    name = Varchar(length=500)
    kind = Varchar(length=20, default="original")
    quantity = Integer(default=1)
    file = ForeignKey(StoredFile, null=True, on_delete=OnDelete.restrict)
    original_filename = Varchar(length=255, default="")
    # Counted by the service index (Digitisation group): scanned at the counter, and
    # taken from the applicant's data warehouse instead of uploaded again.
    digitised = Boolean(default=False)
    reused = Boolean(default=False)


class RequestedComponent(Table, tablename="requested_component"):
    """A component named in a supplement request: what the applicant must send again. The
    latest request's rows (same `requested_at`) are the ones the applicant answers."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, index=True)
    procedure_component = ForeignKey(
        ProcedureComponent, null=False, on_delete=OnDelete.restrict
    )
    requested_at = Timestamptz()


class DailySequence(Table, tablename="daily_sequence"):
    """The last dossier number given by an agency on a day; incremented inside the
    receiving transaction (BEGIN IMMEDIATE), so codes are unique and gapless per day."""

    agency = ForeignKey(Agency, null=False, on_delete=OnDelete.restrict)
    day = Date()
    last = Integer(default=0)
    # Unique (agency, day): a unique index created in the migration (SQLite cannot add
    # a table constraint after creation).


class DossierPause(Table, tablename="dossier_pause"):
    """A stretch of time the legal clock stood still (supplement wait, stopped)."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, index=True)
    reason = Varchar(length=40)  # supplement | stopped | withdrawal
    started_at = Timestamptz()
    ended_at = Timestamptz(null=True, default=None)


class DossierApology(Table, tablename="dossier_apology"):
    """An apology and new appointment for a late dossier (form 04), with its reason."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, index=True)
    previous_due_at = Timestamptz()
    new_due_at = Timestamptz()
    reason = Text()
    created_at = Timestamptz()
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)


class DossierResult(Table, tablename="dossier_result"):
    """The result of a dossier: a dossier cannot be finished or returned without one."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, unique=True)
    file = ForeignKey(StoredFile, null=True, on_delete=OnDelete.restrict)
    sha256 = Varchar(length=64)
    issued_at = Timestamptz()
    issued_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    signed_sha256 = Varchar(length=64, default="")
    signed_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    signed_at = Timestamptz(null=True, default=None)
    certificate_fingerprint = Varchar(length=64, default="")  # SHA-256 of the signer's


class DeadlineAlert(Table, tablename="deadline_alert"):
    """A deadline transition the watch has recorded once: a dossier became due soon or
    overdue for a given appointment (`due_at`). Unique per (dossier, kind, due_at), so a
    re-run or a retried task never records or notifies twice."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=20)  # due_soon | overdue
    due_at = Timestamptz()
    detected_at = Timestamptz()

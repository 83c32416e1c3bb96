"""Tables of internal processes: versions of a procedure's process and their steps.

A version is a draft until published; once published it never changes (a new version is
drafted instead), so a dossier received under it is judged by the steps it was received
under. The version in force at a moment is the published one with the latest effective
date not after it.
"""

from piccolo.columns import (
    Date,
    ForeignKey,
    Integer,
    Numeric,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from app.accounts.tables import User
from app.catalog.tables import Procedure
from app.directory.tables import Agency


class ProcessVersion(Table, tablename="process_version"):
    """One version of a procedure's internal process, approved by a decision (number and
    date), in force from `effective_from` (00:00 local time of the effective date).
    `number` counts versions per procedure (unique with the procedure: an index made in
    the migration)."""

    procedure = ForeignKey(Procedure, null=False, on_delete=OnDelete.restrict, index=True)
    number = Integer(default=1)
    status = Varchar(length=20, default="draft")  # draft | published
    effective_from = Timestamptz(null=True, default=None)
    decision_number = Varchar(length=100, default="")
    decision_date = Date(null=True, default=None)
    note = Text(default="")
    created_at = Timestamptz()
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    published_at = Timestamptz(null=True, default=None)
    published_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)


class ProcessStepRow(Table, tablename="process_step"):
    """A step of a version (`app.processes.logic.ProcessStep` once read). `performers` is
    a comma-separated list of `Performer` values; `agency` None means the procedure's
    agency."""

    version = ForeignKey(ProcessVersion, null=False, on_delete=OnDelete.cascade, index=True)
    position = Integer()
    name = Varchar(length=300)
    kind = Varchar(length=20)
    performers = Varchar(length=200)
    agency = ForeignKey(Agency, null=True, default=None, on_delete=OnDelete.restrict)
    allotted_hours = Numeric(digits=(8, 2))

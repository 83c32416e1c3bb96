"""Calendar configuration kept in the database: dated office hours and day overrides."""

from piccolo.columns import JSON, Boolean, Date, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from app.dossiers.tables import Dossier


class OfficeHoursVersion(Table, tablename="office_hours_version"):
    """Office hours in force from a date on (`blocks`: [["07:30","11:30"], ...])."""

    effective_from = Date(unique=True)
    blocks = JSON(default="[]")
    created_at = Timestamptz()


class CalendarOverride(Table, tablename="calendar_override"):
    """A dated exception decided by the province or the Prime Minister: an extra day off
    (Tết decision, bridge) or a make-up working day (a Saturday that becomes working)."""

    day = Date(unique=True)
    working = Boolean()
    reason = Varchar(length=300)
    created_at = Timestamptz()


class DueNotice(Table, tablename="due_notice"):
    """A calendar change moved this dossier's appointment and the applicant has not been
    told yet. `told_due_at` is the appointment they were last told; the notice goes out at
    `send_after` (the end of the office day), and only if the appointment then still
    differs from it: a day off added and removed again the same day sends nothing."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, unique=True)
    told_due_at = Timestamptz()
    changed_at = Timestamptz()
    send_after = Timestamptz(index=True)

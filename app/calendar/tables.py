"""Calendar configuration kept in the database: dated office hours and day overrides."""

from piccolo.columns import JSON, Boolean, Date, Timestamptz, Varchar
from piccolo.table import Table


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

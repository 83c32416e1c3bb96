"""Tables of the reports domain."""

from piccolo.columns import JSON, Date, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User
from app.dossiers.tables import StoredFile


class ReportExport(Table, tablename="report_export"):
    """One export of the TTHC report: its period, numbers and stored files.

    The period is its kind (`app.reports.periods.Kind`: month, quarter, 6 or 9 months,
    year), its year and last month, and the cut-off day it was cut with.

    A period may be exported again (on demand); an export whose numbers and files are the
    same as the latest one for its period is not stored twice. `totals` keeps the province
    totals, so the list page shows them without opening the files.
    """

    kind = Varchar(length=20, default="month")
    year = Integer()
    month = Integer()  # the period's last month
    first_day = Date()
    last_day = Date()
    cutoff_day = Integer(default=15)
    totals = JSON(default="{}")
    xlsx = ForeignKey(StoredFile, null=False, on_delete=OnDelete.restrict)
    pdf = ForeignKey(StoredFile, null=False, on_delete=OnDelete.restrict)
    trigger = Varchar(length=20)  # schedule | on_demand
    requested_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    generated_at = Timestamptz()
    numbers_digest = Varchar(length=64)  # SHA-256 of every count: "same numbers" at a glance
    duration_ms = Integer(default=0)  # time taken, shown to admins

"""Tables of the service index: monthly snapshots the worker writes for the charts."""

from piccolo.columns import JSON, ForeignKey, Numeric, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from app.directory.tables import Agency


class IndexSnapshot(Table, tablename="index_snapshot"):
    """One calendar month's index for the province (`agency` empty) or one agency, as the
    worker computed it (`app.service_index.snapshots`), so the charts page reads twelve
    months instead of computing them. Derived data: recomputed from the dossiers at will.

    `slot` ("2026-03:0" for the province, "2026-03:<agency id>") is unique: one row per
    month and scope. `measures` holds each measured indicator as [numerator, denominator,
    factor numerator, factor denominator]. A row counts only under the configuration it was
    computed with (`config_digest`) and, for a month already over, once computed after the
    month ended (`computed_at`)."""

    month = Varchar(length=7, index=True)  # "2026-03"
    slot = Varchar(length=30, unique=True)
    agency = ForeignKey(Agency, null=True, on_delete=OnDelete.cascade)
    score = Numeric(digits=(6, 2))
    measures = JSON(default="{}")
    config_digest = Varchar(length=64)
    computed_at = Timestamptz()

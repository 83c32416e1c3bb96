"""Tables of the one-stop counter beyond the dossier itself."""

from piccolo.columns import Date, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User
from app.catalog.tables import Procedure
from app.directory.tables import Agency
from app.dossiers.tables import Dossier


class ResultReturn(Table, tablename="result_return"):
    """How a result was handed over (at the counter, by post, online), to whom and when.
    One per dossier: written by the same transaction that marks it returned."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, unique=True)
    method = Varchar(length=20)  # counter | post | online
    receiver_name = Varchar(length=200, default="")
    receiver_id_number = Varchar(length=20, default="")
    note = Varchar(length=300, default="")  # postal item number, authorisation letter
    returned_at = Timestamptz()
    recorded_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)


class PaperReception(Table, tablename="paper_reception"):
    """How many dossiers of a procedure a counter received on paper only, on one day.

    Recorded in bulk by counter staff so the share of dossiers handled outside the system
    is visible (seed 004: 15,46% on the system in 2020). One row per (agency, procedure,
    day), kept so by the IMMEDIATE transaction that reads and writes it; a correction
    replaces the count."""

    agency = ForeignKey(Agency, null=False, on_delete=OnDelete.restrict, index=True)
    procedure = ForeignKey(Procedure, null=False, on_delete=OnDelete.restrict)
    day = Date(index=True)
    dossiers = Integer(default=0)  # how many dossiers (not "count": that is Table.count)
    recorded_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    recorded_at = Timestamptz()


class ReceptionToken(Table, tablename="reception_token"):
    """The one-time token of a counter reception form and the dossier its first submit
    created: a second submit of the same form (Back and resubmit, a double click, a second
    tab) finds it and shows that dossier instead of creating another. Written in the
    reception transaction; the unique token makes a race end in one dossier."""

    token = Varchar(length=64, unique=True)
    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict)
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    created_at = Timestamptz()

"""Tables of the one-stop counter beyond the dossier itself."""

from piccolo.columns import ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User
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

"""Tables of the personal data warehouse."""

from piccolo.columns import ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User
from app.dossiers.tables import Dossier, StoredFile


class WarehouseDocument(Table, tablename="warehouse_document"):
    """A document held for an applicant: their own upload, a paper component digitised at
    the counter, or an issued result.

    Belongs to an account (`owner`) and/or to an ID number (`owner_id_number`, the CCCD
    or tax code written on the dossier): a document digitised at the counter for someone
    without an account appears in their warehouse once they register with that number.
    """

    owner = ForeignKey(User, null=True, on_delete=OnDelete.restrict, index=True)
    owner_id_number = Varchar(length=20, default="", index=True)
    title = Varchar(length=500)
    source = Varchar(length=20)  # app.warehouse.logic.Source
    file = ForeignKey(StoredFile, null=False, on_delete=OnDelete.restrict)
    dossier = ForeignKey(Dossier, null=True, on_delete=OnDelete.restrict, index=True)
    created_at = Timestamptz()

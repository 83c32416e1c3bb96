"""Tables of the legal-forms domain."""

from piccolo.columns import ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User
from app.dossiers.tables import Dossier


class ResultConversion(Table, tablename="result_conversion"):
    """An electronic result printed as a paper copy bearing the conversion mark (Nghị định
    45/2020, art. 18): who converted which file (by SHA-256) and when. The converter's
    name is kept as printed, so a later rename does not change what the paper says."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, index=True)
    result_sha256 = Varchar(length=64)
    converted_by = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    converter_name = Varchar(length=200)
    converted_at = Timestamptz()

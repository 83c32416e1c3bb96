"""Tables of digitisation: one row per scan of a dossier component at the counter."""

from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User
from app.dossiers.tables import Dossier, DossierComponent, StoredFile


class Scan(Table, tablename="digitised_scan"):
    """A paper component scanned at the counter: the merged PDF with its SHA-256, size and
    page count, and the text Tesseract read from it.

    `text_folded` is the text without diacritics, lower-case (app.text.fold), so staff
    search with plain portable LIKE. `id_numbers` holds CCCD-like numbers found in the
    text: suggestions to compare with the applicant's, never trusted as data.
    """

    component = ForeignKey(DossierComponent, null=False, on_delete=OnDelete.restrict,
                           index=True)
    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, index=True)
    file = ForeignKey(StoredFile, null=False, on_delete=OnDelete.restrict)
    sha256 = Varchar(length=64)
    size = Integer()
    page_count = Integer()
    status = Varchar(length=20, default="queued")  # app.digitisation.logic.ScanStatus
    text = Text(default="")
    text_folded = Text(default="")
    id_numbers = JSON(default="[]")
    error = Text(default="")
    attempts = Integer(default=0)
    created_at = Timestamptz()
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    finished_at = Timestamptz(null=True, default=None)

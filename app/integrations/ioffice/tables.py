"""Tables of the document-management link: numbers given to our outgoing documents, and
the sandbox system's register."""

from piccolo.columns import Date, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from app.dossiers.tables import Dossier, DossierEvent


class OfficialDocument(Table, tablename="official_document"):
    """An outgoing document of a dossier (result, apology, refusal, notice of stopping) as
    numbered by the document-management system: its number and date there."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, index=True)
    event = ForeignKey(DossierEvent, null=False, on_delete=OnDelete.restrict, unique=True)
    kind = Varchar(length=20)  # app.integrations.ioffice.logic.KINDS
    number = Varchar(length=60)
    signed_on = Date()
    registered_at = Timestamptz()


class SandboxDocumentRegister(Table, tablename="sandbox_document_register"):
    """The sandbox document system's book: one number per our reference, per year."""

    reference = Varchar(length=80, unique=True)
    year = Varchar(length=4)
    number = Varchar(length=60)
    title = Varchar(length=300)
    registered_at = Timestamptz()

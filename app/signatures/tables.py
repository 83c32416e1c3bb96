"""Tables of digital signatures: who signs with which certificate, result drafts, and every
signature the system made or accepted."""

from piccolo.columns import Boolean, ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User
from app.directory.tables import Agency
from app.dossiers.tables import Dossier, StoredFile


class SigningCertificate(Table, tablename="signing_certificate"):
    """A certificate registered for a person (`user`: a leader's personal certificate) or
    an agency (`agency` without `user`: its organisational certificate).

    The certificate itself is kept (PEM, SHA-256 fingerprint, subject, validity) so an
    uploaded signature can be matched to the person. When the server signs with it, the
    PKCS#12 file and the file holding its passphrase stay on the server's disk: only their
    paths are stored here, never the key or the passphrase.
    """

    user = ForeignKey(User, null=True, on_delete=OnDelete.restrict, index=True)
    agency = ForeignKey(Agency, null=True, on_delete=OnDelete.restrict, index=True)
    certificate_pem = Text()
    fingerprint = Varchar(length=64, unique=True)
    subject = Varchar(length=500)
    common_name = Varchar(length=200)
    not_before = Timestamptz()
    not_after = Timestamptz()
    pkcs12_path = Varchar(length=500, default="")
    passphrase_path = Varchar(length=500, default="")
    active = Boolean(default=True)
    created_at = Timestamptz()
    disabled_at = Timestamptz(null=True, default=None)


class ResultDraft(Table, tablename="result_draft"):
    """A draft result (dự thảo kết quả) put up for approval; the latest one of a dossier is
    the one approved, signed and issued."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, index=True)
    file = ForeignKey(StoredFile, null=False, on_delete=OnDelete.restrict)
    sha256 = Varchar(length=64)
    attached_at = Timestamptz()
    attached_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)


class DocumentSignature(Table, tablename="document_signature"):
    """A signed file the system made (`method` server) or accepted after validation
    (`method` upload): a dossier's result or a digitised scan (`purpose`). `sha256` names
    the signed file in the file store; `source_sha256` the unsigned one it was made from."""

    purpose = Varchar(length=20)  # result | scan
    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, index=True)
    file = ForeignKey(StoredFile, null=False, on_delete=OnDelete.restrict)
    sha256 = Varchar(length=64, index=True)
    source_sha256 = Varchar(length=64, default="")
    method = Varchar(length=10)  # server | upload
    certificate = ForeignKey(SigningCertificate, null=False, on_delete=OnDelete.restrict)
    certificate_fingerprint = Varchar(length=64)
    signer = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    signer_name = Varchar(length=200)
    signed_at = Timestamptz()
    recorded_at = Timestamptz()
    recorded_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)

"""Tables of the archive: retention rules, archival files and their documents, hand-over
packages, disposal lists and holds.

An archival file (hồ sơ lưu trữ điện tử) is built once per closed dossier; its documents
live in the archive folder (`app.archive.storage`), described here with the metadata of
Thông tư 02/2019/TT-BNV. Rows are never deleted: a disposed file keeps its description and
the record of who approved its destruction.
"""

from piccolo.columns import (
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from app.accounts.tables import User
from app.catalog.tables import Field, Procedure
from app.directory.tables import Agency
from app.dossiers.tables import Dossier


class RetentionRule(Table, tablename="archive_retention_rule"):
    """How long files of a field, or of one procedure, are kept (thời hạn bảo quản).

    Exactly one of `field` and `procedure` is set; a procedure's rule wins over its field's,
    and the built-in default (`logic.DEFAULT_RETENTION`) applies where neither exists.
    `years` null means permanent (vĩnh viễn).
    """

    field = ForeignKey(Field, null=True, on_delete=OnDelete.restrict, unique=True)
    procedure = ForeignKey(Procedure, null=True, on_delete=OnDelete.restrict, unique=True)
    years = Integer(null=True, default=None)
    usage = Varchar(length=20, default="restricted")  # logic.Usage
    basis = Varchar(length=300, default="")  # the legal basis, e.g. a circular's item
    updated_at = Timestamptz()
    updated_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)


class ArchivePackage(Table, tablename="archive_package"):
    """A hand-over package (gói nộp lưu) of one agency for a period: a BagIt bag under the
    archive folder, built by a worker job and confirmed by the agency's archivist."""

    code = Varchar(length=80, unique=True)
    agency = ForeignKey(Agency, null=False, on_delete=OnDelete.restrict, index=True)
    period_from = Date()
    period_to = Date()
    status = Varchar(length=20, index=True)  # logic.PackageStatus
    requested_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    requested_at = Timestamptz()
    built_at = Timestamptz(null=True, default=None)
    error = Text(default="")
    file_count = Integer(default=0)
    document_count = Integer(default=0)
    page_count = Integer(default=0)
    size_bytes = Integer(default=0)
    # SHA-256 of the bag's tagmanifest-sha256.txt: one digest that pins every file.
    tagmanifest_sha256 = Varchar(length=64, default="")
    confirmed_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    confirmed_at = Timestamptz(null=True, default=None)
    confirmation_note = Text(default="")


class ArchivalFile(Table, tablename="archival_file"):
    """The archival file of one closed dossier with its file-level metadata (TT 02/2019)."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, unique=True)
    agency = ForeignKey(Agency, null=False, on_delete=OnDelete.restrict, index=True)
    status = Varchar(length=20, index=True)  # logic.FileStatus
    closed_at = Timestamptz(index=True)  # when the dossier closed
    queued_at = Timestamptz()  # queued at closing; when a build claimed it, once building
    code = Varchar(length=120, unique=True, null=True, default=None)  # mã hồ sơ
    title = Text(default="")
    year = Integer(null=True, default=None, index=True)  # the year the file ended
    retention_years = Integer(null=True, default=None)  # null: permanent
    usage = Varchar(length=20, default="restricted")
    language = Varchar(length=20, default="Tiếng Việt")
    start_at = Timestamptz(null=True, default=None)
    end_at = Timestamptz(null=True, default=None)
    expires_on = Date(null=True, default=None, index=True)  # null: kept for ever
    document_count = Integer(default=0)
    page_count = Integer(default=0)
    keywords = Text(default="")
    notes = Text(default="")
    manifest_sha256 = Varchar(length=64, default="")
    built_at = Timestamptz(null=True, default=None)
    error = Text(default="")
    package = ForeignKey(ArchivePackage, null=True, on_delete=OnDelete.restrict, index=True)
    handed_over_at = Timestamptz(null=True, default=None)
    disposed_at = Timestamptz(null=True, default=None)


class ArchivalDocument(Table, tablename="archival_document"):
    """One document of an archival file with its document-level metadata (TT 02/2019)."""

    file = ForeignKey(ArchivalFile, null=False, on_delete=OnDelete.restrict, index=True)
    position = Integer()
    identifier = Varchar(length=140, unique=True)  # mã định danh văn bản
    source = Varchar(length=20)  # form | component | result | signature_report | event_log
    number_symbol = Varchar(length=120, default="")
    doc_date = Date()
    doc_type = Varchar(length=120)
    summary = Text()
    issuing_agency = Varchar(length=300, default="")
    signer = Varchar(length=200, default="")
    pages = Integer(default=0)
    format = Varchar(length=40)
    reliability = Varchar(length=40)  # mức độ tin cậy: gốc điện tử | số hóa
    conversion = Varchar(length=40)  # logic.Conversion: how the archival copy was made
    filename = Varchar(length=200)
    size = Integer()
    sha256 = Varchar(length=64)


class DisposalList(Table, tablename="archive_disposal_list"):
    """A list of files past their retention (danh mục tài liệu hết giá trị): proposed, then
    approved or rejected by the provincial admin; only an approved list destroys files."""

    code = Varchar(length=40, unique=True)
    status = Varchar(length=20, index=True)  # logic.DisposalStatus
    proposed_at = Timestamptz()
    proposed_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)  # null: schedule
    decided_at = Timestamptz(null=True, default=None)
    decided_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    decision = Text(default="")  # the approving decision's number, or why it was rejected
    executed_at = Timestamptz(null=True, default=None)


class DisposalItem(Table, tablename="archive_disposal_item"):
    """A file on a disposal list and what became of it (pending, disposed, or held)."""

    disposal = ForeignKey(DisposalList, null=False, on_delete=OnDelete.restrict, index=True)
    file = ForeignKey(ArchivalFile, null=False, on_delete=OnDelete.restrict, index=True)
    outcome = Varchar(length=20, default="pending")  # logic.ItemOutcome
    held_reason = Text(default="")
    disposed_at = Timestamptz(null=True, default=None)


class ArchiveHold(Table, tablename="archive_hold"):
    """A file kept past its retention because of a complaint, dispute or inspection; it is
    never destroyed while a hold is open (`released_at` empty)."""

    file = ForeignKey(ArchivalFile, null=False, on_delete=OnDelete.restrict, index=True)
    reason = Text()
    placed_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    placed_at = Timestamptz()
    released_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    released_at = Timestamptz(null=True, default=None)

"""Pure rules of the archive: which dossiers are closed, codes, retention and expiry, what
may be destroyed. No I/O.

Legal sources (Nghị định 30/2020, Thông tư 02/2019/TT-BNV, Luật Lưu trữ) are summarised
from memory where marked *(verify)*: those values are configuration (retention rules are
rows of `archive_retention_rule`), and the code formats are one function each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.accounts.roles import PROVINCE_WIDE_ROLES, Role
from app.dossiers.logic import Status
from app.text import fold

# A dossier is closed, and its archival file is built, once nothing more can happen to it:
# refused or redirected at reception, stopped, refused or withdrawn in processing (all
# STOPPED), or its result returned.
CLOSED_STATUSES = frozenset({Status.NOT_RECEIVED, Status.STOPPED, Status.RETURNED})


# Who sees the archive (their agencies; provincial admins and auditors the province), who
# may ask for a hand-over package, who confirms receiving one, who decides on disposal.
READERS = frozenset({Role.PROVINCIAL_ADMIN, Role.AGENCY_ADMIN, Role.ARCHIVIST, Role.AUDITOR})
PACKAGERS = frozenset({Role.PROVINCIAL_ADMIN, Role.AGENCY_ADMIN, Role.ARCHIVIST})
RECEIVERS = frozenset({Role.ARCHIVIST})
HOLDERS = frozenset({Role.PROVINCIAL_ADMIN, Role.ARCHIVIST})
DECIDERS = frozenset({Role.PROVINCIAL_ADMIN})


def in_scope(role: Role, agency_ids: tuple[int, ...], agency_id: int) -> bool:
    """Whether a user of this role and these agencies may see or act for `agency_id`."""
    return role in PROVINCE_WIDE_ROLES or agency_id in agency_ids


class FileStatus(StrEnum):
    PENDING = "pending"  # queued at closing, not built yet
    BUILDING = "building"  # claimed by one run (`queued_at` is when)
    BUILT = "built"
    FAILED = "failed"
    DISPOSED = "disposed"

    @property
    def label(self) -> str:
        return {"pending": "Chờ lập", "building": "Đang lập", "built": "Đã lập",
                "failed": "Lỗi khi lập", "disposed": "Đã hủy"}[self.value]


class PackageStatus(StrEnum):
    QUEUED = "queued"
    BUILDING = "building"
    BUILT = "built"  # waiting for the archivist
    FAILED = "failed"
    CONFIRMED = "confirmed"

    @property
    def label(self) -> str:
        return {"queued": "Chờ lập", "building": "Đang lập", "built": "Chờ lưu trữ xác nhận",
                "failed": "Lỗi khi lập", "confirmed": "Đã giao nhận"}[self.value]


class DisposalStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"  # destruction queued
    REJECTED = "rejected"
    EXECUTED = "executed"

    @property
    def label(self) -> str:
        return {"proposed": "Chờ phê duyệt", "approved": "Đã duyệt, đang hủy",
                "rejected": "Không duyệt", "executed": "Đã hủy"}[self.value]


class ItemOutcome(StrEnum):
    PENDING = "pending"
    DISPOSED = "disposed"
    HELD = "held"  # found under a hold or open feedback when the list was carried out


class Usage(StrEnum):
    """Chế độ sử dụng *(verify the TT 02/2019 code list)*. Dossiers carry personal data,
    so the default is restricted."""

    PUBLIC = "public"
    RESTRICTED = "restricted"

    @property
    def label(self) -> str:
        return {"public": "Công khai", "restricted": "Hạn chế sử dụng"}[self.value]


class Conversion(StrEnum):
    """How the archival copy of a document was made (kept in its metadata)."""

    RENDERED = "rendered"  # our own form or record, written as PDF/A by WeasyPrint
    KEPT = "kept"  # already PDF/A, kept byte for byte
    SIGNED_KEPT = "signed_kept"  # signed: kept byte for byte, never re-rendered
    CONVERTED = "converted"  # made PDF/A by OCRmyPDF, text layer added where missing
    RASTERISED = "rasterised"  # could only be made PDF/A by re-imaging and OCR
    JSON = "json"  # a machine-readable report


@dataclass(frozen=True)
class Retention:
    years: int | None  # None: permanent
    usage: Usage
    source: str  # "procedure", "field" or "default"

    @property
    def label(self) -> str:
        return retention_label(self.years)


# When neither the procedure nor its field has a rule *(verify: Thông tư 10/2022/TT-BNV
# lists TTHC dossiers mostly at 10 years, some permanent — set field rules accordingly)*.
DEFAULT_RETENTION = Retention(years=10, usage=Usage.RESTRICTED, source="default")
MAX_RETENTION_YEARS = 100


def retention_label(years: int | None) -> str:
    return "Vĩnh viễn" if years is None else f"{years} năm"


def resolve_retention(procedure_rule: dict | None, field_rule: dict | None) -> Retention:
    """The procedure's own rule, else its field's, else the default."""
    for source, rule in (("procedure", procedure_rule), ("field", field_rule)):
        if rule is not None:
            return Retention(rule["years"], Usage(rule["usage"]), source)
    return DEFAULT_RETENTION


def expires_on(end_year: int, years: int | None) -> date | None:
    """The first day a file may be proposed for destruction: retention is counted in whole
    years from 1 January of the year after the file ended *(verify)*. None: permanent."""
    if years is None:
        return None
    return date(end_year + 1 + years, 1, 1)


_UNSAFE = re.compile(r"[^0-9A-Za-z.\-]")


def file_code(agency_code: str, year: int, dossier_code: str) -> str:
    """Mã hồ sơ: the agency's identifier, the year the file ended, and its number and
    symbol — here the dossier code, which is unique (Nghị định 30/2020, Phụ lục *(verify)*).
    Only characters safe in a folder name on any system."""
    return _UNSAFE.sub("-", f"{agency_code}.{year}.{dossier_code}")


def document_identifier(code: str, position: int) -> str:
    """Mã định danh văn bản: the file code and the document's order in the file."""
    return f"{code}.{position:03d}"


def slug(text: str, limit: int = 60) -> str:
    """"Giấy tiếp nhận hồ sơ" -> "giay-tiep-nhan-ho-so" (file names inside a package)."""
    words = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return words[:limit].rstrip("-") or "tai-lieu"


def document_filename(position: int, name: str, extension: str = "pdf") -> str:
    return f"{position:03d}-{slug(name)}.{extension}"


def keywords(procedure_code: str, procedure_name: str, field_name: str) -> str:
    """Từ khóa: what an archivist searches by; no personal data."""
    return "; ".join(part for part in (procedure_code, procedure_name, field_name) if part)


CLOSING_LABELS = {
    "returned": "Đã trả kết quả",
    "reception_refused": "Từ chối tiếp nhận",
    "redirected": "Hướng dẫn nộp tại cơ quan có thẩm quyền",
    "refused": "Từ chối giải quyết",
    "stopped": "Dừng giải quyết",
    "withdrawn": "Người nộp rút hồ sơ",
}


def closing_label(last_event_action: str, status: Status) -> str:
    return CLOSING_LABELS.get(last_event_action, status.label)


def eligible_for_disposal(file: dict, today: date, *, held: bool) -> bool:
    """A file may be proposed for destruction when it was built, its retention has ended
    and nothing holds it (an open hold, complaint or feedback)."""
    return (file["status"] == FileStatus.BUILT.value and file["expires_on"] is not None
            and file["expires_on"] <= today and not held)


def package_code(agency_code: str, period_from: date, period_to: date, number: int) -> str:
    return _UNSAFE.sub("-", f"{agency_code}.NL.{period_from:%Y%m%d}-{period_to:%Y%m%d}"
                            f".{number:02d}")


def disposal_code(year: int, number: int) -> str:
    return f"DM-{year}-{number:03d}"


class PeriodError(ValueError):
    """A hand-over period that cannot be used; the text is shown to the user."""


def hand_over_period(year: str, start: date | None, end: date | None) -> tuple[date, date]:
    """A calendar year ("2026"), or a chosen period from `start` to `end` (both days in)."""
    if year.strip():
        if not re.fullmatch(r"\d{4}", year.strip()) or not 2000 <= int(year) <= 2100:
            raise PeriodError("Năm phải gồm 4 chữ số, ví dụ 2026.")
        return date(int(year), 1, 1), date(int(year), 12, 31)
    if start is None or end is None:
        raise PeriodError("Chọn năm, hoặc nhập đủ ngày bắt đầu và ngày kết thúc.")
    if end < start:
        raise PeriodError("Ngày kết thúc phải từ ngày bắt đầu trở đi.")
    if (end - start).days > 366 * 5:
        raise PeriodError("Mỗi lần nộp lưu tối đa 5 năm hồ sơ.")
    return start, end

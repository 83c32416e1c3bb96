"""Reading a counter's tracking book and writing it to XLSX."""

from __future__ import annotations

import io

from app.accounts.service import CurrentUser
from app.catalog.tables import Procedure
from app.directory.tables import Agency
from app.documents.cells import safe_cell
from app.documents.sheet_print import DATETIME_FORMAT, print_setup
from app.dossiers.service import visible_to
from app.dossiers.tables import Dossier, DossierEvent
from app.formatting import format_date
from app.legal_forms.book import (
    COLUMNS,
    HANDOVER_EVENTS,
    MOMENT_COLUMNS,
    BookFilter,
    BookRow,
    FilterError,
    book_rows,
)
from app.legal_forms.sets import FormKind, set_in_force

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000  # a year of a busy provincial centre; beyond that, narrow the dates


async def counters_for(user: CurrentUser) -> list[dict]:
    """The counters (agencies) whose book this user may open."""
    query = Agency.select(Agency.id, Agency.name).where(Agency.active.eq(True))
    if not user.role.sees_whole_province:
        query = query.where(Agency.id.is_in(list(user.agency_ids) or [-1]))
    return await query.order_by(Agency.name)


async def procedures_for(counter_id: int) -> list[dict]:
    return await Procedure.select(Procedure.id, Procedure.name).where(
        (Procedure.agency == counter_id) | Procedure.boundary_free.eq(True)
    ).order_by(Procedure.name)


def at_counter(counter_id: int):
    """Dossiers in this counter's book: received there (receiving_agency when another
    agency handles them)."""
    return (Dossier.receiving_agency == counter_id) | (
        Dossier.receiving_agency.is_null() & (Dossier.agency == counter_id))


def _where(user: CurrentUser, counter_id: int, f: BookFilter):
    where = at_counter(counter_id) & visible_to(user) & (Dossier.received_at >= f.start) & (
        Dossier.received_at < f.end)
    if f.procedure_id is not None:
        where = where & (Dossier.procedure == f.procedure_id)
    if f.status is not None:
        where = where & (Dossier.status == f.status.value)
    return where


async def read_book(user: CurrentUser, counter_id: int, f: BookFilter, *,
                    export: bool = False) -> tuple[list[BookRow], int]:
    """One page of the book (or all of it for the export) and the total count."""
    if counter_id not in {c["id"] for c in await counters_for(user)}:
        raise FilterError("Bạn không có quyền xem sổ theo dõi của bộ phận này.")
    where = _where(user, counter_id, f)
    total = await Dossier.count().where(where)
    query = Dossier.select(
        Dossier.id, Dossier.code, Dossier.status, Dossier.channel, Dossier.agency,
        Dossier.applicant_name, Dossier.applicant_address, Dossier.applicant_phone,
        Dossier.received_at, Dossier.due_at, Dossier.returned_at,
        Dossier.procedure.name.as_alias("procedure_name"),
        Dossier.agency.name.as_alias("agency_name"),
    ).where(where).order_by(Dossier.received_at).order_by(Dossier.id)
    offset = 0
    if export:
        if total > EXPORT_LIMIT:
            raise FilterError(f"Quá {EXPORT_LIMIT:,} hồ sơ; hãy thu hẹp khoảng ngày."
                              .replace(",", "."))
        query = query.limit(EXPORT_LIMIT)
    else:
        offset = (f.page - 1) * PAGE_SIZE
        query = query.limit(PAGE_SIZE).offset(offset)
    dossiers = await query
    ids = [d["id"] for d in dossiers] or [-1]
    events = await DossierEvent.select(
        DossierEvent.dossier, DossierEvent.action, DossierEvent.at,
    ).where(DossierEvent.dossier.is_in(ids) & DossierEvent.action.is_in(
        [*HANDOVER_EVENTS, "processing_finished"]))
    return book_rows(dossiers, events, counter_id, first_number=offset + 1), total


def book_xlsx(rows: list[BookRow], counter_name: str, f: BookFilter) -> bytes:
    """The book as an XLSX file; every text cell goes through `safe_cell`, since names and
    addresses are typed by applicants. Write-only mode streams rows (measured: several
    times faster than the normal mode on a month of a busy counter, see bench/RESULTS.md)."""
    from openpyxl import Workbook  # on first export, not at web start-up
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    spec = set_in_force(f.date_to).spec(FormKind.TRACKING_BOOK)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("So theo doi")
    for column, width in zip("ABCDEFGHIJKLM", (5, 26, 40, 8, 24, 30, 30, 16, 16, 16, 16, 16, 30),
                             strict=True):
        sheet.column_dimensions[column].width = width

    def bold(value: object, size: int | None = None):
        cell = WriteOnlyCell(sheet, value=safe_cell(value))
        cell.font = Font(bold=True, size=size)
        return cell

    def moment(value: object):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell

    print_setup(sheet, heading_rows="3:3")
    sheet.append([bold(spec.title.upper() if spec else "SỔ THEO DÕI HỒ SƠ", 14)])
    sheet.append([safe_cell(f"{counter_name} · từ {format_date(f.date_from)} "
                            f"đến {format_date(f.date_to)}"
                            + (f" · Mẫu số {spec.number}" if spec else ""))])
    sheet.append([bold(name) for name in COLUMNS])
    for row in rows:
        sheet.append([moment(value) if index in MOMENT_COLUMNS and value is not None
                      else safe_cell(value) for index, value in enumerate(row.cells())])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

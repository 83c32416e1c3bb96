"""The tracking book (sổ theo dõi hồ sơ) of a counter: filters and rows. Pure.

The book is the counter's register of every dossier it received, with the moments the
paper form asks for: received, appointment, handed to the competent agency, result back
from it, returned to the applicant. A dossier received for another locality's procedure
(reception regardless of boundary) is in the receiving counter's book and names the
competent agency, so both sides are recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.documents.sheet_print import local_moment
from app.dossiers.logic import Channel, Status
from app.formatting import LOCAL_TZ, format_date

MAX_RANGE_DAYS = 366


class FilterError(ValueError):
    """A filter the officer typed that cannot be used; the text is shown to them."""


@dataclass(frozen=True)
class BookFilter:
    date_from: date
    date_to: date
    procedure_id: int | None = None
    status: Status | None = None
    page: int = 1

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date_from, time.min, LOCAL_TZ)

    @property
    def end(self) -> datetime:
        """Exclusive: the first moment after the last day."""
        return datetime.combine(self.date_to + timedelta(days=1), time.min, LOCAL_TZ)

    def query(self, *, page: int | None = None) -> dict[str, str]:
        """The filter as query parameters, for links that keep it (pages, export)."""
        params = {"tu_ngay": format_date(self.date_from), "den_ngay": format_date(self.date_to),
                  "thu_tuc": str(self.procedure_id or ""),
                  "trang_thai": "" if self.status is None else str(self.status.value)}
        if page is not None:
            params["trang"] = str(page)
        return params


def _parse_day(text: str, label: str) -> date:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise FilterError(f"{label} phải theo dạng dd/mm/yyyy, ví dụ 01/12/2026.") from None


def parse_filter(params: Mapping[str, str], today: date) -> BookFilter:
    """The book's filter from query parameters; by default the current month so far."""
    raw_from, raw_to = params.get("tu_ngay", "").strip(), params.get("den_ngay", "").strip()
    date_from = _parse_day(raw_from, "Từ ngày") if raw_from else today.replace(day=1)
    date_to = _parse_day(raw_to, "Đến ngày") if raw_to else today
    if date_to < date_from:
        raise FilterError("“Đến ngày” phải sau hoặc bằng “Từ ngày”.")
    if (date_to - date_from).days >= MAX_RANGE_DAYS:
        raise FilterError("Mỗi lần xem tối đa một năm (366 ngày).")
    procedure = params.get("thu_tuc", "").strip()
    if procedure and not procedure.isdigit():
        raise FilterError("Thủ tục không hợp lệ.")
    status_text = params.get("trang_thai", "").strip()
    status = None
    if status_text:
        try:
            status = Status(int(status_text))
        except ValueError:
            raise FilterError("Trạng thái không hợp lệ.") from None
    page_text = params.get("trang", "1")
    page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
    return BookFilter(date_from, date_to, int(procedure) if procedure else None, status, page)


COLUMNS = (
    "STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức", "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ", "Hẹn trả kết quả", "Chuyển hồ sơ đến cơ quan giải quyết",
    "Nhận kết quả từ cơ quan giải quyết", "Trả kết quả cho cá nhân, tổ chức", "Ghi chú",
)


@dataclass(frozen=True)
class BookRow:
    number: int
    dossier_id: int
    code: str
    procedure_name: str
    sets: int
    applicant_name: str
    contact: str
    competent_agency: str
    received_at: datetime | None
    due_at: datetime | None
    handed_over_at: datetime | None
    result_back_at: datetime | None
    returned_at: datetime | None
    note: str

    def cells(self) -> list[object]:
        """The row as spreadsheet values, in COLUMNS order; moments as local date-times
        (real dates that sort and filter; the sheet gives them the dd/mm/yyyy hh:mm look)."""
        return [self.number, self.code, self.procedure_name, self.sets, self.applicant_name,
                self.contact, self.competent_agency, local_moment(self.received_at),
                local_moment(self.due_at), local_moment(self.handed_over_at),
                local_moment(self.result_back_at), local_moment(self.returned_at), self.note]


MOMENT_COLUMNS = range(7, 12)  # positions in COLUMNS of the five moments


HANDOVER_EVENTS = frozenset({"processing_started", "transferred"})


def book_rows(dossiers: Iterable[Mapping], events: Iterable[Mapping],
              counter_agency_id: int, first_number: int = 1) -> list[BookRow]:
    """Book rows for dossiers (with agency_name, procedure_name) and their events (dossier,
    action, at), numbered from `first_number`."""
    handed: dict[int, datetime] = {}
    back: dict[int, datetime] = {}
    for e in sorted(events, key=lambda e: e["at"]):
        if e["action"] in HANDOVER_EVENTS:
            handed.setdefault(e["dossier"], e["at"])
        elif e["action"] == "processing_finished":
            back[e["dossier"]] = e["at"]
    rows = []
    for number, d in enumerate(dossiers, start=first_number):
        notes = [Status(d["status"]).label, Channel(d["channel"]).label]
        if d["agency"] != counter_agency_id:
            # Received here for another agency (regardless of boundary, or transferred).
            notes.append("Cơ quan giải quyết khác nơi tiếp nhận")
        contact = ", ".join(x for x in (d["applicant_address"], d["applicant_phone"]) if x)
        rows.append(BookRow(
            number, d["id"], d["code"], d["procedure_name"], 1, d["applicant_name"], contact,
            d["agency_name"], d["received_at"], d["due_at"], handed.get(d["id"]),
            back.get(d["id"]), d["returned_at"], "; ".join(notes)))
    return rows

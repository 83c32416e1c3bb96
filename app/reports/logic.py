"""Pure rules of the monthly TTHC report: the reporting period and what each column counts.

Period (Nghị định 09/2019, DOMAIN.md): the report of month M runs from the cut-off day of
month M-1 to the day before the cut-off in month M, both inclusive, in local time — by
default 15/02 → 14/03 for March. The cut-off is configuration (1–28, so every month has it).

Columns, for a period [S, E) in UTC (E is local midnight after the last day). A dossier has
received_at r, appointment due, finished_at f (processed), and for a dossier that left
processing without a result, the moment c and kind of its closing event:
- carried over: r < S, still in processing at S (not processed nor closed before S);
- new online / new in person or post: S ≤ r < E, by channel;
- processed early / on time / late: S ≤ f < E. Late: f > due, or an apology (form 04) was
  issued (the first appointment was missed even if the new one is kept). Early: not late and
  finished on an earlier date than the appointment's. On time: the rest;
- in progress at E, within deadline / overdue: r < E and neither processed nor closed
  before E; overdue when due < E;
- refused, withdrawn, stopped: the closing event falls in [S, E);
- late with apology: processed late in the period or overdue at E, with an apology.

Dates are compared on the stored UTC date: office hours (07:30–17:00 at UTC+7) fall on the
same UTC date, so for every moment in office hours that is the local date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# (key, Vietnamese header) in the order of the report.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("carried_over", "Kỳ trước chuyển sang"),
    ("new_online", "Mới tiếp nhận trực tuyến"),
    ("new_direct", "Mới tiếp nhận trực tiếp, bưu chính"),
    ("processed_early", "Đã giải quyết trước hạn"),
    ("processed_on_time", "Đã giải quyết đúng hạn"),
    ("processed_late", "Đã giải quyết quá hạn"),
    ("in_progress_on_time", "Đang giải quyết trong hạn"),
    ("in_progress_overdue", "Đang giải quyết quá hạn"),
    ("refused", "Từ chối"),
    ("withdrawn", "Rút hồ sơ"),
    ("stopped", "Dừng xử lý"),
    ("late_with_apology", "Quá hạn có văn bản xin lỗi"),
)
KEYS = tuple(key for key, _ in COLUMNS)

# Closing events (app.workflow.actions) and the column each one counts in.
CLOSING_ACTIONS = {"reception_refused": "refused", "refused": "refused",
                   "withdrawn": "withdrawn", "stopped": "stopped"}


class PeriodError(ValueError):
    """A period or cut-off that does not exist (shown to the user as it is)."""


def check_cutoff(cutoff_day: int) -> int:
    if not 1 <= cutoff_day <= 28:
        raise PeriodError("Ngày chốt số liệu phải từ 1 đến 28.")
    return cutoff_day


@dataclass(frozen=True)
class Period:
    """The monthly report of `month`/`year`: first_day … last_day inclusive (local)."""

    year: int
    month: int
    first_day: date
    last_day: date

    @property
    def start_at(self) -> datetime:
        return _local_midnight(self.first_day)

    @property
    def end_at(self) -> datetime:
        """Exclusive: local midnight after the last day."""
        return _local_midnight(self.last_day + timedelta(days=1))

    @property
    def label(self) -> str:
        return (f"Tháng {self.month}/{self.year} ({self.first_day:%d/%m/%Y} – "
                f"{self.last_day:%d/%m/%Y})")

    @property
    def slug(self) -> str:
        return f"{self.year}-{self.month:02d}"


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ).astimezone(UTC)


def _previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def monthly_period(year: int, month: int, cutoff_day: int = 15) -> Period:
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise PeriodError("Tháng hoặc năm báo cáo không hợp lệ.")
    check_cutoff(cutoff_day)
    prev_year, prev_month = _previous_month(year, month)
    first = date(prev_year, prev_month, cutoff_day)
    last = date(year, month, cutoff_day) - timedelta(days=1)
    return Period(year, month, first, last)


def period_containing(day: date, cutoff_day: int = 15) -> Period:
    """The period a local day belongs to: from the cut-off on, it is next month's report."""
    year, month = (day.year, day.month)
    if day.day >= check_cutoff(cutoff_day):
        year, month = _next_month(year, month)
    return monthly_period(year, month, cutoff_day)


def last_closed_period(today: date, cutoff_day: int = 15) -> Period:
    """The latest period whose last day is before `today` (what the cut-off task exports)."""
    current = period_containing(today, cutoff_day)
    return monthly_period(*_previous_month(current.year, current.month), cutoff_day)


@dataclass(frozen=True)
class DossierFacts:
    """What the report reads of one dossier (the reference for the SQL in counts.py)."""

    received_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    channel: int
    closed_at: datetime | None = None
    closing_action: str | None = None
    apologised: bool = False


def classify(d: DossierFacts, period: Period) -> set[str]:
    """The columns one dossier counts in for `period` (see the module docstring)."""
    start, end = period.start_at, period.end_at
    r, f, c, due = d.received_at, d.finished_at, d.closed_at, d.due_at
    out: set[str] = set()
    ended = f if f is not None else c
    if r is not None and r < start and (ended is None or ended >= start):
        out.add("carried_over")
    if r is not None and start <= r < end:
        out.add("new_online" if d.channel == 2 else "new_direct")
    late = False
    if f is not None and start <= f < end:
        late = (due is not None and f > due) or d.apologised
        if late:
            out.add("processed_late")
        elif due is not None and f.astimezone(UTC).date() < due.astimezone(UTC).date():
            out.add("processed_early")
        else:
            out.add("processed_on_time")
    overdue = False
    if r is not None and r < end and (ended is None or ended >= end):
        overdue = due is not None and due < end
        out.add("in_progress_overdue" if overdue else "in_progress_on_time")
    if c is not None and start <= c < end and d.closing_action in CLOSING_ACTIONS:
        out.add(CLOSING_ACTIONS[d.closing_action])
    if d.apologised and (late or overdue):
        out.add("late_with_apology")
    return out


def received_total(counts: dict[str, int]) -> int:
    return counts["carried_over"] + counts["new_online"] + counts["new_direct"]


def processed_total(counts: dict[str, int]) -> int:
    return counts["processed_early"] + counts["processed_on_time"] + counts["processed_late"]


def add(total: dict[str, int], counts: dict[str, int]) -> dict[str, int]:
    return {key: total.get(key, 0) + counts.get(key, 0) for key in KEYS}

"""Pure rules of the TTHC report: what each column counts in a reporting period.

Periods (Nghị định 09/2019 art. 12: month, quarter, 6 and 9 months, year, from the cut-off
day of the month before) live in `app.reports.periods`; the names are re-exported here for
the callers that read a period and its columns together.

Columns, for a period [S, E) in UTC (E is local midnight after the last day). A dossier has
received_at r, appointment due, finished_at f (processed), and for a dossier that left
processing without a result, the moment c and kind of its closing event:
- carried over: r < S, still in processing at S (not processed nor closed before S);
- new online / new in person or post: S ≤ r < E, by channel;
- processed early / on time / late: S ≤ f < E. Late: f > due, or an apology (form 04) was
  issued (the first appointment was missed even if the new one is kept). Early: not late and
  finished on an earlier local date than the appointment's day (`appointment_day`: a
  calendar-day limit ending at 24:00 is stored as the next midnight, which is still the
  last day's). On time: the rest;
- in progress at E, within deadline / overdue: r < E and neither processed nor closed
  before E; overdue when due < E;
- refused, withdrawn, stopped: the closing event falls in [S, E);
- late with apology: processed late in the period or overdue at E, with an apology.

Dates are local dates (Asia/Ho_Chi_Minh), taken from the moment cut to the second — the
same reading the SQL in `sqlite_counts` makes — so a dossier finished at 06:00 local is
not counted on the previous (UTC) date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.calendar.deadlines import appointment_day
from app.formatting import LOCAL_TZ
from app.reports.periods import (  # noqa: F401  (re-exported: one import for report callers)
    Kind,
    Period,
    PeriodError,
    check_cutoff,
    last_closed_period,
    make_period,
    monthly_period,
    parse_slug,
    period_containing,
)

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


def local_day(moment: datetime) -> date:
    """The local date of a moment, read to the second (as the SQL reads stored text)."""
    return moment.astimezone(LOCAL_TZ).replace(microsecond=0).date()


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
        elif due is not None and local_day(f) < appointment_day(due):
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

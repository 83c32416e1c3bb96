"""What the index decides about one item, as 766-index.md words it. Pure: no I/O.

- 2.1: which dossiers a period judges, the moment their processing ends, and whether that
  was on time (`DossierTiming`, `judged`, `end_moment`, `on_time`);
- 2.2: a finished dossier's processing time in its procedure's own unit;
- 5.2 and 5.3: whether a feedback item kept its deadlines, and what 5.3 deducts.

All moments are timezone-aware; a period is [start, end) with `end` exclusive.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from app.calendar.deadlines import office_time_between
from app.calendar.logic import WorkingCalendar
from app.catalog.logic import TimeUnit

DAYS_PER_MONTH = 30  # 2.2 in months: a month of processing counted as 30 days (verify)


@dataclass(frozen=True)
class DossierTiming:
    """A received dossier's facts that 2.1 reads. `due_at` is the appointment (NgayHenTra;
    the caller puts the legal deadline there when there is none); `waiting_since` is the
    start of a supplement wait still open at the period's end; `apologised_at` the first
    apology (form 04): it admits the first appointment was missed."""

    received_at: datetime
    due_at: datetime | None
    finished_at: datetime | None = None  # processed (đã xử lý xong), or returned
    closed_at: datetime | None = None  # stopped, refused or withdrawn after reception
    supplement_requests: int = 0
    waiting_since: datetime | None = None
    apologised_at: datetime | None = None

    @property
    def ended_at(self) -> datetime | None:
        """Processed first, then stopped/refused/withdrawn (766-index.md's order)."""
        return self.finished_at if self.finished_at is not None else self.closed_at


def judged(t: DossierTiming, start: datetime, end: datetime) -> bool:
    """In 2.1's denominator: received before the end and not ended before the start, i.e.
    processed in the period or still in processing at some moment of it."""
    ended = t.ended_at
    return t.received_at < end and (ended is None or ended >= start)


def end_moment(t: DossierTiming, end: datetime, max_supplements: int = 1) -> datetime:
    """When processing ended as seen at the period's end: processed or closed before it;
    else waiting after an allowed supplement request → the request; else the end itself."""
    ended = t.ended_at
    if ended is not None and ended < end:
        return ended
    if t.waiting_since is not None and t.waiting_since < end and (
            1 <= t.supplement_requests <= max_supplements):
        return t.waiting_since
    return end


def on_time(t: DossierTiming, end: datetime, max_supplements: int = 1) -> bool:
    """More supplement requests than allowed, or an apology before the period's end, make a
    dossier late; otherwise on time when it ended (or the period ended) by the appointment.
    The appointment already excludes supplement waits: the clock stops while waiting."""
    if t.supplement_requests > max_supplements:
        return False
    if t.apologised_at is not None and t.apologised_at < end:
        return False
    if t.due_at is None:
        return True
    return end_moment(t, end, max_supplements) <= t.due_at


# -- 2.2 processing time ------------------------------------------------------------------


def processing_time(received_at: datetime, finished_at: datetime,
                    pauses: Iterable[tuple[datetime, datetime]], unit: TimeUnit | str,
                    calendar: WorkingCalendar) -> Fraction:
    """Time from reception to result, supplement waits left out, in `unit`: office hours,
    working days of the calendar's office day, calendar days, or months of 30 days."""
    unit = TimeUnit(unit)
    inside = [(max(a, received_at), min(b, finished_at)) for a, b in pauses
              if b > received_at and a < finished_at]
    if unit in (TimeUnit.HOURS, TimeUnit.WORKING_DAYS):
        spent = office_time_between(received_at, finished_at, calendar=calendar)
        spent -= sum((office_time_between(a, b, calendar=calendar) for a, b in inside),
                     timedelta(0))
        seconds = Fraction(spent // timedelta(microseconds=1), 1_000_000)
        if unit is TimeUnit.HOURS:
            return seconds / 3600
        day_seconds = calendar.office_day(received_at.date()).full_day_seconds
        return seconds / day_seconds
    spent = finished_at - received_at - sum((b - a for a, b in inside), timedelta(0))
    days = Fraction(spent // timedelta(microseconds=1), 86_400_000_000)
    return days / DAYS_PER_MONTH if unit is TimeUnit.MONTHS else days


# -- 5.2 and 5.3 feedback ------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackTiming:
    """A feedback item's deadlines (working days on the province calendar, stored when
    they start) and the moments each step was taken; None: not taken."""

    received_at: datetime
    answer_due_at: datetime
    refuse_due_at: datetime
    refused_at: datetime | None = None
    asked_more_at: datetime | None = None
    ask_more_due: datetime | None = None
    answered_at: datetime | None = None
    published_at: datetime | None = None
    publish_due: datetime | None = None  # only when the submitter agreed to publication
    rating: int | None = None  # 1 satisfied, 0 not
    rated_at: datetime | None = None


def _before(moment: datetime | None, end: datetime) -> bool:
    return moment is not None and moment < end


def feedback_on_time(f: FeedbackTiming, end: datetime) -> bool:
    """Every step taken before the period's end kept its deadline (refuse ≤ 2, first request
    for more ≤ 5, answer ≤ 15, publish ≤ 2 after answering); the step still pending at the
    end is judged by whether its deadline had passed."""
    if _before(f.refused_at, end):
        return f.refused_at <= f.refuse_due_at
    if _before(f.asked_more_at, end) and f.ask_more_due is not None and (
            f.asked_more_at > f.ask_more_due):
        return False
    if not _before(f.answered_at, end):
        return end <= f.answer_due_at
    if f.answered_at > f.answer_due_at:
        return False
    if f.publish_due is None:
        return True
    if _before(f.published_at, end):
        return f.published_at <= f.publish_due
    return end <= f.publish_due


def answered_late(f: FeedbackTiming, end: datetime) -> bool:
    return _before(f.answered_at, end) and f.answered_at > f.answer_due_at


def rated_unsatisfied(f: FeedbackTiming, end: datetime) -> bool:
    return f.rating == 0 and _before(f.rated_at, end)

"""Deadlines on a working calendar: time limits in hours, working days, calendar days, months.

Hours and working days are office time. A working day is worth one full office day of the
hours in force on the day being counted (8 hours by default); counting is by fractions of
days, so 5 working days stay 5 days even across a change of office hours, and equal
5 × 8 hours when the hours do not change. The clock runs from the moment of reception, or
from the next opening when the dossier arrives while the office is closed. The deadline is
the first moment the amount is used up, so one ending with a block stays at 11:30 or 17:00.

Calendar days and months follow the Civil Code 2015, art. 147–148: the reception day is not
counted (art. 147), the time limit ends at 24:00 of its last day (art. 148(6)) — stored as the
local midnight that follows it — and when that day is not worked, at 24:00 of the next
working day (art. 148(5)); months keep the day of the month, clamped to the month's end. So a
result issued at 18:00 on the last day is on time; the appointment slip still names office
hours for collecting the result, which is not the legal end of the limit.

Pauses (waiting for a supplement, stopped dossiers) stop the clock:
- hours and working days: office time inside a pause does not count, so the deadline moves
  by the office time paused;
- calendar days and months: the deadline moves by the whole calendar days a pause spans,
  counted like art. 147 counts a period (resume date − pause date), so a pause within one day
  moves nothing and one from Monday afternoon to Wednesday morning moves two days.
Only pauses that start before the running deadline count: one that starts after it cannot
rescue a dossier that was already late.

The walk goes day by day with integer microseconds, so a 30-working-day deadline costs a few
dozen dictionary lookups.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from math import ceil

from app.calendar.logic import (
    DEFAULT_CALENDAR,
    MAX_WALK_DAYS,
    ONE_DAY,
    WorkingCalendar,
    to_local,
)
from app.catalog.logic import TimeUnit
from app.formatting import LOCAL_TZ

Amount = int | float | Decimal | Fraction
Pause = tuple[datetime, datetime]

MICRO = 1_000_000
HOUR_US = 3600 * MICRO


def _us(span: timedelta) -> int:
    return span // timedelta(microseconds=1)


def _fraction(amount: Amount) -> Fraction:
    if isinstance(amount, bool):
        raise ValueError("Thời hạn phải là một số.")
    if isinstance(amount, float):
        amount = Decimal(repr(amount))  # 0.1 means one tenth, not its binary neighbour
    if isinstance(amount, Decimal) and not amount.is_finite():
        raise ValueError("Thời hạn phải là một số hữu hạn.")
    value = Fraction(amount)
    if value < 0:
        raise ValueError("Thời hạn không được âm.")
    return value


def add_months(day: date, months: int) -> date:
    """Same day of the month `months` later, clamped: 31/01 + 1 month → 28 or 29/02."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def _merge_pauses(pauses: Iterable[Pause], start: datetime) -> list[Pause]:
    """Local, clipped to after reception, sorted, overlaps merged (never counted twice)."""
    clipped = []
    for pause_start, pause_end in pauses:
        pause_start, pause_end = to_local(pause_start), to_local(pause_end)
        if pause_end < pause_start:
            raise ValueError("Khoảng tạm dừng có thời điểm kết thúc trước thời điểm bắt đầu.")
        if pause_end > start:
            clipped.append((max(pause_start, start), pause_end))
    merged: list[Pause] = []
    for pause_start, pause_end in sorted(clipped):
        if merged and pause_start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], pause_end))
        else:
            merged.append((pause_start, pause_end))
    return merged


# --- office time ---------------------------------------------------------------------------


def _scale(calendar: WorkingCalendar, day: date, per_day: bool) -> int:
    """Microseconds of office time in one unit of the amount on `day`."""
    return calendar.office_day(day).full_day_seconds * MICRO if per_day else HOUR_US


def _advance(
    calendar: WorkingCalendar, start: datetime, amount: Fraction, per_day: bool
) -> datetime:
    """First moment at which `amount` units of office time since `start` are used up."""
    day = start.date()
    moment: datetime | None = start  # None: the whole day is ahead of us
    scale = _scale(calendar, day, per_day)
    need = ceil(amount * scale)  # in microseconds of the current scale
    for _ in range(MAX_WALK_DAYS):
        blocks, full_day_seconds = calendar.office_day(day)
        if blocks:
            day_scale = full_day_seconds * MICRO if per_day else HOUR_US
            if day_scale != scale:  # office hours changed: the rest is worth a new length
                need, scale = ceil(Fraction(need * day_scale, scale)), day_scale
            if moment is None or moment <= blocks[0][0]:
                # Whole days are skipped in one step; strictly greater, so a deadline at
                # the closing time is found below and stays there.
                if need > full_day_seconds * MICRO:
                    need -= full_day_seconds * MICRO
                    day += ONE_DAY
                    moment = None
                    continue
                moment = blocks[0][0]
            for block_start, block_end in blocks:
                if block_end <= moment:
                    continue
                begin = max(block_start, moment)
                available = _us(block_end - begin)
                if need <= available:
                    return begin + timedelta(microseconds=need)
                need -= available
        day += ONE_DAY
        moment = None
    raise ValueError("Thời hạn quá dài để tính.")


def _measure(calendar: WorkingCalendar, start: datetime, end: datetime, per_day: bool):
    """Office time in [start, end): microseconds (int), or working days (Fraction)."""
    # Microseconds per length of office day, so Fractions are only made once per length.
    used_by_length: dict[int, int] = {}
    day, last = start.date(), end.date()
    while day <= last:
        blocks, full_day_seconds = calendar.office_day(day)
        if not blocks:
            day += ONE_DAY
            continue
        if start <= blocks[0][0] and blocks[-1][1] <= end:
            used = full_day_seconds * MICRO
        else:
            used = 0
            for block_start, block_end in blocks:
                begin = block_start if block_start > start else start
                finish = block_end if block_end < end else end
                if finish > begin:
                    used += _us(finish - begin)
        used_by_length[full_day_seconds] = used_by_length.get(full_day_seconds, 0) + used
        day += ONE_DAY
    if not per_day:
        return sum(used_by_length.values())
    return sum((Fraction(used, seconds * MICRO) for seconds, used in used_by_length.items()),
               Fraction(0))


def _office_due(calendar, start, amount: Fraction, per_day: bool, pauses: list[Pause]):
    cursor, remaining = start, amount
    for pause_start, pause_end in pauses:
        if pause_start > cursor:
            gap = _measure(calendar, cursor, pause_start, per_day)
            if not per_day:
                gap = Fraction(gap, HOUR_US)
            if remaining <= gap:
                break
            remaining -= gap
        cursor = max(cursor, pause_end)
    return _advance(calendar, cursor, remaining, per_day)


# --- calendar days and months --------------------------------------------------------------


def end_of_day(day: date) -> datetime:
    """24:00 of `day` in local time: the midnight that starts the next day."""
    return datetime.combine(day + ONE_DAY, time(0), LOCAL_TZ)


def appointment_day(due: datetime) -> date:
    """The day an appointment falls on: 24:00 (stored as the next midnight) belongs to the
    day it ends, so one second earlier is read (to the second, as SQL reads stored text)."""
    return (to_local(due).replace(microsecond=0) - timedelta(seconds=1)).date()


def _calendar_due(calendar, start: datetime, amount: Fraction, months: bool, pauses):
    if amount.denominator != 1:
        raise ValueError("Thời hạn tính theo ngày hoặc tháng phải là số nguyên.")
    count = int(amount)
    try:
        last_day = add_months(start.date(), count) if months else start.date() + ONE_DAY * count
    except (OverflowError, ValueError):  # past year 9999
        raise ValueError("Thời hạn quá dài để tính.") from None

    def due_after(paused_days: int) -> datetime:
        try:
            return end_of_day(calendar.next_working_day(last_day + ONE_DAY * paused_days))
        except OverflowError:  # past year 9999
            raise ValueError("Thời hạn quá dài để tính.") from None

    paused_days = 0
    due = due_after(0)
    for pause_start, pause_end in pauses:
        if pause_start >= due:
            break
        paused_days += (pause_end.date() - pause_start.date()).days
        due = due_after(paused_days)
    return due


# --- public API ----------------------------------------------------------------------------


def deadline(
    start: datetime,
    amount: Amount,
    unit: TimeUnit | str,
    *,
    pauses: Iterable[Pause] = (),
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> datetime:
    """When a time limit of `amount` `unit` that started at `start` runs out (local time)."""
    try:
        unit = TimeUnit(unit)
    except ValueError:
        raise ValueError(f"Đơn vị thời hạn không hợp lệ: {unit!r}.") from None
    start = to_local(start)
    value = _fraction(amount)
    merged = _merge_pauses(pauses, start)
    if unit in (TimeUnit.HOURS, TimeUnit.WORKING_DAYS):
        return _office_due(calendar, start, value, unit is TimeUnit.WORKING_DAYS, merged)
    return _calendar_due(calendar, start, value, unit is TimeUnit.MONTHS, merged)


def office_time_between(
    start: datetime, end: datetime, *, calendar: WorkingCalendar = DEFAULT_CALENDAR
) -> timedelta:
    """Office time from `start` to `end`; negative when `end` is earlier (early, not late)."""
    start, end = to_local(start), to_local(end)
    if end < start:
        return -office_time_between(end, start, calendar=calendar)
    return timedelta(microseconds=_measure(calendar, start, end, per_day=False))


def extend_by_office_time(
    due: datetime, waited: timedelta, *, calendar: WorkingCalendar = DEFAULT_CALENDAR
) -> datetime:
    """`due` moved later by `waited` office time: time spent waiting for the applicant (a
    supplement, more information) does not count against the office.

    The extension starts where `due` stands, so a due moment at a closing moves into the next
    opening. No office time waited (zero, or negative when two clocks disagree) leaves `due`
    as it is, even at 11:30 or 17:00: waiting nothing must not change what the applicant was
    told. Exact to the microsecond: office_time_between(due, result) == waited."""
    due = to_local(due)
    if waited <= timedelta(0):
        return due
    return deadline(due, Fraction(_us(waited), HOUR_US), TimeUnit.HOURS, calendar=calendar)


def working_days_left(
    now: datetime, due: datetime, *, calendar: WorkingCalendar = DEFAULT_CALENDAR
) -> float:
    """Working days of office time from `now` to `due`; negative once `due` has passed."""
    now, due = to_local(now), to_local(due)
    if due < now:
        return -working_days_left(due, now, calendar=calendar)
    return float(_measure(calendar, now, due, per_day=True))

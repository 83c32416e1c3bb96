"""Properties of deadlines that must hold for any reception time, amount, holiday or pause.

Examples stay at 200 per property and dates within 2025–2028 (holiday data cached), so the
whole file runs in a few seconds.
"""

from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from app.calendar import (
    DEFAULT_CALENDAR,
    DayOverride,
    OfficeHours,
    WorkingCalendar,
    deadline,
    extend_by_office_time,
    office_time_between,
    working_days_left,
)
from app.catalog.logic import TimeUnit
from app.formatting import LOCAL_TZ

HOUR_US = 3600 * 1_000_000
FAST = settings(max_examples=200, deadline=None)

CALENDARS = st.sampled_from([
    DEFAULT_CALENDAR,
    # A shorter office day from mid-2026 on, and an admin bridge with its make-up Saturday.
    WorkingCalendar(
        office_hours=(
            DEFAULT_CALENDAR.office_hours[0],
            OfficeHours(date(2026, 7, 1), ((time(7, 0), time(11, 30)), (time(14, 0), time(17, 0)))),
        ),
        overrides=(
            DayOverride(date(2026, 1, 2), working=False, reason="Nghỉ cầu"),
            DayOverride(date(2026, 1, 10), working=True, reason="Làm bù"),
        ),
    ),
])

moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 6, 30), timezones=st.just(LOCAL_TZ)
)
# Equalities below are exact to the microsecond; a reception time to the microsecond can
# need sub-microsecond office time across a change of day length, so they use whole seconds.
whole_seconds = moments.map(lambda moment: moment.replace(microsecond=0))
office_amounts = st.integers(min_value=0, max_value=160).map(lambda n: Fraction(n, 4))
office_units = st.sampled_from([TimeUnit.HOURS, TimeUnit.WORKING_DAYS])
limits = st.one_of(
    st.tuples(office_amounts, office_units),
    st.tuples(st.integers(min_value=0, max_value=90), st.just(TimeUnit.CALENDAR_DAYS)),
    st.tuples(st.integers(min_value=0, max_value=24), st.just(TimeUnit.MONTHS)),
)


@st.composite
def pauses(draw, start: datetime):
    result = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        offset = draw(st.integers(min_value=-3 * 24 * 60, max_value=60 * 24 * 60))
        length = draw(st.integers(min_value=0, max_value=10 * 24 * 60))
        pause_start = start + timedelta(minutes=offset)
        result.append((pause_start, pause_start + timedelta(minutes=length)))
    return result


@FAST
@given(start=moments, limit=limits, calendar=CALENDARS)
def test_the_deadline_never_comes_before_reception(start, limit, calendar):
    amount, unit = limit
    assert deadline(start, amount, unit, calendar=calendar) >= start


@FAST
@given(start=moments, limit=limits, calendar=CALENDARS, data=st.data())
def test_an_extra_day_off_never_brings_a_deadline_forward(start, limit, calendar, data):
    amount, unit = limit
    day = start.date() + timedelta(days=data.draw(st.integers(min_value=0, max_value=60)))
    if any(o.day == day for o in calendar.overrides):
        return
    with_holiday = calendar.with_overrides(DayOverride(day, working=False, reason="Nghỉ thêm"))
    assert deadline(start, amount, unit, calendar=with_holiday) >= deadline(
        start, amount, unit, calendar=calendar)


@FAST
@given(start=moments, n=st.integers(min_value=0, max_value=40), calendar=CALENDARS)
def test_one_more_working_day_is_always_later(start, n, calendar):
    assert deadline(start, n + 1, TimeUnit.WORKING_DAYS, calendar=calendar) > deadline(
        start, n, TimeUnit.WORKING_DAYS, calendar=calendar)


@FAST
@given(start=moments, n=st.integers(min_value=0, max_value=90),
       unit=st.sampled_from([TimeUnit.CALENDAR_DAYS, TimeUnit.MONTHS]), calendar=CALENDARS)
def test_one_more_calendar_day_or_month_is_never_earlier(start, n, unit, calendar):
    assert deadline(start, n + 1, unit, calendar=calendar) >= deadline(
        start, n, unit, calendar=calendar)


@FAST
@given(start=moments, n=st.integers(min_value=0, max_value=90),
       unit=st.sampled_from([TimeUnit.CALENDAR_DAYS, TimeUnit.MONTHS]), calendar=CALENDARS)
def test_calendar_limits_end_at_24_00_of_the_first_working_day_from_the_last_day(
        start, n, unit, calendar):
    """Civil Code art. 148(5)–(6): 24:00 of the last day, or of the next working day."""
    from app.calendar import add_months

    due = deadline(start, n, unit, calendar=calendar)
    assert due.astimezone(LOCAL_TZ).time() == time(0)  # 24:00 is stored as the next midnight
    last_day = (due.astimezone(LOCAL_TZ) - timedelta(days=1)).date()
    nominal = (start.date() + timedelta(days=n) if unit is TimeUnit.CALENDAR_DAYS
               else add_months(start.date(), n))
    assert last_day >= nominal and calendar.is_working_day(last_day)
    skipped = (nominal + timedelta(days=k) for k in range((last_day - nominal).days))
    assert not any(calendar.is_working_day(day) for day in skipped)
    # Office hours do not matter to a calendar limit: any moment of the last day is in time.
    assert due > datetime.combine(last_day, time(23, 59, 59), LOCAL_TZ)


@FAST
@given(start=whole_seconds, amount=office_amounts, calendar=CALENDARS)
def test_n_office_hours_after_reception_there_were_n_office_hours(start, amount, calendar):
    # Holds from any reception moment, since time outside office hours is not counted.
    due = deadline(start, amount, TimeUnit.HOURS, calendar=calendar)
    assert office_time_between(start, due, calendar=calendar) == timedelta(minutes=15) * int(
        amount * 4)


@FAST
@given(start=whole_seconds, amount=office_amounts, calendar=CALENDARS)
def test_n_working_days_after_reception_there_are_n_working_days_left(start, amount, calendar):
    due = deadline(start, amount, TimeUnit.WORKING_DAYS, calendar=calendar)
    assert working_days_left(start, due, calendar=calendar) == float(amount)


@FAST
@given(start=moments, amount=office_amounts.filter(bool), unit=office_units, calendar=CALENDARS)
def test_office_deadlines_fall_inside_office_hours_or_at_a_closing(start, amount, unit, calendar):
    due = deadline(start, amount, unit, calendar=calendar)
    assert any(begin < due <= end for begin, end in calendar.office_blocks(due.date()))


@FAST
@given(start=moments, limit=limits, calendar=CALENDARS, data=st.data())
def test_pausing_never_brings_a_deadline_forward(start, limit, calendar, data):
    amount, unit = limit
    paused = data.draw(pauses(start))
    assert deadline(start, amount, unit, pauses=paused, calendar=calendar) >= deadline(
        start, amount, unit, calendar=calendar)


@FAST
@given(start=moments, limit=limits)
def test_utc_and_local_reception_give_the_same_local_deadline(start, limit):
    amount, unit = limit
    local = deadline(start, amount, unit)
    assert deadline(start.astimezone(UTC), amount, unit) == local
    assert local.tzinfo == LOCAL_TZ


# Any office time up to two working weeks, to the microsecond (hours are exact in microseconds).
waits = st.integers(min_value=-HOUR_US, max_value=80 * HOUR_US).map(
    lambda us: timedelta(microseconds=us))


@FAST
@given(due=moments, waited=waits, calendar=CALENDARS)
def test_an_extension_is_exactly_the_office_time_waited(due, waited, calendar):
    extended = extend_by_office_time(due, waited, calendar=calendar)
    assert extended >= due
    if waited > timedelta():
        assert office_time_between(due, extended, calendar=calendar) == waited
        assert any(begin < extended <= end for begin, end in calendar.office_blocks(
            extended.date()))
    else:
        assert extended == due


@FAST
@given(due=moments, first=waits, second=waits, calendar=CALENDARS)
def test_two_waits_extend_as_far_as_one_wait_of_their_sum(due, first, second, calendar):
    if first <= timedelta() or second <= timedelta():
        return
    twice = extend_by_office_time(
        extend_by_office_time(due, first, calendar=calendar), second, calendar=calendar)
    assert twice == extend_by_office_time(due, first + second, calendar=calendar)

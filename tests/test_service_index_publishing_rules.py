"""Indicators 1.1 and 1.2 per version (pure): the working-day arithmetic between dated acts
(`WorkingCalendar.working_day_offset`) and the examples of 766-index.md — a decision at
least 5 working days before the newest legal basis takes effect, the page public within 5
working days of the decision, through 24:00 local time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.calendar import DEFAULT_CALENDAR
from app.calendar.hours import DayOverride
from app.service_index.rules import (
    decision_on_time,
    latest_decision_day,
    made_public_on_time,
    public_by,
)

CAL = DEFAULT_CALENDAR


def test_five_working_days_before_a_monday_is_the_monday_before():
    assert latest_decision_day(date(2026, 3, 16), CAL) == date(2026, 3, 9)
    assert decision_on_time(date(2026, 3, 9), date(2026, 3, 16), CAL) is True
    assert decision_on_time(date(2026, 3, 10), date(2026, 3, 16), CAL) is False
    assert decision_on_time(date(2026, 3, 10), None, CAL) is None  # no dated basis


def test_tet_and_weekends_are_not_counted():
    # Tết 2026: Monday 16 – Friday 20 February off. A law in force Monday 23/2 needs its
    # decision by Monday 9/2 (13, 12, 11, 10, 9 February are the five working days).
    assert latest_decision_day(date(2026, 2, 23), CAL) == date(2026, 2, 9)
    # Signed Friday 13/2: 23, 24, 25, 26, 27 February → public by Friday 27/2.
    assert public_by(date(2026, 2, 13), CAL) == date(2026, 2, 27)


def test_a_make_up_saturday_counts_and_an_extra_day_off_does_not():
    wednesday = date(2026, 3, 11)  # plain weeks: 12, 13, 16, 17, 18 March
    assert public_by(wednesday, CAL) == date(2026, 3, 18)
    make_up = CAL.with_overrides(DayOverride(date(2026, 3, 14), True, "Làm bù"))
    assert public_by(wednesday, make_up) == date(2026, 3, 17)
    day_off = CAL.with_overrides(DayOverride(date(2026, 3, 12), False, "Nghỉ bù"))
    assert public_by(wednesday, day_off) == date(2026, 3, 19)
    assert latest_decision_day(date(2026, 3, 19), day_off) == date(2026, 3, 11)


def test_the_page_may_become_public_until_24_00_local_of_the_last_day():
    signed = date(2026, 3, 9)  # Monday → public by Monday 16 March
    last_minute = datetime(2026, 3, 16, 16, 59, tzinfo=UTC)  # 23:59 in Việt Nam
    next_morning = datetime(2026, 3, 16, 17, 0, tzinfo=UTC)  # 00:00 on the 17th
    assert made_public_on_time(signed, last_minute, CAL) is True
    assert made_public_on_time(signed, next_morning, CAL) is False
    assert made_public_on_time(signed, datetime(2026, 3, 1, tzinfo=UTC), CAL) is True


@given(st.dates(date(2024, 1, 1), date(2028, 12, 31)), st.integers(-40, 40))
def test_an_offset_lands_on_a_working_day_after_exactly_that_many(day, count):
    found = CAL.working_day_offset(day, count)
    low, high = sorted((day, found))
    between = [low + timedelta(days=n + 1) for n in range((high - low).days)]
    if count < 0:  # counted from `found` (included) up to `day` (excluded)
        between = [low + timedelta(days=n) for n in range((high - low).days)]
    assert sum(CAL.is_working_day(d) for d in between) == abs(count)
    assert count == 0 and found == day or CAL.is_working_day(found)

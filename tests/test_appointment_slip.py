"""The appointment slip of a limit that ends at 24:00 (Civil Code art. 148): the legal
deadline as it is, and the office hours of the day the result is collected."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.calendar import DayOverride, OfficeHours, WorkingCalendar, deadline
from app.calendar.deadlines import appointment_day
from app.formatting import LOCAL_TZ, format_datetime
from app.legal_forms.appointment import collection_note

CALENDAR = WorkingCalendar()


def at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL_TZ)


def test_a_calendar_day_limit_is_collected_in_the_office_hours_of_its_last_day():
    due = deadline(at(date(2026, 2, 13), 10), 5, "calendar_days", calendar=CALENDAR)
    assert format_datetime(due) == "24:00 23/02/2026"  # after Tết, a Monday
    assert CALENDAR.collection_day(due) == date(2026, 2, 23)
    assert collection_note(due, CALENDAR) == (
        "trả kết quả trong giờ hành chính ngày 23/02/2026 (07:30–11:30, 13:00–17:00)")


def test_limits_ending_in_office_hours_need_no_collection_line():
    for due in (deadline(at(date(2026, 3, 9), 10), 3, "working_days", calendar=CALENDAR),
                at(date(2026, 3, 9), 17), at(date(2026, 3, 9), 7, 30), at(date(2026, 3, 9), 11)):
        assert CALENDAR.collection_day(due) is None
        assert collection_note(due, CALENDAR) == ""
    assert collection_note(None, CALENDAR) == ""


def test_an_appointment_out_of_hours_is_collected_on_the_last_office_day_before_it():
    friday = date(2026, 3, 13)
    assert CALENDAR.collection_day(at(friday, 18)) == friday
    assert CALENDAR.collection_day(at(friday, 12)) == friday  # the lunch break: morning
    assert CALENDAR.collection_day(at(friday, 7)) == friday - timedelta(days=1)
    # 24:00 on a Sunday (an apology's date typed by hand) is collected on the Friday.
    assert CALENDAR.collection_day(at(date(2026, 3, 16))) == friday
    # A make-up Saturday is an office day like any other.
    swapped = CALENDAR.with_overrides(DayOverride(date(2026, 3, 14), True, "Làm bù"))
    assert swapped.collection_day(at(date(2026, 3, 16))) == date(2026, 3, 14)


def test_the_office_hours_named_are_those_in_force_that_day():
    summer = WorkingCalendar(office_hours=(
        OfficeHours(date(1900, 1, 1), (("07:30", "11:30"), ("13:00", "17:00"))),
        OfficeHours(date(2026, 5, 1), (("07:00", "11:00"), ("13:30", "17:30")))))
    due = at(date(2026, 5, 5) + timedelta(days=1))  # 24:00 on Tuesday 05/05/2026
    assert collection_note(due, summer) == (
        "trả kết quả trong giờ hành chính ngày 05/05/2026 (07:00–11:00, 13:30–17:30)")


@given(received=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)),
       amount=st.integers(min_value=1, max_value=60), months=st.booleans())
def test_every_calendar_limit_is_collected_on_its_own_last_day(received, amount, months):
    """The limit's last day is a working day (art. 148(5) moves it off days off), so its
    result is handed over that very day, never earlier, never on a day off."""
    unit = "months" if months else "calendar_days"
    due = deadline(received.replace(tzinfo=LOCAL_TZ), amount, unit, calendar=CALENDAR)
    day = CALENDAR.collection_day(due)
    assert day == appointment_day(due)
    assert CALENDAR.is_working_day(day)
    assert f"ngày {day:%d/%m/%Y} (" in collection_note(due, CALENDAR)

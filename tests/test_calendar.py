"""Working calendar and deadlines, as worked examples on real 2026–2028 dates.

Reference week: Monday 9/3/2026 – Friday 13/3/2026 has no holiday. Default office hours are
07:30–11:30 and 13:00–17:00 (8 hours a day).
"""

from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from app.calendar import (
    DEFAULT_CALENDAR,
    DayOverride,
    OfficeHours,
    WorkingCalendar,
    add_months,
    deadline,
    extend_by_office_time,
    office_time_between,
    working_days_left,
)
from app.calendar.cli import add_deadline_parser, deadline_command
from app.calendar.days import _package_year, missing_compensatory_days, year_days
from app.catalog.logic import TimeUnit
from app.formatting import LOCAL_TZ

WORKING = TimeUnit.WORKING_DAYS
HOURS = TimeUnit.HOURS
DAYS = TimeUnit.CALENDAR_DAYS
MONTHS = TimeUnit.MONTHS


def at(day: str, hhmm: str = "00:00") -> datetime:
    """Local time in Asia/Ho_Chi_Minh: at("2026-03-09", "07:30")."""
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(hhmm), LOCAL_TZ)


def d(day: str) -> date:
    return date.fromisoformat(day)


def off(cal: WorkingCalendar, *days: str) -> list[str]:
    return [day for day in days if not cal.is_working_day(d(day))]


# --- what the holidays package says ---------------------------------------------------------


def test_tet_2026_is_monday_16_to_friday_20_february():
    assert off(DEFAULT_CALENDAR, "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
               "2026-02-20") == ["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
                                 "2026-02-20"]
    assert DEFAULT_CALENDAR.is_working_day(d("2026-02-13"))  # Friday before: 26 Tết, worked
    assert DEFAULT_CALENDAR.is_working_day(d("2026-02-23"))  # Monday after: back to work
    assert DEFAULT_CALENDAR.day_off_reason(d("2026-02-16")) == "Giao thừa Tết Nguyên Đán"
    assert DEFAULT_CALENDAR.day_off_reason(d("2026-02-17")) == "Tết Nguyên Đán"
    assert DEFAULT_CALENDAR.day_off_reason(d("2026-02-14")) == "Thứ Bảy"


def test_tet_2027_runs_from_29_tet_to_the_fifth_day_because_two_days_fall_on_a_weekend():
    # Lunar New Year 2027 is Saturday 6/2: the package gives 29 Tết (Thu 4/2) and
    # the fifth day (Wed 10/2) in exchange for Saturday and Sunday.
    tet = [f"2027-02-{day:02d}" for day in range(4, 11)]
    assert off(DEFAULT_CALENDAR, *tet) == tet
    assert DEFAULT_CALENDAR.is_working_day(d("2027-02-03"))
    assert DEFAULT_CALENDAR.is_working_day(d("2027-02-11"))
    assert DEFAULT_CALENDAR.day_off_reason(d("2027-02-04")) == "29 Tết"


def test_30_april_and_1_may():
    assert off(DEFAULT_CALENDAR, "2026-04-29", "2026-04-30", "2026-05-01", "2026-05-04") == [
        "2026-04-30", "2026-05-01"]
    # 1/5/2027 is a Saturday: compensated on Monday 3/5.
    assert not DEFAULT_CALENDAR.is_working_day(d("2027-05-03"))
    assert DEFAULT_CALENDAR.day_off_reason(d("2027-05-03")) == "Ngày Quốc tế Lao động (nghỉ bù)"


def test_hung_kings_day_2026_on_a_sunday_is_compensated_on_monday():
    assert DEFAULT_CALENDAR.day_off_reason(d("2026-04-26")) == "Ngày Giỗ Tổ Hùng Vương"
    assert not DEFAULT_CALENDAR.is_working_day(d("2026-04-27"))


def test_national_day_with_its_adjacent_day():
    # 2027: Thursday 2/9 and the adjacent Friday 3/9.
    assert off(DEFAULT_CALENDAR, "2027-09-01", "2027-09-02", "2027-09-03") == [
        "2027-09-02", "2027-09-03"]
    # 2028: 2/9 is a Saturday, so the adjacent day is Friday 1/9 and Monday 4/9 compensates.
    assert off(DEFAULT_CALENDAR, "2028-09-01", "2028-09-04", "2028-09-05") == [
        "2028-09-01", "2028-09-04"]


def test_2026_swap_monday_31_august_off_worked_on_saturday_22_august():
    assert off(DEFAULT_CALENDAR, "2026-08-31", "2026-09-01", "2026-09-02", "2026-09-03") == [
        "2026-08-31", "2026-09-01", "2026-09-02"]
    assert DEFAULT_CALENDAR.is_working_day(d("2026-08-22"))
    assert not DEFAULT_CALENDAR.is_working_day(d("2026-08-23"))  # the Sunday is still off
    assert DEFAULT_CALENDAR.make_up_reason(d("2026-08-22")) is not None
    assert DEFAULT_CALENDAR.day_off_reason(d("2026-08-31")) == (
        "Ngày nghỉ (thay cho ngày 22/08/2026)")


def test_vietnamese_culture_day_24_november_from_2026():
    assert not DEFAULT_CALENDAR.is_working_day(d("2026-11-24"))
    assert DEFAULT_CALENDAR.day_off_reason(d("2026-11-24")) == "Ngày Văn hóa Việt Nam"
    assert DEFAULT_CALENDAR.is_working_day(d("2025-11-24"))  # a Monday, before the law


def test_weekends_are_off_and_weekdays_worked():
    assert off(DEFAULT_CALENDAR, *[f"2026-03-{day:02d}" for day in range(9, 16)]) == [
        "2026-03-14", "2026-03-15"]
    assert DEFAULT_CALENDAR.day_off_reason(d("2026-03-15")) == "Chủ nhật"
    assert DEFAULT_CALENDAR.day_off_reason(d("2026-03-10")) is None


def test_new_year_across_years_is_seen():
    assert not DEFAULT_CALENDAR.is_working_day(d("2027-01-01"))
    assert DEFAULT_CALENDAR.is_working_day(d("2026-12-31"))


# --- compensatory days the package might miss ------------------------------------------------


def test_the_package_already_compensates_every_weekend_holiday_from_1996_to_2040():
    for year in range(1996, 2041):
        statutory, given, make_up = {}, {}, set()
        for y in (year - 1, year, year + 1):
            plain, workdays = _package_year(y, observed=False)
            observed, _ = _package_year(y, observed=True)
            statutory.update(plain)
            given.update(observed)
            make_up |= workdays
        assert missing_compensatory_days(statutory, given, make_up) == {}, year


def test_a_weekend_holiday_without_compensation_gets_the_next_working_day():
    saturday, sunday = d("2026-03-14"), d("2026-03-15")
    assert missing_compensatory_days({saturday: "Lễ"}, {}) == {d("2026-03-16"): "Nghỉ bù Lễ"}
    # Two holidays on one weekend: Monday and Tuesday.
    assert missing_compensatory_days({saturday: "Lễ", sunday: "Lễ"}, {}) == {
        d("2026-03-16"): "Nghỉ bù Lễ", d("2026-03-17"): "Nghỉ bù Lễ"}
    # Already compensated the day before (the package does that with 29 Tết): nothing owed.
    assert missing_compensatory_days({saturday: "Lễ"}, {d("2026-03-13"): "Nghỉ bù"}) == {}


def test_fallback_rebuilds_the_observed_days_from_bare_statutory_dates():
    plain, workdays = _package_year(2026, observed=False)
    assert missing_compensatory_days(plain, plain, workdays) == {
        d("2026-04-27"): "Nghỉ bù Ngày Giỗ Tổ Hùng Vương"}


def test_holiday_lookups_are_cached_per_year():
    assert year_days(2026) is year_days(2026)


# --- admin overrides -------------------------------------------------------------------------

BRIDGE = DayOverride(d("2026-01-02"), working=False, reason="Nghỉ cầu Tết Dương lịch")
MAKE_UP = DayOverride(d("2026-01-10"), working=True, reason="Làm bù cho ngày 02/01/2026")
SWAPPED = WorkingCalendar(overrides=(BRIDGE, MAKE_UP))


def test_admin_extra_day_off_and_make_up_saturday():
    assert DEFAULT_CALENDAR.is_working_day(d("2026-01-02"))
    assert not SWAPPED.is_working_day(d("2026-01-02"))
    assert SWAPPED.day_off_reason(d("2026-01-02")) == "Nghỉ cầu Tết Dương lịch"
    assert SWAPPED.is_working_day(d("2026-01-10"))
    assert SWAPPED.make_up_reason(d("2026-01-10")) == "Làm bù cho ngày 02/01/2026"


def test_admin_overrides_move_deadlines():
    # Wednesday 31/12/2025 07:30 + 2 working days: Wed, (Thu 1/1 holiday), Fri 2/1.
    assert deadline(at("2025-12-31", "07:30"), 2, WORKING) == at("2026-01-02", "17:00")
    # With the bridge, Friday is off: Monday 5/1.
    assert deadline(at("2025-12-31", "07:30"), 2, WORKING, calendar=SWAPPED) == at(
        "2026-01-05", "17:00")
    # Friday 9/1 07:30 + 2 working days uses the make-up Saturday.
    assert deadline(at("2026-01-09", "07:30"), 2, WORKING, calendar=SWAPPED) == at(
        "2026-01-10", "17:00")


def test_overrides_win_over_the_package():
    cal = WorkingCalendar(overrides=(
        DayOverride(d("2026-08-22"), working=False, reason="Tỉnh không làm bù"),
        DayOverride(d("2026-11-24"), working=True, reason="Trực tiếp nhận hồ sơ"),
    ))
    assert not cal.is_working_day(d("2026-08-22"))
    assert cal.is_working_day(d("2026-11-24"))
    assert cal.day_off_reason(d("2026-11-24")) is None


def test_an_override_needs_a_reason_and_one_entry_per_day():
    with pytest.raises(ValueError):
        DayOverride(d("2026-01-02"), working=False, reason="  ")
    with pytest.raises(ValueError):
        WorkingCalendar(overrides=(BRIDGE, BRIDGE))


# --- office-hour edges (1 working day, Monday 9/3/2026) --------------------------------------


@pytest.mark.parametrize(("received", "due"), [
    (at("2026-03-09", "07:29"), at("2026-03-09", "17:00")),  # counts from the 07:30 opening
    (at("2026-03-09", "07:30"), at("2026-03-09", "17:00")),  # ends at closing, stays there
    (at("2026-03-09", "10:00"), at("2026-03-10", "10:00")),
    (at("2026-03-09", "11:30"), at("2026-03-10", "11:30")),  # counts from 13:00
    (at("2026-03-09", "12:00"), at("2026-03-10", "11:30")),  # lunch: from 13:00
    (at("2026-03-09", "17:00"), at("2026-03-10", "17:00")),  # closed: from Tuesday 07:30
    (at("2026-03-09", "17:01"), at("2026-03-10", "17:00")),
    (at("2026-03-14", "09:00"), at("2026-03-16", "17:00")),  # Saturday: from Monday
    (at("2026-03-13", "15:00"), at("2026-03-16", "15:00")),  # Friday afternoon
])
def test_one_working_day_from_various_reception_times(received, due):
    assert deadline(received, 1, WORKING) == due


def test_deadlines_that_end_with_a_block_stay_at_the_block_end():
    assert deadline(at("2026-03-09", "07:30"), 4, HOURS) == at("2026-03-09", "11:30")
    assert deadline(at("2026-03-09", "07:30"), Decimal("0.5"), WORKING) == at(
        "2026-03-09", "11:30")
    assert deadline(at("2026-03-09", "13:00"), Decimal("1.5"), WORKING) == at(
        "2026-03-10", "17:00")


def test_hours_and_fractions():
    assert deadline(at("2026-03-09", "11:00"), 1, HOURS) == at("2026-03-09", "13:30")
    assert deadline(at("2026-03-09", "12:00"), Decimal("0.5"), WORKING) == at(
        "2026-03-09", "17:00")
    assert deadline(at("2026-03-09", "07:30"), 0.25, WORKING) == at("2026-03-09", "09:30")
    assert deadline(at("2026-03-09", "07:30"), Fraction(1, 3), HOURS) == at("2026-03-09", "07:50")
    assert deadline(at("2026-03-09", "07:30"), 12, HOURS) == at("2026-03-10", "11:30")


def test_a_30_working_day_deadline_counts_six_weeks_of_office_days():
    assert deadline(at("2026-03-09", "07:30"), 30, WORKING) == at("2026-04-17", "17:00")


# --- working days around the holidays --------------------------------------------------------


def test_five_working_days_from_the_friday_before_tet_2026():
    # 5.5 h on Friday 13/2, nothing until Monday 23/2, four full days, 2.5 h on Friday 27/2.
    assert deadline(at("2026-02-13", "10:00"), 5, WORKING) == at("2026-02-27", "10:00")


def test_working_days_across_tet_2027():
    assert deadline(at("2027-02-03", "10:00"), 2, WORKING) == at("2027-02-12", "10:00")


def test_working_days_across_30_april():
    assert deadline(at("2026-04-29", "15:00"), 1, WORKING) == at("2026-05-04", "15:00")


def test_working_days_across_hung_kings_day_observed():
    assert deadline(at("2026-04-24", "07:30"), 2, WORKING) == at("2026-04-28", "17:00")


def test_working_days_across_national_day_2026_and_its_swap():
    # Friday 28/8, then 29/8–2/9 off (weekend, swapped Monday, 1/9, 2/9): Thursday 3/9.
    assert deadline(at("2026-08-28", "07:30"), 2, WORKING) == at("2026-09-03", "17:00")


def test_the_make_up_saturday_counts_as_a_working_day():
    assert deadline(at("2026-08-21", "07:30"), 2, WORKING) == at("2026-08-22", "17:00")


def test_culture_day_is_skipped():
    assert deadline(at("2026-11-23", "07:30"), 2, WORKING) == at("2026-11-25", "17:00")


# --- dated office hours ------------------------------------------------------------------------

SUMMER = OfficeHours(d("2026-06-01"), ((time(7, 0), time(11, 0)), (time(13, 30), time(17, 30))))
SHORT = OfficeHours(d("2026-06-01"), ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0))))


def test_office_hours_change_applies_from_its_date():
    cal = WorkingCalendar(office_hours=(SUMMER, OfficeHours(d("2026-01-01"), (
        (time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))))))
    assert cal.office_hours_on(d("2026-05-29")).effective_from == d("2026-01-01")
    assert cal.office_hours_on(d("2026-06-01")) == SUMMER
    assert cal.office_hours_on(d("2025-06-01")).effective_from == d("2026-01-01")  # before all
    # Friday 29/5 15:00–17:00 under the old hours, six more hours on Monday 1/6 under the new.
    assert deadline(at("2026-05-29", "15:00"), 1, WORKING, calendar=cal) == at(
        "2026-06-01", "15:30")
    assert cal.closing_time(d("2026-06-01")) == at("2026-06-01", "17:30")
    assert not cal.is_office_time(at("2026-06-01", "11:00"))
    assert cal.is_office_time(at("2026-06-01", "17:15"))


def test_a_shorter_office_day_is_still_one_working_day():
    cal = WorkingCalendar(office_hours=(DEFAULT_CALENDAR.office_hours[0], SHORT))
    assert SHORT.day_seconds == 7.5 * 3600
    assert deadline(at("2026-06-01", "07:30"), 1, WORKING, calendar=cal) == at(
        "2026-06-01", "17:00")
    # Half a day left on Friday under 8 h, then half of a 7.5 h day: 3 h 45 on Monday.
    assert deadline(at("2026-05-29", "13:00"), 1, WORKING, calendar=cal) == at(
        "2026-06-01", "11:15")
    # Hours are hours: 4 on Friday, 4 on Monday.
    assert deadline(at("2026-05-29", "13:00"), 8, HOURS, calendar=cal) == at(
        "2026-06-01", "11:30")


def test_office_hours_are_validated():
    with pytest.raises(ValueError):
        OfficeHours(d("2026-01-01"), ())
    with pytest.raises(ValueError):
        OfficeHours(d("2026-01-01"), ((time(11, 0), time(7, 0)),))
    with pytest.raises(ValueError):
        OfficeHours(d("2026-01-01"), ((time(7, 0), time(12, 0)), (time(11, 0), time(17, 0))))
    with pytest.raises(ValueError):
        WorkingCalendar(office_hours=(SUMMER, SHORT))  # same effective date
    with pytest.raises(ValueError):
        WorkingCalendar(office_hours=())


def test_calendar_is_an_immutable_value_built_from_plain_data():
    plain_hours = [SUMMER.to_plain(), {"effective_from": "2020-01-01",
                                       "blocks": [["07:30", "11:30"], ["13:00", "17:00"]]}]
    plain_overrides = [BRIDGE.to_plain(), MAKE_UP.to_plain()]
    cal = WorkingCalendar.from_plain(plain_hours, plain_overrides)
    assert cal == WorkingCalendar.from_plain(reversed(plain_hours), reversed(plain_overrides))
    assert hash(cal) == hash(WorkingCalendar.from_plain(plain_hours, plain_overrides))
    assert cal.office_hours[1] == SUMMER
    assert not cal.is_working_day(d("2026-01-02"))
    assert WorkingCalendar.from_plain() == DEFAULT_CALENDAR
    with pytest.raises(FrozenInstanceError):
        cal.overrides = ()  # type: ignore[misc]


def test_office_time_and_next_opening():
    assert DEFAULT_CALENDAR.is_office_time(at("2026-03-09", "07:30"))
    assert not DEFAULT_CALENDAR.is_office_time(at("2026-03-09", "11:30"))
    assert not DEFAULT_CALENDAR.is_office_time(at("2026-03-14", "09:00"))
    assert DEFAULT_CALENDAR.next_opening(at("2026-03-09", "12:00")) == at("2026-03-09", "13:00")
    assert DEFAULT_CALENDAR.next_opening(at("2026-02-13", "17:00")) == at("2026-02-23", "07:30")
    assert DEFAULT_CALENDAR.next_opening(at("2026-03-09", "09:00")) == at("2026-03-09", "09:00")


# --- calendar days and months (Civil Code art. 147–148) --------------------------------------


def end(day: str) -> datetime:
    """24:00 of a local day (Civil Code art. 148(6)): the midnight that starts the next."""
    return at(day) + timedelta(days=1)


def test_calendar_days_do_not_count_the_reception_day_and_end_at_24_00():
    assert deadline(at("2026-03-09", "10:00"), 1, DAYS) == end("2026-03-10")
    assert deadline(at("2026-03-09", "16:59"), 3, DAYS) == end("2026-03-12")
    assert deadline(at("2026-03-09", "10:00"), 0, DAYS) == end("2026-03-09")
    # Received after closing with no days to count: the day still ends at 24:00.
    assert deadline(at("2026-03-09", "23:00"), 0, DAYS) == end("2026-03-09")


def test_a_result_issued_at_18_00_on_the_last_day_is_on_time():
    due = deadline(at("2026-03-09", "10:00"), 1, DAYS)
    assert at("2026-03-10", "18:00") <= due
    assert at("2026-03-10", "23:59") <= due < at("2026-03-11", "00:01")


def test_calendar_days_landing_on_a_day_off_end_at_24_00_of_the_next_working_day():
    assert deadline(at("2026-03-10", "10:00"), 5, DAYS) == end("2026-03-16")  # Sunday
    assert deadline(at("2026-02-13", "10:00"), 5, DAYS) == end("2026-02-23")  # Tết
    assert deadline(at("2026-04-20", "10:00"), 10, DAYS) == end("2026-05-04")  # 30/4
    assert deadline(at("2026-08-12", "10:00"), 10, DAYS) == end("2026-08-22")  # make-up


def test_a_dossier_received_on_friday_under_calendar_days_gets_the_weekend_for_free():
    # Seed 001's complaint, as arithmetic: 2 calendar days from Friday is Monday night.
    assert deadline(at("2026-03-13", "16:00"), 2, DAYS) == end("2026-03-16")


def test_months_keep_the_day_and_clamp_to_the_month_end():
    assert deadline(at("2026-03-15", "09:00"), 1, MONTHS) == end("2026-04-15")
    # 31/1 + 1 month = 28/2/2026, a Saturday: Monday 2/3.
    assert deadline(at("2026-01-31", "09:00"), 1, MONTHS) == end("2026-03-02")
    assert deadline(at("2028-01-31", "09:00"), 1, MONTHS) == end("2028-02-29")
    # 31/3 + 1 month = 30/4, a holiday.
    assert deadline(at("2026-03-31", "09:00"), 1, MONTHS) == end("2026-05-04")
    # 30/11/2026 + 3 months = 28/2/2027, a Sunday.
    assert deadline(at("2026-11-30", "09:00"), 3, MONTHS) == end("2027-03-01")


def test_add_months():
    assert add_months(d("2026-01-31"), 1) == d("2026-02-28")
    assert add_months(d("2027-12-31"), 2) == d("2028-02-29")
    assert add_months(d("2026-11-30"), 14) == d("2028-01-30")
    assert add_months(d("2026-05-31"), 0) == d("2026-05-31")


def test_calendar_days_and_months_must_be_whole():
    with pytest.raises(ValueError):
        deadline(at("2026-03-09", "10:00"), Decimal("1.5"), DAYS)
    assert deadline(at("2026-03-09", "10:00"), Decimal("2.0"), DAYS) == end("2026-03-11")


# --- pauses -------------------------------------------------------------------------------------


def test_a_paused_working_day_moves_the_deadline_by_one_working_day():
    start = at("2026-03-09", "07:30")
    assert deadline(start, 3, WORKING) == at("2026-03-11", "17:00")
    pause = (at("2026-03-10", "07:30"), at("2026-03-11", "07:30"))
    assert deadline(start, 3, WORKING, pauses=[pause]) == at("2026-03-12", "17:00")


def test_a_pause_outside_office_hours_moves_nothing():
    pause = (at("2026-03-09", "17:00"), at("2026-03-10", "07:30"))
    assert deadline(at("2026-03-09", "07:30"), 3, WORKING, pauses=[pause]) == at(
        "2026-03-11", "17:00")


def test_two_office_hours_paused_move_the_deadline_two_office_hours():
    pause = (at("2026-03-09", "09:00"), at("2026-03-09", "11:00"))
    assert deadline(at("2026-03-09", "07:30"), 1, WORKING, pauses=[pause]) == at(
        "2026-03-10", "09:30")
    assert deadline(at("2026-03-09", "07:30"), 8, HOURS, pauses=[pause]) == at(
        "2026-03-10", "09:30")


def test_pauses_after_the_deadline_before_reception_or_overlapping_count_once():
    start = at("2026-03-09", "07:30")
    late = (at("2026-03-11", "08:00"), at("2026-03-12", "08:00"))
    assert deadline(start, 1, WORKING, pauses=[late]) == at("2026-03-09", "17:00")
    before = (at("2026-03-06", "08:00"), at("2026-03-09", "09:30"))  # clipped at reception
    assert deadline(start, 1, WORKING, pauses=[before]) == at("2026-03-10", "09:30")
    overlapping = [(at("2026-03-09", "08:00"), at("2026-03-09", "10:00")),
                   (at("2026-03-09", "09:00"), at("2026-03-09", "11:00"))]
    assert deadline(start, 1, WORKING, pauses=overlapping) == at("2026-03-10", "10:30")


def test_a_pause_that_starts_after_the_original_deadline_but_before_the_moved_one_counts():
    start = at("2026-03-09", "07:30")
    first = (at("2026-03-09", "07:30"), at("2026-03-10", "07:30"))  # moves due to Tue 17:00
    second = (at("2026-03-10", "13:00"), at("2026-03-11", "13:00"))  # starts after Mon 17:00
    assert deadline(start, 1, WORKING, pauses=[first, second]) == at("2026-03-11", "17:00")


def test_pauses_in_calendar_days_move_by_whole_days_spanned():
    start = at("2026-03-09", "10:00")
    assert deadline(start, 3, DAYS) == end("2026-03-12")
    monday_to_wednesday = (at("2026-03-09", "16:00"), at("2026-03-11", "09:00"))
    assert deadline(start, 3, DAYS, pauses=[monday_to_wednesday]) == end("2026-03-16")
    within_a_day = (at("2026-03-10", "08:00"), at("2026-03-10", "16:00"))
    assert deadline(start, 3, DAYS, pauses=[within_a_day]) == end("2026-03-12")
    assert deadline(start, 1, MONTHS, pauses=[monday_to_wednesday]) == end(
        "2026-04-13")  # 9/4 + 2 days = Saturday 11/4 → Monday 13/4
    # A pause starting in the evening of the last day still counts: the day runs to 24:00.
    evening = (at("2026-03-12", "19:00"), at("2026-03-13", "08:00"))
    assert deadline(start, 3, DAYS, pauses=[evening]) == end("2026-03-13")


def test_a_pause_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        deadline(at("2026-03-09", "07:30"), 1, WORKING,
                 pauses=[(at("2026-03-10", "08:00"), at("2026-03-09", "08:00"))])


# --- office time between two moments, working days left ---------------------------------------


def test_office_time_between():
    assert office_time_between(at("2026-03-09", "07:30"), at("2026-03-09", "17:00")) == timedelta(
        hours=8)
    assert office_time_between(at("2026-03-13", "15:00"), at("2026-03-16", "09:00")) == timedelta(
        hours=3, minutes=30)
    # Across Tết 2026: only Friday 13/2 counts.
    assert office_time_between(at("2026-02-13", "07:30"), at("2026-02-23", "07:30")) == timedelta(
        hours=8)
    # Finished before the deadline: negative.
    assert office_time_between(at("2026-03-09", "17:00"), at("2026-03-09", "13:00")) == -timedelta(
        hours=4)
    assert office_time_between(at("2026-03-14", "08:00"), at("2026-03-15", "17:00")) == timedelta()


def test_working_days_left():
    assert working_days_left(at("2026-03-09", "07:30"), at("2026-03-11", "17:00")) == 3
    assert working_days_left(at("2026-03-09", "12:00"), at("2026-03-09", "17:00")) == 0.5
    assert working_days_left(at("2026-03-10", "13:00"), at("2026-03-09", "17:00")) == -0.5
    assert working_days_left(at("2026-02-13", "13:00"), at("2026-02-23", "17:00")) == 1.5


# --- a due moment extended by the office time spent waiting ------------------------------------


@pytest.mark.parametrize("due", [
    at("2026-03-09", "11:30"),  # the end of the morning block
    at("2026-03-09", "17:00"),  # closing time
    at("2026-03-09", "06:00"),  # before opening
    at("2026-03-09", "12:15"),  # lunch
    at("2026-03-14", "10:00"),  # Saturday
    at("2026-02-17", "09:00"),  # Tết 2026
    at("2026-03-10", "09:45"),  # office time
])
@pytest.mark.parametrize("waited", [timedelta(), -timedelta(hours=3)])
def test_no_office_time_waited_leaves_the_due_moment_as_it_was(due, waited):
    # Waiting no office time must not change what the applicant was told, even when the
    # due moment is a closing that any real extension would move to the next opening.
    assert extend_by_office_time(due, waited) == due


@pytest.mark.parametrize(("due", "waited", "extended"), [
    # Within one block, and one ending exactly with the block stays at its end.
    (at("2026-03-09", "08:00"), timedelta(hours=2), at("2026-03-09", "10:00")),
    (at("2026-03-09", "10:30"), timedelta(hours=1), at("2026-03-09", "11:30")),
    # Across lunch.
    (at("2026-03-09", "11:00"), timedelta(hours=1), at("2026-03-09", "13:30")),
    (at("2026-03-09", "11:30"), timedelta(minutes=30), at("2026-03-09", "13:30")),
    # From closing time or from outside office hours, the extension starts at the next opening.
    (at("2026-03-09", "17:00"), timedelta(hours=1), at("2026-03-10", "08:30")),
    (at("2026-03-09", "06:00"), timedelta(minutes=1), at("2026-03-09", "07:31")),
    (at("2026-03-09", "12:00"), timedelta(hours=1), at("2026-03-09", "14:00")),
    # Overnight, and a whole working day to the same time the next day.
    (at("2026-03-09", "16:00"), timedelta(hours=2), at("2026-03-10", "08:30")),
    (at("2026-03-09", "10:00"), timedelta(hours=8), at("2026-03-10", "10:00")),
    # Over the weekend: Friday 13/3 to Monday 16/3.
    (at("2026-03-13", "16:00"), timedelta(hours=2), at("2026-03-16", "08:30")),
    (at("2026-03-14", "10:00"), timedelta(hours=1), at("2026-03-16", "08:30")),
    # Over Tết 2026: Friday 13/2 to Monday 23/2.
    (at("2026-02-13", "16:00"), timedelta(hours=2), at("2026-02-23", "08:30")),
    # A week of office time from Monday morning ends Friday at closing time.
    (at("2026-03-09", "07:30"), timedelta(hours=40), at("2026-03-13", "17:00")),
    # A microsecond is a microsecond.
    (at("2026-03-09", "09:00"), timedelta(microseconds=1),
     at("2026-03-09", "09:00") + timedelta(microseconds=1)),
])
def test_office_time_waited_moves_the_due_moment_by_as_much_office_time(due, waited, extended):
    assert extend_by_office_time(due, waited) == extended
    assert office_time_between(due, extended) == waited


def test_extending_follows_the_admin_calendar():
    # Friday 9/1/2026 16:00 + 2 hours: Monday 12/1 by default, the make-up Saturday with it.
    assert extend_by_office_time(at("2026-01-09", "16:00"), timedelta(hours=2)) == at(
        "2026-01-12", "08:30")
    assert extend_by_office_time(at("2026-01-09", "16:00"), timedelta(hours=2),
                                 calendar=SWAPPED) == at("2026-01-10", "08:30")
    # Wednesday 31/12/2025 16:00 + 2 hours: New Year's Day, then the bridge day: Monday 5/1.
    assert extend_by_office_time(at("2025-12-31", "16:00"), timedelta(hours=2),
                                 calendar=SWAPPED) == at("2026-01-05", "08:30")


def test_extending_takes_any_time_zone_and_answers_in_local_time():
    # 10:00 UTC is 17:00 in Hà Nội, closing time.
    extended = extend_by_office_time(datetime(2026, 3, 9, 10, 0, tzinfo=UTC), timedelta(hours=1))
    assert extended == at("2026-03-10", "08:30")
    assert extended.tzinfo == LOCAL_TZ
    assert extend_by_office_time(datetime(2026, 3, 9, 10, 0, tzinfo=UTC),
                                 timedelta()).tzinfo == LOCAL_TZ
    with pytest.raises(ValueError):
        extend_by_office_time(datetime(2026, 3, 9, 10, 0), timedelta(hours=1))


# --- time zones ---------------------------------------------------------------------------------


def test_utc_in_local_out():
    received = datetime(2026, 3, 9, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội
    due = deadline(received, 1, WORKING)
    assert due == at("2026-03-10", "10:00")
    assert due.tzinfo == LOCAL_TZ and due.utcoffset() == timedelta(hours=7)
    assert office_time_between(received, at("2026-03-09", "11:00")) == timedelta(hours=1)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        deadline(datetime(2026, 3, 9, 10, 0), 1, WORKING)


def test_bad_amounts_and_units_are_refused():
    with pytest.raises(ValueError):
        deadline(at("2026-03-09", "10:00"), -1, WORKING)
    with pytest.raises(ValueError):
        deadline(at("2026-03-09", "10:00"), Decimal("NaN"), WORKING)
    with pytest.raises(ValueError):
        deadline(at("2026-03-09", "10:00"), 1, "weeks")
    with pytest.raises(ValueError):
        deadline(at("2026-03-09", "10:00"), 10**9, WORKING)
    with pytest.raises(ValueError):
        deadline(at("2026-03-09", "10:00"), 10**9, DAYS)
    with pytest.raises(ValueError):
        deadline(at("2026-03-09", "10:00"), 10**6, MONTHS)


def test_units_are_the_catalogue_units_as_strings_too():
    assert deadline(at("2026-03-09", "10:00"), 1, "working_days") == at("2026-03-10", "10:00")
    assert deadline(at("2026-03-09", "10:00"), 2, "hours") == at("2026-03-09", "13:30")


# --- command line -------------------------------------------------------------------------------


def test_deadline_command():
    assert deadline_command("2026-02-13T10:00", "5", "working") == "2026-02-27T10:00:00+07:00"
    assert deadline_command("2026-02-13T03:00Z", "4", "hours") == "2026-02-13T15:30:00+07:00"
    # Calendar days and months end at 24:00 of the last day: the next local midnight.
    assert deadline_command("2026-02-13T10:00", "5", "days") == "2026-02-24T00:00:00+07:00"
    assert deadline_command("2026-02-13T10:00", "5", "calendar") == "2026-02-24T00:00:00+07:00"
    assert deadline_command("2026-01-31T10:00", "1", "months") == "2026-03-03T00:00:00+07:00"
    assert deadline_command("13/02/2026 10:00", "0,5", "working") == "2026-02-13T15:30:00+07:00"


@pytest.fixture
def run_cli(capsys):
    import argparse

    parser = argparse.ArgumentParser(prog="python -m app")
    add_deadline_parser(parser.add_subparsers(dest="command", required=True))

    def run(*argv: str) -> tuple[int, str, str]:
        args = parser.parse_args(["deadline", *argv])
        code = args.func(args)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_cli_prints_the_deadline(run_cli):
    assert run_cli("--start", "2026-02-13T10:00", "--amount", "5", "--unit", "working") == (
        0, "2026-02-27T10:00:00+07:00\n", "")


def test_cli_says_24_00_of_the_last_day_under_the_iso_moment(run_cli):
    # Scripts read the first line; a person reads the second, as the Civil Code words it.
    assert run_cli("--start", "2026-02-13T10:00", "--amount", "5", "--unit", "days") == (
        0, "2026-02-24T00:00:00+07:00\n24:00 23/02/2026 (hết ngày cuối cùng của thời hạn)\n", "")


@pytest.mark.parametrize(("start", "amount", "unit", "message"), [
    ("13-02-2026", "5", "working", "Thời điểm tiếp nhận không hợp lệ"),
    ("2026-02-13T10:00", "-5", "working", "không được âm"),
    ("2026-02-13T10:00", "năm", "working", "Thời hạn không hợp lệ"),
    ("2026-02-13T10:00", "5", "weeks", "Đơn vị thời hạn không hợp lệ"),
    ("2026-02-13T10:00", "1.5", "months", "phải là số nguyên"),
])
def test_cli_rejects_bad_input_in_vietnamese(run_cli, start, amount, unit, message):
    code, out, err = run_cli("--start", start, "--amount", amount, "--unit", unit)
    assert code == 2 and out == ""
    assert err.startswith("Không tính được thời hạn:") and message in err

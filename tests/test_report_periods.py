"""Reporting periods of Nghị định 09/2019 art. 12 (month, quarter, 6 months, 9 months, year,
from the cut-off day of the month before) and calendar periods for the service index."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.reports.periods import (
    Kind,
    PeriodError,
    last_closed_period,
    make_period,
    parse_slug,
    period_containing,
    periods_ending_before,
)


@pytest.mark.parametrize(("kind", "last_month", "first", "last", "name", "slug"), [
    (Kind.MONTH, 3, "2026-02-15", "2026-03-14", "Tháng 3/2026", "2026-03"),
    (Kind.QUARTER, 3, "2025-12-15", "2026-03-14", "Quý I/2026", "2026-q1"),
    (Kind.QUARTER, 12, "2026-09-15", "2026-12-14", "Quý IV/2026", "2026-q4"),
    (Kind.HALF, 6, "2025-12-15", "2026-06-14", "6 tháng đầu năm 2026", "2026-h1"),
    (Kind.HALF, 12, "2026-06-15", "2026-12-14", "6 tháng cuối năm 2026", "2026-h2"),
    (Kind.NINE_MONTHS, 9, "2025-12-15", "2026-09-14", "9 tháng năm 2026", "2026-9t"),
    (Kind.YEAR, 12, "2025-12-15", "2026-12-14", "Năm 2026", "2026"),
])
def test_reporting_periods_of_article_12(kind, last_month, first, last, name, slug):
    period = make_period(kind, 2026, last_month, cutoff_day=15)
    assert (period.first_day, period.last_day) == (date.fromisoformat(first),
                                                   date.fromisoformat(last))
    assert period.name == name and period.slug == slug
    assert period.label == f"{name} ({period.first_day:%d/%m/%Y} – {period.last_day:%d/%m/%Y})"
    assert parse_slug(slug, 15) == period


def test_calendar_periods_for_the_service_index():
    assert make_period(Kind.MONTH, 2026, 2).last_day == date(2026, 2, 28)
    quarter = make_period(Kind.QUARTER, 2026, 6)
    assert (quarter.first_day, quarter.last_day) == (date(2026, 4, 1), date(2026, 6, 30))
    nine = parse_slug("2026-9t")
    assert (nine.first_day, nine.last_day) == (date(2026, 1, 1), date(2026, 9, 30))
    assert parse_slug("2026").last_day == date(2026, 12, 31)


@pytest.mark.parametrize("slug", ["2026-13", "2026-q5", "2026-h3", "26-03", "2026-x", "2026-q",
                                  "2026-0", "2026-999", "tháng ba"])
def test_bad_slugs_are_refused_in_vietnamese(slug):
    with pytest.raises(PeriodError):
        parse_slug(slug, 15)


def test_the_nine_months_end_in_september_only():
    with pytest.raises(PeriodError):
        make_period(Kind.NINE_MONTHS, 2026, 12, 15)
    with pytest.raises(PeriodError):
        period_containing(date(2026, 10, 1), 15, Kind.NINE_MONTHS)


def test_last_closed_periods_of_each_kind():
    today = date(2026, 7, 1)
    assert last_closed_period(today, 15, Kind.QUARTER).slug == "2026-q2"
    assert last_closed_period(today, 15, Kind.HALF).slug == "2026-h1"
    assert last_closed_period(today, 15, Kind.NINE_MONTHS).slug == "2025-9t"
    assert last_closed_period(today, 15, Kind.YEAR).slug == "2025"
    assert [p.slug for p in periods_ending_before(Kind.MONTH, today, 3, 15)] == [
        "2026-06", "2026-05", "2026-04"]
    # Calendar quarters: 30/06 is still inside the second quarter.
    assert periods_ending_before(Kind.QUARTER, date(2026, 6, 30), 1)[0].slug == "2026-q1"


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 6, 30)),
       st.integers(min_value=1, max_value=28),
       st.sampled_from([Kind.MONTH, Kind.QUARTER, Kind.HALF, Kind.YEAR]))
def test_tiling_kinds_cover_every_day_once(day, cutoff, kind):
    period = period_containing(day, cutoff, kind)
    assert period.first_day <= day <= period.last_day
    following = period_containing(period.last_day + timedelta(days=1), cutoff, kind)
    assert following.first_day == period.last_day + timedelta(days=1)
    assert period.first_day.day == cutoff
    assert parse_slug(period.slug, cutoff) == period
    assert last_closed_period(day, cutoff, kind).last_day < day


def test_started_periods_include_the_running_one():
    from app.reports.periods import started_periods

    today = date(2026, 5, 20)
    assert [p.slug for p in started_periods(Kind.MONTH, today, 3)] == [
        "2026-05", "2026-04", "2026-03"]
    assert [p.slug for p in started_periods(Kind.QUARTER, today, 2)] == ["2026-q2", "2026-q1"]
    assert [p.slug for p in started_periods(Kind.NINE_MONTHS, today, 2)] == ["2026-9t",
                                                                             "2025-9t"]

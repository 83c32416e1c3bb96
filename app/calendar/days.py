"""Vietnam's national days off, from the `holidays` package, cached per year.

The package knows lunar Tết, Hùng Kings day, 2/9 with its adjacent day, 24/11 from 2026,
compensatory days and the government's yearly swaps (with the Saturday worked in exchange in
`weekend_workdays`). It is still checked here for a weekend holiday left without a
compensatory day (Labour Code 2019 art. 112.3), so a gap in a future release of the package
cannot silently shorten the province's deadlines.

Admin overrides are not handled here: they belong to one province's calendar
(`app.calendar.logic.WorkingCalendar`), while this data is national and shared.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays

WEEKEND = frozenset({5, 6})  # Saturday, Sunday
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class YearDays:
    """National days off (Vietnamese names) and make-up working Saturdays of one year."""

    days_off: Mapping[date, str]
    make_up_days: frozenset[date]


@lru_cache(maxsize=128)
def _package_year(year: int, observed: bool) -> tuple[Mapping[date, str], frozenset[date]]:
    entries = holidays.country_holidays("VN", years=year, observed=observed, language="vi")
    # weekend_workdays also carries swaps of other years (e.g. a day off in 2018 worked on
    # 5/1/2019); callers filter by year.
    workdays = frozenset(getattr(entries, "weekend_workdays", ()))
    return MappingProxyType(dict(entries)), workdays


def missing_compensatory_days(
    statutory: Mapping[date, str],
    given: Mapping[date, str],
    make_up_days: Collection[date] = (),
) -> dict[date, str]:
    """Compensatory days owed for weekend holidays but absent from `given`.

    Counting is per run of consecutive days off: a run holding k statutory holidays must
    contain at least k weekdays off, otherwise the missing ones are added right after it.
    Counting per run rather than matching names copes with Tết, where the package moves the
    extra day before the holiday (29 Tết) instead of labelling it "observed".
    """
    off = set(given) | set(statutory)

    def is_off(day: date) -> bool:
        return day in off or (day.weekday() in WEEKEND and day not in make_up_days)

    added: dict[date, str] = {}
    for holiday in sorted(statutory):
        if holiday.weekday() not in WEEKEND or holiday in make_up_days:
            continue
        first = last = holiday
        while is_off(first - ONE_DAY):
            first -= ONE_DAY
        while is_off(last + ONE_DAY):
            last += ONE_DAY
        run = [first + ONE_DAY * i for i in range((last - first).days + 1)]
        owed = sum(1 for day in run if day in statutory)
        weekdays_off = sum(1 for day in run if day in off and day.weekday() not in WEEKEND)
        for _ in range(owed - weekdays_off):
            last += ONE_DAY  # the day after a run is a working day by construction
            added[last] = f"Nghỉ bù {statutory[holiday]}"
            off.add(last)
            while is_off(last + ONE_DAY):
                last += ONE_DAY
    return added


@lru_cache(maxsize=128)
def year_days(year: int) -> YearDays:
    """Days off and make-up days of `year`; neighbouring years are read so a run of days off
    across New Year and a swap decided in another year are both seen."""
    statutory: dict[date, str] = {}
    given: dict[date, str] = {}
    make_up: set[date] = set()
    for y in (year - 1, year, year + 1):
        plain, workdays = _package_year(y, observed=False)
        observed, observed_workdays = _package_year(y, observed=True)
        statutory.update(plain)
        given.update(observed)
        make_up |= workdays | observed_workdays
    extra = missing_compensatory_days(statutory, given, make_up)
    days_off = {day: name for day, name in {**given, **extra}.items() if day.year == year}
    return YearDays(
        days_off=MappingProxyType(dict(sorted(days_off.items()))),
        make_up_days=frozenset(day for day in make_up if day.year == year),
    )

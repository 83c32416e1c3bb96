"""The calendar read from the database honours admin overrides and office-hour versions."""

from datetime import date, datetime, time

import pytest

from app.calendar.service import current_calendar
from app.calendar.tables import CalendarOverride, OfficeHoursVersion
from app.formatting import LOCAL_TZ, now_utc

pytestmark = pytest.mark.anyio


async def test_default_calendar_when_nothing_configured(db):
    calendar = await current_calendar()
    assert not calendar.is_working_day(date(2026, 2, 17))  # Tết
    assert calendar.is_working_day(date(2026, 8, 22))  # make-up Saturday from the package


async def test_overrides_and_office_hours_from_the_database(db):
    await CalendarOverride.insert(
        CalendarOverride(day=date(2026, 1, 2), working=False,
                         reason="Nghỉ bù theo quyết định của Thủ tướng", created_at=now_utc()),
        CalendarOverride(day=date(2026, 1, 10), working=True,
                         reason="Làm bù thứ Bảy", created_at=now_utc()),
    )
    await OfficeHoursVersion(effective_from=date(2026, 6, 1),
                             blocks='[["07:00", "11:00"], ["13:30", "17:30"]]',
                             created_at=now_utc()).save()
    calendar = await current_calendar()
    assert not calendar.is_working_day(date(2026, 1, 2))
    assert calendar.is_working_day(date(2026, 1, 10))
    assert calendar.is_office_time(datetime.combine(date(2026, 6, 2), time(7, 15), LOCAL_TZ))

"""The province's working calendar as configured in the database.

The calendar is pure (`app.calendar.logic`); this module only reads its dated
configuration. Tables are tiny and change a few times a year, so every caller reads them
fresh: no cache to invalidate when an admin adds a make-up Saturday.
"""

from __future__ import annotations

import json

from app.calendar.logic import WorkingCalendar
from app.calendar.tables import CalendarOverride, OfficeHoursVersion


async def current_calendar() -> WorkingCalendar:
    hours = await OfficeHoursVersion.select(
        OfficeHoursVersion.effective_from, OfficeHoursVersion.blocks
    ).order_by(OfficeHoursVersion.effective_from)
    overrides = await CalendarOverride.select(
        CalendarOverride.day, CalendarOverride.working, CalendarOverride.reason
    )
    return WorkingCalendar.from_plain(
        office_hours=[
            {"effective_from": row["effective_from"],
             "blocks": json.loads(row["blocks"]) if isinstance(row["blocks"], str)
             else row["blocks"]}
            for row in hours
        ],
        overrides=overrides,
    )

"""Working calendar and deadlines (lịch làm việc, thời hạn giải quyết). Pure: no I/O.

- `hours`: office-hours versions and admin day overrides, as plain frozen values;
- `days`: Vietnam's national days off from the `holidays` package, cached per year;
- `logic`: `WorkingCalendar`, which days are worked and when offices are open;
- `deadlines`: deadlines, office time between two moments, working days left, a due
  moment extended by office time spent waiting;
- `cli`: the `python -m app deadline` command.
"""

from app.calendar.deadlines import (
    add_months,
    deadline,
    extend_by_office_time,
    office_time_between,
    working_days_left,
)
from app.calendar.hours import DEFAULT_OFFICE_HOURS, DayOverride, OfficeHours
from app.calendar.logic import DEFAULT_CALENDAR, WorkingCalendar

__all__ = [
    "DEFAULT_CALENDAR",
    "DEFAULT_OFFICE_HOURS",
    "DayOverride",
    "OfficeHours",
    "WorkingCalendar",
    "add_months",
    "deadline",
    "extend_by_office_time",
    "office_time_between",
    "working_days_left",
]

"""What an appointment slip says about collecting the result. Pure.

A calendar-day or month limit ends at 24:00 of its last day (Bộ luật Dân sự 2015,
art. 148(6)), so the slip prints "24:00 23/02/2026" as the legal deadline; nobody can
collect a paper result at midnight, so the slip also names the office hours in which it is
handed over: those of the last working day before the deadline (DOMAIN.md, "Deadlines").
Limits in hours and working days end inside office hours and need no such line.
"""

from __future__ import annotations

from datetime import datetime

from app.calendar.logic import WorkingCalendar


def collection_note(due: datetime | None, calendar: WorkingCalendar) -> str:
    """"trả kết quả trong giờ hành chính ngày 23/02/2026 (07:30–11:30, 13:00–17:00)", or ""
    when the appointment itself falls in office hours (or there is none)."""
    if due is None:
        return ""
    day = calendar.collection_day(due)
    if day is None:
        return ""
    hours = ", ".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in calendar.office_blocks(day))
    return f"trả kết quả trong giờ hành chính ngày {day:%d/%m/%Y} ({hours})"

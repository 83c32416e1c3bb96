"""Moving stored calendar-day appointments from the closing time to 24:00 of the same day.

Until this change a limit in calendar days or months ended at the offices' closing time of
its last day; the Civil Code (2015, art. 148(6)) ends it at 24:00 of that day. The last day
itself was always right (the next working day when it fell on a day off), so every stored
appointment of such a procedure that sits at the closing time of its day moves to the
midnight that ends the day: nothing else about it changes, and a rerun finds nothing left
to move (a midnight is never a closing time).

Left alone: dossiers with an apology (the new appointment promised in writing, form 04,
binds them) and appointments at any other time of day (set by hand or by later rules).
Each moved dossier gets a `due_recomputed` event saying what moved, in the transaction of
the caller (the migration), with one audit entry for the whole move. No message is sent:
the applicant's date is unchanged, only the hour the law grants is later.

Raw SQL with explicit columns, portable: it runs inside a migration, when later migrations
may not have added the columns today's table classes declare.
"""

from __future__ import annotations

from datetime import datetime

from piccolo.engine.finder import engine_finder
from piccolo.querystring import QueryString

from app.audit import service as audit
from app.calendar.deadlines import end_of_day
from app.calendar.service import current_calendar
from app.formatting import format_datetime, now_utc, to_local

EVENT = "due_recomputed"
CANDIDATES = """
SELECT d.id AS id, d.due_at AS due_at, d.status AS status
FROM dossier d JOIN procedure p ON p.id = d.procedure
WHERE p.time_limit_unit IN ('calendar_days', 'months') AND d.due_at IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM dossier_apology a WHERE a.dossier = d.id)
ORDER BY d.id
"""


def _as_datetime(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


async def move_calendar_limits_to_end_of_day() -> int:
    """Run inside a write transaction (the migration's); returns how many moved."""
    engine = engine_finder()
    calendar = await current_calendar()
    moved = []
    for row in await engine.run_querystring(QueryString(CANDIDATES)):
        due = to_local(_as_datetime(row["due_at"]))
        if due != calendar.closing_time(due.date()):
            continue
        new_due = end_of_day(due.date())
        await engine.run_querystring(QueryString(
            "UPDATE dossier SET due_at = {} WHERE id = {}", new_due, row["id"]))
        comment = ("Thời hạn tính theo ngày kết thúc lúc 24 giờ ngày cuối cùng (Bộ luật Dân sự "
                   f"2015, Điều 148): hẹn trả {format_datetime(due)} → {format_datetime(new_due)}")
        await engine.run_querystring(QueryString(
            "INSERT INTO dossier_event (dossier, at, actor, action, agency, from_status,"
            " to_status, step, comment) VALUES ({}, {}, NULL, {}, NULL, {}, {}, NULL, {})",
            row["id"], now_utc(), EVENT, row["status"], row["status"], comment))
        moved.append(row["id"])
    if moved:
        await audit.record("dossier.due_end_of_day", "dossier", "calendar_days", {
            "rule": "Bộ luật Dân sự 2015, Điều 148(6)", "moved": len(moved),
            "first_id": moved[0], "last_id": moved[-1]})
    return len(moved)

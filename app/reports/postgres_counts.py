"""The report's counts in one SQL statement — the PostgreSQL dialect of `sqlite_counts`.

Same rows read, same columns, same rules (see `sqlite_counts` and `app.reports.logic`):
timestamps are `timestamptz` here, so bounds are compared as times; the local day is the
moment `AT TIME ZONE` the province's zone, and an appointment's day is read one second
earlier so 24:00 stays on its day; the closing event is picked with DISTINCT ON instead of
SQLite's bare column beside MAX(at); counts are `COUNT(*) FILTER (WHERE …)`.
"""

from __future__ import annotations

from app.db import get_engine
from app.formatting import LOCAL_TZ
from app.reports.logic import KEYS, Period
from app.reports.sqlite_counts import _CLOSING, _REFUSED, OPEN_NOW

ZONE = str(LOCAL_TZ)
# $1 start, $2 end, $3 the zone's name.
SQL = f"""
WITH closing AS (
    SELECT DISTINCT ON (dossier) dossier, at AS closed_at, action
    FROM dossier_event WHERE action IN ({_CLOSING}) AND at >= $1
    ORDER BY dossier, at DESC
),
ids AS (
    SELECT id FROM dossier WHERE finished_at >= $1 AND finished_at < $2
    UNION SELECT id FROM dossier WHERE finished_at >= $2 AND received_at < $2
    UNION SELECT id FROM dossier WHERE status IN ({", ".join(map(str, OPEN_NOW))})
    UNION SELECT dossier FROM closing
),
facts AS MATERIALIZED (
    SELECT d.agency, d.procedure, d.channel, d.received_at AS r, d.due_at AS due,
           d.finished_at AS f, c.closed_at AS c, c.action AS closing,
           COALESCE(d.finished_at, c.closed_at) AS ended,
           EXISTS (SELECT 1 FROM dossier_apology a WHERE a.dossier = d.id) AS apologised
    FROM ids JOIN dossier d ON d.id = ids.id LEFT JOIN closing c ON c.dossier = d.id
),
marks AS (
    SELECT *,
        COALESCE(f >= $1 AND f < $2 AND (COALESCE(f > due, false) OR apologised), false)
            AS late,
        (r < $2 AND (ended IS NULL OR ended >= $2)) AS open_at_end,
        (f AT TIME ZONE $3)::date < ((due - interval '1 second') AT TIME ZONE $3)::date
            AS early
    FROM facts
)
SELECT agency, procedure,
    COUNT(*) FILTER (WHERE r < $1 AND (ended IS NULL OR ended >= $1)) AS carried_over,
    COUNT(*) FILTER (WHERE r >= $1 AND r < $2 AND channel = 2) AS new_online,
    COUNT(*) FILTER (WHERE r >= $1 AND r < $2 AND channel <> 2) AS new_direct,
    COUNT(*) FILTER (WHERE f >= $1 AND f < $2 AND NOT late AND early) AS processed_early,
    COUNT(*) FILTER (WHERE f >= $1 AND f < $2 AND NOT late AND NOT COALESCE(early, false))
        AS processed_on_time,
    COUNT(*) FILTER (WHERE late) AS processed_late,
    COUNT(*) FILTER (WHERE open_at_end AND NOT COALESCE(due < $2, false))
        AS in_progress_on_time,
    COUNT(*) FILTER (WHERE open_at_end AND COALESCE(due < $2, false)) AS in_progress_overdue,
    COUNT(*) FILTER (WHERE c >= $1 AND c < $2 AND closing IN ({_REFUSED})) AS refused,
    COUNT(*) FILTER (WHERE c >= $1 AND c < $2 AND closing = 'withdrawn') AS withdrawn,
    COUNT(*) FILTER (WHERE c >= $1 AND c < $2 AND closing = 'stopped') AS stopped,
    COUNT(*) FILTER (WHERE apologised AND (late OR (open_at_end AND COALESCE(due < $2, false))))
        AS late_with_apology
FROM marks
GROUP BY agency, procedure
"""


async def count_by_procedure(period: Period) -> list[dict]:
    """One row per (agency, procedure) with every column of the report."""
    rows = await get_engine().fetch(SQL, period.start_at, period.end_at, ZONE)
    return [{"agency": row["agency"], "procedure": row["procedure"],
             **{key: int(row[key] or 0) for key in KEYS}} for row in rows]


async def explain(period: Period) -> list[str]:
    """EXPLAIN's lines (the benchmark reads which indexes are used)."""
    rows = await get_engine().fetch("EXPLAIN " + SQL, period.start_at, period.end_at, ZONE)
    return [row["QUERY PLAN"] for row in rows]

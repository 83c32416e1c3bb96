"""The report's counts in one SQL statement — SQLite-specific (the one such module here).

Why raw SQL: twelve conditional counts grouped by agency and procedure are one pass in SQL
and awkward in a query builder. SQLite-only parts: timestamps are compared as Piccolo's
UTC text ("2026-02-13 03:00:00+00:00", which sorts in time order); the local date is
`date()` of that text cut to the second, shifted by the zone's offset (Việt Nam keeps
UTC+7 all year), and an appointment's day is read one second earlier, so 24:00 stays on
its day (`app.reports.logic.appointment_day`); the closing event's action is read as a
bare column beside MAX(at). A PostgreSQL port replaces those with `AT TIME ZONE`,
`::date` and DISTINCT ON.

Which rows are read (indexes from the ...000004 migrations): dossiers processed in the
period, and those processed after it but received before its end (both ranges of
`dossier_finished_received`; the second is filtered inside the index, so a past period
does not fetch every dossier processed since), dossiers open now (`status` index), and
dossiers closed since the start (`dossier_event_action_at`). Nothing finished before the
period is touched: the cost follows the period and the open backlog, not the history.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from app.db import get_engine, run_in_thread
from app.dossiers.logic import Status
from app.formatting import LOCAL_TZ
from app.reports.logic import CLOSING_ACTIONS, KEYS, Period

OPEN_NOW = tuple(int(s) for s in (Status.NEW, Status.RECEIVED, Status.PROCESSING,
                                  Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION,
                                  Status.WITHDRAWAL_REQUESTED))
_CLOSING = ", ".join(f"'{action}'" for action in CLOSING_ACTIONS)
_REFUSED = ", ".join(f"'{a}'" for a, kind in CLOSING_ACTIONS.items() if kind == "refused")

SQL = f"""
WITH closing AS (
    SELECT dossier, MAX(at) AS closed_at, action
    FROM dossier_event WHERE action IN ({_CLOSING}) AND at >= :start
    GROUP BY dossier
),
ids AS (
    SELECT id FROM dossier WHERE finished_at >= :start AND finished_at < :end
    UNION SELECT id FROM dossier WHERE finished_at >= :end AND received_at < :end
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
        COALESCE(f >= :start AND f < :end AND (COALESCE(f > due, 0) OR apologised), 0) AS late,
        (r < :end AND (ended IS NULL OR ended >= :end)) AS open_at_end,
        date(substr(f, 1, 19), :offset)
            < date(substr(due, 1, 19), :offset, '-1 seconds') AS early
    FROM facts
)
SELECT agency, procedure,
    SUM(r < :start AND (ended IS NULL OR ended >= :start)) AS carried_over,
    SUM(r >= :start AND r < :end AND channel = 2) AS new_online,
    SUM(r >= :start AND r < :end AND channel <> 2) AS new_direct,
    SUM(f >= :start AND f < :end AND NOT late AND early) AS processed_early,
    SUM(f >= :start AND f < :end AND NOT late AND NOT COALESCE(early, 0))
        AS processed_on_time,
    SUM(late) AS processed_late,
    SUM(open_at_end AND NOT COALESCE(due < :end, 0)) AS in_progress_on_time,
    SUM(open_at_end AND COALESCE(due < :end, 0)) AS in_progress_overdue,
    SUM(c >= :start AND c < :end AND closing IN ({_REFUSED})) AS refused,
    SUM(c >= :start AND c < :end AND closing = 'withdrawn') AS withdrawn,
    SUM(c >= :start AND c < :end AND closing = 'stopped') AS stopped,
    SUM(apologised AND (late OR (open_at_end AND COALESCE(due < :end, 0))))
        AS late_with_apology
FROM marks
GROUP BY agency, procedure
"""


def sql_time(moment: datetime) -> str:
    """A bound in Piccolo's Timestamptz text, so text comparison is time comparison."""
    return str(moment.astimezone(UTC))


def _params(period: Period) -> dict[str, str]:
    offset = LOCAL_TZ.utcoffset(datetime.combine(period.first_day, time(12)))
    return {"start": sql_time(period.start_at), "end": sql_time(period.end_at),
            "offset": f"{int(offset.total_seconds() // 60):+d} minutes"}


def _count(period: Period) -> list[dict]:
    conn = get_engine().read_connection()
    params = _params(period)
    cursor = conn.execute(SQL, params)
    try:
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return [{"agency": row["agency"], "procedure": row["procedure"],
             **{key: int(row[key] or 0) for key in KEYS}} for row in rows]


async def count_by_procedure(period: Period) -> list[dict]:
    """One row per (agency, procedure) with every column of the report (zero rows left out
    only when nothing at all happened to that procedure)."""
    return await run_in_thread(lambda: _count(period))


def explain(period: Period) -> list[str]:
    """EXPLAIN QUERY PLAN details (tests and the benchmark check the indexes are used)."""
    conn = get_engine().read_connection()
    params = _params(period)
    return [row["detail"] for row in conn.execute("EXPLAIN QUERY PLAN " + SQL, params)]

"""Replication facts for /healthz on PostgreSQL: WAL archiving (pgBackRest's
`archive-push`) and streaming standbys, as the server itself reports them."""

from __future__ import annotations

from app.db import get_engine
from app.settings import Settings

SQL = """
SELECT current_setting('archive_mode') <> 'off' AS archiving,
       EXTRACT(EPOCH FROM now() - a.last_archived_time) AS last_archived_age,
       a.failed_count > 0 AND a.last_failed_time > COALESCE(a.last_archived_time,
           '-infinity'::timestamptz) AS failing,
       (SELECT EXTRACT(EPOCH FROM max(replay_lag)) FROM pg_stat_replication) AS standby_lag
FROM pg_stat_archiver a
"""


def _rounded(value) -> float | None:
    return None if value is None else round(float(value), 1)


async def replication(settings: Settings) -> dict:
    row = (await get_engine().fetch(SQL))[0]
    return {"engine": "postgres", "configured": bool(row["archiving"]),
            "last_write_age_seconds": _rounded(row["last_archived_age"]),
            "lag_seconds": _rounded(row["standby_lag"]),
            "archive_failing": bool(row["failing"])}

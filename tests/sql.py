"""Raw SQL from tests through the app's own engine, never by opening the SQLite file, so
the same test runs on SQLite and PostgreSQL. Placeholders are Piccolo's `{}`.

For what a test must do from outside the app's rules: tamper with the audit chain, move
a date into the past, read a column the app never shows.
"""

from __future__ import annotations

import asyncio
import threading

from piccolo.querystring import QueryString

from app.db import get_engine


async def execute(sql: str, *args) -> list[dict]:
    """Run one statement; rows as dicts (empty for writes)."""
    engine = get_engine()
    rows = await engine.run_querystring(QueryString(sql, *args))
    return [dict(row) for row in rows or []]


def execute_sync(sql: str, *args) -> list[dict]:
    """`execute` from synchronous code, even where an event loop already runs (a browser
    test's thread): on a thread of its own."""
    result: list = []
    errors: list = []

    def run() -> None:
        try:
            result.extend(asyncio.run(execute(sql, *args)))
        except Exception as error:  # noqa: BLE001 - re-raised below, in the caller's thread
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result


def scalar_sync(sql: str, *args):
    """The first column of the first row (or None)."""
    rows = execute_sync(sql, *args)
    return next(iter(rows[0].values())) if rows else None

"""Raw SQL from tests through the app's own engine, never by opening the SQLite file, so
the same test runs on SQLite and PostgreSQL. Placeholders are Piccolo's `{}`.

For what a test must do from outside the app's rules: tamper with the audit chain, move
a date into the past, read a column the app never shows.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from piccolo.querystring import QueryString

from app.db import engine_from_url, get_engine


async def execute(sql: str, *args) -> list[dict]:
    """Run one statement; rows as dicts (empty for writes)."""
    engine = get_engine()
    rows = await engine.run_querystring(QueryString(sql, *args))
    return [dict(row) for row in rows or []]


def execute_sync(sql: str, *args) -> list[dict]:
    """`execute` from synchronous code, even where an event loop already runs (a browser
    test's thread): on a thread of its own."""
    return _in_thread(lambda: execute(sql, *args))


def _in_thread(make_coroutine, cleanup=None):
    """Await `make_coroutine()` under `asyncio.run` on a thread of its own; its errors are
    raised in the caller's thread."""
    result: list = []
    errors: list = []

    def run() -> None:
        try:
            result.append(asyncio.run(make_coroutine()))
        except Exception as error:  # noqa: BLE001 - re-raised below, in the caller's thread
            errors.append(error)
        finally:
            if cleanup is not None:
                cleanup()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


def scalar_sync(sql: str, *args):
    """The first column of the first row (or None)."""
    rows = execute_sync(sql, *args)
    return next(iter(rows[0].values())) if rows else None


def execute_on(database: str | Path, sql: str, *args) -> list[dict]:
    """`execute_sync` on a database other than the engine's: a live server's or a CLI's,
    named by its URL (`sqlite:///…`, `postgresql://…`) or, on SQLite, by its file's path."""
    return [dict(row) for row in _rows_on(database, sql, *args)]


def _rows_on(database: str | Path, sql: str, *args) -> list:
    """The engine's own rows (asyncpg records keep columns of the same name apart)."""
    engine = _engine_for(database)

    async def rows() -> list:
        return list(await engine.run_querystring(QueryString(sql, *args)) or [])

    return _in_thread(rows, cleanup=engine.reconnect)


def integrity_on(database: str | Path) -> str:
    """The engine's integrity check of `database` ("ok" when sound)."""
    engine = _engine_for(database)
    return _in_thread(engine.integrity_check, cleanup=engine.reconnect)


def _engine_for(database: str | Path):
    """A one-off engine (closed by `reconnect` after use) for a URL or a SQLite path."""
    url = str(database)
    return engine_from_url(url if "://" in url else f"sqlite:///{url}")


def query_on(database: str | Path, sql: str, *args) -> list[tuple]:
    """`execute_on` with sqlite3's conventions, for drills written against them: `?`
    placeholders and rows as tuples."""
    return [tuple(row.values()) for row in _rows_on(database, sql.replace("?", "{}"), *args)]

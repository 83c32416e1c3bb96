"""Where `app.dossiers.bulk` writes on PostgreSQL: COPY on a connection of its own.

Each chunk is one transaction holding the app's write lock (`app.db_postgres`), so the
chunk's state (next id, daily sequences) read under it cannot change before COMMIT. Ids
are given explicitly, so the id sequence is moved past them at the end of each chunk.
Piccolo's timestamp text from bulk.py becomes `datetime` for COPY's binary format.
"""

from __future__ import annotations

import asyncio
import re
import threading
from datetime import datetime

import asyncpg

from app.db_postgres import WRITE_LOCK_KEY, config_from_url

_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00$")


def _value(value):
    return datetime.fromisoformat(value) if isinstance(value, str) and _TIME.match(value) \
        else value


class Writer:
    """Synchronous, like the generator; asyncpg runs on a loop in a thread of its own, so
    it works from async callers too (their loop is left alone)."""

    def __init__(self, url: str):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.transaction = None
        try:
            self.connection = self._run(asyncpg.connect(**config_from_url(url)))
        except BaseException:
            self._stop()
            raise

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def _stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """`?` placeholders, as bulk.py writes them, numbered for PostgreSQL."""
        numbered = iter(range(1, len(params) + 1))
        sql = re.sub(r"\?", lambda _: f"${next(numbered)}", sql)
        return [tuple(row) for row in self._run(self.connection.fetch(sql, *params))]

    def begin(self) -> None:
        self.transaction = self.connection.transaction()
        self._run(self.transaction.start())
        self._run(self.connection.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK_KEY))

    def insert(self, table: str, rows: list) -> None:
        columns, records = rows[0], [tuple(map(_value, row)) for row in rows[1:]]
        if records:
            self._run(self.connection.copy_records_to_table(table, records=records,
                                                            columns=list(columns)))
        if "id" in columns:
            self._run(self.connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"))

    def commit(self) -> None:
        self._run(self.transaction.commit())
        self.transaction = None

    def finish(self) -> None:
        self._run(self.connection.execute("ANALYZE dossier; ANALYZE dossier_event"))

    def close(self) -> None:
        try:
            if self.transaction is not None:
                self._run(self.transaction.rollback())
            self._run(self.connection.close())
        finally:
            self._stop()

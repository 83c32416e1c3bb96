"""Database engine: Piccolo on SQLite, made fast and safe for one VM.

Piccolo's stock `SQLiteEngine` opens a new aiosqlite connection (and a thread) for every
query and applies no PRAGMAs. Our pages run small indexed queries that take well under a
millisecond, so the hop to a thread and the new connection cost far more than the query.

`MotCuaEngine` keeps one read connection and one write connection per thread, with the
PRAGMAs applied once, and runs statements inline. Writes and transactions are serialised
through one asyncio lock per event loop, so coroutines never fight over SQLite's write lock
inside a process; other processes (worker, CLI) wait on `busy_timeout`. Long reports should
use `run_in_thread` to keep the event loop free.

This is the one module allowed SQLite-specific code: the rest of the app uses Piccolo
queries. `MOTCUA_DATABASE_URL` chooses the engine (`engine_from_url`): SQLite here, or
PostgreSQL (`app.db_postgres`) with the same meaning of `write_transaction()` and
`after_commit`. SQL that differs by engine lives in dialect modules named
`<area>/<dialect>_<name>.py`, picked by `dialect_module()`.
"""

from __future__ import annotations

import asyncio
import datetime
import importlib
import sqlite3
import threading
import weakref
from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar

from piccolo.engine import sqlite as piccolo_sqlite
from piccolo.engine.sqlite import (
    SQLiteEngine,
    SQLiteTransaction,
    TransactionType,
    dict_factory,
)
from piccolo.querystring import QueryString

T = TypeVar("T")

# -- column readers ----------------------------------------------------------------
# Faster readers for the column types SQLite hands back as text (issue #21).
#
# Piccolo registers process-wide `sqlite3` converters for its column types when its SQLite
# engine is imported. Its INTEGER converter reads every integer through `Decimal` (to accept a
# stray "1.0"), and every converter goes through a wrapper that also accepts `str` for its
# array columns: ~0.3 µs an integer and ~0.2 µs a timestamp, on every id, foreign key and
# date of every row a page reads. `sqlite3` only ever hands a converter `bytes`, so these read
# that directly and, where Python's own parsing refuses a value, ask Piccolo's function: each
# returns what Piccolo's would, or raises what it would (tests/test_sqlite_converters.py).
# Piccolo's array converters keep calling its own functions.

UTC = datetime.UTC
_from_iso = datetime.datetime.fromisoformat
_date_from_iso = datetime.date.fromisoformat


def integer_out(value: bytes) -> int:
    try:
        return int(value)
    except ValueError:  # "1.0", "1e3": Piccolo accepts what Decimal reads
        return piccolo_sqlite.convert_int_out(value)


def timestamptz_out(value: bytes) -> datetime.datetime:
    return _from_iso(value.decode("utf8")).replace(tzinfo=UTC)


def date_out(value: bytes) -> datetime.date:
    return _date_from_iso(value.decode("utf8"))


def boolean_out(value: bytes) -> bool:
    return value.decode("utf8") == "1"


COLUMN_READERS = {"INTEGER": integer_out, "TIMESTAMPTZ": timestamptz_out, "DATE": date_out,
          "BOOLEAN": boolean_out}


def register_column_readers() -> None:
    """Replace Piccolo's converters of these types (registered when it was imported)."""
    for declared_type, converter in COLUMN_READERS.items():
        sqlite3.register_converter(declared_type, converter)


register_column_readers()


PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
    # 4 MB per connection: the OS page cache holds the file anyway, and a lookup on
    # 20,000 dossiers cost the same CPU with 2 MB as with 16 MB, while a 16 MB cache was
    # the web process's whole growth under bench/load.py (130 MB, issue #21).
    "PRAGMA cache_size = -4000",
    "PRAGMA temp_store = MEMORY",
)


class _AsyncConnection:
    """The small async surface Piccolo's savepoints expect, over a sync connection."""

    def __init__(self, raw: sqlite3.Connection):
        self.raw = raw

    async def execute(self, sql: str, args: Any = ()) -> sqlite3.Cursor:
        return self.raw.execute(sql, args)


class EndsTransaction:
    """The end of an outermost transaction, the same on every engine: commit (or roll back
    on an exception), give back the connection or lock (`release`), then run the
    `after_commit` callbacks, only if it committed."""

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            self.engine.current_transaction.reset(self.context)
            await self.release()
        if exception is None:
            for callback in getattr(self, "_after_commit", ()):
                callback()
        return exception is None


class MotCuaTransaction(EndsTransaction, SQLiteTransaction):
    """A transaction on the thread's write connection, holding the loop's writer lock."""

    async def __aenter__(self) -> MotCuaTransaction:
        if self._parent is not None:
            return self._parent
        engine: MotCuaEngine = self.engine  # type: ignore[assignment]
        self._lock = engine.writer_lock()
        await self._lock.acquire()
        try:
            self.connection = _AsyncConnection(engine.write_connection())
            await self.begin()
        except BaseException:
            self._lock.release()
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def release(self) -> None:
        self._lock.release()


class MotCuaEngine(SQLiteEngine):
    """SQLite engine with persistent per-thread connections and a serialised writer."""

    def __init__(self, path: str, busy_timeout_ms: int = 5000, **kwargs: Any) -> None:
        super().__init__(path=path, **kwargs)
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._generation = 0

    # -- connections -------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path,
            detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES,
            isolation_level=None,
            timeout=self.busy_timeout_ms / 1000,
            check_same_thread=False,
        )
        conn.row_factory = dict_factory
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
        for pragma in PRAGMAS:
            conn.execute(pragma)
        return conn

    def _connection(self, kind: str) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "generation", None) != self._generation:
            self._close_local()
            local.generation = self._generation
        conn = getattr(local, kind, None)
        if conn is None:
            conn = self._open()
            setattr(local, kind, conn)
        return conn

    def read_connection(self) -> sqlite3.Connection:
        return self._connection("reader")

    def write_connection(self) -> sqlite3.Connection:
        return self._connection("writer")

    def _close_local(self) -> None:
        for kind in ("reader", "writer"):
            conn = getattr(self._local, kind, None)
            if conn is not None:
                conn.close()
                setattr(self._local, kind, None)

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def reconnect(self, url: str | None = None) -> None:
        """Point the engine at another file (tests) and drop every cached connection."""
        if url is not None:
            self.path = sqlite_path(url)
        self._close_local()
        self._generation += 1

    def writer_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    # -- Piccolo hooks -----------------------------------------------------------------

    @staticmethod
    def _execute(conn: sqlite3.Connection, query: str, args: list[Any] | None) -> list[dict]:
        cursor = conn.execute(query, args or [])
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False):
        query, args = querystring.compile_string(engine_type=self.engine_type)
        if self.log_queries:
            self.print_query(query_id=self.get_query_id(), query=str(querystring))
        transaction = self.current_transaction.get()
        if transaction is not None:
            return self._execute(transaction.connection.raw, query, args)
        if querystring.query_type == "select" or query.lstrip()[:6].upper() == "SELECT":
            return self._execute(self.read_connection(), query, args)
        async with self.writer_lock():
            return self._execute(self.write_connection(), query, args)

    async def has_table(self, name: str) -> bool:
        """Whether the database holds the table: the search dialects' FTS5 indexes, made by
        migrations; without one they fall back to portable LIKE conditions."""
        return bool(await self.run_querystring(QueryString(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = {}", name)))

    async def run_ddl(self, ddl: str, in_pool: bool = False):
        transaction = self.current_transaction.get()
        if transaction is not None:
            return self._execute(transaction.connection.raw, ddl, None)
        async with self.writer_lock():
            return self._execute(self.write_connection(), ddl, None)

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> MotCuaTransaction:
        return MotCuaTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )


    async def prepare(self) -> None:
        """Settings stored in the file itself: set once, at migration."""
        initialise_file(self.path)

    async def integrity_check(self) -> str:
        """"ok", or what SQLite found wrong in the file (a restored copy is checked): its
        structure, then rows whose foreign key points nowhere (PostgreSQL refuses those on
        write, SQLite only where the connection enforced them)."""
        rows = await asyncio.to_thread(
            lambda: self._execute(self.read_connection(), "PRAGMA integrity_check", None))
        found = "; ".join(str(next(iter(row.values()))) for row in rows)
        if found != "ok":
            return found
        orphans = await asyncio.to_thread(
            lambda: self._execute(self.read_connection(), "PRAGMA foreign_key_check", None))
        if orphans:
            tables = sorted({str(row["table"]) for row in orphans})
            return f"foreign_key_check: {len(orphans)} rows in {', '.join(tables)}"
        return "ok"

    async def optimize(self) -> None:
        """Nightly `PRAGMA optimize`: SQLite refreshes the statistics its planner uses where
        they have drifted (cheap; a no-op when nothing changed)."""
        await self.run_ddl("PRAGMA optimize")


def sqlite_path(url: str) -> str:
    """`sqlite:////abs/file.db` or `sqlite:///relative.db` -> the file's path (a bare path
    is accepted too, as tests and older settings pass one)."""
    return url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url


def engine_from_url(url: str, busy_timeout_ms: int = 5000):
    """The engine `MOTCUA_DATABASE_URL` names: `sqlite:///…` (default) or `postgresql://…`."""
    if url.startswith(("postgresql://", "postgres://")):
        from app.db_postgres import MotCuaPostgresEngine

        return MotCuaPostgresEngine(url)
    if not url.startswith("sqlite:///"):
        raise ValueError(f"MOTCUA_DATABASE_URL: unknown database {url.split(':', 1)[0]!r}")
    return MotCuaEngine(path=sqlite_path(url), busy_timeout_ms=busy_timeout_ms)


def get_engine():
    """The configured engine: `MotCuaEngine` (SQLite) or `MotCuaPostgresEngine`."""
    from piccolo.engine.finder import engine_finder

    engine = engine_finder()
    assert hasattr(engine, "reconnect") and hasattr(engine, "prepare"), \
        "piccolo_conf.DB must come from app.db.engine_from_url"
    return engine


def dialect(url: str | None = None) -> str:
    """`sqlite` or `postgres`: the configured engine's, or that of the database `url` names."""
    if url is None:
        return get_engine().engine_type
    return "postgres" if url.startswith(("postgresql://", "postgres://")) else "sqlite"


def dialect_module(package: str, name: str, url: str | None = None) -> ModuleType:
    """`dialect_module("app.reports", "counts")` -> app.reports.sqlite_counts or
    app.reports.postgres_counts: the one place SQL that differs by engine is chosen."""
    return importlib.import_module(f"{package}.{dialect(url)}_{name}")


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the outermost open transaction commits (never if it rolls back),
    or now when none is open. For work that must see committed rows, such as queueing a
    worker task that reads them."""
    transaction = get_engine().current_transaction.get()
    if transaction is None:
        callback()
        return
    if not hasattr(transaction, "_after_commit"):
        transaction._after_commit = []
    transaction._after_commit.append(callback)


def write_transaction():
    """Read-then-write work, serialised: on SQLite BEGIN IMMEDIATE takes the write lock up
    front, so two processes cannot both read, then both fail to upgrade to a writer; on
    PostgreSQL a transaction-level advisory lock does the same (app.db_postgres)."""
    return get_engine().transaction(transaction_type=TransactionType.immediate)


async def run_in_thread(fn: Callable[[], T]) -> T:
    """Run a long read (report, export) off the event loop; the worker thread gets its own
    connections from the engine's thread-local cache."""
    return await asyncio.to_thread(fn)


def initialise_file(path: str) -> None:
    """Settings stored in the file itself: set once, at migration."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()


async def optimize() -> None:
    """Nightly planner statistics refresh, in the engine's own way."""
    await get_engine().optimize()

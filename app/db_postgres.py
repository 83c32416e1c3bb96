"""Database engine for several machines: Piccolo's PostgresEngine with a pool per event loop.

Chosen by `MOTCUA_DATABASE_URL=postgresql://…` (see `app.db.engine_from_url`). It keeps the
meaning the rest of the app relies on with SQLite:

- `write_transaction()` is serialised. On SQLite every transaction holds the one write lock
  (BEGIN IMMEDIATE plus the loop's asyncio lock), and the code relies on it: the audit
  chain's head, the daily dossier sequence, rate limits, first-payment-wins. Here every
  transaction's first statement takes one transaction-level advisory lock
  (`pg_advisory_xact_lock`), held until COMMIT or ROLLBACK, so read-then-write transactions
  queue exactly as on SQLite — across every web process and worker, not only within one.
  Reads outside a transaction never wait.
- `after_commit` callbacks run once the outermost transaction commits, never on rollback.

asyncpg connections belong to the event loop that opened them, and the app runs several
loops (the server's, `asyncio.run` in the CLI and Huey tasks, test clients), so each loop
gets its own small pool, created on first use. Pools of loops that have since closed are
dropped and their sockets closed when the next pool is made (Huey's thread workers each
run loops, so that list is guarded by a thread lock: a lost entry leaked its connections).

Opening a connection is retried (`acquire`): under load the server can close a new socket
during the start-up exchange (asyncpg: "unexpected connection_lost() call"); nothing has
been sent then, so a second attempt cannot run anything twice. A query on an open
connection is never retried here (Huey's retry rule decides, `app.jobs.logic`).

A connection being opened is never interrupted half-way (`open_to_the_end`): a caller
cancelled meanwhile (a partner call's timeout around a sandbox that writes, a visitor who
left) leaves the opening to finish and the connection is closed. Cancelled inside
`loop.create_connection`, asyncpg closed the new socket and its SSL-negotiation future got
"unexpected connection_lost()" that nobody would read: asyncio's "Future exception was
never retrieved" in the national-sync drill's worker log (`tests/test_db_engine.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import weakref
from typing import Any
from urllib.parse import unquote, urlsplit

import asyncpg
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.querystring import QueryString

from app.db import EndsTransaction

# One lock for every write transaction (any 64-bit number; advisory locks are per database).
WRITE_LOCK_KEY = 20_262_011
POOL_SIZE = 10
CONNECT_ATTEMPTS = 4
# Failures to *open* a connection that a moment later can cure.
_CONNECT_ERRORS = (OSError, asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError)


async def acquire(pool: asyncpg.Pool) -> asyncpg.Connection:
    """A connection from the pool, retrying a failed connect with a short backoff."""
    for attempt in range(CONNECT_ATTEMPTS):
        try:
            return await pool.acquire()
        except _CONNECT_ERRORS:
            if attempt == CONNECT_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.05 * 2 ** attempt)
    raise AssertionError("unreachable")


async def open_to_the_end(*args: Any, **kwargs: Any) -> asyncpg.Connection:
    """asyncpg.connect() that finishes even when its caller is cancelled; a connection its
    caller no longer waits for is closed (the pool's `connect`)."""
    opening = asyncio.ensure_future(asyncpg.connect(*args, **kwargs))
    try:
        return await asyncio.shield(opening)
    except asyncio.CancelledError:
        opening.add_done_callback(_close_abandoned)
        raise


def _close_abandoned(opening: asyncio.Future) -> None:
    # exception() also marks a failure as read: asyncio logs no "never retrieved".
    if not opening.cancelled() and opening.exception() is None:
        opening.result().terminate()


def config_from_url(url: str) -> dict[str, Any]:
    """asyncpg's connect() arguments from `postgresql://user:password@host:port/database`
    (a `host=/path` query names a Unix socket folder)."""
    parts = urlsplit(url)
    config: dict[str, Any] = {"database": unquote(parts.path.lstrip("/")) or "motcua"}
    if parts.hostname:
        config["host"] = parts.hostname
    if parts.port:
        config["port"] = parts.port
    if parts.username:
        config["user"] = unquote(parts.username)
    if parts.password:
        config["password"] = unquote(parts.password)
    for item in filter(None, parts.query.split("&")):
        key, _, value = item.partition("=")
        if key == "host":
            config["host"] = unquote(value)
    return config


class MotCuaPostgresTransaction(EndsTransaction, PostgresTransaction):
    """A transaction on a pooled connection that holds the write lock until it ends."""

    async def __aenter__(self) -> MotCuaPostgresTransaction:
        if self._parent is not None:
            return self._parent
        engine: MotCuaPostgresEngine = self.engine  # type: ignore[assignment]
        self._pool = await engine.loop_pool()
        self.connection = await acquire(self._pool)
        try:
            self.transaction = self.connection.transaction()
            await self.begin()
            await self.connection.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK_KEY)
        except BaseException:
            await self._pool.release(self.connection)
            raise
        self.context = engine.current_transaction.set(self)
        return self

    async def release(self) -> None:
        await self._pool.release(self.connection)


class MotCuaPostgresEngine(PostgresEngine):
    """PostgreSQL engine: one asyncpg pool per event loop, serialised write transactions."""

    def __init__(self, url: str, pool_size: int = POOL_SIZE, **kwargs: Any) -> None:
        super().__init__(config=config_from_url(url), **kwargs)
        self.url = url
        self.pool_size = pool_size
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task] = (
            weakref.WeakKeyDictionary())
        self._loops: list[tuple[weakref.ref, asyncio.Task]] = []
        self._loops_lock = threading.Lock()

    async def check_version(self) -> None:
        """Piccolo connects at construction to warn about old servers: not at every import
        of a CLI or worker (and not before the database exists); README names 15."""

    # -- pools -------------------------------------------------------------------------

    async def loop_pool(self) -> asyncpg.Pool:
        loop = asyncio.get_running_loop()
        task = self._pools.get(loop)
        if task is None:
            with self._loops_lock:
                self._drop_closed_loops()
                task = loop.create_task(self._new_pool())
                self._pools[loop] = task
                self._loops.append((weakref.ref(loop), task))
        return await task

    async def _new_pool(self) -> asyncpg.Pool:
        return await asyncpg.create_pool(min_size=0, max_size=self.pool_size,
                                         connect=open_to_the_end, **self.config)

    def _drop_closed_loops(self) -> None:
        """Close the sockets of pools whose loop has ended (asyncio.run, a test client):
        their loop cannot run a graceful close any more."""
        alive = []
        for loop_ref, task in self._loops:
            loop = loop_ref()
            if loop is not None and not loop.is_closed():
                alive.append((loop_ref, task))
                continue
            if task.done() and not task.cancelled() and task.exception() is None:
                _close_sockets(task.result())
        self._loops = alive

    def reconnect(self, url: str | None = None) -> None:
        """Point the engine at another database (tests) and forget every pool."""
        if url is not None:
            self.url = url
            self.config = config_from_url(url)
        with self._loops_lock:
            for loop_ref, task in self._loops:
                loop = loop_ref()
                if task.done() and not task.cancelled() and task.exception() is None:
                    pool = task.result()
                    # A loop that is still open (running, or kept between runs by
                    # app.thread_loop) must unregister the sockets itself: closing them
                    # behind its back leaves their descriptors in its selector.
                    if loop is not None and not loop.is_closed():
                        pool.terminate()
                    else:
                        _close_sockets(pool)
            self._loops = []
            self._pools = weakref.WeakKeyDictionary()

    # -- Piccolo hooks -----------------------------------------------------------------

    async def run_querystring(self, querystring: QueryString, in_pool: bool = True):
        query, args = querystring.compile_string(engine_type=self.engine_type)
        if self.log_queries:
            self.print_query(query_id=self.get_query_id(), query=str(querystring))
        return await self._fetch(query, args)

    async def run_ddl(self, ddl: str, in_pool: bool = True):
        return await self._fetch(ddl, [])

    async def fetch(self, sql: str, *args: Any) -> list:
        """SQL of a dialect module (`$1`-style placeholders), in the open transaction if any."""
        return await self._fetch(sql, list(args))

    async def _fetch(self, query: str, args: list[Any]):
        transaction = self.current_transaction.get()
        if transaction is not None:
            return await transaction.connection.fetch(query, *args)
        pool = await self.loop_pool()
        connection = await acquire(pool)
        try:
            return await connection.fetch(query, *args)
        finally:
            await pool.release(connection)

    def transaction(self, allow_nested: bool = True, **_: Any) -> MotCuaPostgresTransaction:
        return MotCuaPostgresTransaction(engine=self, allow_nested=allow_nested)

    async def prepare(self) -> None:
        """Nothing is stored in the database itself before migrating (cf. SQLite's WAL)."""

    async def integrity_check(self) -> str:
        """"ok" once every table and index of the schema reads back whole: each table is
        scanned and each B-tree index checked with `amcheck` (page checksums, where the
        cluster has them, are verified on read)."""
        try:
            await self.run_ddl("CREATE EXTENSION IF NOT EXISTS amcheck")
            for row in await self.fetch(
                    "SELECT c.oid::regclass::text AS name, c.relkind::text AS relkind "
                    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i') "
                    "AND (c.relkind = 'r' OR c.relam = (SELECT oid FROM pg_am "
                    "WHERE amname = 'btree'))"):
                if row["relkind"] == "r":
                    await self.fetch(f"SELECT count(*) FROM {row['name']}")
                else:
                    await self.fetch("SELECT bt_index_check($1::regclass)", row["name"])
        except asyncpg.PostgresError as error:
            return f"{type(error).__name__}: {error}"
        return "ok"

    async def optimize(self) -> None:
        """Nightly statistics refresh (autovacuum does it too; this is cheap)."""
        await self.run_ddl("ANALYZE")


def _close_sockets(pool: asyncpg.Pool) -> None:
    for holder in getattr(pool, "_holders", ()):
        connection = getattr(holder, "_con", None)
        transport = getattr(connection, "_transport", None) if connection else None
        sock = transport.get_extra_info("socket") if transport is not None else None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock._sock.close() if hasattr(sock, "_sock") else sock.close()

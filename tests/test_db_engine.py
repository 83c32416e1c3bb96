"""The engine: serialised read-then-write transactions, real rollbacks, after-commit hooks,
on whichever engine `MOTCUA_DATABASE_URL` names; SQLite's PRAGMAs and connection reuse."""

import asyncio
import threading

import asyncpg
import pytest

from app.audit import service as audit
from app.db import after_commit, dialect, engine_from_url, get_engine, write_transaction
from app.system.tables import Heartbeat
from tests.sql import execute

pytestmark = pytest.mark.anyio
engine_tests = pytest.mark.engine
sqlite_only = pytest.mark.sqlite_only
# A unique or foreign key refused, whichever engine answers.
INTEGRITY_ERRORS = (__import__("sqlite3").IntegrityError,
                    asyncpg.exceptions.IntegrityConstraintViolationError)


@sqlite_only
async def test_pragmas_are_applied(db):
    engine = get_engine()
    for conn in (engine.read_connection(), engine.write_connection()):
        assert conn.execute("PRAGMA foreign_keys").fetchone()["foreign_keys"] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()["synchronous"] == 1  # NORMAL
        assert conn.execute("PRAGMA busy_timeout").fetchone()["timeout"] >= 1000
        assert conn.execute("PRAGMA journal_mode").fetchone()["journal_mode"] == "wal"


@sqlite_only
async def test_connections_are_reused(db):
    engine = get_engine()
    assert engine.read_connection() is engine.read_connection()
    assert engine.read_connection() is not engine.write_connection()


@sqlite_only
async def test_connections_are_per_thread(db):
    engine = get_engine()
    seen = []
    thread = threading.Thread(target=lambda: seen.append(engine.read_connection()))
    thread.start()
    thread.join()
    assert seen[0] is not engine.read_connection()


def test_the_url_chooses_the_engine():
    sqlite = engine_from_url("sqlite:////tmp/x/motcua.db")
    assert (sqlite.engine_type, sqlite.path) == ("sqlite", "/tmp/x/motcua.db")
    postgres = engine_from_url("postgresql://u:p%40ss@db.example:5433/motcua")
    assert postgres.engine_type == "postgres"
    assert postgres.config == {"database": "motcua", "host": "db.example", "port": 5433,
                               "user": "u", "password": "p@ss"}
    with pytest.raises(ValueError, match="mysql"):
        engine_from_url("mysql://x/y")


async def _bump_counter(i: int) -> None:
    """Read-then-write: read the counter, yield to others, write it plus one."""
    async with write_transaction():
        rows = await execute("SELECT count(*) AS n FROM heartbeat WHERE name LIKE 'bump-%'")
        await asyncio.sleep(0.001)  # let every other writer try to interleave
        await Heartbeat(name=f"bump-{rows[0]['n']}", at=Heartbeat.at.default.python()).save()
        await audit.record("test.bump", "heartbeat", i)


@engine_tests
async def test_read_then_write_transactions_are_serialised_across_loops(db):
    """Coroutines on this loop and on three other threads' loops (other connections, as
    other processes would be) all read-then-write: no update is lost (each read count is
    unique, else the unique name refuses it) and the audit chain has no fork."""
    def other_loop():
        async def many():
            await asyncio.gather(*(_bump_counter(100 + i) for i in range(10)))
        asyncio.run(many())

    threads = [threading.Thread(target=other_loop) for _ in range(3)]
    for thread in threads:
        thread.start()
    await asyncio.gather(*(_bump_counter(i) for i in range(15)))
    for thread in threads:
        thread.join()
    names = {row["name"] for row in await Heartbeat.select(Heartbeat.name)}
    assert names == {f"bump-{n}" for n in range(45)}
    assert await audit.AuditEntry.count() == 45
    assert await audit.verify() == []


@engine_tests
async def test_rollback_discards_the_whole_transaction(db):
    with pytest.raises(INTEGRITY_ERRORS):
        async with write_transaction():
            await Heartbeat(name="a", at=Heartbeat.at.default.python()).save()
            await Heartbeat(name="a", at=Heartbeat.at.default.python()).save()  # unique
    assert await Heartbeat.count() == 0


@engine_tests
async def test_foreign_keys_are_enforced(db):
    from app.accounts.tables import UserAgency

    with pytest.raises(INTEGRITY_ERRORS):
        await UserAgency(user=999, agency=999).save()


@engine_tests
async def test_after_commit_runs_once_committed_and_never_after_a_rollback(db):
    ran = []
    async with write_transaction():
        async with write_transaction():  # nested: joins the outer one
            await Heartbeat(name="x", at=Heartbeat.at.default.python()).save()
            after_commit(lambda: ran.append("committed"))
        assert ran == []  # not before the outermost commit
    assert ran == ["committed"]
    with pytest.raises(RuntimeError):
        async with write_transaction():
            after_commit(lambda: ran.append("rolled back"))
            raise RuntimeError("undo")
    assert ran == ["committed"]
    after_commit(lambda: ran.append("now"))  # no transaction: at once
    assert ran == ["committed", "now"]


@engine_tests
async def test_the_dialect_is_the_configured_engines(db):
    assert dialect() == get_engine().engine_type
    assert dialect() in {"sqlite", "postgres"}

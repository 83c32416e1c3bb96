"""The fast engine: PRAGMAs on every connection, serialised writers, real transactions."""

import asyncio
import sqlite3
import threading

import pytest

from app.db import get_engine, write_transaction
from app.system.tables import Heartbeat

pytestmark = pytest.mark.anyio


async def test_pragmas_are_applied(db):
    engine = get_engine()
    for conn in (engine.read_connection(), engine.write_connection()):
        assert conn.execute("PRAGMA foreign_keys").fetchone()["foreign_keys"] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()["synchronous"] == 1  # NORMAL
        assert conn.execute("PRAGMA busy_timeout").fetchone()["timeout"] >= 1000
        assert conn.execute("PRAGMA journal_mode").fetchone()["journal_mode"] == "wal"


async def test_connections_are_reused(db):
    engine = get_engine()
    assert engine.read_connection() is engine.read_connection()
    assert engine.read_connection() is not engine.write_connection()


async def test_connections_are_per_thread(db):
    engine = get_engine()
    seen = []
    thread = threading.Thread(target=lambda: seen.append(engine.read_connection()))
    thread.start()
    thread.join()
    assert seen[0] is not engine.read_connection()


async def test_concurrent_read_then_write_transactions_do_not_lose_updates(db):
    await Heartbeat(name="counter", at=Heartbeat.at.default.python()).save()

    async def bump(i):
        async with write_transaction():
            row = await Heartbeat.select(Heartbeat.id).where(Heartbeat.name == "counter").first()
            await asyncio.sleep(0)  # let other coroutines try to interleave
            await Heartbeat(name=f"bump-{i}", at=Heartbeat.at.default.python()).save()
            assert row is not None

    await asyncio.gather(*(bump(i) for i in range(50)))
    assert await Heartbeat.count() == 51


async def test_rollback_discards_the_whole_transaction(db):
    with pytest.raises(sqlite3.IntegrityError):
        async with write_transaction():
            await Heartbeat(name="a", at=Heartbeat.at.default.python()).save()
            await Heartbeat(name="a", at=Heartbeat.at.default.python()).save()  # unique
    assert await Heartbeat.count() == 0


async def test_foreign_keys_are_enforced(db):
    from app.accounts.tables import UserAgency

    with pytest.raises(sqlite3.IntegrityError):
        await UserAgency(user=999, agency=999).save()

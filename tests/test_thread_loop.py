"""app.thread_loop: a thread's coroutines run on one kept loop (so on PostgreSQL a worker
thread's connections serve task after task), with asyncio.run's rules kept: nothing a run
left pending continues into the next, and never inside a running loop."""

from __future__ import annotations

import asyncio
import threading

import pytest

from app import thread_loop
from app.db import get_engine
from tests.conftest import TEST_ENGINE


async def _running_loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


def test_one_loop_per_thread_kept_between_runs():
    first, second = thread_loop.run(_running_loop()), thread_loop.run(_running_loop())
    others = []
    worker = threading.Thread(target=lambda: others.append(thread_loop.run(_running_loop())))
    worker.start()
    worker.join()
    assert first is second and not first.is_closed()
    assert others[0] is not first


def test_what_a_run_leaves_pending_is_cancelled_before_the_next_run():
    seen = []

    async def forgotten() -> None:
        try:
            await asyncio.sleep(60)
        finally:
            seen.append("cancelled")

    async def leaves_a_task() -> str:
        asyncio.get_running_loop().create_task(forgotten())
        await asyncio.sleep(0)
        return "done"

    assert thread_loop.run(leaves_a_task()) == "done"
    assert seen == ["cancelled"]
    assert not [t for t in asyncio.all_tasks(thread_loop.this_threads_loop()) if not t.done()]


def test_an_error_reaches_the_caller_and_the_loop_stays_usable():
    async def fails() -> None:
        raise ValueError("hỏng")

    with pytest.raises(ValueError, match="hỏng"):
        thread_loop.run(fails())
    assert thread_loop.run(_running_loop()) is thread_loop.this_threads_loop()


def test_run_refuses_inside_a_running_loop_and_run_async_hops_to_a_thread():
    async def inside() -> tuple[bool, asyncio.AbstractEventLoop]:
        coroutine = _running_loop()
        try:
            thread_loop.run(coroutine)
            refused = False
        except RuntimeError:
            refused = True
        coroutine.close()
        return refused, thread_loop.run_async(_running_loop)

    outer = asyncio.new_event_loop()
    try:
        refused, other = outer.run_until_complete(inside())
    finally:
        outer.close()
    assert refused and other is not outer


@pytest.mark.engine
@pytest.mark.skipif(TEST_ENGINE == "sqlite", reason="SQLite's connections are per thread")
def test_a_worker_threads_runs_share_one_postgresql_connection(db):
    async def backend() -> int:
        rows = await get_engine().fetch("SELECT pg_backend_pid() AS pid")
        return rows[0]["pid"]

    pids = []
    worker = threading.Thread(target=lambda: pids.extend(
        thread_loop.run(backend()) for _ in range(3)))
    worker.start()
    worker.join()
    assert len(pids) == 3 and len(set(pids)) == 1


@pytest.mark.engine
@pytest.mark.skipif(TEST_ENGINE == "sqlite", reason="SQLite's connections are per thread")
def test_a_kept_loop_connects_again_after_the_engine_is_pointed_elsewhere(db):
    # reconnect() (tests, between databases) closed the sockets of pools whose loop was not
    # running; a kept loop still listed them, and the next socket given the same number
    # was refused ("File descriptor … is used by transport").
    async def one() -> int:
        rows = await get_engine().fetch("SELECT 1 AS one")
        return rows[0]["one"]

    engine = get_engine()
    for _ in range(3):
        assert thread_loop.run(one()) == 1
        engine.reconnect()


def test_run_async_inside_a_loop_runs_on_one_kept_thread_and_loop():
    async def where() -> tuple[threading.Thread, asyncio.AbstractEventLoop]:
        return threading.current_thread(), asyncio.get_running_loop()

    async def inside():
        return [thread_loop.run_async(where) for _ in range(3)]

    seen = asyncio.run(inside()) + asyncio.run(inside())
    assert len(set(seen)) == 1  # one thread, one loop, across calls and outer loops
    assert seen[0][0] is not threading.current_thread()


def test_run_async_on_the_hop_thread_itself_does_not_wait_on_itself():
    """A coroutine on the hop thread that runs another (a task run inline enqueueing a
    task: its signal is recorded) gets a thread of its own instead of a deadlock."""
    async def inner() -> threading.Thread:
        return threading.current_thread()

    async def outer() -> tuple[threading.Thread, threading.Thread]:
        return threading.current_thread(), thread_loop.run_async(inner)

    async def inside():
        return thread_loop.run_async(outer)

    hop, nested = asyncio.run(inside())
    assert nested is not hop and nested is not threading.current_thread()


def test_an_error_on_the_hop_thread_reaches_the_caller():
    async def fails() -> None:
        raise ValueError("hỏng")

    async def inside():
        with pytest.raises(ValueError, match="hỏng"):
            thread_loop.run_async(fails)
        return thread_loop.run_async(_running_loop)

    assert not asyncio.run(inside()).is_closed()


def test_an_error_outside_a_loop_is_not_chained_to_the_loop_check():
    """The worker's log shows the task's own error, not "no running event loop" above it
    (the national-sync drill reads that log for unexpected errors)."""
    async def fails() -> None:
        raise ValueError("hỏng")

    with pytest.raises(ValueError, match="hỏng") as raised:
        thread_loop.run_async(fails)
    assert raised.value.__context__ is None

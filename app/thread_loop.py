"""One event loop per thread for the synchronous code that runs coroutines: Huey's tasks
and the job recorder's signals.

`asyncio.run` makes a new event loop each time, and database pools belong to the loop that
opened them (app.db_postgres): on PostgreSQL every task run, and every signal the job
recorder writes (executing, complete), opened new connections, started them up and dropped
them. The national-sync drill's 3,000 deliveries took 4.5 times as long as on SQLite.
`run` keeps one loop per thread instead, so a worker thread's pool and connections serve
task after task (asyncpg closes connections idle for 5 minutes). Like `asyncio.run`, it
refuses to run inside a running loop (callers that may be inside one use `run_async`,
which runs the coroutine on a kept hop thread), and it shuts down what a run left behind:
tasks still pending are cancelled, as `asyncio.run` does, so no run ever continues during
the next one.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

_local = threading.local()


def this_threads_loop() -> asyncio.AbstractEventLoop:
    loop = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        loop = _local.loop = asyncio.new_event_loop()
    return loop


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(coroutine)` on this thread's kept loop."""
    loop = this_threads_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        _cancel_left_over(loop)


def _cancel_left_over(loop: asyncio.AbstractEventLoop) -> None:
    left = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if not left:
        return
    for task in left:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))


def run_async(coro_fn: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """`run(coro_fn())`, also from inside a running loop (Huey's immediate mode in tests
    calls a task from the request's coroutine; the web process records every task it
    enqueues): then it runs on the process's hop thread, which keeps its own loop and
    database connections, and the caller waits for it."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        inside_a_loop = False
    else:
        inside_a_loop = True
    # Run outside the `except`: an error of the coroutine is not chained to the loop
    # check ("no running event loop" above every failure in the worker's log).
    return _HOP.run(coro_fn) if inside_a_loop else run(coro_fn())


class _HopThread:
    """One kept thread for coroutines started inside a running loop. A thread made per call
    (as before) opened a new SQLite connection, or a new PostgreSQL pool, every time: 2.3 ms
    a one-query call on SQLite against 0.12 ms here (bench/RESULTS.md)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._pid = 0

    def run(self, coro_fn: Callable[[], Coroutine[Any, Any, T]]) -> T:
        if getattr(_local, "is_hop", False):
            # Called from a coroutine already on the hop thread (a task run inline that
            # enqueues another): waiting on the hop thread from itself would never end.
            with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
                return pool.submit(asyncio.run, coro_fn()).result()
        # The coroutine is made here: what its arguments read from the caller's context
        # variables (the recorder's origin) is read in the caller's context. It runs in
        # the hop thread's own context, outside the caller's transaction.
        return self._executor_here().submit(self._on_hop, coro_fn()).result()

    @staticmethod
    def _on_hop(coroutine: Coroutine[Any, Any, T]) -> T:
        _local.is_hop = True
        return run(coroutine)

    def _executor_here(self) -> concurrent.futures.ThreadPoolExecutor:
        # A forked child has the executor but not its thread: it makes its own.
        with self._lock:
            if self._executor is None or self._pid != os.getpid():
                self._executor = concurrent.futures.ThreadPoolExecutor(
                    max_workers=1, thread_name_prefix="motcua-hop")
                self._pid = os.getpid()
            return self._executor


_HOP = _HopThread()

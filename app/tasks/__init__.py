"""The one Huey instance: SqliteHuey on its own file under var/, or RedisHuey when
MOTCUA_HUEY_URL names a Redis (several machines: every web process enqueues into it and
one or more workers consume).

Tasks live by domain in app/tasks/<domain>.py; app/tasks/all.py imports them all and is
what the consumer loads: `huey_consumer app.tasks.all.huey`.
"""

import asyncio
import concurrent.futures
from collections.abc import Callable, Coroutine
from typing import Any

from huey import RedisHuey, SqliteHuey

from app.settings import get_settings

_settings = get_settings()
_settings.huey_path.parent.mkdir(parents=True, exist_ok=True)

if _settings.huey_url:
    huey = RedisHuey(name="motcua", url=_settings.huey_url, utc=True)
else:
    huey = SqliteHuey(name="motcua", filename=str(_settings.huey_path), utc=True)

# Every task run is recorded in the jobs table through Huey's signals (app.jobs.recorder).
from app.jobs.recorder import install as _record_jobs  # noqa: E402

_record_jobs(huey)


def run_async(coro_fn: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """asyncio.run, also from inside a running loop (Huey's immediate mode in tests calls
    a task from the request's coroutine): then it runs on a thread of its own, which has
    its own database connections."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro_fn())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro_fn()).result()

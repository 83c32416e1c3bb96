"""The one Huey instance: SqliteHuey on its own file under var/, or PriorityRedisHuey when
MOTCUA_HUEY_URL names a Redis (several machines: every web process enqueues into it and
one or more workers consume). Both take the highest priority first (app.jobs.logic URGENT
and BULK); Redis needs the priority storage for it (Redis 5 or later).

Tasks live by domain in app/tasks/<domain>.py; app/tasks/all.py imports them all and is
what the consumer loads: `huey_consumer app.tasks.all.huey`.
"""

from huey import PriorityRedisHuey, SqliteHuey

from app.settings import get_settings
from app.thread_loop import run_async  # noqa: F401  (the tasks' way to run coroutines)

_settings = get_settings()
_settings.huey_path.parent.mkdir(parents=True, exist_ok=True)


def adopt_list_queue(storage) -> int:
    """Move the tasks of a queue the plain RedisStorage left (a list under the same key) into
    the priority queue (a sorted set), oldest first; how many were moved. A deployment that
    upgrades with tasks waiting keeps them instead of failing on the key's type. Run by
    `python -m app migrate`, the upgrade's step while web processes and workers are stopped
    (nobody pushes to the list meanwhile); not at import, which must not wait on Redis.
    The list is first set aside under its own key, so a run stopped halfway is finished
    by the next one."""
    conn, key = storage.conn, storage.queue_key
    left = f"{key}.adopting"
    if conn.type(key) == b"list":
        conn.rename(key, left)
    moved = 0
    while (data := conn.rpop(left)) is not None:  # RedisStorage pushed left: oldest right
        storage.enqueue(data)
        moved += 1
    return moved


if _settings.huey_url:
    huey = PriorityRedisHuey(name="motcua", url=_settings.huey_url, utc=True)
else:
    huey = SqliteHuey(name="motcua", filename=str(_settings.huey_path), utc=True)

# Every task run is recorded in the jobs table through Huey's signals (app.jobs.recorder).
from app.jobs.recorder import install as _record_jobs  # noqa: E402

_record_jobs(huey)


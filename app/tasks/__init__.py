"""The one Huey instance: SqliteHuey on its own file under var/, or RedisHuey when
MOTCUA_HUEY_URL names a Redis (several machines: every web process enqueues into it and
one or more workers consume).

Tasks live by domain in app/tasks/<domain>.py; app/tasks/all.py imports them all and is
what the consumer loads: `huey_consumer app.tasks.all.huey`.
"""

from huey import RedisHuey, SqliteHuey

from app.settings import get_settings
from app.thread_loop import run_async  # noqa: F401  (the tasks' way to run coroutines)

_settings = get_settings()
_settings.huey_path.parent.mkdir(parents=True, exist_ok=True)

if _settings.huey_url:
    huey = RedisHuey(name="motcua", url=_settings.huey_url, utc=True)
else:
    huey = SqliteHuey(name="motcua", filename=str(_settings.huey_path), utc=True)

# Every task run is recorded in the jobs table through Huey's signals (app.jobs.recorder).
from app.jobs.recorder import install as _record_jobs  # noqa: E402

_record_jobs(huey)


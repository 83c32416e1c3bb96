"""System tasks: the worker heartbeat that /healthz reads."""

import asyncio

from huey import crontab

from app.jobs.api import describe
from app.system.health import beat
from app.tasks import huey


@huey.on_startup()
def heartbeat_at_startup() -> None:
    # Without this, /healthz would report the worker missing for up to a minute.
    asyncio.run(beat())


@huey.periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    asyncio.run(beat())


describe(worker_heartbeat, "Tín hiệu hoạt động của tiến trình nền", quiet=True)

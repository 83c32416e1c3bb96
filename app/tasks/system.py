"""System tasks: the worker heartbeat that /healthz reads."""

import asyncio

from huey import crontab

from app.system.health import beat
from app.tasks import huey


@huey.periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    asyncio.run(beat())

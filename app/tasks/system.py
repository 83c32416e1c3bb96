"""System tasks: the worker heartbeat that /healthz reads."""

from huey import crontab

from app import thread_loop
from app.jobs.api import describe
from app.system.health import beat
from app.tasks import huey


@huey.on_startup()
def heartbeat_at_startup() -> None:
    # Without this, /healthz would report the worker missing for up to a minute.
    thread_loop.run(beat())


@huey.periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    thread_loop.run(beat())


describe(worker_heartbeat, "Tín hiệu hoạt động của tiến trình nền", quiet=True)

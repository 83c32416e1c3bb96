"""Catch-up at consumer start: periodic work that a crash interrupted runs again at once.

Huey removes a task from its queue when a worker takes it, so a consumer killed mid-task
(SIGKILL, power loss, OOM) loses that run; its transaction rolled back, so nothing of it
is visible either. Periodic tasks are written to be idempotent, so the cure is simply to
run them again as soon as the consumer is back instead of waiting for the next slot.
"""

import logging
import threading

from app.jobs.api import enqueue_sync
from app.tasks import huey
from app.tasks.calendar import due_change_notices
from app.tasks.catalog import versions_into_force
from app.tasks.deadlines import deadline_watch
from app.tasks.late_lists import late_lists_schedule

log = logging.getLogger(__name__)
_once = threading.Lock()
_done: list[bool] = []

# Idempotent periodic tasks to run once at every start.
CATCH_UP = (deadline_watch, versions_into_force, late_lists_schedule, due_change_notices)


@huey.on_startup()
def catch_up() -> None:
    # Startup hooks run once per worker thread; one catch-up per process is enough.
    with _once:
        if _done:
            return
        _done.append(True)
    for task in CATCH_UP:
        enqueue_sync(task)
    log.info("catch-up queued: %s", ", ".join(t.task_class.__name__ for t in CATCH_UP))

"""Deadline tasks: the watch that records dossiers becoming due soon or overdue.

Safe to run twice, to retry and to overlap with itself: every alert is unique per
(dossier, kind, due_at), so a retry after a failure records only what is still missing.
"""

import logging

from huey import crontab

from app import thread_loop
from app.jobs.api import describe
from app.tasks import huey
from app.workflow.watch import watch_deadlines, watch_step_deadlines

log = logging.getLogger(__name__)


# Five minutes keeps "overdue" within minutes of the appointment while a run on a quiet
# province costs a few indexed reads; a failed run (database busy) retries before the next.
@huey.periodic_task(crontab(minute="*/5"), retries=3, retry_delay=30)
def deadline_watch() -> dict[str, int]:
    counts = thread_loop.run(watch_deadlines())
    if counts["due_soon"] or counts["overdue"]:
        log.info("deadline watch: %s", counts)
    return counts


describe(deadline_watch, "Theo dõi hạn xử lý hồ sơ")


# Each step of the internal process has its own deadline; watched on the same rhythm.
@huey.periodic_task(crontab(minute="*/5"), retries=3, retry_delay=30)
def step_deadline_watch() -> dict[str, int]:
    counts = thread_loop.run(watch_step_deadlines())
    if counts["step_due_soon"] or counts["step_overdue"]:
        log.info("step deadline watch: %s", counts)
    return counts


describe(step_deadline_watch, "Theo dõi hạn của từng bước xử lý")

"""Catalogue task: published versions take effect on their day.

Every 5 minutes (and at every consumer start, `catch_up`) the scheduled versions whose
effective day has come (00:00 local time) become the in-force content of their procedure;
idempotent, so a repeated or late run changes nothing more.
"""

from __future__ import annotations

from huey import crontab

from app import thread_loop
from app.catalog.in_force import bring_into_force
from app.jobs.api import RETRY_POLICY, describe
from app.tasks import huey


@huey.periodic_task(crontab(minute="*/5"), **RETRY_POLICY)
def versions_into_force() -> int:
    return thread_loop.run(bring_into_force())


describe(versions_into_force, "Đưa phiên bản thủ tục đã công bố vào hiệu lực", quiet=True)

"""Calendar tasks: recompute open dossiers' due dates after the working calendar changed.

Queued by the calendar admin page once its change has committed. Safe to retry: a rerun
moves only what still differs from the calendar now in force.
"""

import asyncio
from datetime import date

from app.jobs.api import describe
from app.tasks import huey
from app.workflow.recompute import recompute_open_due_dates


@huey.task(retries=3, retry_delay=30)
def recompute_due_dates(reason: str, since_iso: str, actor_id: int | None = None) -> dict:
    return asyncio.run(recompute_open_due_dates(reason, date.fromisoformat(since_iso),
                                                actor_id))


describe(recompute_due_dates, "Tính lại hạn giải quyết sau khi đổi lịch làm việc")

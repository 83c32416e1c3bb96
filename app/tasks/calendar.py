"""Calendar tasks: recompute open dossiers' due dates after the working calendar changed,
and tell applicants at the end of the day what still differs.

The recomputation is queued by the calendar admin page once its change has committed. Safe
to retry: a rerun moves only what still differs from the calendar now in force. The notices
run every five minutes and settle only notices whose time has come (idempotent).
"""

from datetime import date

from huey import crontab

from app import thread_loop
from app.calendar.due_notices import send_due_notices
from app.jobs.api import describe
from app.tasks import huey
from app.workflow.recompute import recompute_open_due_dates


@huey.task(retries=3, retry_delay=30)
def recompute_due_dates(reason: str, since_iso: str, actor_id: int | None = None) -> dict:
    return thread_loop.run(recompute_open_due_dates(reason, date.fromisoformat(since_iso),
                                                   actor_id))


describe(recompute_due_dates, "Tính lại hạn giải quyết sau khi đổi lịch làm việc")


@huey.periodic_task(crontab(minute="*/5"), retries=3, retry_delay=30)
def due_change_notices() -> dict:
    return thread_loop.run(send_due_notices())


describe(due_change_notices, "Báo ngày hẹn mới cho người nộp sau khi đổi lịch (cuối ngày)",
         quiet=True)

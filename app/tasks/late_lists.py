"""The public late lists' job: last month's draft, refreshed until the provincial admin
approves it, and every approved list published — hourly, so a list approved in the
morning is public within the hour and well before the 5th. Idempotent."""

from huey import crontab

from app import thread_loop
from app.formatting import now_utc, to_local
from app.jobs.api import RETRY_POLICY, describe
from app.late_lists import service
from app.tasks import huey


@huey.periodic_task(crontab(minute="20"), **RETRY_POLICY)
def late_lists_schedule() -> dict:
    return thread_loop.run(service.run_schedule(to_local(now_utc()).date()))


describe(late_lists_schedule, "Danh sách hồ sơ trễ hạn hằng tháng: lập bản nháp, công bố")

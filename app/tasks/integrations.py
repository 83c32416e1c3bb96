"""Partner tasks: deliver the partner outbox (after each change and every minute), pull
what the national portal holds for us (every 5 minutes), reconcile yesterday's counts with
the portal's daily totals (06:15 local)."""

import logging

from huey import crontab

from app.formatting import now_utc
from app.integrations import outbox
from app.jobs.api import describe
from app.jobs.logic import URGENT
from app.tasks import huey, run_async

log = logging.getLogger(__name__)


RETRY_FLAG = "partner-outbox-retry-scheduled"


def _deliver(retry: bool = False) -> dict[str, int]:
    # Importing the senders registers them with the outbox.
    from app.integrations import senders  # noqa: F401

    if retry:
        huey.get(RETRY_FLAG)  # this is the scheduled retry run: another may be scheduled
    counts = run_async(outbox.deliver_pending)
    if any(counts.values()):
        log.info("partner deliveries: %s", counts)
    # A retry due within the minute runs at its time rather than at the periodic run; one
    # such run is scheduled at a time (the flag), however many deliveries ran meanwhile.
    wait = run_async(lambda: outbox.seconds_until_due(now_utc()))
    if wait is not None and wait < 60 and huey.put_if_empty(RETRY_FLAG, "1"):
        deliver_partner_outbox.schedule(kwargs={"retry": True},
                                        delay=max(wait, outbox.COALESCE_SECONDS))
    return counts


@huey.task(retries=2, retry_delay=10, priority=URGENT)
def deliver_partner_outbox(retry: bool = False) -> dict[str, int]:
    return _deliver(retry)


@huey.periodic_task(crontab(minute="*"), priority=URGENT)
def deliver_partner_outbox_periodically() -> dict[str, int]:
    return _deliver(retry=True)  # also clears a retry flag a lost run left behind


@huey.periodic_task(crontab(minute="*/5"))
def pull_from_national_portal() -> dict[str, int]:
    from app.integrations.dvcqg import inbound

    return run_async(inbound.pull_all)


@huey.periodic_task(crontab(hour="23", minute="15"))  # 06:15 in Asia/Ho_Chi_Minh (UTC+7)
def reconcile_with_national_portal() -> dict:
    from app.integrations.dvcqg import reconcile

    return run_async(reconcile.reconcile_yesterday)


describe(deliver_partner_outbox, "Gửi dữ liệu liên thông (Cổng DVCQG, văn bản, Zalo)",
         quiet=True)
describe(deliver_partner_outbox_periodically, "Gửi lại dữ liệu liên thông đến hạn (mỗi phút)",
         quiet=True)
describe(pull_from_national_portal, "Nhận hồ sơ, phản ánh từ Cổng DVCQG (mỗi 5 phút)",
         quiet=True)
describe(reconcile_with_national_portal, "Đối soát số hồ sơ với Cổng DVCQG (hằng ngày)")

"""Notification tasks: deliver the outbox now (queued after a commit) and every minute.

The periodic run is what makes an outage lose nothing: temporary failures wait for their
backoff time, messages stuck in `sending` by a dead worker are reclaimed, and a message
whose "deliver now" task was never queued is still found. Running twice at once is safe:
claiming marks rows `sending` inside an IMMEDIATE transaction.
"""

import logging

from huey import crontab

from app.jobs.api import describe
from app.jobs.logic import URGENT
from app.notifications.service import deliver_pending
from app.tasks import huey, run_async

log = logging.getLogger(__name__)


def _deliver() -> dict[str, int]:
    counts = run_async(deliver_pending)
    if any(counts.values()):
        log.info("notifications: %s", counts)
    return counts


@huey.task(retries=2, retry_delay=10, priority=URGENT)
def deliver_outbox() -> dict[str, int]:
    return _deliver()


@huey.periodic_task(crontab(minute="*"), priority=URGENT)
def deliver_outbox_periodically() -> dict[str, int]:
    return _deliver()


# Quiet: these run every minute and after each state change; the jobs page shows a failed
# run, and the messages themselves carry their status on /quan-tri/thong-bao.
describe(deliver_outbox, "Gửi thông báo cho người dân", quiet=True)
describe(deliver_outbox_periodically, "Gửi lại thông báo đến hạn (mỗi phút)", quiet=True)

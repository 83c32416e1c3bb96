"""Service-index tasks: the monthly snapshots the charts read (`app.service_index.snapshots`).

Hourly the running month and any month of the last twelve without a snapshot that counts;
nightly (02:40 in Việt Nam, 19:40 UTC: Huey's crontab is in UTC) all twelve again, so late
corrections reach the charts within a day. Idempotent: a repeated run rewrites nothing
that did not change.
"""

from __future__ import annotations

from huey import crontab

from app import thread_loop
from app.formatting import now_utc, to_local
from app.jobs.api import RETRY_POLICY, describe
from app.service_index import snapshots
from app.service_index.service import load_config
from app.tasks import huey


def _refresh(everything: bool) -> list[str]:
    now = now_utc()
    return thread_loop.run(snapshots.refresh(to_local(now).date(), load_config(), now,
                                             everything=everything))


@huey.periodic_task(crontab(minute="35"), **RETRY_POLICY)
def index_snapshots_hourly() -> list[str]:
    return _refresh(everything=False)


@huey.periodic_task(crontab(hour="19", minute="40"), **RETRY_POLICY)
def index_snapshots_nightly() -> list[str]:
    return _refresh(everything=True)


describe(index_snapshots_hourly, "Bộ chỉ số: cập nhật số liệu tháng cho biểu đồ", quiet=True)
describe(index_snapshots_nightly, "Bộ chỉ số: tính lại số liệu 12 tháng cho biểu đồ")

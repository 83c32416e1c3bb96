"""Report tasks: the monthly TTHC report on the cut-off schedule and on demand.

Idempotent: exporting a period whose latest export has the same numbers adds nothing.
"""

from __future__ import annotations

import asyncio

from huey import crontab

from app.formatting import now_utc, to_local
from app.jobs.api import RETRY_POLICY, describe
from app.reports import logic
from app.reports import service as reports
from app.settings import get_settings
from app.tasks import huey


@huey.task(**RETRY_POLICY)
def export_monthly_report(year: int, month: int, requested_by: int | None = None) -> int:
    period = logic.monthly_period(year, month, get_settings().report_cutoff_day)
    trigger = "on_demand" if requested_by else "schedule"
    return asyncio.run(reports.export_period(period, trigger=trigger,
                                             requested_by=requested_by))


# Daily just after local midnight (17:10 UTC = 00:10 in Việt Nam): on the cut-off day the
# last closed period changes and is exported; on other days the export exists already and
# the run only checks. A configurable cut-off needs no new schedule this way.
@huey.periodic_task(crontab(hour="17", minute="10"), **RETRY_POLICY)
def monthly_report_at_cutoff() -> int | None:
    period = logic.last_closed_period(to_local(now_utc()).date(),
                                      get_settings().report_cutoff_day)
    if asyncio.run(reports.has_export(period)):
        return None
    return asyncio.run(reports.export_period(period, trigger="schedule"))


describe(export_monthly_report, "Xuất báo cáo tình hình giải quyết TTHC tháng")
describe(monthly_report_at_cutoff, "Báo cáo tháng theo ngày chốt số liệu")

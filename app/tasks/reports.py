"""Report tasks: the TTHC report of every kind of period (month, quarter, 6 and 9 months,
year) on the cut-off schedule, and on demand.

Idempotent: exporting a period whose latest export has the same numbers adds nothing.
"""

from __future__ import annotations

from huey import crontab

from app import thread_loop
from app.formatting import now_utc, to_local
from app.jobs.api import RETRY_POLICY, describe
from app.reports import service as reports
from app.reports.periods import Kind, last_closed_period, make_period
from app.settings import get_settings
from app.tasks import huey


@huey.task(**RETRY_POLICY)
def export_monthly_report(year: int, month: int, requested_by: int | None = None,
                          kind: str = "month") -> int:
    """The report of the period of `kind` ending in `month` (named for its first use)."""
    period = make_period(kind, year, month, get_settings().report_cutoff_day)
    trigger = "on_demand" if requested_by else "schedule"
    return thread_loop.run(reports.export_period(period, trigger=trigger,
                                                 requested_by=requested_by))


# Daily just after local midnight (17:10 UTC = 00:10 in Việt Nam): on a cut-off day the
# last closed period of a kind changes and is exported; on other days the exports exist
# already and the run only checks. A configurable cut-off needs no new schedule this way.
@huey.periodic_task(crontab(hour="17", minute="10"), **RETRY_POLICY)
def monthly_report_at_cutoff() -> list[int]:
    today, cutoff = to_local(now_utc()).date(), get_settings().report_cutoff_day
    made = []
    for kind in Kind:
        period = last_closed_period(today, cutoff, kind)
        if not thread_loop.run(reports.has_export(period)):
            made.append(thread_loop.run(reports.export_period(period, trigger="schedule")))
    return made


describe(export_monthly_report, "Xuất báo cáo tình hình giải quyết TTHC")
describe(monthly_report_at_cutoff, "Báo cáo các kỳ theo ngày chốt số liệu")

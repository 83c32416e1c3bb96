"""Housekeeping tasks: nightly upkeep and purges, nightly sample and weekly full file checks,
and the weekly fixity run of the archive (documents and hand-over packages).

Times are UTC (Huey runs with utc=True): 19:30 UTC is 02:30 in Việt Nam, when nobody works.
A file mismatch fails the task on purpose, so the jobs page shows it with the digests in
"last error"; it is not retried (re-hashing the same bytes gives the same answer).
"""

from __future__ import annotations

from datetime import timedelta

from huey import crontab

from app import db, thread_loop
from app.archive import fixity
from app.catalog import search as catalog_search
from app.formatting import now_utc
from app.housekeeping import service
from app.jobs import service as jobs_service
from app.jobs.api import RETRY_POLICY, describe
from app.jobs.logic import PermanentError
from app.settings import get_settings
from app.tasks import huey, run_async


@huey.periodic_task(crontab(hour="19", minute="30"), **RETRY_POLICY)
def nightly_cleanup() -> dict[str, int]:
    settings = get_settings()
    now = now_utc()

    async def run() -> dict[str, int]:
        counts = {
            "sessions": await service.purge_sessions(now),
            "login_attempts": await service.purge_login_attempts(now),
            "drafts": await service.purge_drafts(now, settings.draft_abandon_days),
            "jobs": await jobs_service.purge_finished(
                now - timedelta(days=settings.job_keep_days)),
        }
        await db.optimize()  # after the deletes, so the statistics see the new sizes
        await catalog_search.tidy_index()  # the day's catalogue edits each added a segment
        return counts

    return thread_loop.run(run())


def _check(checked: int, bad: list[str]) -> int:
    if bad:
        raise PermanentError(str(service.FilesCorrupted(checked, bad)))
    return checked


@huey.periodic_task(crontab(hour="19", minute="45"), **RETRY_POLICY)
def verify_files_sample() -> int:
    return _check(*thread_loop.run(service.verify_sample(get_settings().file_sample_size)))


@huey.periodic_task(crontab(day_of_week="0", hour="20", minute="0"), **RETRY_POLICY)
def verify_all_files() -> int:
    return _check(*thread_loop.run(service.verify_all()))


# Sundays after the stored files: every archived document and hand-over package.
@huey.periodic_task(crontab(day_of_week="0", hour="20", minute="30"), **RETRY_POLICY)
def verify_archive() -> int:
    checked, problems = run_async(fixity.verify_all)
    if problems:
        raise PermanentError(str(fixity.ArchiveCorrupted(checked, problems)))
    return checked


describe(nightly_cleanup, "Dọn dẹp hằng đêm (phiên hết hạn, hồ sơ nháp bỏ dở, tối ưu CSDL)")
describe(verify_files_sample, "Kiểm tra mẫu tệp lưu trữ theo SHA-256")
describe(verify_all_files, "Kiểm tra toàn bộ tệp lưu trữ theo SHA-256 (hằng tuần)")
describe(verify_archive, "Kiểm tra toàn vẹn hồ sơ lưu trữ và gói nộp lưu (hằng tuần)")

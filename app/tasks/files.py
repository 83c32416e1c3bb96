"""File tasks: copy new uploads to the file replica every minute, next to Litestream's
copy of the database, so a restore finds the bytes its rows name."""

import logging

from huey import crontab

from app.files.backup import backup
from app.jobs.api import describe
from app.jobs.logic import PermanentError
from app.settings import get_settings
from app.tasks import huey

log = logging.getLogger(__name__)


@huey.periodic_task(crontab(minute="*"))
def files_backup() -> int:
    settings = get_settings()
    if settings.files_url:  # a bucket keeps its own second copy (versioning, replication)
        return 0
    report = backup(settings.files_dir, settings.files_replica_dir)
    for problem in report.problems:
        log.error("files backup: %s", problem)
    if report.problems:  # recorded on the jobs page (quiet tasks keep only their failures)
        raise PermanentError("; ".join(report.problems[:5]))
    return report.copied


describe(files_backup, "Sao lưu tệp mới sang bản sao (mỗi phút)", quiet=True)

"""File tasks: copy new uploads to the file replica every minute, next to Litestream's
copy of the database, so a restore finds the bytes its rows name."""

import logging

from huey import crontab

from app.files.backup import backup
from app.settings import get_settings
from app.tasks import huey

log = logging.getLogger(__name__)


@huey.periodic_task(crontab(minute="*"))
def files_backup() -> int:
    settings = get_settings()
    report = backup(settings.files_dir, settings.files_replica_dir)
    for problem in report.problems:
        log.error("files backup: %s", problem)
    return report.copied

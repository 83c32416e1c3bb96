"""Archive tasks: build a closed dossier's archival file (queued at closing) and a sweep
that builds any file still pending (a queue that was down, dossiers closed before the
archive existed); build a hand-over package; propose disposal lists daily and carry out
an approved one.

Each is safe to run twice: a built file is never rebuilt and a file being built is
claimed by one run; a package build starts from scratch; a disposal rerun only finishes
what a crash left.
"""

from __future__ import annotations

from huey import crontab

from app.archive import disposal, package, service
from app.archive.pdfa import ConversionError
from app.formatting import now_utc, to_local
from app.jobs.api import RETRY_POLICY, describe
from app.jobs.logic import BULK, PermanentError
from app.tasks import huey, run_async


# Bulk (app.jobs.logic.BULK): an archive can wait; deliveries to people and partners go first.
@huey.task(priority=BULK, **RETRY_POLICY)
def build_archival_file(dossier_id: int) -> str:
    try:
        return run_async(lambda: service.build_file(dossier_id))
    except service.BuildInProgress as exc:
        return str(exc)  # the other run finishes it
    except (service.NotClosed, ConversionError) as exc:
        raise PermanentError(str(exc)) from exc


@huey.periodic_task(crontab(minute="*/15"), priority=BULK, **RETRY_POLICY)
def archive_pending_files() -> dict[str, int]:
    return run_async(service.build_pending)


describe(build_archival_file, "Lập hồ sơ lưu trữ điện tử của hồ sơ đã kết thúc")
describe(archive_pending_files, "Lập hồ sơ lưu trữ còn chờ (mỗi 15 phút)", quiet=True)


@huey.task(context=True, priority=BULK, **RETRY_POLICY)
def build_package(package_id: int, task=None) -> str:
    try:
        return run_async(lambda: package.build_package(package_id, task.id if task else None))
    except (package.PackageError, package.FixityError) as exc:
        raise PermanentError(str(exc)) from exc


describe(build_package, "Lập gói nộp lưu hồ sơ điện tử (BagIt)")


@huey.task(priority=BULK, **RETRY_POLICY)
def execute_disposal(list_id: int) -> dict[str, int]:
    try:
        return run_async(lambda: disposal.execute(list_id))
    except disposal.DisposalError as exc:
        raise PermanentError(str(exc)) from exc


# Daily at 00:40 local time: retention ends on 1 January, so a list appears on the first
# run of the year with something to destroy, and waits for the provincial admin.
@huey.periodic_task(crontab(hour="17", minute="40"), **RETRY_POLICY)
def propose_disposal() -> int | None:
    return run_async(lambda: disposal.propose_if_none_waiting(to_local(now_utc()).date()))


describe(execute_disposal, "Hủy hồ sơ lưu trữ theo danh mục đã phê duyệt")
describe(propose_disposal, "Lập danh mục hồ sơ lưu trữ hết thời hạn bảo quản")

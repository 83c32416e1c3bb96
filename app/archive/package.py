"""Hand-over packages (nộp lưu): asked for per agency and period, built as a BagIt bag by
a worker job, confirmed by the agency's archivist.

Asking reserves the files (their `package` is set in the same transaction), so two
requests never put one file in two packages. The build copies each file's folder,
checking every document against its recorded SHA-256 on the way, adds the indexes and the
hand-over record, and lets `bagit` write SHA-256 manifests: the archive verifies the bag
with any BagIt tool, without our software.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import bagit

from app.accounts.service import CurrentUser
from app.archive import logic, package_files, storage
from app.archive.logic import FileStatus, PackageStatus
from app.archive.tables import ArchivalDocument, ArchivalFile, ArchivePackage, DisposalItem
from app.audit import service as audit
from app.db import after_commit, write_transaction
from app.directory.queries import letterhead_of
from app.directory.tables import Agency
from app.formatting import LOCAL_TZ, now_utc
from app.jobs.api import report_progress


class PackageError(ValueError):
    """A package that cannot be made or confirmed; the text is shown to the user."""


class FixityError(RuntimeError):
    """A document no longer matches its recorded SHA-256: the package is not built."""


def _period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (datetime.combine(start, time.min, LOCAL_TZ),
            datetime.combine(end + timedelta(days=1), time.min, LOCAL_TZ))


async def request_package(user: CurrentUser, agency_id: int, start: date, end: date) -> int:
    """Reserve the agency's built, not yet handed-over files that ended in the period, and
    queue the build; the package id."""
    if not logic.in_scope(user.role, user.agency_ids, agency_id):
        raise PackageError("Bạn không nộp lưu hồ sơ của cơ quan này.")
    low, high = _period_bounds(start, end)
    # By when the dossier closed: a file not built yet has no end date of its own.
    in_period = ((ArchivalFile.agency == agency_id) & ArchivalFile.package.is_null()
                 & (ArchivalFile.closed_at >= low) & (ArchivalFile.closed_at < high))
    async with write_transaction():
        agency = await Agency.select(Agency.code).where(Agency.id == agency_id).first()
        if agency is None:
            raise PackageError("Không có cơ quan này.")
        unready = await ArchivalFile.count().where(
            in_period & ArchivalFile.status.is_in([FileStatus.PENDING.value,
                                                   FileStatus.BUILDING.value,
                                                   FileStatus.FAILED.value]))
        if unready:
            raise PackageError(f"Còn {unready} hồ sơ lưu trữ trong khoảng thời gian này chưa "
                               "lập xong (đang lập hoặc bị lỗi). Hãy chờ hoặc chạy lại tác vụ "
                               "lập hồ sơ trên trang Tác vụ nền rồi nộp lưu.")
        ready = [r["id"] for r in await ArchivalFile.select(ArchivalFile.id).where(
            in_period & (ArchivalFile.status == FileStatus.BUILT.value))]
        if not ready:
            raise PackageError("Không có hồ sơ lưu trữ nào kết thúc trong khoảng thời gian "
                               "này mà chưa nộp lưu.")
        same = await ArchivePackage.count().where(
            (ArchivePackage.agency == agency_id) & (ArchivePackage.period_from == start)
            & (ArchivePackage.period_to == end))
        package = ArchivePackage(
            code=logic.package_code(agency["code"], start, end, same + 1), agency=agency_id,
            period_from=start, period_to=end, status=PackageStatus.QUEUED.value,
            requested_by=user.id, requested_at=now_utc(), file_count=len(ready))
        await package.save()
        await ArchivalFile.update({ArchivalFile.package: package.id}).where(
            ArchivalFile.id.is_in(ready))
        await audit.record("archive.package_requested", "archive_package", package.id, {
            "code": package.code, "files": len(ready), "from": start.isoformat(),
            "to": end.isoformat()}, actor_id=user.id)
        after_commit(lambda: _enqueue(package.id, agency_id))
    return package.id


def _enqueue(package_id: int, agency_id: int) -> None:
    from app.jobs.api import enqueue_sync
    from app.tasks.archive import build_package

    enqueue_sync(build_package, package_id, agency_id=agency_id)


async def package_row(package_id: int) -> dict | None:
    return await ArchivePackage.select(
        ArchivePackage.all_columns(), ArchivePackage.agency.name.as_alias("agency_name"),
        ArchivePackage.agency.code.as_alias("agency_code"),
        ArchivePackage.requested_by.full_name.as_alias("requested_by_name"),
        ArchivePackage.confirmed_by.full_name.as_alias("confirmed_by_name"),
    ).where(ArchivePackage.id == package_id).first()


async def listing(package_id: int) -> list[dict]:
    """The package's files in code order, with how each was disposed of, if it was."""
    rows = await ArchivalFile.select().where(ArchivalFile.package == package_id).order_by(
        ArchivalFile.code)
    items = await DisposalItem.select(
        DisposalItem.file, DisposalItem.disposal.code.as_alias("disposal_code"),
        DisposalItem.disposal.decision.as_alias("decision"),
        DisposalItem.disposal.decided_by.full_name.as_alias("decided_by_name"),
    ).where(DisposalItem.file.is_in([r["id"] for r in rows] or [-1])
            & (DisposalItem.outcome == logic.ItemOutcome.DISPOSED.value))
    by_file = {item["file"]: item for item in items}
    return [{**row, **{k: v for k, v in by_file.get(row["id"], {}).items() if k != "file"}}
            for row in rows]


def _copy_checked(row: dict, documents: list[dict], target) -> None:
    """Copy a file's folder into the bag, refusing any document whose bytes changed."""
    storage.copy_file_folder(row["code"], target)
    for document in documents:
        path = target / row["code"] / document["filename"]
        if not path.exists() or storage.sha256_file(path) != document["sha256"]:
            raise FixityError(f"Tệp {row['code']}/{document['filename']} không khớp mã "
                              "SHA-256 đã ghi khi lập hồ sơ (hoặc bị mất).")


def bag_info(package: dict, rows: list[dict]) -> dict[str, str]:
    totals = package_files.totals(rows)
    return {
        "Source-Organization": package["agency_name"],
        "External-Identifier": package["code"],
        "External-Description": (
            f"Hồ sơ giải quyết thủ tục hành chính kết thúc từ "
            f"{package['period_from']:%d/%m/%Y} đến {package['period_to']:%d/%m/%Y}: "
            f"{totals['files']} hồ sơ, {totals['documents']} văn bản, {totals['pages']} trang."),
        "Bag-Count": "1 of 1",
    }


async def write_descriptions(folder, package: dict, rows: list[dict], size: int, moment, *,
                             record: bool = True) -> None:
    """The indexes, the package description and (`record`) the hand-over record."""
    head = await letterhead_of(package["agency"])
    outputs = {
        package_files.INDEX_XLSX: package_files.index_xlsx(package, rows),
        package_files.INDEX_PDF: package_files.index_pdf(package, rows, moment, head),
        package_files.DESCRIPTION_JSON: package_files.description(package, rows),
    }
    if record:
        outputs[package_files.RECORD_PDF] = package_files.record(package, rows, size, moment,
                                                                 head)
    for name, data in outputs.items():
        (folder / name).write_bytes(data)


async def build_package(package_id: int, task_id: str | None = None) -> str:
    """Build the bag; returns the SHA-256 of its tag manifest. Rebuilt from scratch when
    run again (a failed build), never after the archivist confirmed it."""
    package = await package_row(package_id)
    if package is None or package["status"] == PackageStatus.CONFIRMED.value:
        raise PackageError(f"Gói {package_id} không có hoặc đã giao nhận.")
    await ArchivePackage.update({ArchivePackage.status: PackageStatus.BUILDING.value,
                                 ArchivePackage.error: ""}).where(
        ArchivePackage.id == package_id)
    try:
        return await _build(package, task_id)
    except Exception as exc:
        await ArchivePackage.update({ArchivePackage.status: PackageStatus.FAILED.value,
                                     ArchivePackage.error: f"{exc}"[:2000]}).where(
            ArchivePackage.id == package_id)
        raise


async def _build(package: dict, task_id: str | None) -> str:
    rows = await listing(package["id"])
    with storage.staging_package(package["code"]) as staging:
        for done, row in enumerate(rows, start=1):
            documents = await ArchivalDocument.select(
                ArchivalDocument.filename, ArchivalDocument.sha256).where(
                ArchivalDocument.file == row["id"])
            _copy_checked(row, documents, staging)
            await report_progress(task_id, done, len(rows), "hồ sơ")
        size = storage.folder_size(staging)
        moment = now_utc()
        await write_descriptions(staging, package, rows, size, moment)
        bagit.make_bag(str(staging), bag_info(package, rows), checksums=["sha256"])
        tagmanifest = storage.sha256_file(staging / "tagmanifest-sha256.txt")
    totals = package_files.totals(rows)
    async with write_transaction():
        await ArchivePackage.update({
            ArchivePackage.status: PackageStatus.BUILT.value, ArchivePackage.built_at: moment,
            ArchivePackage.file_count: totals["files"],
            ArchivePackage.document_count: totals["documents"],
            ArchivePackage.page_count: totals["pages"], ArchivePackage.size_bytes: size,
            ArchivePackage.tagmanifest_sha256: tagmanifest,
        }).where(ArchivePackage.id == package["id"])
        await audit.record("archive.package_built", "archive_package", package["id"], {
            "code": package["code"], "files": totals["files"], "tagmanifest_sha256": tagmanifest})
    return tagmanifest


async def record_rewrite(package_id: int, rows: list[dict], tagmanifest: str) -> None:
    """After files left the bag (disposal): its counts and its new tag-manifest digest."""
    totals = package_files.totals(rows)
    await ArchivePackage.update({
        ArchivePackage.file_count: totals["files"],
        ArchivePackage.document_count: totals["documents"],
        ArchivePackage.page_count: totals["pages"],
        ArchivePackage.tagmanifest_sha256: tagmanifest,
    }).where(ArchivePackage.id == package_id)


async def confirm(user: CurrentUser, package_id: int, note: str) -> None:
    """The archivist received and checked the package: its files are handed over."""
    async with write_transaction():
        package = await package_row(package_id)
        if package is None or user.role not in logic.RECEIVERS or not logic.in_scope(
                user.role, user.agency_ids, package["agency"]):
            raise PackageError("Chỉ cán bộ lưu trữ của cơ quan mới xác nhận giao nhận gói này.")
        if package["status"] != PackageStatus.BUILT.value:
            raise PackageError("Gói này chưa lập xong hoặc đã được xác nhận.")
        moment = now_utc()
        await ArchivePackage.update({
            ArchivePackage.status: PackageStatus.CONFIRMED.value,
            ArchivePackage.confirmed_by: user.id, ArchivePackage.confirmed_at: moment,
            ArchivePackage.confirmation_note: note.strip()[:1000],
        }).where(ArchivePackage.id == package_id)
        await ArchivalFile.update({ArchivalFile.handed_over_at: moment}).where(
            ArchivalFile.package == package_id)
        await audit.record("archive.package_confirmed", "archive_package", package_id, {
            "code": package["code"], "tagmanifest_sha256": package["tagmanifest_sha256"],
            "files": package["file_count"]}, actor_id=user.id)

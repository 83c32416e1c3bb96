"""Retention and disposal: lists of files past their value (danh mục tài liệu hết giá
trị), approved or rejected by the provincial admin, carried out only once approved.

Nothing is destroyed outside `execute`, and `execute` refuses a list that is not approved.
Each file is re-checked for holds when it is destroyed (a complaint may have come in since
the list was proposed); the database records the destruction with its audit entry before
the folder is removed, and a rerun removes any folder a crash left behind. A package that
held the file is rewritten: the folder leaves the bag, its index marks the file destroyed
with the approving list, and the bag's manifests are regenerated so it still validates.
"""

from __future__ import annotations

import shutil
from datetime import date

import bagit

from app.accounts.service import CurrentUser
from app.archive import holds, logic, package, storage
from app.archive.logic import DisposalStatus, FileStatus, ItemOutcome
from app.archive.tables import ArchivalFile, DisposalItem, DisposalList
from app.audit import service as audit
from app.db import after_commit, write_transaction
from app.formatting import format_date, now_utc

OPEN_LISTS = [DisposalStatus.PROPOSED.value, DisposalStatus.APPROVED.value]


class DisposalError(ValueError):
    """A decision that cannot be taken; the text is shown to the user."""


async def propose_if_none_waiting(today: date) -> int | None:
    """The schedule's proposal: none while an earlier list still waits for a decision."""
    if await DisposalList.exists().where(DisposalList.status == DisposalStatus.PROPOSED.value):
        return None
    return await propose(None, today)


async def propose(user: CurrentUser | None, today: date) -> int | None:
    """A list of every built file past its retention, not held and on no open list; its
    id, or None when there is nothing to propose."""
    on_lists = DisposalItem.select(DisposalItem.file).where(
        DisposalItem.disposal.status.is_in(OPEN_LISTS))
    async with write_transaction():
        candidates = await ArchivalFile.select(
            ArchivalFile.id, ArchivalFile.dossier, ArchivalFile.status, ArchivalFile.expires_on,
        ).where((ArchivalFile.status == FileStatus.BUILT.value)
                & (ArchivalFile.expires_on <= today) & ArchivalFile.id.not_in(on_lists))
        held = await holds.reasons(candidates)
        chosen = [f["id"] for f in candidates
                  if logic.eligible_for_disposal(f, today, held=f["id"] in held)]
        if not chosen:
            return None
        number = await DisposalList.count() + 1
        row = DisposalList(code=logic.disposal_code(today.year, number),
                           status=DisposalStatus.PROPOSED.value, proposed_at=now_utc(),
                           proposed_by=user.id if user else None)
        await row.save()
        await DisposalItem.insert(*[DisposalItem(disposal=row.id, file=file_id)
                                    for file_id in chosen])
        await audit.record("archive.disposal_proposed", "archive_disposal_list", row.id,
                           {"code": row.code, "files": len(chosen)},
                           actor_id=user.id if user else None)
    return row.id


async def decide(user: CurrentUser, list_id: int, *, approve: bool, decision: str) -> None:
    if user.role not in logic.DECIDERS:
        raise DisposalError("Chỉ quản trị cấp tỉnh phê duyệt danh mục tài liệu hết giá trị.")
    if not decision.strip():
        raise DisposalError("Ghi số, ngày của quyết định phê duyệt (hoặc lý do không duyệt).")
    async with write_transaction():
        row = await DisposalList.select().where(DisposalList.id == list_id).first()
        if row is None or row["status"] != DisposalStatus.PROPOSED.value:
            raise DisposalError("Danh mục này không còn chờ phê duyệt.")
        status = DisposalStatus.APPROVED if approve else DisposalStatus.REJECTED
        await DisposalList.update({
            DisposalList.status: status.value, DisposalList.decided_by: user.id,
            DisposalList.decided_at: now_utc(), DisposalList.decision: decision.strip()[:1000],
        }).where(DisposalList.id == list_id)
        await audit.record(f"archive.disposal_{status.value}", "archive_disposal_list", list_id,
                           {"code": row["code"], "decision": decision.strip()[:1000]},
                           actor_id=user.id)
        if approve:
            after_commit(lambda: _enqueue(list_id))


def _enqueue(list_id: int) -> None:
    from app.jobs.api import enqueue_sync
    from app.tasks.archive import execute_disposal

    enqueue_sync(execute_disposal, list_id)


async def _dispose_one(listing: dict, item: dict) -> str | None:
    """Destroy one file in its own transaction; the code of a destroyed file, or None
    when it turned out to be held."""
    async with write_transaction():
        file = await ArchivalFile.select().where(ArchivalFile.id == item["file"]).first()
        reason = (await holds.reasons([file])).get(file["id"])
        if reason:
            await DisposalItem.update({DisposalItem.outcome: ItemOutcome.HELD.value,
                                       DisposalItem.held_reason: reason}).where(
                DisposalItem.id == item["id"])
            await audit.record("archive.disposal_held", "archival_file", file["id"],
                               {"code": file["code"], "list": listing["code"], "reason": reason})
            return None
        moment = now_utc()
        await ArchivalFile.update({ArchivalFile.status: FileStatus.DISPOSED.value,
                                   ArchivalFile.disposed_at: moment}).where(
            ArchivalFile.id == file["id"])
        await DisposalItem.update({DisposalItem.outcome: ItemOutcome.DISPOSED.value,
                                   DisposalItem.disposed_at: moment}).where(
            DisposalItem.id == item["id"])
        await audit.record("archive.file_disposed", "archival_file", file["id"], {
            "code": file["code"], "list": listing["code"], "approved_by": listing["decided_by"],
            "approved_by_name": listing["decided_by_name"], "decision": listing["decision"],
            "documents": file["document_count"]})
    return file["code"]


async def _rewrite_package(package_id: int, list_code: str) -> None:
    """Take destroyed files out of the package's bag and record them in its index."""
    row = await package.package_row(package_id)
    if not storage.package_exists(row["code"]):
        return
    rows = await package.listing(package_id)
    # A working copy, published whole: the bag as it was stays readable until then.
    with storage.rewriting_package(row["code"]) as folder:
        for file in rows:
            if file["disposed_at"]:
                shutil.rmtree(folder / "data" / file["code"], ignore_errors=True)
        await package.write_descriptions(folder / "data", row, rows, row["size_bytes"],
                                         now_utc(), record=False)  # the record stays as signed
        bag = bagit.Bag(str(folder))
        bag.info["Internal-Sender-Description"] = (
            f"Cập nhật {format_date(now_utc())}: hủy hồ sơ theo danh mục {list_code}; "
            "mục lục hồ sơ ghi rõ hồ sơ đã hủy.")
        bag.save(manifests=True)
        digest = storage.sha256_file(folder / "tagmanifest-sha256.txt")
    async with write_transaction():
        await package.record_rewrite(package_id, rows, digest)
        await audit.record("archive.package_rewritten", "archive_package", package_id,
                           {"code": row["code"], "list": list_code, "tagmanifest_sha256": digest})


async def execute(list_id: int) -> dict[str, int]:
    listing = await DisposalList.select(
        DisposalList.all_columns(), DisposalList.decided_by.full_name.as_alias("decided_by_name"),
    ).where(DisposalList.id == list_id).first()
    if listing is None or listing["status"] not in (DisposalStatus.APPROVED.value,
                                                    DisposalStatus.EXECUTED.value):
        raise DisposalError("Danh mục chưa được phê duyệt: không hủy tài liệu nào.")
    items = await DisposalItem.select().where(DisposalItem.disposal == list_id)
    for item in items:
        if item["outcome"] == ItemOutcome.PENDING.value:
            await _dispose_one(listing, item)
    disposed = await ArchivalFile.select(ArchivalFile.code, ArchivalFile.package).where(
        ArchivalFile.id.is_in([i["file"] for i in items] or [-1])
        & (ArchivalFile.status == FileStatus.DISPOSED.value))
    for file in disposed:  # also what a crash left after the commit
        storage.remove_file_folder(file["code"])
    for package_id in sorted({f["package"] for f in disposed if f["package"]}):
        await _rewrite_package(package_id, listing["code"])
    async with write_transaction():
        await DisposalList.update({DisposalList.status: DisposalStatus.EXECUTED.value,
                                   DisposalList.executed_at: now_utc()}).where(
            DisposalList.id == list_id)
        counts = {"disposed": len(disposed), "held": len(items) - len(disposed)}
        if listing["status"] == DisposalStatus.APPROVED.value:
            await audit.record("archive.disposal_executed", "archive_disposal_list", list_id,
                               {"code": listing["code"], **counts})
    return counts

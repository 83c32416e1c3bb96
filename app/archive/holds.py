"""Holds: files kept past their retention while a complaint, dispute or inspection is
open. A hold placed by the archivist or the provincial admin, and feedback about the
dossier that is not finished, both keep a file off disposal lists and stop its
destruction even on an approved list.
"""

from __future__ import annotations

from app.accounts.service import CurrentUser
from app.archive import logic
from app.archive.logic import FileStatus
from app.archive.tables import ArchivalFile, ArchiveHold
from app.audit import service as audit
from app.db import write_transaction
from app.feedback.logic import Status as FeedbackStatus
from app.feedback.tables import Feedback
from app.formatting import now_utc

OPEN_FEEDBACK = [FeedbackStatus.RECEIVED.value, FeedbackStatus.ROUTED.value,
                 FeedbackStatus.MORE_INFO.value]


class HoldError(ValueError):
    """A hold that cannot be placed or released; the text is shown to the user."""


async def reasons(files: list[dict]) -> dict[int, str]:
    """Why each held file (by id) may not be destroyed now; files not held are absent.
    `files` need their `id` and `dossier`."""
    ids = [f["id"] for f in files] or [-1]
    found = {row["file"]: f"Đang giữ lại: {row['reason']}" for row in
             await ArchiveHold.select(ArchiveHold.file, ArchiveHold.reason).where(
                 ArchiveHold.file.is_in(ids) & ArchiveHold.released_at.is_null())}
    by_dossier = {f["dossier"]: f["id"] for f in files}
    for row in await Feedback.select(Feedback.dossier, Feedback.code).where(
            Feedback.dossier.is_in(list(by_dossier) or [-1])
            & Feedback.status.is_in(OPEN_FEEDBACK)):
        found.setdefault(by_dossier[row["dossier"]],
                         f"Có phản ánh, kiến nghị {row['code']} chưa giải quyết xong")
    return found


async def _file_in_scope(user: CurrentUser, file_id: int) -> dict:
    if user.role not in logic.HOLDERS:
        raise HoldError("Chỉ cán bộ lưu trữ hoặc quản trị cấp tỉnh được giữ lại hồ sơ.")
    file = await ArchivalFile.select().where(ArchivalFile.id == file_id).first()
    if file is None or not logic.in_scope(user.role, user.agency_ids, file["agency"]):
        raise HoldError("Không tìm thấy hồ sơ lưu trữ này trong phạm vi của bạn.")
    return file


async def place(user: CurrentUser, file_id: int, reason: str) -> int:
    if not reason.strip():
        raise HoldError("Ghi lý do giữ lại (khiếu nại, tranh chấp, thanh tra…).")
    async with write_transaction():
        file = await _file_in_scope(user, file_id)
        if file["status"] == FileStatus.DISPOSED.value:
            raise HoldError("Hồ sơ này đã bị hủy.")
        hold = ArchiveHold(file=file_id, reason=reason.strip()[:1000], placed_by=user.id,
                           placed_at=now_utc())
        await hold.save()
        await audit.record("archive.hold_placed", "archival_file", file_id,
                           {"code": file["code"], "reason": hold.reason}, actor_id=user.id)
    return hold.id


async def release(user: CurrentUser, file_id: int, hold_id: int) -> None:
    async with write_transaction():
        file = await _file_in_scope(user, file_id)
        hold = await ArchiveHold.select().where(
            (ArchiveHold.id == hold_id) & (ArchiveHold.file == file_id)
            & ArchiveHold.released_at.is_null()).first()
        if hold is None:
            raise HoldError("Lệnh giữ lại này không còn hiệu lực.")
        await ArchiveHold.update({ArchiveHold.released_at: now_utc(),
                                  ArchiveHold.released_by: user.id}).where(
            ArchiveHold.id == hold_id)
        await audit.record("archive.hold_released", "archival_file", file_id,
                           {"code": file["code"], "hold": hold_id}, actor_id=user.id)

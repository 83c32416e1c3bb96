"""Bulk assign / forward from the queue, for leaders: one dossier at a time through the one
state machine (`app.workflow.service.perform`), each in its own transaction with its event
and audit entry; a dossier the machine refuses is reported with its reason and the others
go on. The run is recorded (`BatchRun`) under the form's one-time token, claimed first, so
a second submission of the same form cannot act twice.
"""

from __future__ import annotations

import json
import secrets

from app.accounts.roles import Role
from app.accounts.service import CurrentUser
from app.audit import service as audit
from app.db import write_transaction
from app.dossiers.service import visible_to
from app.dossiers.tables import Dossier
from app.formatting import now_utc
from app.workflow import Action, TransitionError
from app.workflow.service import DossierNotFound, perform
from app.workqueue.tables import BatchRun

MAX_BATCH = 100
BULK_ACTIONS = {Action.ASSIGN.value: "Phân công xử lý",
                Action.FORWARD.value: "Chuyển bước tiếp theo"}
NOT_IN_SCOPE = "Không tìm thấy hồ sơ trong phạm vi của bạn."


class BatchError(ValueError):
    """The bulk form itself is wrong (nothing chosen, unknown action); Vietnamese."""


def may_act_in_bulk(user: CurrentUser) -> bool:
    return user.role == Role.LEADER


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _read(action: str, assignee: str, dossier_ids: list[str], token: str
          ) -> tuple[int | None, list[int]]:
    if not token or len(token) > 64:
        raise BatchError("Biểu mẫu đã cũ; vui lòng tải lại trang rồi chọn lại hồ sơ.")
    if action not in BULK_ACTIONS:
        raise BatchError("Chọn thao tác: phân công xử lý hoặc chuyển bước tiếp theo.")
    if not all(d.isdigit() and len(d) < 10 for d in dossier_ids):
        raise BatchError("Danh sách hồ sơ không hợp lệ.")
    ids = list(dict.fromkeys(int(d) for d in dossier_ids))
    if not ids:
        raise BatchError("Chưa chọn hồ sơ nào: đánh dấu các hồ sơ cần xử lý trong bảng.")
    if len(ids) > MAX_BATCH:
        raise BatchError(f"Mỗi lần xử lý tối đa {MAX_BATCH} hồ sơ.")
    if assignee and not (assignee.isdigit() and len(assignee) < 10):
        raise BatchError("Người được giao không hợp lệ.")
    if action == Action.ASSIGN.value and not assignee:
        raise BatchError("Chọn người được phân công xử lý.")
    return (int(assignee) if assignee else None), ids


async def run(user: CurrentUser, *, token: str, action: str, assignee: str,
              dossier_ids: list[str]) -> int:
    """Apply `action` to each dossier; returns the run's id (the earlier run's when the
    token was used already). Raises BatchError when the form itself is wrong."""
    if not may_act_in_bulk(user):
        raise BatchError("Chỉ lãnh đạo mới phân công, chuyển hồ sơ hàng loạt.")
    assignee_id, ids = _read(action, assignee, dossier_ids, token)
    async with write_transaction():
        earlier = await BatchRun.select(BatchRun.id, BatchRun.user).where(
            BatchRun.token == token).first()
        if earlier is not None:
            if earlier["user"] != user.id:
                raise BatchError("Biểu mẫu đã cũ; vui lòng tải lại trang.")
            return earlier["id"]
        batch = BatchRun(token=token, user=user.id, action=action, assignee=assignee_id,
                         created_at=now_utc(), outcome="[]")
        await batch.save()
        await audit.record("queue.bulk_action_started", "batch_run", batch.id, {
            "action": action, "assignee": assignee_id, "dossiers": ids}, actor_id=user.id)
    codes = {row["id"]: row["code"] for row in await Dossier.select(
        Dossier.id, Dossier.code).where(Dossier.id.is_in(ids) & visible_to(user))}
    params = {"assignee_id": assignee_id} if assignee_id is not None else {}
    outcome = []
    for dossier_id in ids:
        entry = {"id": dossier_id, "code": codes.get(dossier_id, ""), "ok": False,
                 "message": NOT_IN_SCOPE}
        if dossier_id in codes:
            try:
                await perform(dossier_id, user, action, **params)
                entry.update(ok=True, message="Đã thực hiện")
            except (TransitionError, DossierNotFound) as exc:
                entry["message"] = str(exc) if isinstance(exc, TransitionError) else NOT_IN_SCOPE
        outcome.append(entry)
    async with write_transaction():
        await BatchRun.update({BatchRun.outcome: json.dumps(outcome, ensure_ascii=False)}).where(
            BatchRun.id == batch.id)
        await audit.record("queue.bulk_action_finished", "batch_run", batch.id, {
            "done": [e["id"] for e in outcome if e["ok"]],
            "refused": [e["id"] for e in outcome if not e["ok"]]}, actor_id=user.id)
    return batch.id


async def outcome_of(run_id: int, user: CurrentUser) -> dict | None:
    """A run for its own user only (another user's run is "not found")."""
    row = await BatchRun.select(
        BatchRun.all_columns(), BatchRun.assignee.full_name.as_alias("assignee_name"),
    ).where((BatchRun.id == run_id) & (BatchRun.user == user.id)).first()
    if row is None:
        return None
    if isinstance(row["outcome"], str):
        row["outcome"] = json.loads(row["outcome"] or "[]")
    row["label"] = BULK_ACTIONS.get(row["action"], row["action"])
    row["done"] = sum(1 for e in row["outcome"] if e["ok"])
    return row

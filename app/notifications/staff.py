"""Staff notices from the deadline watch: the assignee and the unit's leaders hear when a
dossier becomes due soon or overdue, and an overdue one opens an apology task (form 04)
that closes when the apology is recorded.

`notify_deadlines` runs inside the watch's transaction with the alerts it has just
recorded, so an alert and its notices commit together. Work is batched: a first run over a
large backlog writes notices in a few statements per 500 dossiers.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from app.accounts.roles import Role
from app.accounts.tables import UserAgency
from app.dossiers.tables import Dossier
from app.formatting import now_utc
from app.notifications.tables import StaffNotice

BATCH = 500
APOLOGY_TASK = "apology_task"
KIND_LABELS = {
    "due_soon": "Sắp đến hạn trả kết quả",
    "overdue": "Đã quá hạn trả kết quả",
    "step_due_soon": "Bước xử lý sắp đến hạn",
    "step_overdue": "Bước xử lý đã quá hạn",
    APOLOGY_TASK: "Cần lập phiếu xin lỗi và hẹn lại ngày trả kết quả",
}


def notice_key(user_id: int, dossier_id: int, kind: str, due_at: datetime) -> str:
    raw = f"{user_id}|{dossier_id}|{kind}|{due_at.isoformat()}"
    return hashlib.sha256(raw.encode()).hexdigest()


async def _leaders(agency_ids: set[int]) -> dict[int, list[int]]:
    rows = await UserAgency.select(UserAgency.user, UserAgency.agency).where(
        UserAgency.agency.is_in(list(agency_ids)) & UserAgency.user.active.eq(True)
        & (UserAgency.user.role == Role.LEADER.value))
    leaders: dict[int, list[int]] = {}
    for row in rows:
        leaders.setdefault(row["agency"], []).append(row["user"])
    return leaders


async def notify_deadlines(keys: list[tuple[int, str, datetime]],
                           now: datetime | None = None) -> int:
    """Notices for new (dossier, kind, due_at) alerts; returns notices written."""
    now = now or now_utc()
    written = 0
    for start in range(0, len(keys), BATCH):
        batch = keys[start:start + BATCH]
        dossiers = {row["id"]: row for row in await Dossier.select(
            Dossier.id, Dossier.agency, Dossier.assignee,
        ).where(Dossier.id.is_in([key[0] for key in batch]))}
        leaders = await _leaders({row["agency"] for row in dossiers.values()})
        notices = []
        for dossier_id, kind, due_at in batch:
            row = dossiers.get(dossier_id)
            if row is None:
                continue
            people = {*leaders.get(row["agency"], []), *([row["assignee"]] if row["assignee"]
                                                         else [])}
            kinds = (kind, APOLOGY_TASK) if kind == "overdue" else (kind,)
            notices += [StaffNotice(notice_key=notice_key(user, dossier_id, k, due_at),
                                    user=user, dossier=dossier_id, kind=k, due_at=due_at,
                                    created_at=now)
                        for user in sorted(people) for k in kinds]
        if notices:
            written += len(await StaffNotice.insert(*notices).on_conflict(action="DO NOTHING"))
    return written


async def close_apology_tasks(dossier_id: int, due_at: datetime | None,
                              now: datetime) -> None:
    """The apology for appointment `due_at` is recorded: its tasks are done."""
    if due_at is None:
        return
    await StaffNotice.update({StaffNotice.done_at: now}).where(
        (StaffNotice.dossier == dossier_id) & (StaffNotice.kind == APOLOGY_TASK)
        & (StaffNotice.due_at == due_at) & StaffNotice.done_at.is_null())


async def notices_for(user_id: int, limit: int = 10) -> list[dict]:
    """Open apology tasks first, then the latest deadline notices, for the dashboard."""
    rows = await StaffNotice.select(
        StaffNotice.id, StaffNotice.kind, StaffNotice.due_at, StaffNotice.created_at,
        StaffNotice.dossier, StaffNotice.dossier.code.as_alias("code"),
        StaffNotice.dossier.procedure.name.as_alias("procedure_name"),
    ).where((StaffNotice.user == user_id) & StaffNotice.done_at.is_null()).order_by(
        StaffNotice.id, ascending=False).limit(limit * 3)
    rows.sort(key=lambda r: (r["kind"] != APOLOGY_TASK, -r["id"]))
    for row in rows:
        row["label"] = KIND_LABELS.get(row["kind"], row["kind"])
    return rows[:limit]


__all__ = ["APOLOGY_TASK", "close_apology_tasks", "notices_for", "notify_deadlines"]

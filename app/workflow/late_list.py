"""The dossiers behind each count of the late page (`/can-bo/tre-han`): every number drills
down to its dossiers. Same rules as `app.workflow.late` (with / without an apology, the
officer of a dossier), same scope and reception period; narrowed to one agency or one
officer, the cell the number came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from piccolo.columns.combination import Where

from app.accounts.tables import User
from app.dossiers.tables import Dossier
from app.formatting import now_utc
from app.workflow.late import (
    _names,
    _officers,
    apologised,
    missed_without_apology,
    received_in,
)

WITH, WITHOUT, BOTH = "co", "khong", "tat-ca"
KIND_LABELS = {WITH: "đã có phiếu xin lỗi", WITHOUT: "chưa có phiếu xin lỗi",
               BOTH: "có và chưa có phiếu xin lỗi"}
NOBODY = 0  # the officer key of dossiers nobody was assigned to
MAX_LISTED = 500


@dataclass(frozen=True)
class LateList:
    rows: list[dict]
    total: int


async def late_dossiers(scope: Where, kind: str, *, received_from: datetime | None = None,
                        received_to: datetime | None = None, agency: int | None = None,
                        officer: int | None = None, now: datetime | None = None) -> LateList:
    """The late dossiers of one count, most overdue first (at most MAX_LISTED)."""
    now = now or now_utc()
    where = received_in(scope, received_from, received_to)
    if agency is not None:
        where &= Dossier.agency == agency
    if kind == WITH:
        where &= apologised(now)
    elif kind == WITHOUT:
        where &= missed_without_apology(now)
    else:
        where &= missed_without_apology(now) | apologised(now)
    rows = await Dossier.select(
        Dossier.id, Dossier.code, Dossier.agency, Dossier.assignee, Dossier.status,
        Dossier.applicant_name, Dossier.due_at, Dossier.finished_at,
        Dossier.procedure.name.as_alias("procedure_name"),
        Dossier.agency.name.as_alias("agency_name"),
    ).where(where).order_by(Dossier.due_at).order_by(Dossier.id)
    officers = await _officers(rows)
    if officer is not None:
        wanted = None if officer == NOBODY else officer
        rows = [row for row in rows if officers[row["id"]] == wanted]
    names = await _names(User, {officers[row["id"]] for row in rows} - {None})
    for row in rows:
        key = officers[row["id"]]
        row["officer_name"] = names.get(key, "") if key else "Chưa giao người xử lý"
    return LateList(rows=rows[:MAX_LISTED], total=len(rows))

"""The data migration to 24:00: stored calendar-day appointments at the closing time move to
the end of their day; everything else stays, and a rerun moves nothing."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from app.audit.tables import AuditEntry
from app.catalog.tables import Procedure
from app.db import write_transaction
from app.dossiers.tables import Dossier, DossierApology, DossierEvent
from app.formatting import LOCAL_TZ
from app.workflow.end_of_day_dues import move_calendar_limits_to_end_of_day
from tests import factories


def local(day: str, hhmm: str) -> datetime:
    return datetime.combine(datetime.fromisoformat(day).date(), time.fromisoformat(hhmm),
                            LOCAL_TZ)


async def _dossier(procedure, due: datetime) -> int:
    row = await factories.dossier(procedure)
    await Dossier.update({Dossier.due_at: due}).where(Dossier.id == row.id)
    return row.id


async def _due(dossier_id: int) -> datetime:
    row = await Dossier.select(Dossier.due_at).where(Dossier.id == dossier_id).first()
    return row["due_at"].astimezone(LOCAL_TZ)


@pytest.mark.anyio
async def test_closing_time_appointments_of_calendar_limits_move_to_24_00(db):
    agency = await factories.agency()
    days = await factories.procedure(agency, "Cấp giấy phép xây dựng")
    await Procedure.update({Procedure.time_limit_unit: "calendar_days"}).where(
        Procedure.id == days.id)
    months = await factories.procedure(agency, "Giao đất")
    await Procedure.update({Procedure.time_limit_unit: "months"}).where(
        Procedure.id == months.id)
    working = await factories.procedure(agency, "Chứng thực")  # working days: untouched

    moved_days = await _dossier(days, local("2026-03-16", "17:00"))
    moved_months = await _dossier(months, local("2026-04-15", "17:00"))
    odd_hour = await _dossier(days, local("2026-03-16", "15:00"))  # set by hand: kept
    apologised = await _dossier(days, local("2026-03-20", "17:00"))
    await DossierApology(dossier=apologised, previous_due_at=local("2026-03-16", "17:00"),
                         new_due_at=local("2026-03-20", "17:00"), reason="Xác minh",
                         created_at=local("2026-03-16", "09:00")).save()
    office = await _dossier(working, local("2026-03-16", "17:00"))

    async with write_transaction():
        assert await move_calendar_limits_to_end_of_day() == 2
    assert await _due(moved_days) == local("2026-03-17", "00:00")  # 24:00 on 16/03
    assert await _due(moved_months) == local("2026-04-16", "00:00")
    for kept, due in ((odd_hour, "15:00"), (office, "17:00")):
        assert (await _due(kept)).time() == time.fromisoformat(due)
    assert await _due(apologised) == local("2026-03-20", "17:00")

    event = await DossierEvent.select().where(DossierEvent.dossier == moved_days).first()
    assert event["action"] == "due_recomputed"
    assert "17:00 16/03/2026 → 24:00 16/03/2026" in event["comment"]
    audit = await AuditEntry.select().where(AuditEntry.action == "dossier.due_end_of_day").first()
    assert '"moved":2' in audit["data"].replace(" ", "")

    async with write_transaction():  # a rerun finds nothing at a closing time
        assert await move_calendar_limits_to_end_of_day() == 0
    assert await DossierEvent.count().where(DossierEvent.action == "due_recomputed") == 2


def test_the_process_control_sheet_reads_a_24_00_appointment_as_its_own_day():
    from app.legal_forms.control_sheet import Outcome, outcome

    due = local("2026-03-17", "00:00")  # 24:00 on 16/03
    assert outcome(local("2026-03-16", "18:00"), due) == Outcome.ON_TIME
    assert outcome(local("2026-03-15", "10:00"), due) == Outcome.EARLY
    assert outcome(local("2026-03-17", "00:01"), due) == Outcome.LATE

"""The repair migration of 6 December 2026: `finished_at` and `returned_at` moved by later
moves within their status (fees paid after processing ended) come back to when the event
log says the dossier entered the status; what the log cannot tell is left alone."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierEvent
from tests import factories

pytestmark = pytest.mark.anyio

MIGRATION = Path(__file__).resolve().parent.parent / \
    "migrations/motcua_2026_12_06t12_00_00_000000.py"
T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
RECEIVED, PROCESSING = Status.RECEIVED.value, Status.PROCESSING.value
PROCESSED, RETURNED = Status.PROCESSED.value, Status.RETURNED.value


async def run_migration() -> None:
    spec = importlib.util.spec_from_file_location("stamp_repair", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (module.PROCESSED, module.RETURNED) == (PROCESSED, RETURNED)
    manager = await module.forwards()
    await manager.run()


async def dossier(procedure, status: Status, moves: list[tuple[int, int | None, int]],
                  **stamps: datetime | None) -> int:
    """A dossier with these (day, from status, to status) events and these stamps."""
    row = await factories.dossier(procedure, status=status)
    for day, before, after in moves:
        await DossierEvent(dossier=row.id, at=T0 + timedelta(days=day), action="moved",
                           from_status=before, to_status=after).save()
    await Dossier.update({getattr(Dossier, k): v for k, v in stamps.items()}).where(
        Dossier.id == row.id)
    return row.id


async def stamps(dossier_id: int) -> tuple:
    row = await Dossier.select(Dossier.finished_at, Dossier.returned_at).where(
        Dossier.id == dossier_id).first()
    return row["finished_at"], row["returned_at"]


async def test_stamps_moved_within_their_status_come_back_to_the_event_log(db):
    procedure = await factories.procedure(await factories.agency("Sở Tư pháp"))
    day = {n: T0 + timedelta(days=n) for n in range(30)}
    # Processed on day 2, paid on day 20, handed over on day 21, a move in "returned" on 22.
    paid_late = await dossier(procedure, Status.RETURNED, [
        (0, 1, RECEIVED), (1, RECEIVED, PROCESSING), (2, PROCESSING, PROCESSED),
        (20, PROCESSED, PROCESSED), (21, PROCESSED, RETURNED), (22, RETURNED, RETURNED)],
        finished_at=day[20], returned_at=day[22])
    # Sent back from "processed" and processed again on day 5, paid on day 9.
    twice = await dossier(procedure, Status.PROCESSED, [
        (2, PROCESSING, PROCESSED), (3, PROCESSED, PROCESSING), (5, PROCESSING, PROCESSED),
        (9, PROCESSED, PROCESSED)], finished_at=day[9])
    # Events without the status they came from (older rows): nothing to go by.
    unknown = await dossier(procedure, Status.PROCESSED, [(2, None, PROCESSED)],
                            finished_at=day[7])
    # Not finished: no stamp to repair, whatever the log says.
    processing = await dossier(procedure, Status.PROCESSING, [
        (2, PROCESSING, PROCESSED), (3, PROCESSED, PROCESSING)], finished_at=None)
    right = await dossier(procedure, Status.PROCESSED, [(4, PROCESSING, PROCESSED)],
                          finished_at=day[4])

    await run_migration()

    assert await stamps(paid_late) == (day[2], day[21])
    assert await stamps(twice) == (day[5], None)
    assert await stamps(unknown) == (day[7], None)
    assert await stamps(processing) == (None, None)
    assert await stamps(right) == (day[4], None)
    await run_migration()  # run again (a restore replayed): the same answer
    assert await stamps(paid_late) == (day[2], day[21])

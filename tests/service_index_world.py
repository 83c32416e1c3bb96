"""A small province for the service index tests: two agencies, dossiers finished and
received in March 2026 with every fact an indicator reads (shared by service and web tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from app.dossiers.logic import Status
from app.dossiers.tables import (
    Dossier,
    DossierApology,
    DossierComponent,
    DossierResult,
    StoredFile,
)
from app.feedback.tables import Feedback
from app.formatting import LOCAL_TZ
from app.payments.tables import Payment
from app.ratings.tables import Rating
from app.warehouse.tables import WarehouseDocument
from tests import factories

MARCH = datetime(2026, 3, 10, 9, 0, tzinfo=LOCAL_TZ)
DAY = timedelta(days=1)


@dataclass
class World:
    tu_phap: int
    ba_to: int
    codes: dict[str, str]


async def _dossier(procedure, name: str, codes: dict[str, str], *, due: datetime,
                   finished: datetime | None, channel: int = 1, supplements: int = 0,
                   fees: int = 0, received: datetime | None = None) -> int:
    row = await factories.dossier(procedure, status=Status.RETURNED if finished
                                  else Status.PROCESSING)
    await Dossier.update({
        Dossier.received_at: received or due - 5 * DAY, Dossier.due_at: due,
        Dossier.finished_at: finished, Dossier.channel: channel,
        Dossier.supplement_requests: supplements, Dossier.fees_due: fees,
    }).where(Dossier.id == row.id)
    codes[name] = row.code
    return row.id


async def build() -> World:
    a, b = await factories.agency("Sở Tư pháp"), await factories.agency("UBND xã Ba Tơ")
    p, q = await factories.procedure(a), await factories.procedure(b, "Đăng ký khai sinh")
    codes: dict[str, str] = {}
    # Sở Tư pháp: four dossiers finished in March.
    good = await _dossier(p, "good", codes, due=MARCH, finished=MARCH - DAY, channel=2,
                          fees=50_000)
    late = await _dossier(p, "late", codes, due=MARCH, finished=MARCH + DAY, fees=50_000)
    await _dossier(p, "nagged", codes, due=MARCH, finished=MARCH - DAY, supplements=2)
    sorry = await _dossier(p, "sorry", codes, due=MARCH + 3 * DAY, finished=MARCH)
    await DossierApology(dossier=sorry, previous_due_at=MARCH - DAY, new_due_at=MARCH + 3 * DAY,
                         reason="Phải xác minh", created_at=MARCH - DAY).save()
    # Finished in February: outside the period, whatever it carries.
    old = await _dossier(p, "old", codes, due=MARCH - 20 * DAY, finished=MARCH - 25 * DAY,
                         channel=2, fees=10_000, received=MARCH - 30 * DAY)
    # UBND xã Ba Tơ: one finished on time, one still open (received online in March).
    ba_to_done = await _dossier(q, "ba_to_done", codes, due=MARCH, finished=MARCH - 2 * DAY)
    await _dossier(q, "ba_to_open", codes, due=MARCH + 20 * DAY, finished=None, channel=2,
                   received=MARCH)

    stored = StoredFile(sha256="a" * 64, size=10, content_type="application/pdf",
                        created_at=MARCH)
    await stored.save()
    for dossier in (good, late, old, ba_to_done):
        await DossierResult(dossier=dossier, sha256="a" * 64, issued_at=MARCH).save()
    await DossierComponent(dossier=good, name="Tờ khai", digitised=True).save()
    await DossierComponent(dossier=late, name="Tờ khai", digitised=True, reused=True).save()
    await DossierComponent(dossier=old, name="Tờ khai", digitised=True, reused=True).save()
    await WarehouseDocument(owner_id_number="052090001234", title="Kết quả", source="result",
                            file=stored.id, dossier=good, created_at=MARCH).save()
    for dossier, status in ((good, "paid"), (late, "failed"), (old, "paid")):
        await Payment(reference=f"P{dossier}", dossier=dossier, gateway="sandbox",
                      amount=50_000, status=status, created_at=MARCH).save()
    for dossier, agency, ok in ((good, a.id, True), (late, a.id, False),
                                (ba_to_done, b.id, True)):
        await Rating(dossier=dossier, agency=agency, channel="web", average=Decimal(4),
                     satisfied=ok, created_at=MARCH).save()
    # One complaint to Sở Tư pháp, answered on time, rated satisfied.
    await Feedback(code="PA-1", status="answered", submitter_name="Trần Thị Bình",
                   agency=a.id, title="Chậm trả", content="…", received_at=MARCH,
                   refuse_due_at=MARCH + DAY, answer_due_at=MARCH + 10 * DAY,
                   answered_at=MARCH + 2 * DAY, rating=1).save()
    return World(a.id, b.id, codes)

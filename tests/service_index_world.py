"""A small province for the service index tests, in March 2026 (a calendar month): two
agencies, their procedures (fees, online levels), dossiers with every fact an indicator
reads, feedback and ratings. Shared by the service, web and browser tests.

Expected figures, by hand (Sở Tư pháp / UBND xã Ba Tơ / province):
- 2.1 judged 7 / 2 / 9; late: late, nagged (2 supplements), sorry (apology), overdue_open
  (open past its appointment at the month's end) → on time 3/7, 2/2, 5/9;
- received in March 7 / 2 / 9; processed in March 4 / 1 / 5 (next_month ends in April);
- 3.3 online with an e-result: good, ba_to_done → 1/7, 1/2, 2/9;
- 5.4: 9 − 4 late − 2 with a complaint or unsatisfied rating (late, ba_to_done) = 3/9.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from app.accounts.tables import User
from app.catalog.tables import Procedure
from app.dossiers.logic import Status
from app.dossiers.tables import (
    Dossier,
    DossierApology,
    DossierComponent,
    DossierPause,
    DossierResult,
    StoredFile,
)
from app.feedback.tables import Feedback, FeedbackEvent
from app.formatting import LOCAL_TZ
from app.payments.tables import Payment
from app.ratings.tables import Rating
from app.warehouse.tables import WarehouseDocument
from tests import factories


def march(day: int, hour: int = 9, month: int = 3) -> datetime:
    return datetime.combine(date(2026, month, day), time(hour), LOCAL_TZ)


MARCH = march(10)  # a moment in the month, for callers that need one
DAY = timedelta(days=1)


@dataclass
class World:
    tu_phap: int
    ba_to: int
    codes: dict[str, str]
    ids: dict[str, int]


async def _procedure(agency, name: str, *, fee: int = 0, online: str = "none",
                     internal: bool = False) -> Procedure:
    row = await factories.procedure(agency, name)
    await Procedure.update({Procedure.fee_amount: fee, Procedure.online_level: online,
                            Procedure.internal: internal}).where(Procedure.id == row.id)
    return row


async def _dossier(world: World, procedure, name: str, *, received: datetime, due: datetime,
                   finished: datetime | None = None, channel: int = 1, supplements: int = 0,
                   status: Status | None = None, applicant: int | None = None) -> int:
    row = await factories.dossier(procedure, applicant_id=applicant, status=status or (
        Status.RETURNED if finished else Status.PROCESSING))
    await Dossier.update({
        Dossier.received_at: received, Dossier.due_at: due, Dossier.finished_at: finished,
        Dossier.channel: channel, Dossier.supplement_requests: supplements,
        Dossier.created_at: received,
    }).where(Dossier.id == row.id)
    world.codes[name], world.ids[name] = row.code, row.id
    return row.id


async def build() -> World:
    a, b = await factories.agency("Sở Tư pháp"), await factories.agency("UBND xã Ba Tơ")
    world = World(a.id, b.id, {}, {})
    p = await _procedure(a, "Cấp Phiếu lý lịch tư pháp", fee=200_000, online="full")
    p2 = await _procedure(a, "Chứng thực bản sao")
    q = await _procedure(b, "Đăng ký khai sinh", online="partial")
    internal = await _procedure(a, "Cấp tài khoản Hệ thống báo cáo", internal=True)
    citizen = User(username="052090001234", full_name="Nguyễn Văn An", role="citizen",
                   password_hash="x", created_at=march(1, month=1),
                   id_verified_at=march(2, month=1))
    await citizen.save()

    d = world
    good = await _dossier(d, p, "good", received=march(5), due=march(10), finished=march(9),
                          channel=2, applicant=citizen.id)
    late = await _dossier(d, p, "late", received=march(2), due=march(10), finished=march(11))
    await _dossier(d, p, "nagged", received=march(2), due=march(10), finished=march(9),
                   supplements=2)
    sorry = await _dossier(d, p, "sorry", received=march(1), due=march(13), finished=march(10))
    await DossierApology(dossier=sorry, previous_due_at=march(8), new_due_at=march(13),
                         reason="Phải xác minh", created_at=march(8)).save()
    await _dossier(d, p2, "overdue_open", received=march(1), due=march(20))
    waiting = await _dossier(d, p2, "waiting", received=march(3), due=march(12),
                             supplements=1, status=Status.SUPPLEMENT_REQUESTED)
    await DossierPause(dossier=waiting, reason="supplement", started_at=march(11)).save()
    await _dossier(d, p, "next_month", received=march(25), due=march(3, month=4),
                   finished=march(2, month=4))
    await _dossier(d, p, "old", received=march(1, month=2), due=march(12, month=2),
                   finished=march(10, month=2), channel=2)
    await _dossier(d, internal, "internal", received=march(2), due=march(5),
                   finished=march(20))
    ba_to_done = await _dossier(d, q, "ba_to_done", received=march(2), due=march(10),
                                finished=march(8), channel=2)
    await _dossier(d, q, "ba_to_open", received=march(10), due=march(3, month=4), channel=2)

    stored = StoredFile(sha256="a" * 64, size=10, content_type="application/pdf",
                        created_at=march(1))
    await stored.save()
    for dossier in (good, late, ba_to_done, d.ids["old"]):
        await DossierResult(dossier=dossier, file=stored.id, sha256="a" * 64,
                            issued_at=march(9)).save()
    await DossierComponent(dossier=good, name="Tờ khai", digitised=True).save()
    await DossierComponent(dossier=late, name="Tờ khai", file=stored.id, reused=True).save()
    await WarehouseDocument(owner_id_number="052090001234", title="Kết quả", source="result",
                            file=stored.id, dossier=good, created_at=march(9)).save()
    for dossier, status in ((good, "paid"), (late, "failed")):
        await Payment(reference=f"P{dossier}", dossier=dossier, gateway="sandbox",
                      amount=200_000, status=status, created_at=march(8),
                      completed_at=march(9)).save()
    await Rating(dossier=good, agency=a.id, channel="web", average=Decimal(5), satisfied=True,
                 created_at=march(12)).save()
    await Rating(dossier=ba_to_done, agency=b.id, channel="kiosk", average=Decimal(2),
                 satisfied=False, created_at=march(12)).save()
    await _feedback(world, a.id)
    return world


async def _feedback(world: World, agency: int) -> None:
    """PA-1 about `late`, answered on time, raised again by PA-3; PA-2 refused late."""
    late = world.ids["late"]
    rows = (
        ("PA-1", dict(status="answered", category="phan_anh", agency=agency, dossier=late,
                      received_at=march(12), answered_at=march(14), rating=1,
                      rated_at=march(15))),
        ("PA-2", dict(status="refused", about_agency=agency, received_at=march(20))),
        ("PA-3", dict(status="routed", category="kien_nghi", agency=agency, dossier=late,
                      received_at=march(25))),
    )
    for code, values in rows:
        received = values["received_at"]
        row = Feedback(code=code, submitter_name="Trần Thị Bình", title=f"Phản ánh {code}",
                       content="…", refuse_due_at=received + 2 * DAY,
                       answer_due_at=received + 21 * DAY, **values)
        await row.save()
        if code == "PA-2":
            await FeedbackEvent(feedback=row.id, at=march(24), move="refuse",
                                from_status="received", to_status="refused").save()

"""Every indicator rebuilt from raw rows by independent SQL (tests/service_index_oracle.py)
and compared with the service, for the province and each agency, on random provinces
around March 2026 with boundary moments on purpose."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import pytest

from app.accounts.tables import User
from app.calendar.deadlines import deadline
from app.calendar.service import current_calendar
from app.catalog.tables import Procedure
from app.dossiers.logic import Status
from app.dossiers.tables import (
    Dossier,
    DossierApology,
    DossierComponent,
    DossierEvent,
    DossierPause,
    DossierResult,
    StoredFile,
)
from app.feedback.tables import Feedback, FeedbackEvent
from app.payments.tables import Payment
from app.ratings.tables import Rating
from app.reports.sqlite_counts import sql_time
from app.service_index import service
from app.service_index.logic import IndexConfig, Measure
from app.warehouse.tables import WarehouseDocument
from tests import factories
from tests.service_index_oracle import (
    dossier_sql,
    feedback_sql,
    procedure_sql,
    progress_sql,
    rows,
)

MARCH = service.month_period(2026, 3)
S, E = MARCH.start_at, MARCH.end_at


class Province:
    """Random rows; `rng` decides everything, so a seed names a province."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def moment(self, after=None):
        rng, base = self.rng, after or S - timedelta(days=15)
        edges = [e for e in (S, E, S - timedelta(microseconds=1), E - timedelta(seconds=1))
                 if e >= base]
        if edges and rng.random() < 0.08:
            return rng.choice(edges)
        return base + timedelta(seconds=rng.randint(0, 40 * 86400),
                                microseconds=rng.choice([0, 0, 250000]))

    def maybe(self, p: float) -> bool:
        return self.rng.random() < p

    async def build(self) -> None:
        rng = self.rng
        agencies = [await factories.agency("Sở Tư pháp"), await factories.agency("UBND xã A")]
        procedures = []
        for n in range(6):
            p = await factories.procedure(rng.choice(agencies), f"Thủ tục {n}")
            await Procedure.update({
                Procedure.fee_amount: rng.choice([0, 0, 50_000]),
                Procedure.online_level: rng.choice(["none", "partial", "full"]),
                Procedure.internal: n == 5, Procedure.active: n != 4,
                Procedure.time_limit_unit: rng.choice(["calendar_days", "months"]),
                Procedure.time_limit_amount: Decimal(rng.randint(1, 20)),
            }).where(Procedure.id == p.id)
            procedures.append(p)
        people = []
        for n in range(4):
            user = User(username=f"dan{n}", full_name="Người dân", role="citizen",
                        password_hash="x", created_at=S - timedelta(days=90),
                        id_verified_at=self.moment() if n % 2 else None)
            await user.save()
            people.append(user.id)
        stored = StoredFile(sha256="b" * 64, size=1, content_type="application/pdf",
                            created_at=S)
        await stored.save()
        self.file = stored.id
        for _ in range(140):
            await self.dossier(rng.choice(procedures), rng.choice([None, *people]))
        await self.feedback(agencies)

    async def dossier(self, procedure, applicant) -> None:
        rng = self.rng
        received = None if self.maybe(0.05) else self.moment()
        base = received or S - timedelta(days=10)
        outcome = rng.choice(["open", "processed", "processed", "closed", "waiting"])
        status = {"open": Status.PROCESSING, "processed": Status.RETURNED,
                  "closed": Status.STOPPED, "waiting": Status.SUPPLEMENT_REQUESTED}[outcome]
        row = await factories.dossier(procedure, applicant_id=applicant, status=status)
        finished = self.moment(base) if outcome == "processed" else None
        await Dossier.update({
            Dossier.received_at: received, Dossier.created_at: base,
            Dossier.due_at: base + timedelta(days=rng.randint(1, 25), hours=rng.randint(0, 9)),
            Dossier.finished_at: finished, Dossier.returned_at: finished,
            Dossier.channel: rng.randint(1, 3),
            Dossier.supplement_requests: rng.choice([0, 0, 1, 1, 2]),
            Dossier.status: Status.DRAFT.value if received is None and self.maybe(0.5)
            else status.value,
        }).where(Dossier.id == row.id)
        if outcome == "closed":
            await DossierEvent(dossier=row.id, at=self.moment(base), to_status=8,
                               action=rng.choice(["stopped", "withdrawn", "refused"])).save()
        pause_start = self.moment(base)
        if outcome == "waiting" or self.maybe(0.3):
            ended = None if outcome == "waiting" else pause_start + timedelta(
                hours=rng.randint(1, 200))
            await DossierPause(dossier=row.id, reason="supplement", started_at=pause_start,
                               ended_at=ended).save()
        if self.maybe(0.15):
            at = self.moment(base)
            await DossierApology(dossier=row.id, previous_due_at=at, new_due_at=at,
                                 reason="Chậm", created_at=at).save()
        await self.sides(row.id, base)

    async def sides(self, dossier: int, base) -> None:
        rng = self.rng
        if self.maybe(0.5):
            await DossierResult(dossier=dossier, file=self.file if self.maybe(0.7) else None,
                                sha256="", issued_at=base).save()
        if self.maybe(0.5):
            await DossierComponent(dossier=dossier, name="Tờ khai",
                                   file=self.file if self.maybe(0.5) else None,
                                   digitised=self.maybe(0.3), reused=self.maybe(0.3)).save()
        if self.maybe(0.2):
            await WarehouseDocument(owner_id_number="0", title="Kết quả", file=self.file,
                                    source=rng.choice(["result", "upload"]), dossier=dossier,
                                    created_at=base).save()
        if self.maybe(0.4):
            await Payment(reference=f"P{dossier}", dossier=dossier, gateway="sandbox",
                          amount=50_000, status=rng.choice(["paid", "paid", "failed"]),
                          created_at=base, completed_at=self.moment(base)).save()
        if self.maybe(0.2):
            agency = (await Dossier.select(Dossier.agency).where(
                Dossier.id == dossier).first())["agency"]
            await Rating(dossier=dossier, agency=agency, channel="web", average=Decimal(3),
                         satisfied=self.maybe(0.5), created_at=self.moment(base)).save()

    async def feedback(self, agencies) -> None:
        rng = self.rng
        dossiers = [r["id"] for r in await Dossier.select(Dossier.id)]
        for n in range(40):
            received = self.moment()
            agency = rng.choice(agencies).id
            answered = self.moment(received) if self.maybe(0.6) else None
            row = Feedback(
                code=f"PA-{n}", status="answered" if answered else "routed",
                category=rng.choice(["", "phan_anh", "kien_nghi"]), submitter_name="Bình",
                title=f"Phản ánh {n}", content="…", received_at=received,
                agency=agency if self.maybe(0.8) else None, about_agency=agency,
                dossier=rng.choice(dossiers[:15]) if self.maybe(0.5) else None,
                refuse_due_at=received + timedelta(days=2),
                answer_due_at=received + timedelta(days=rng.randint(5, 25)),
                answered_at=answered, agree_publish=self.maybe(0.5),
                published_at=self.moment(answered) if answered and self.maybe(0.5) else None,
                rating=rng.choice([None, 0, 1]), rated_at=self.moment(received))
            await row.save()
            for move in ("route", "refuse", "ask_more"):
                if self.maybe(0.25):
                    await FeedbackEvent(feedback=row.id, at=self.moment(received), move=move,
                                        to_status="routed").save()


async def _calendar_dues(calendar) -> dict[int, tuple]:
    """(ask-more due, publish due) per feedback of the period: working days on the calendar."""
    out = {}
    for f in await Feedback.select().where((Feedback.received_at >= S)
                                           & (Feedback.received_at < E)):
        route = await FeedbackEvent.select(FeedbackEvent.at).where(
            (FeedbackEvent.feedback == f["id"]) & (FeedbackEvent.move == "route")
        ).order_by(FeedbackEvent.id).first()
        routed = route["at"] if route else f["received_at"]
        publish = (deadline(f["answered_at"], 2, "working_days", calendar=calendar)
                   if f["answered_at"] and f["agree_publish"] else None)
        out[f["id"]] = (deadline(routed, 5, "working_days", calendar=calendar), publish)
    return out


def _share(items, agency, num, den=lambda r: True) -> Measure:
    chosen = [r for r in items if (agency is None or r["agency"] == agency) and den(r)]
    return Measure(sum(1 for r in chosen if num(r)), len(chosen))


def _less(items, agency, den, *deductions) -> Measure:
    chosen = [r for r in items if (agency is None or r["agency"] == agency) and den(r)]
    lost = sum(1 for r in chosen for d in deductions if d(r))
    return Measure(max(0, len(chosen) - lost), len(chosen))


async def expected(agency: int | None) -> dict[str, Measure]:
    s, e = sql_time(S), sql_time(E)
    judged = await rows(progress_sql(s, e, 1))
    dossiers = await rows(dossier_sql(s, e))
    procedures = await rows(procedure_sql(s, e))
    feedback = await rows(feedback_sql(s, e, await _calendar_dues(await current_calendar())))
    received = [d for d in dossiers if d["received"]]
    finished = [d for d in dossiers if d["finished"]]
    always = lambda r: True  # noqa: E731
    return {
        "on_time": _share(judged, agency, lambda r: not r["late"]),
        "processing_time": _share(procedures, agency,
                                  lambda r: r["average_time"] <= r["time_limit"] + 1e-9,
                                  lambda r: r["finished"] > 0),
        "online_procedures": _share(procedures, agency, lambda r: r["offered"]),
        "online_services_used": _share(procedures, agency, lambda r: r["used"],
                                       lambda r: r["offered"]),
        "online_dossiers": _share(received, agency, lambda r: r["online"] and r["e_result"]),
        "payment_procedures": _share(procedures, agency, lambda r: r["paid"],
                                     lambda r: r["fee"]),
        "paid_online": _share(received, agency, lambda r: r["paid"], lambda r: r["fee"]),
        "e_results": _share(finished, agency, lambda r: r["e_result"]),
        "digitised": _share(finished, agency, lambda r: r["with_files"] and r["e_result"]),
        "reused": _share(received, agency, lambda r: r["reused"]),
        "warehouse_used": _share(received, agency, lambda r: r["reused"] or r["in_warehouse"]),
        "population_data": _share(procedures, agency, lambda r: r["population"]),
        "feedback_classified": _share(feedback, agency, lambda r: r["classified"]),
        "feedback_on_time": _share(feedback, agency, lambda r: r["on_time"]),
        "feedback_satisfaction": _less(feedback, agency, lambda r: not r["repeat"],
                                       lambda r: r["unsatisfied"], lambda r: r["answered_late"],
                                       lambda r: r["raised_again"]),
        "reception_satisfaction": _less(judged, agency, always, lambda r: r["late"],
                                        lambda r: r["complained"]),
    }


@pytest.mark.anyio
@pytest.mark.parametrize("seed", [11, 12, 13])
async def test_every_indicator_equals_an_independent_sql_computation(db, seed):
    await Province(seed).build()
    province, agencies = await service.province_index(MARCH, IndexConfig())
    for shown in [province, *agencies]:
        want = await expected(shown.agency_id)
        got = {k: v for k, v in shown.measures.items() if k in want}
        assert got == want, shown.name
    # The data exercised what it should: something late, something N/A-free, deductions.
    whole = province.measures
    assert 0 < whole["on_time"].numerator < whole["on_time"].denominator
    assert whole["reception_satisfaction"].denominator > 0
    assert whole["feedback_on_time"].denominator > 0

"""The index's facts beside the dossier rows: results, components, warehouse, payments,
complaints and ratings (joined on the dossiers received or processed in the period), and
the feedback received in the period with its history and deadlines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from piccolo.columns.combination import WhereRaw

from app.calendar.deadlines import deadline
from app.calendar.logic import WorkingCalendar
from app.dossiers.tables import DossierComponent, DossierPause, DossierResult
from app.feedback import logic as feedback_logic
from app.feedback.tables import Feedback, FeedbackEvent
from app.payments.logic import PaymentStatus
from app.payments.tables import Payment
from app.ratings.tables import Rating
from app.reports.logic import Period
from app.service_index.rules import FeedbackTiming
from app.warehouse.logic import Source
from app.warehouse.tables import WarehouseDocument


@dataclass
class SideFacts:
    """Dossier ids (received or processed in the period) with each fact."""

    e_result: set[int] = field(default_factory=set)  # a result file was issued
    with_files: set[int] = field(default_factory=set)  # a component has a file (digitised)
    reused: set[int] = field(default_factory=set)  # a component taken from the warehouse
    in_warehouse: set[int] = field(default_factory=set)  # the result was filed there
    paid: set[int] = field(default_factory=set)  # paid online
    paid_procedures: set[int] = field(default_factory=set)  # procedures paid online in period
    complained: set[int] = field(default_factory=set)  # feedback or unsatisfied rating
    pauses: dict[int, list[tuple[datetime, datetime]]] = field(default_factory=dict)


BATCH = 500


def among(column: str, ids: list[int]) -> WhereRaw:
    """`column IN (…)` written out: ids are integers read from the database, and Piccolo's
    `is_in` spends more time converting thousands of values than SQLite spends on them."""
    return WhereRaw(f"{column} IN ({','.join(str(int(i)) for i in ids) or 'NULL'})")


async def rows_of(table, columns, condition, ids) -> list[dict]:
    """Rows of `table` (meeting `condition`, if any) for the dossiers `ids`, batched so each
    query uses the table's `dossier` index: the cost follows the period's dossiers, not the
    table's size."""
    ordered, out = sorted(ids), []
    for at in range(0, len(ordered), BATCH):
        where = among("dossier", ordered[at:at + BATCH])
        out += await table.select(*columns).where(
            where if condition is None else condition & where)
    return out


async def _ids(table, condition, ids: set[int]) -> set[int]:
    return {r["dossier"] for r in await rows_of(table, (table.dossier,), condition, ids)}


async def dossier_sides(ids: set[int], start: datetime, end: datetime) -> SideFacts:
    """Facts of the dossiers `ids` (received or processed in [start, end))."""
    sides = SideFacts()
    sides.e_result = await _ids(DossierResult, DossierResult.file.is_not_null()
                                | (DossierResult.sha256 != ""), ids)
    sides.with_files = await _ids(DossierComponent, DossierComponent.file.is_not_null()
                                  | DossierComponent.digitised.eq(True), ids)
    sides.reused = await _ids(DossierComponent, DossierComponent.reused.eq(True), ids)
    sides.in_warehouse = await _ids(WarehouseDocument,
                                    WarehouseDocument.source == Source.RESULT.value, ids)
    paid = Payment.status == PaymentStatus.PAID.value
    sides.paid = await _ids(Payment, paid, ids)
    sides.paid_procedures = {r["procedure"] for r in await Payment.select(
        Payment.dossier.procedure.as_alias("procedure")).where(
        paid & (Payment.completed_at >= start) & (Payment.completed_at < end))}
    complaints = await Feedback.select(Feedback.dossier).where(
        Feedback.dossier.is_not_null() & (Feedback.received_at >= start)
        & (Feedback.received_at < end))
    unsatisfied = await Rating.select(Rating.dossier).where(
        Rating.satisfied.eq(False) & (Rating.created_at >= start) & (Rating.created_at < end))
    sides.complained = {r["dossier"] for r in complaints + unsatisfied}
    pauses = await rows_of(DossierPause, (DossierPause.dossier, DossierPause.started_at,
                                         DossierPause.ended_at),
                         (DossierPause.reason == "supplement")
                         & DossierPause.ended_at.is_not_null(), ids)
    for p in pauses:
        sides.pauses.setdefault(p["dossier"], []).append((p["started_at"], p["ended_at"]))
    return sides


@dataclass
class FeedbackFacts:
    """Feedback received in the period: rows, timings, agency, and which ones were raised
    again about the same dossier later, or repeat an earlier one (not "first received")."""

    rows: dict[int, dict] = field(default_factory=dict)
    timings: dict[int, FeedbackTiming] = field(default_factory=dict)
    agency_of: dict[int, int] = field(default_factory=dict)
    raised_again: set[int] = field(default_factory=set)
    repeats: set[int] = field(default_factory=set)


async def feedback_facts(period: Period, agency_ids: list[int] | None,
                         calendar: WorkingCalendar) -> FeedbackFacts:
    start, end = period.start_at, period.end_at
    query = Feedback.select(
        Feedback.id, Feedback.code, Feedback.title, Feedback.agency, Feedback.about_agency,
        Feedback.category, Feedback.dossier, Feedback.received_at, Feedback.refuse_due_at,
        Feedback.answer_due_at, Feedback.answered_at, Feedback.published_at,
        Feedback.agree_publish, Feedback.rating, Feedback.rated_at).where(
        (Feedback.received_at >= start) & (Feedback.received_at < end))
    if agency_ids is not None:
        scope = agency_ids or [-1]
        query = query.where(Feedback.agency.is_in(scope) | (
            Feedback.agency.is_null() & Feedback.about_agency.is_in(scope)))
    out = FeedbackFacts(rows={r["id"]: r for r in await query})
    if not out.rows:
        return out
    moves: dict[int, dict[str, datetime]] = {}
    for event in await FeedbackEvent.select(
            FeedbackEvent.feedback, FeedbackEvent.move, FeedbackEvent.at).where(
            FeedbackEvent.feedback.is_in(sorted(out.rows))).order_by(FeedbackEvent.id):
        moves.setdefault(event["feedback"], {}).setdefault(event["move"], event["at"])
    days = feedback_logic.DEADLINES
    for fid, r in out.rows.items():
        done = moves.get(fid, {})
        routed = done.get("route", r["received_at"])
        publish_due = (deadline(r["answered_at"], days["publish"], "working_days",
                                calendar=calendar)
                       if r["answered_at"] is not None and r["agree_publish"] else None)
        out.timings[fid] = FeedbackTiming(
            received_at=r["received_at"], answer_due_at=r["answer_due_at"],
            refuse_due_at=r["refuse_due_at"], refused_at=done.get("refuse"),
            asked_more_at=done.get("ask_more"),
            ask_more_due=deadline(routed, days["ask_more"], "working_days", calendar=calendar),
            answered_at=r["answered_at"], published_at=r["published_at"],
            publish_due=publish_due, rating=r["rating"], rated_at=r["rated_at"])
        out.agency_of[fid] = r["agency"] or r["about_agency"]
    dossier_ids = sorted({r["dossier"] for r in out.rows.values() if r["dossier"]})
    if dossier_ids:
        by_dossier: dict[int, list[datetime]] = {}
        for o in await Feedback.select(Feedback.dossier, Feedback.received_at).where(
                Feedback.dossier.is_in(dossier_ids) & (Feedback.received_at < end)):
            by_dossier.setdefault(o["dossier"], []).append(o["received_at"])
        for fid, r in out.rows.items():
            moments = by_dossier.get(r["dossier"], [])
            if any(m > r["received_at"] for m in moments):
                out.raised_again.add(fid)
            if any(m < r["received_at"] for m in moments):
                out.repeats.add(fid)
    return out

"""Where each indicator's numbers come from: one async function per indicator, in `SOURCES`.

A source takes the period's `Facts` and returns `Evidence` (the ids behind numerator and
denominator, so every number drills down to its dossiers, procedures or feedback) or
`Unavailable` with the reason shown on the page. Plugging in a data source — the national
portal sync for 1.4, publishing decisions for 1.1–1.3 — is writing that one function (it
may query what it needs) and putting it in `SOURCES` in place of the placeholder.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from app.catalog.logic import describe_time_limit
from app.service_index.gather import Facts
from app.service_index.indicators import DOSSIERS, FEEDBACK, PROCEDURES
from app.service_index.logic import Measure
from app.service_index.rules import (
    answered_late,
    feedback_on_time,
    judged,
    on_time,
    processing_time,
    rated_unsatisfied,
)


@dataclass(frozen=True)
class Unavailable:
    reason: str


@dataclass(frozen=True)
class Evidence:
    """Ids behind a rate. A subtraction formula (5.3, 5.4) lists what it deducts: its
    numerator is the denominator less each deducted set, an item deducted twice counting
    twice as the formula says. `notes` are per-item figures for the drill-down (2.2's
    average time); `companion` a second rate shown beside (4.5's share of dossiers)."""

    unit: str
    numerator: frozenset[int]
    denominator: frozenset[int]
    deducted: tuple[frozenset[int], ...] = ()
    notes: dict[int, str] = field(default_factory=dict)
    companion: Evidence | None = None

    def measure(self) -> Measure:
        den = len(self.denominator)
        if self.deducted:
            lost = sum(len(d & self.denominator) for d in self.deducted)
            return Measure(max(0, den - lost), den)
        return Measure(len(self.numerator & self.denominator), den)

    def counted(self) -> frozenset[int]:
        """The items that count: the numerator, or what no deduction touched."""
        if self.deducted:
            return self.denominator.difference(*self.deducted)
        return self.numerator & self.denominator

    def kept(self, own: dict[str, frozenset[int]]) -> Evidence:
        """The same evidence kept to one agency's items (`own`: unit → its ids)."""
        keep = own.get(self.unit, frozenset())
        return replace(self, numerator=self.numerator & keep,
                       denominator=self.denominator & keep,
                       deducted=tuple(d & keep for d in self.deducted),
                       companion=None if self.companion is None else self.companion.kept(own))


Result = Evidence | Unavailable
Source = Callable[[Facts], Awaitable[Result]]


def _evidence(unit: str, numerator, denominator, **kwargs) -> Evidence:
    return Evidence(unit, frozenset(numerator), frozenset(denominator), **kwargs)


def _placeholder(reason: str) -> Source:
    async def unavailable(facts: Facts) -> Result:
        return Unavailable(reason)
    return unavailable


# -- 2. progress -----------------------------------------------------------------------------

def judged_dossiers(facts: Facts) -> set[int]:
    if "judged" not in facts.memo:
        start, end = facts.start, facts.end
        facts.memo["judged"] = {i for i, t in facts.timings.items() if judged(t, start, end)}
    return facts.memo["judged"]


def late_dossiers(facts: Facts) -> set[int]:
    if "late" not in facts.memo:
        limit, end, timings = facts.config.max_supplement_requests, facts.end, facts.timings
        facts.memo["late"] = {i for i in judged_dossiers(facts)
                              if not on_time(timings[i], end, limit)}
    return facts.memo["late"]


async def on_time_dossiers(facts: Facts) -> Result:
    base = judged_dossiers(facts)
    return _evidence(DOSSIERS, base - late_dossiers(facts), base)



async def processing_time_by_procedure(facts: Facts) -> Result:
    """2.2 per procedure; the rate: procedures whose average is within their limit."""
    spent: dict[int, list] = {}
    for i, r in facts.received.items():
        procedure = facts.procedures.get(r["procedure"])
        if r["finished_at"] is None or procedure is None:
            continue
        spent.setdefault(r["procedure"], []).append(processing_time(
            r["received_at"], r["finished_at"], facts.sides.pauses.get(i, []),
            procedure["time_limit_unit"], facts.calendar))
    within, notes = set(), {}
    for procedure_id, times in spent.items():
        procedure = facts.procedures[procedure_id]
        average = sum(times) / len(times)
        if average <= procedure["time_limit_amount"]:
            within.add(procedure_id)
        unit = procedure["time_limit_unit"]
        mean = round(Decimal(average.numerator) / average.denominator, 2)
        notes[procedure_id] = (f"trung bình {describe_time_limit(mean, unit)}, thời hạn "
                               f"{describe_time_limit(procedure['time_limit_amount'], unit)}"
                               f" · {len(times)} hồ sơ")
    return _evidence(PROCEDURES, within, spent, notes=notes)


# -- 3. online service -----------------------------------------------------------------------

def _online_offered(facts: Facts) -> set[int]:
    return {i for i, p in facts.procedures.items() if p["online_level"] in ("full", "partial")}


async def online_procedures(facts: Facts) -> Result:
    return _evidence(PROCEDURES, _online_offered(facts), facts.procedures)


async def online_services_used(facts: Facts) -> Result:
    used = {r["procedure"] for r in facts.received.values() if r["channel"] == 2}
    offered = _online_offered(facts)
    return _evidence(PROCEDURES, used & offered, offered)


async def online_dossiers(facts: Facts) -> Result:
    # Every procedure's result is taken to be a document (no such attribute yet), so an
    # online dossier counts once its electronic result exists.
    online = {i for i, r in facts.received.items() if r["channel"] == 2}
    return _evidence(DOSSIERS, online & facts.sides.e_result, facts.received)


def _with_fee(facts: Facts) -> set[int]:
    return {i for i, p in facts.procedures.items() if p["fee_amount"] > 0}


async def payment_procedures(facts: Facts) -> Result:
    fee = _with_fee(facts)
    return _evidence(PROCEDURES, fee & facts.sides.paid_procedures, fee)


async def paid_online(facts: Facts) -> Result:
    fee = _with_fee(facts)
    due = {i for i, r in facts.received.items() if r["procedure"] in fee}
    return _evidence(DOSSIERS, due & facts.sides.paid, due)


# -- 4. digitisation -------------------------------------------------------------------------

async def e_results(facts: Facts) -> Result:
    return _evidence(DOSSIERS, facts.finished & facts.sides.e_result, facts.finished)


async def digitised(facts: Facts) -> Result:
    sides = facts.sides
    return _evidence(DOSSIERS, facts.finished & sides.with_files & sides.e_result,
                     facts.finished)


async def reused(facts: Facts) -> Result:
    return _evidence(DOSSIERS, set(facts.received) & facts.sides.reused, facts.received)


async def warehouse_used(facts: Facts) -> Result:
    used = facts.sides.reused | facts.sides.in_warehouse
    return _evidence(DOSSIERS, set(facts.received) & used, facts.received)


async def population_data(facts: Facts) -> Result:
    verified = {i for i, r in facts.received.items() if r["verified_at"] is not None
                and r["verified_at"] < facts.end}
    procedures = {facts.received[i]["procedure"] for i in verified} & set(facts.procedures)
    share = _evidence(DOSSIERS, verified, facts.received)
    return _evidence(PROCEDURES, procedures, facts.procedures, companion=share)


# -- 5. satisfaction -------------------------------------------------------------------------

async def feedback_classified(facts: Facts) -> Result:
    rows = facts.feedback.rows
    return _evidence(FEEDBACK, {i for i, r in rows.items() if r["category"]}, rows)


async def feedback_on_time_share(facts: Facts) -> Result:
    timings = facts.feedback.timings
    return _evidence(FEEDBACK, {i for i, f in timings.items() if feedback_on_time(f, facts.end)},
                     timings)


async def feedback_satisfaction(facts: Facts) -> Result:
    fb = facts.feedback
    first = set(fb.timings) - fb.repeats
    unsatisfied = {i for i, f in fb.timings.items() if rated_unsatisfied(f, facts.end)}
    late = {i for i, f in fb.timings.items() if answered_late(f, facts.end)}
    return _evidence(FEEDBACK, (), first,
                     deducted=(frozenset(unsatisfied), frozenset(late),
                               frozenset(fb.raised_again)))


async def reception_satisfaction(facts: Facts) -> Result:
    base = judged_dossiers(facts)
    return _evidence(DOSSIERS, (), base, deducted=(
        frozenset(late_dossiers(facts)), frozenset(base & facts.sides.complained)))


SOURCES: dict[str, Source] = {
    "published_on_time": _placeholder(
        "Chưa có ngày ban hành quyết định công bố và ngày hiệu lực của văn bản quy phạm pháp "
        "luật cho từng thủ tục (phiên bản thủ tục kèm quyết định công bố)."),
    "catalogue_on_time": _placeholder(
        "Chưa lưu ngày quyết định công bố và thời điểm công khai từng phiên bản thủ tục."),
    "content_complete": _placeholder(
        "Chưa lưu các bộ phận của thủ tục theo Nghị định 63/2010 Điều 8 khoản 2 để kiểm tra."),
    "dossiers_synced": _placeholder("Chưa đồng bộ hồ sơ với Cổng Dịch vụ công quốc gia."),
    "on_time": on_time_dossiers,
    "processing_time": processing_time_by_procedure,
    "online_procedures": online_procedures,
    "online_services_used": online_services_used,
    "online_dossiers": online_dossiers,
    "payment_procedures": payment_procedures,
    "paid_online": paid_online,
    "e_results": e_results,
    "digitised": digitised,
    "reused": reused,
    "warehouse_used": warehouse_used,
    "population_data": population_data,
    "feedback_classified": feedback_classified,
    "feedback_on_time": feedback_on_time_share,
    "feedback_satisfaction": feedback_satisfaction,
    "reception_satisfaction": reception_satisfaction,
}
# The indicator 3.3 is weighted by this one's rate once it can be computed.
SYNC_RATE_OF = {"online_dossiers": "dossiers_synced"}

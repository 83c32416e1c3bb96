"""Where each indicator's numbers come from: one async function per indicator, in `SOURCES`.

A source takes the period's `Facts` and returns `Evidence` (the ids behind numerator and
denominator, so every number drills down to its dossiers, procedures or feedback) or
`Unavailable` with the reason shown on the page (`app.service_index.evidence`). Group 1
(publishing decisions, public pages, the national-portal sync) lives in `transparency`.
Where a procedure's result is a document (3.3, 4.1, 4.2) is the catalogue's result kind.
"""

from __future__ import annotations

from decimal import Decimal

from app.catalog.logic import describe_time_limit
from app.service_index import transparency
from app.service_index.evidence import Result, Source, evidence
from app.service_index.gather import Facts
from app.service_index.indicators import DOSSIERS, FEEDBACK, PROCEDURES
from app.service_index.rules import (
    answered_late,
    feedback_on_time,
    judged,
    on_time,
    processing_time,
    rated_unsatisfied,
)

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
    return evidence(DOSSIERS, base - late_dossiers(facts), base)



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
    return evidence(PROCEDURES, within, spent, notes=notes)


# -- 3. online service -----------------------------------------------------------------------

def _online_offered(facts: Facts) -> set[int]:
    return {i for i, p in facts.procedures.items() if p["online_level"] in ("full", "partial")}


async def online_procedures(facts: Facts) -> Result:
    return evidence(PROCEDURES, _online_offered(facts), facts.procedures)


async def online_services_used(facts: Facts) -> Result:
    used = {r["procedure"] for r in facts.received.values() if r["channel"] == 2}
    offered = _online_offered(facts)
    return evidence(PROCEDURES, used & offered, offered)


def _result_done(facts: Facts, ids) -> set[int]:
    """Of `ids`, the dossiers that need no electronic result (their procedure's result is
    not a document) or have one."""
    documents = facts.catalogue.document_results
    return {i for i in ids if i in facts.sides.e_result
            or facts.dossiers[i]["procedure"] not in documents}


async def online_dossiers(facts: Facts) -> Result:
    online = {i for i, r in facts.received.items() if r["channel"] == 2}
    return evidence(DOSSIERS, _result_done(facts, online), facts.received)


def _with_fee(facts: Facts) -> set[int]:
    return {i for i, p in facts.procedures.items() if p["fee_amount"] > 0}


async def payment_procedures(facts: Facts) -> Result:
    fee = _with_fee(facts)
    return evidence(PROCEDURES, fee & facts.sides.paid_procedures, fee)


async def paid_online(facts: Facts) -> Result:
    fee = _with_fee(facts)
    due = {i for i, r in facts.received.items() if r["procedure"] in fee}
    return evidence(DOSSIERS, due & facts.sides.paid, due)


# -- 4. digitisation -------------------------------------------------------------------------

async def e_results(facts: Facts) -> Result:
    documents = facts.catalogue.document_results
    due = {i for i in facts.finished if facts.dossiers[i]["procedure"] in documents}
    return evidence(DOSSIERS, due & facts.sides.e_result, due)


async def digitised(facts: Facts) -> Result:
    return evidence(DOSSIERS, _result_done(facts, facts.finished & facts.sides.with_files),
                    facts.finished)


async def reused(facts: Facts) -> Result:
    return evidence(DOSSIERS, set(facts.received) & facts.sides.reused, facts.received)


async def warehouse_used(facts: Facts) -> Result:
    used = facts.sides.reused | facts.sides.in_warehouse
    return evidence(DOSSIERS, set(facts.received) & used, facts.received)


async def population_data(facts: Facts) -> Result:
    verified = {i for i, r in facts.received.items() if r["verified_at"] is not None
                and r["verified_at"] < facts.end}
    procedures = {facts.received[i]["procedure"] for i in verified} & set(facts.procedures)
    share = evidence(DOSSIERS, verified, facts.received)
    return evidence(PROCEDURES, procedures, facts.procedures, companion=share)


# -- 5. satisfaction -------------------------------------------------------------------------

async def feedback_classified(facts: Facts) -> Result:
    rows = facts.feedback.rows
    return evidence(FEEDBACK, {i for i, r in rows.items() if r["category"]}, rows)


async def feedback_on_time_share(facts: Facts) -> Result:
    timings = facts.feedback.timings
    return evidence(FEEDBACK, {i for i, f in timings.items() if feedback_on_time(f, facts.end)},
                     timings)


async def feedback_satisfaction(facts: Facts) -> Result:
    fb = facts.feedback
    first = set(fb.timings) - fb.repeats
    unsatisfied = {i for i, f in fb.timings.items() if rated_unsatisfied(f, facts.end)}
    late = {i for i, f in fb.timings.items() if answered_late(f, facts.end)}
    return evidence(FEEDBACK, (), first,
                     deducted=(frozenset(unsatisfied), frozenset(late),
                               frozenset(fb.raised_again)))


async def reception_satisfaction(facts: Facts) -> Result:
    base = judged_dossiers(facts)
    return evidence(DOSSIERS, (), base, deducted=(
        frozenset(late_dossiers(facts)), frozenset(base & facts.sides.complained)))


SOURCES: dict[str, Source] = {
    "published_on_time": transparency.decisions_on_time,
    "catalogue_on_time": transparency.pages_public_on_time,
    "content_complete": transparency.complete_pages,
    "dossiers_synced": transparency.dossiers_synced,
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
# 3.3 is weighted by the sync rate of 1.4 (not when the portal is not connected: 100 %).
SYNC_RATE_OF = {"online_dossiers": "dossiers_synced"}

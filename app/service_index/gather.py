"""What the index reads from the database for one period and scope, read once (`Facts`).

Portable Piccolo queries, each over an indexed range: dossiers received in the period,
dossiers processed since its start or still open (2.1 judges both), closing events since
its start, and the side tables joined on those ranges. Dossiers of internal procedures
(TTHC nội bộ) are not the public's and are left out. The indicators
(`app.service_index.sources`) are computed from these facts; per agency they are the same
facts filtered, so the province and all its agencies cost one read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from app.calendar.deadlines import deadline
from app.calendar.logic import WorkingCalendar
from app.calendar.service import current_calendar
from app.catalog.tables import Procedure
from app.dossiers.logic import OPEN_STATUSES, Status
from app.dossiers.tables import Dossier, DossierApology, DossierEvent, DossierPause
from app.formatting import now_utc, to_local
from app.reports.logic import CLOSING_ACTIONS, Period
from app.service_index import side_facts
from app.service_index.catalogue_facts import CatalogueFacts, catalogue_facts
from app.service_index.config import IndexConfig
from app.service_index.rules import DossierTiming

BATCH = 500


@dataclass
class Facts:
    period: Period
    config: IndexConfig
    calendar: WorkingCalendar
    # unit ("dossier", "procedure", "feedback") → id → agency, for per-agency views
    agency_of: dict[str, dict[int, int]] = field(default_factory=dict)
    dossiers: dict[int, dict] = field(default_factory=dict)  # id → code, procedure, agency
    procedures: dict[int, dict] = field(default_factory=dict)  # public ones in scope
    timings: dict[int, DossierTiming] = field(default_factory=dict)  # 2.1 candidates
    received: dict[int, dict] = field(default_factory=dict)  # received in the period
    finished: set[int] = field(default_factory=set)  # processed in the period
    sides: side_facts.SideFacts = field(default_factory=side_facts.SideFacts)
    feedback: side_facts.FeedbackFacts = field(default_factory=side_facts.FeedbackFacts)
    catalogue: CatalogueFacts = field(default_factory=CatalogueFacts)
    memo: dict = field(default_factory=dict)  # sets several indicators share (2.1's late)
    start: datetime = field(init=False)
    end: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.start, self.end = self.period.start_at, self.period.end_at


def batches(ids: Iterable[int], size: int = BATCH) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for at in range(0, len(ordered), size):
        yield ordered[at:at + size]


def _scoped(query, column, agency_ids: list[int] | None):
    return query if agency_ids is None else query.where(column.is_in(agency_ids or [-1]))


_DOSSIER = (Dossier.id, Dossier.code, Dossier.agency, Dossier.procedure)
_TIMING = (Dossier.received_at, Dossier.due_at, Dossier.finished_at, Dossier.returned_at,
           Dossier.supplement_requests, Dossier.assignee)


async def _public():
    """Not a dossier of an internal procedure: a short list of ids rather than a join,
    which would make SQLite walk dossiers by procedure instead of by the date range."""
    internal = [r["id"] for r in await Procedure.select(Procedure.id).where(
        Procedure.internal.eq(True))]
    return Dossier.procedure.not_in(internal or [-1])


async def _candidates(period: Period, agency_ids: list[int] | None) -> list[dict]:
    """Dossiers 2.1 may judge: processed in the period, processed after it but received
    before its end (open at the end), open now, or closed since its start. The two
    processed ranges both walk the (finished_at, received_at) index, so a past period does
    not read every dossier processed since."""
    start, end = period.start_at, period.end_at
    public = await _public()
    received_before_end = Dossier.received_at.is_not_null() & (Dossier.received_at < end)
    processed = [r for r in await _scoped(Dossier.select(*_DOSSIER, *_TIMING).where(
        public & (Dossier.finished_at >= start) & (Dossier.finished_at < end)),
        Dossier.agency, agency_ids) if r["received_at"] is not None]
    processed += await _scoped(Dossier.select(*_DOSSIER, *_TIMING).where(
        public & (Dossier.finished_at >= end) & received_before_end),
        Dossier.agency, agency_ids)
    open_now = await _scoped(Dossier.select(*_DOSSIER, *_TIMING).where(
        public & received_before_end & Dossier.finished_at.is_null()
        & Dossier.status.is_in([s.value for s in OPEN_STATUSES])), Dossier.agency, agency_ids)
    closings: dict[int, datetime] = {}
    for row in await DossierEvent.select(DossierEvent.dossier, DossierEvent.at).where(
            DossierEvent.action.is_in(list(CLOSING_ACTIONS)) & (DossierEvent.at >= start)):
        closings[row["dossier"]] = max(row["at"], closings.get(row["dossier"], row["at"]))
    closed = []
    for ids in batches(closings):
        closed += await _scoped(Dossier.select(*_DOSSIER, *_TIMING).where(
            public & received_before_end & Dossier.finished_at.is_null()
            & side_facts.among("dossier.id", ids)), Dossier.agency, agency_ids)
    for row in closed:
        row["closed_at"] = closings[row["id"]]
    return processed + open_now + closed


async def _first_moments(table, moment, ids: set[int], condition=None
                         ) -> dict[int, datetime]:
    """dossier id → earliest `moment` of its `table` rows (batched over `ids`)."""
    found: dict[int, datetime] = {}
    for row in await side_facts.rows_of(table, (table.dossier, moment.as_alias("at")),
                                        condition, ids):
        if row["dossier"] not in found or row["at"] < found[row["dossier"]]:
            found[row["dossier"]] = row["at"]
    return found


async def _timings(facts: Facts, rows: list[dict]) -> None:
    end = facts.end
    ids = {r["id"] for r in rows}
    apologies = await _first_moments(DossierApology, DossierApology.created_at, ids)
    unended = {r["id"] for r in rows
               if (r["finished_at"] or r.get("closed_at") or end) >= end}
    supplement = DossierPause.reason == "supplement"
    waiting = await _first_moments(DossierPause, DossierPause.started_at, unended,
                                   supplement & (DossierPause.started_at < end)
                                   & (DossierPause.ended_at.is_null()
                                      | (DossierPause.ended_at >= end)))
    for r in rows:
        due = r["due_at"]
        if due is None:  # no appointment: the procedure's own limit, supplement waits left out
            due = await _legal_due(facts, r)
        facts.timings[r["id"]] = DossierTiming(
            received_at=r["received_at"], due_at=due,
            finished_at=r["finished_at"] or r["returned_at"], closed_at=r.get("closed_at"),
            supplement_requests=r["supplement_requests"], waiting_since=waiting.get(r["id"]),
            apologised_at=apologies.get(r["id"]))


async def _legal_due(facts: Facts, row: dict) -> datetime | None:
    limit = facts.procedures.get(row["procedure"]) or await Procedure.select(
        Procedure.time_limit_amount, Procedure.time_limit_unit).where(
        Procedure.id == row["procedure"]).first()
    if limit is None:
        return None
    pauses = await DossierPause.select(DossierPause.started_at, DossierPause.ended_at).where(
        (DossierPause.dossier == row["id"]) & DossierPause.ended_at.is_not_null())
    return deadline(row["received_at"], limit["time_limit_amount"], limit["time_limit_unit"],
                    pauses=[(p["started_at"], p["ended_at"]) for p in pauses],
                    calendar=facts.calendar)


async def progress_timings(period: Period, config: IndexConfig) -> tuple[list[dict], Facts]:
    """Only what 2.1 reads, for the whole province: the candidate rows (with assignee) and
    their timings (`facts.timings`). The public late lists are built from this."""
    facts = Facts(period, config, await current_calendar())
    candidates = await _candidates(period, None)
    await _timings(facts, candidates)
    return candidates, facts


def local_today() -> date:
    """Today in Việt Nam: the one "today" of the index, for its pages (which periods are
    offered, which are closed) and its catalogue facts (pages of a period still running)."""
    return to_local(now_utc()).date()


async def gather(period: Period, agency_ids: list[int] | None, config: IndexConfig,
                 today: date | None = None) -> Facts:
    """Everything the indicators read for `period`, within `agency_ids` (None: province);
    `today` (local) bounds the catalogue's pages of a period still running."""
    facts = Facts(period, config, await current_calendar())
    facts.catalogue = await catalogue_facts(period, agency_ids,
                                            today or local_today(),
                                            config.default_result_kind)
    facts.procedures = {p["id"]: p for p in await _scoped(Procedure.select(
        Procedure.id, Procedure.code, Procedure.name, Procedure.agency, Procedure.online_level,
        Procedure.fee_amount, Procedure.time_limit_amount, Procedure.time_limit_unit).where(
        Procedure.active.eq(True) & Procedure.internal.eq(False)), Procedure.agency, agency_ids)}
    candidates = await _candidates(period, agency_ids)
    received = await _scoped(Dossier.select(
        *_DOSSIER, Dossier.channel, Dossier.received_at, Dossier.finished_at,
        Dossier.applicant.id_verified_at.as_alias("verified_at")).where(
        await _public() & (Dossier.received_at >= facts.start) & (Dossier.received_at < facts.end)
        & (Dossier.status != Status.DRAFT.value)), Dossier.agency, agency_ids)
    for row in candidates + received:
        facts.dossiers.setdefault(row["id"], {k: row[k] for k in ("code", "procedure",
                                                                   "agency")})
    facts.received = {r["id"]: r for r in received}
    facts.finished = {r["id"] for r in candidates if r["finished_at"] is not None
                      and facts.start <= r["finished_at"] < facts.end}
    await _timings(facts, candidates)
    facts.agency_of = {
        "dossier": {i: d["agency"] for i, d in facts.dossiers.items()},
        "procedure": {i: p["agency"] for i, p in
                      {**facts.catalogue.named, **facts.procedures}.items()},
    }
    facts.sides = await side_facts.dossier_sides(set(facts.received) | facts.finished,
                                                 facts.start, facts.end)
    facts.feedback = await side_facts.feedback_facts(period, agency_ids, facts.calendar)
    facts.agency_of["feedback"] = facts.feedback.agency_of
    return facts

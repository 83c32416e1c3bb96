"""Late dossiers with and without an apology, counted per agency and per officer.

The Kon Tum rule: every late dossier has a written apology with a new appointment (form 04).
A dossier is late *without* an apology when it missed its current appointment and nobody
apologised for that appointment: open with the clock running and `due_at` passed, or
finished after `due_at`. It is late *with* an apology when it has at least one apology and
no such unanswered miss. An apology always moves `due_at` to its new appointment, so "an
apology for the current appointment" only exists in imported history; the condition still
checks it so such data is judged as the page of dossiers to apologise for judges it.

The officer of a dossier is the one holding it (its assignee); once it left processing
(finished, returned, unassigned) the one who last moved it out of processing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.columns.combination import Where, WhereRaw

from app.accounts.tables import User
from app.directory.tables import Agency
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierEvent
from app.formatting import now_utc
from app.workflow.watch import _clock_runs

# Portable SQL (SQLite and PostgreSQL): Piccolo has no correlated EXISTS or column-to-column
# comparison, and both are needed to keep counting inside the database.
NO_APOLOGY_FOR_CURRENT_DUE = (
    "NOT EXISTS (SELECT 1 FROM dossier_apology a WHERE a.dossier = dossier.id "
    "AND a.previous_due_at = dossier.due_at)"
)
HAS_APOLOGY = "EXISTS (SELECT 1 FROM dossier_apology a WHERE a.dossier = dossier.id)"
FINISHED_AFTER_DUE = "dossier.finished_at > dossier.due_at"
FINISHED = (Status.PROCESSED.value, Status.RETURNED.value)
BATCH = 500


def missed_without_apology(now: datetime) -> Where:
    """Late now with no apology for the appointment missed."""
    open_late = _clock_runs() & (Dossier.due_at <= now)
    finished_late = Dossier.status.is_in(list(FINISHED)) & WhereRaw(FINISHED_AFTER_DUE)
    return (open_late | finished_late) & WhereRaw(NO_APOLOGY_FOR_CURRENT_DUE)


def apologised(now: datetime) -> Where:
    """Late, and every appointment missed so far has its apology."""
    unanswered = Dossier.select(Dossier.id).where(missed_without_apology(now))
    return WhereRaw(HAS_APOLOGY) & Dossier.id.not_in(unanswered)


@dataclass(frozen=True)
class LateCount:
    """One row of the page: an agency or an officer."""

    key: int | None
    name: str
    with_apology: int
    without_apology: int

    @property
    def total(self) -> int:
        return self.with_apology + self.without_apology


@dataclass(frozen=True)
class LateReport:
    by_agency: list[LateCount]
    by_officer: list[LateCount]

    @property
    def with_apology(self) -> int:
        return sum(row.with_apology for row in self.by_agency)

    @property
    def without_apology(self) -> int:
        return sum(row.without_apology for row in self.by_agency)


def _batches(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


async def _officers(rows: list[dict]) -> dict[int, int | None]:
    """dossier id -> officer: the assignee, else who last moved it out of processing."""
    officer = {row["id"]: row["assignee"] for row in rows}
    unassigned = [row["id"] for row in rows if row["assignee"] is None]
    for batch in _batches(unassigned):
        events = await DossierEvent.select(DossierEvent.dossier, DossierEvent.actor).where(
            DossierEvent.dossier.is_in(batch)
            & (DossierEvent.from_status == Status.PROCESSING.value)
        ).order_by(DossierEvent.id)
        for event in events:  # later events overwrite earlier ones
            officer[event["dossier"]] = event["actor"]
    return officer


async def officers_of(rows: list[dict]) -> dict[int, int | None]:
    """dossier id -> officer, for rows with `id` and `assignee` (the public late lists)."""
    return await _officers(rows)


async def _names(table, ids: set[int]) -> dict[int, str]:
    column = table.full_name if table is User else table.name
    names: dict[int, str] = {}
    for batch in _batches(sorted(ids)):
        for row in await table.select(table.id, column.as_alias("name")).where(
                table.id.is_in(batch)):
            names[row["id"]] = row["name"]
    return names


def _rows(with_counts: Counter, without_counts: Counter, names: dict[int, str],
          nobody: str) -> list[LateCount]:
    keys = set(with_counts) | set(without_counts)
    rows = [LateCount(key, names.get(key, nobody) if key is not None else nobody,
                      with_counts[key], without_counts[key]) for key in keys]
    return sorted(rows, key=lambda r: (-r.without_apology, -r.total, r.name))


def received_in(scope: Where, received_from: datetime | None,
                received_to: datetime | None) -> Where:
    """`scope` narrowed to dossiers received in [received_from, received_to)."""
    where = scope
    if received_from is not None:
        where &= Dossier.received_at >= received_from
    if received_to is not None:
        where &= Dossier.received_at < received_to
    return where


async def late_report(scope: Where, *, received_from: datetime | None = None,
                      received_to: datetime | None = None,
                      now: datetime | None = None) -> LateReport:
    """Late dossiers within `scope` (a `visible_to` condition), received in the period."""
    now = now or now_utc()
    where = received_in(scope, received_from, received_to)
    columns = (Dossier.id, Dossier.agency, Dossier.assignee)
    without = await Dossier.select(*columns).where(where & missed_without_apology(now))
    with_ = await Dossier.select(*columns).where(where & apologised(now))
    officers = await _officers(without + with_)
    agency_names = await _names(Agency, {r["agency"] for r in without + with_})
    officer_names = await _names(User, {o for o in officers.values() if o is not None})

    def count(rows: list[dict[str, Any]], key) -> Counter:
        return Counter(key(row) for row in rows)

    by_agency = _rows(count(with_, lambda r: r["agency"]),
                      count(without, lambda r: r["agency"]), agency_names, "—")
    by_officer = _rows(count(with_, lambda r: officers[r["id"]]),
                       count(without, lambda r: officers[r["id"]]), officer_names,
                       "Chưa giao người xử lý")
    return LateReport(by_agency=by_agency, by_officer=by_officer)


async def count_overdue_without_apology(scope: Where, *, now: datetime | None = None) -> int:
    """Open dossiers past their appointment with no apology for it (the dashboard count)."""
    now = now or now_utc()
    return await Dossier.count().where(
        scope & _clock_runs() & (Dossier.due_at <= now) & WhereRaw(NO_APOLOGY_FOR_CURRENT_DUE))


async def overdue_without_apology_page(scope: Where, *, limit: int,
                                       now: datetime | None = None) -> list[dict]:
    """The `limit` most late of them, most late first."""
    now = now or now_utc()
    return await Dossier.select(
        Dossier.id, Dossier.code, Dossier.due_at,
        Dossier.procedure.name.as_alias("procedure_name"),
        Dossier.assignee.full_name.as_alias("assignee_name"),
    ).where(
        scope & _clock_runs() & (Dossier.due_at <= now) & WhereRaw(NO_APOLOGY_FOR_CURRENT_DUE)
    ).order_by(Dossier.due_at).order_by(Dossier.id).limit(limit)

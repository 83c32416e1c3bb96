"""Monthly snapshots of the index, written by the worker and read by the charts page.

The charts show twelve months; computing a month of a large province costs about half a
second of CPU (bench/RESULTS.md), so the worker keeps each month's figures — the
province's and every agency's score and measures — in `index_snapshot`:
every hour the running month and any month of the last twelve whose snapshot is missing,
was computed under another configuration, or was computed before the month ended; every
night all of them again, so late corrections (a dossier's dates fixed, a sync acknowledged
late) reach the charts within a day. Writing is idempotent: the same figures again only
refresh `computed_at`; changed figures replace the month's rows in one transaction with
an audit entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from app.audit import service as audit
from app.db import write_transaction
from app.reports.periods import Kind, Period, started_periods
from app.service_index import service
from app.service_index.config import IndexConfig
from app.service_index.logic import Measure
from app.service_index.tables import IndexSnapshot

MONTHS = 12  # the charts' window before the running month
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Figures:
    """What the charts read of one month's index for the province (`agency_id` None) or
    one agency: its score and its measured indicators."""

    agency_id: int | None
    score: Decimal
    measures: dict[str, Measure]


def figures_of(index: service.AgencyIndex) -> Figures:
    return Figures(index.agency_id, index.result.score, index.measures)


def config_digest(config: IndexConfig) -> str:
    """Names a configuration: a snapshot counts only under the one it was computed with."""
    return hashlib.sha256(repr(config).encode()).hexdigest()


def _encode(measures: dict[str, Measure]) -> str:
    return json.dumps({k: [m.numerator, m.denominator, m.factor.numerator,
                           m.factor.denominator] for k, m in sorted(measures.items())})


def _decode(value) -> dict[str, Measure]:
    data = json.loads(value) if isinstance(value, str) else value
    return {k: Measure(n, d, Fraction(fn, fd)) for k, (n, d, fn, fd) in data.items()}


def _score(value) -> Decimal:
    """A stored score as the index gives it (SQLite may hand back a float)."""
    return Decimal(str(value)).quantize(CENT)


def _slot(period: Period, agency_id: int | None) -> str:
    return f"{period.slug}:{agency_id or 0}"


async def write_month(period: Period, config: IndexConfig, now: datetime) -> bool:
    """Compute one month and keep it; True when its figures changed. The computation runs
    before the write transaction, which then holds the lock only for a few statements."""
    province, agencies = await service.province_index(period, config)
    found = [figures_of(province), *(figures_of(a) for a in agencies)]
    digest = config_digest(config)
    wanted = {(_slot(period, f.agency_id), f.score, _encode(f.measures)) for f in found}
    async with write_transaction():
        stored = await IndexSnapshot.select(
            IndexSnapshot.slot, IndexSnapshot.score, IndexSnapshot.measures,
            IndexSnapshot.config_digest).where(IndexSnapshot.month == period.slug)
        held = {(r["slot"], _score(r["score"]), _encode(_decode(r["measures"])))
                for r in stored}
        if held == wanted and all(r["config_digest"] == digest for r in stored):
            await IndexSnapshot.update({IndexSnapshot.computed_at: now}).where(
                IndexSnapshot.month == period.slug)
            return False
        await IndexSnapshot.delete().where(IndexSnapshot.month == period.slug)
        await IndexSnapshot.insert(*(IndexSnapshot(
            month=period.slug, slot=_slot(period, f.agency_id), agency=f.agency_id,
            score=f.score, measures=_encode(f.measures), config_digest=digest,
            computed_at=now) for f in found))
        await audit.record("service_index.snapshot", "index_snapshot", period.slug, {
            "score": str(province.result.score), "agencies": len(agencies)})
    return True


def _counts(row: dict, period: Period, digest: str) -> bool:
    """A snapshot stands for its month under this configuration once the month is over."""
    return row["config_digest"] == digest and row["computed_at"] >= period.end_at


async def read_months(periods: Iterable[Period], config: IndexConfig
                      ) -> dict[Period, tuple[Figures, list[Figures]]]:
    """The snapshots that count for these months: month → (province, agencies)."""
    by_slug = {p.slug: p for p in periods}
    digest = config_digest(config)
    found: dict[Period, tuple[Figures | None, list[Figures]]] = {}
    for row in await IndexSnapshot.select(
            IndexSnapshot.month, IndexSnapshot.agency, IndexSnapshot.score,
            IndexSnapshot.measures, IndexSnapshot.config_digest, IndexSnapshot.computed_at
    ).where(IndexSnapshot.month.is_in(sorted(by_slug) or [""])):
        period = by_slug[row["month"]]
        if not _counts(row, period, digest):
            continue
        province, agencies = found.setdefault(period, (None, []))
        figures = Figures(row["agency"], _score(row["score"]), _decode(row["measures"]))
        if row["agency"] is None:
            found[period] = (figures, agencies)
        else:
            agencies.append(figures)
    return {p: (province, agencies) for p, (province, agencies) in found.items()
            if province is not None}


async def refresh(today: date, config: IndexConfig, now: datetime, *,
                  everything: bool = False, months: int = MONTHS) -> list[str]:
    """Write the running month and, of the `months` before it, every one whose snapshot
    does not count (or all of them: `everything`); the slugs written, oldest first."""
    periods = list(reversed(started_periods(Kind.MONTH, today, months + 1)))
    counting = await read_months(periods, config)
    written = []
    for period in periods:
        if everything or period.last_day >= today or period not in counting:
            await write_month(period, config, now)
            written.append(period.slug)
    return written

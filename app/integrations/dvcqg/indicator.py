"""Indicator 1.4 of the service index (Quyết định 766): dossiers synced to the national
portal with a reception date in the period ÷ dossiers received in the period.

A dossier counts as synced once the portal acknowledged a version carrying its reception
date (`national_sync.reception_synced_at`). The ids behind both counts are returned so the
index can drill down to them (`app.service_index.sources`: plug `sync_evidence` in as the
1.4 source).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Protocol

from app.dossiers.tables import Dossier
from app.integrations.dvcqg.tables import NationalSync


class PeriodLike(Protocol):
    """Any reporting period: `app.reports` periods have these (local midnights, end
    exclusive)."""

    @property
    def start_at(self) -> datetime: ...

    @property
    def end_at(self) -> datetime: ...


@dataclass(frozen=True)
class SyncFacts:
    received: frozenset[int]  # the denominator: dossiers received in the period
    synced: frozenset[int]  # the numerator: those the portal holds with their reception

    @property
    def numerator(self) -> int:
        return len(self.synced & self.received)

    @property
    def denominator(self) -> int:
        return len(self.received)

    @property
    def rate(self) -> Fraction | None:
        """None when nothing was received (the index shows N/A, not 0 %)."""
        return Fraction(self.numerator, self.denominator) if self.denominator else None


async def sync_evidence(start: datetime, end: datetime,
                        agency_ids: list[int] | None = None) -> SyncFacts:
    """Dossiers received in [start, end) — of the agencies given, else the province."""
    where = (Dossier.received_at >= start) & (Dossier.received_at < end)
    if agency_ids is not None:
        where &= Dossier.agency.is_in(list(agency_ids) or [-1])
    received = {row["id"] for row in await Dossier.select(Dossier.id).where(where)}
    synced = set()
    if received:
        rows = await NationalSync.select(NationalSync.dossier).where(
            NationalSync.dossier.is_in(list(received))
            & NationalSync.reception_synced_at.is_not_null())
        synced = {row["dossier"] for row in rows}
    return SyncFacts(frozenset(received), frozenset(synced))


async def sync_rate(agency_id: int | None, period: PeriodLike) -> SyncFacts:
    """1.4 for one agency (None: the province) and a period."""
    return await sync_evidence(period.start_at, period.end_at,
                               None if agency_id is None else [agency_id])

"""The index month by month, for the charts: the province's score, an agency's on-time and
online rates, and late dossiers by agency in one period.

Every month is the cached index of that month (`service.cached_province_index`): a month
that is over is kept an hour, the running one a minute, so a chart page costs at most one
computation of the current month once the past ones are warm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.reports.periods import Kind, Period, started_periods
from app.service_index import service
from app.service_index.charts import Point
from app.service_index.config import IndexConfig

MONTHS = 12


@dataclass(frozen=True)
class Series:
    points: list[Point]
    periods: list[Period]


async def months(until: date, today: date, config: IndexConfig, count: int = MONTHS):
    """(period, province, agencies) for the `count` months up to the one holding `until`
    (never past `today`), oldest first."""
    out = []
    for period in reversed(started_periods(Kind.MONTH, min(until, today), count)):
        province, agencies = await service.cached_province_index(
            period, config, closed=period.last_day < today)
        out.append((period, province, agencies))
    return out


def _label(period: Period) -> str:
    return f"{period.month}/{period.year % 100:02d}"


def score_series(history) -> Series:
    return Series([Point(_label(p), province.result.score) for p, province, _ in history],
                  [p for p, _, _ in history])


def rate_series(history, key: str, agency_id: int | None) -> Series:
    """An indicator's rate per month for the province or one agency (None: N/A)."""
    points = []
    for period, province, agencies in history:
        shown = province if agency_id is None else next(
            (a for a in agencies if a.agency_id == agency_id), None)
        measure = shown.measures.get(key) if shown is not None else None
        rate = measure.rate if measure is not None else None
        points.append(Point(_label(period), rate))
    return Series(points, [p for p, _, _ in history])


def late_by_agency(agencies) -> list[tuple[str, int]]:
    """Dossiers late for 2.1 in the period, per agency, those with none left out."""
    rows = []
    for agency in agencies:
        measure = agency.measures.get("on_time")
        if measure is not None and measure.denominator > measure.numerator:
            rows.append((agency.name, measure.denominator - measure.numerator))
    return rows


"""The service index of a period, for the province and each agency, and the items behind
each number.

`gather` reads the period's facts once; every indicator's source (`sources.SOURCES`) turns
them into evidence; per agency the evidence is filtered, not read again. The public page's
figures are kept a little while (`cached_province_index`): a month of a large province
costs about a second of CPU (bench/service_index.py), which anonymous visitors must not be
able to demand on every request.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

from app.catalog.tables import Procedure
from app.directory.tables import Agency
from app.reports.periods import Kind, Period, make_period
from app.service_index import logic
from app.service_index.evidence import Evidence, Result, Unavailable
from app.service_index.gather import Facts, gather
from app.service_index.indicators import DOSSIERS, PROCEDURES
from app.service_index.logic import IndexConfig, IndexScore, Measure
from app.service_index.sources import SOURCES, SYNC_RATE_OF
from app.web.short_cache import MemoryCache, database_key, kept, short_cache


def load_config() -> IndexConfig:
    """Defaults, or the JSON file named by MOTCUA_INDEX_CONFIG (read on each call, so an
    edited file takes effect without a restart; a bad file raises ConfigError)."""
    path = os.environ.get("MOTCUA_INDEX_CONFIG", "")
    if not path:
        return IndexConfig()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise logic.ConfigError(f"Không đọc được tệp cấu hình bộ chỉ số {path}.") from exc
    return logic.parse_config(text)


def month_period(year: int, month: int) -> Period:
    """A calendar month (local dates): the index's usual period."""
    return make_period(Kind.MONTH, year, month)


@dataclass(frozen=True)
class AgencyIndex:
    agency_id: int | None  # None: the whole province
    name: str
    result: IndexScore
    evidence: dict[str, Result]

    @property
    def measures(self) -> dict[str, Measure]:
        return {s.indicator.key: s.measure for g in self.result.groups for s in g.indicators
                if s.measure is not None}


async def _evidence(facts: Facts) -> dict[str, Result]:
    return {ind.key: await SOURCES[ind.key](facts) for ind in facts.config.indicators}


def _score(config: IndexConfig, evidence: dict[str, Result]) -> IndexScore:
    measures = {k: e.measure() for k, e in evidence.items() if isinstance(e, Evidence)}
    for key, sync in SYNC_RATE_OF.items():  # 3.3 × the sync rate of 1.4, once it exists
        if key in measures and measures.get(sync) and measures[sync].denominator:
            rate = Fraction(measures[sync].numerator, measures[sync].denominator)
            measures[key] = replace(measures[key], factor=rate)
    reasons = {k: e.reason for k, e in evidence.items() if isinstance(e, Unavailable)}
    return logic.evaluate(config, measures, reasons)


def _by_agency(facts: Facts) -> dict[int, dict[str, frozenset[int]]]:
    """agency → unit → the ids of its items, built once for every agency."""
    found: dict[int, dict[str, set[int]]] = {}
    for unit, owners in facts.agency_of.items():
        for item, agency in owners.items():
            if agency:
                found.setdefault(agency, {}).setdefault(unit, set()).add(item)
    return {a: {u: frozenset(ids) for u, ids in units.items()} for a, units in found.items()}


async def province_index(period: Period, config: IndexConfig
                         ) -> tuple[AgencyIndex, list[AgencyIndex]]:
    """The province's index and one per agency that has procedures, dossiers or feedback."""
    facts = await gather(period, None, config)
    evidence = await _evidence(facts)
    province = AgencyIndex(None, "Toàn tỉnh", _score(config, evidence), evidence)
    owned = _by_agency(facts)
    names = {a["id"]: a["name"] for a in await Agency.select(Agency.id, Agency.name).where(
        Agency.id.is_in(sorted(owned) or [-1]))}
    agencies = []
    for agency_id, own in owned.items():
        kept = {k: e.kept(own) if isinstance(e, Evidence) else e for k, e in evidence.items()}
        agencies.append(AgencyIndex(agency_id, names.get(agency_id, ""),
                                    _score(config, kept), kept))
    agencies.sort(key=lambda a: a.name)
    return province, agencies


@dataclass(frozen=True)
class Item:
    """One row of a drill-down: a dossier, a procedure or a feedback item."""

    id: int
    code: str
    name: str
    agency_id: int | None
    agency_name: str
    counted: bool
    note: str = ""


@dataclass(frozen=True)
class Drill:
    evidence: Result
    measure: Measure | None
    items: list[Item]  # the denominator, counted ones marked


async def drill_down(period: Period, agency_ids: list[int] | None, key: str,
                     config: IndexConfig, *, fresh: bool = True) -> Drill:
    """The items behind one indicator; staff get them fresh, the public page's lists (of
    procedures) come from facts kept a minute."""
    facts = await _gathered(period, agency_ids, config, fresh)
    found = await SOURCES[key](facts)
    if isinstance(found, Unavailable):
        return Drill(found, None, [])
    counted = found.counted()
    agencies = {a["id"]: a["name"] for a in await Agency.select(Agency.id, Agency.name)}
    others = await _procedure_names(facts, found)
    items = [_item(facts, found, i, i in counted, agencies, others) for i in found.denominator]
    items.sort(key=lambda item: (item.counted, item.code))
    return Drill(found, found.measure(), items)


async def _procedure_names(facts: Facts, evidence: Evidence) -> dict[int, dict]:
    """Procedures of listed dossiers that the facts do not hold (no longer active)."""
    if evidence.unit != DOSSIERS:
        return {}
    missing = {facts.dossiers[i]["procedure"] for i in evidence.denominator} - set(
        facts.procedures)
    return {p["id"]: p for p in await Procedure.select(
        Procedure.id, Procedure.code, Procedure.name).where(
        Procedure.id.is_in(sorted(missing) or [-1]))}


def _item(facts: Facts, evidence: Evidence, item_id: int, counted: bool,
          agencies: dict[int, str], others: dict[int, dict]) -> Item:
    note = evidence.notes.get(item_id, "")
    if evidence.unit == DOSSIERS:
        row = facts.dossiers[item_id]
        procedure = facts.procedures.get(row["procedure"]) or others[row["procedure"]]
        return Item(item_id, row["code"], f"{procedure['code']} · {procedure['name']}",
                    row["agency"], agencies.get(row["agency"], ""), counted, note)
    if evidence.unit == PROCEDURES:  # an abolished one is named by the catalogue's facts
        p = facts.procedures.get(item_id) or facts.catalogue.named[item_id]
        return Item(item_id, p["code"], p["name"], p["agency"], agencies.get(p["agency"], ""),
                    counted, note)
    f = facts.feedback.rows[item_id]
    agency = facts.feedback.agency_of.get(item_id)
    return Item(item_id, f["code"], f["title"], agency, agencies.get(agency, ""), counted, note)


# -- caches for the public pages -------------------------------------------------------------

CACHE_SECONDS = 60.0  # the current period: "real time" within a minute
# A period already over changes only by late corrections, and the charts page reads twelve
# of them (about half a second of CPU each on a large province: bench/RESULTS.md).
CLOSED_CACHE_SECONDS = 6 * 3600.0


# The figures: in this process's memory, or shared by every web process (MOTCUA_CACHE_URL).
_indexes = short_cache("service_index")
# The facts behind the item lists stay in each process: a month's rows of a large province
# (megabytes, read-only views that do not pickle) are cheaper to read again than to ship.
_facts = MemoryCache(32)


async def cached_province_index(period: Period, config: IndexConfig, *, clock=time.time,
                                closed: bool = False
                                ) -> tuple[AgencyIndex, list[AgencyIndex]]:
    # Keys hold the database, period, agencies and config (plain values, stable repr), so
    # they are the same in every process.
    return await kept(_indexes, database_key(period, config),
                      lambda: province_index(period, config), now=clock(),
                      ttl=CLOSED_CACHE_SECONDS if closed else CACHE_SECONDS)


async def _gathered(period: Period, agency_ids: list[int] | None, config: IndexConfig,
                    fresh: bool) -> Facts:
    if fresh:
        return await gather(period, agency_ids, config)
    key = database_key(period, tuple(agency_ids) if agency_ids else None, config)
    return await kept(_facts, key, lambda: gather(period, agency_ids, config),
                      now=time.time(), ttl=CACHE_SECONDS)

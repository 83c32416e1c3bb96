"""The service index from the database: which dossiers stand behind each rate of a period.

For a period [start, end) and a scope (some agencies, or the whole province) `gather`
reads, with portable Piccolo queries, the dossiers finished in the period (progress,
payment, digitisation) and those received in it (online share), and keeps for each
indicator the ids of its numerator and denominator — so every number can drill down to
its dossiers. On time / late is the monthly report's own classification
(`app.reports.logic.classify`), plus the index's limit on supplement requests.
Satisfaction comes from `app.ratings` and `app.feedback`.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from app.catalog.tables import Procedure
from app.directory.tables import Agency
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierApology, DossierComponent, DossierResult
from app.feedback import service as feedback
from app.payments.logic import PaymentStatus
from app.payments.tables import Payment
from app.ratings import service as ratings
from app.reports import logic as report_logic
from app.reports.logic import DossierFacts, Period
from app.service_index import logic
from app.service_index.logic import IndexConfig, IndexScore, Measure
from app.settings import get_settings
from app.warehouse.logic import Source
from app.warehouse.tables import WarehouseDocument

# Indicators with no data in the system yet, and why (shown on the page as they are).
NOT_YET: dict[str, str] = {
    "published_on_time": "Chưa quản lý ngày ban hành và ngày công bố quyết định TTHC.",
    "catalogue_on_time": "Chưa quản lý lịch sử cập nhật danh mục TTHC.",
    "content_complete": "Chưa có tiêu chí kiểm tra nội dung công khai.",
    "dossiers_synced": "Chưa đồng bộ với Cổng Dịch vụ công quốc gia.",
    "processing_time": "Chưa có cách quy đổi thời gian giải quyết về thang điểm.",
    "online_procedures": "Chưa có danh sách thủ tục đủ điều kiện cung cấp trực tuyến.",
    "online_services_used": "Chưa có danh sách thủ tục đủ điều kiện cung cấp trực tuyến.",
    "payment_procedures": "Chưa có danh sách thủ tục có phí, lệ phí được thanh toán trực tuyến.",
    "population_lookup": "Chưa kết nối Cơ sở dữ liệu quốc gia về dân cư.",
    "population_auth": "Chưa kết nối xác thực VNeID.",
    "e_certified_copies": "Chưa có chức năng chứng thực bản sao điện tử.",
}

# Indicators whose numerator and denominator are dossiers (the drill-down lists them).
DOSSIER_INDICATORS = ("on_time", "online_dossiers", "paid_online", "e_results",
                      "digitised_with_result", "reused", "warehouse_used")


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
    """A calendar month (local dates) as the report's Period, so `classify` applies."""
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise report_logic.PeriodError("Tháng hoặc năm không hợp lệ.")
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return Period(year, month, date(year, month, 1), following - timedelta(days=1))


@dataclass(frozen=True)
class DossierRow:
    id: int
    code: str
    agency: int
    agency_name: str
    procedure_code: str
    procedure_name: str


@dataclass
class Basis:
    """Ids behind each dossier indicator of a scope and period, plus the other figures."""

    dossiers: dict[int, DossierRow] = field(default_factory=dict)
    numerators: dict[str, set[int]] = field(default_factory=dict)
    denominators: dict[str, set[int]] = field(default_factory=dict)
    late: set[int] = field(default_factory=set)
    finished: set[int] = field(default_factory=set)

    def restricted(self, agency_id: int) -> Basis:
        keep = {i for i, row in self.dossiers.items() if row.agency == agency_id}
        return Basis({i: self.dossiers[i] for i in keep},
                     {k: v & keep for k, v in self.numerators.items()},
                     {k: v & keep for k, v in self.denominators.items()},
                     self.late & keep, self.finished & keep)


def _scoped(query, agency_column, agency_ids: list[int] | None):
    return query if agency_ids is None else query.where(agency_column.is_in(agency_ids or [-1]))


_COLUMNS = (Dossier.id, Dossier.code, Dossier.agency, Dossier.procedure)


async def _names(rows: list[dict]) -> tuple[dict[int, str], dict[int, tuple[str, str]]]:
    """Agency and procedure names by id: two small queries instead of a join per dossier
    (a month can hold tens of thousands of dossiers over a few hundred procedures)."""
    agency_ids = sorted({r["agency"] for r in rows}) or [-1]
    procedure_ids = sorted({r["procedure"] for r in rows}) or [-1]
    agencies = {a["id"]: a["name"] for a in await Agency.select(Agency.id, Agency.name).where(
        Agency.id.is_in(agency_ids))}
    procedures = {p["id"]: (p["code"], p["name"]) for p in await Procedure.select(
        Procedure.id, Procedure.code, Procedure.name).where(Procedure.id.is_in(procedure_ids))}
    return agencies, procedures


async def _ids(table, dossier_column, condition, period: Period) -> set[int]:
    """Dossier ids of `table` rows meeting `condition`, for dossiers finished in period."""
    rows = await table.select(dossier_column.as_alias("dossier")).where(
        condition & (dossier_column.finished_at >= period.start_at)
        & (dossier_column.finished_at < period.end_at))
    return {r["dossier"] for r in rows}


async def gather(period: Period, agency_ids: list[int] | None,
                 config: IndexConfig) -> Basis:
    basis = Basis()
    in_period = (Dossier.finished_at >= period.start_at) & (Dossier.finished_at < period.end_at)
    finished = await _scoped(Dossier.select(
        *_COLUMNS, Dossier.received_at, Dossier.due_at, Dossier.finished_at, Dossier.channel,
        Dossier.supplement_requests, Dossier.fees_due).where(in_period),
        Dossier.agency, agency_ids)
    apologised = await _ids(DossierApology, DossierApology.dossier,
                            DossierApology.id.is_not_null(), period)
    e_results = await _ids(DossierResult, DossierResult.dossier, DossierResult.sha256 != "",
                           period)
    digitised = await _ids(DossierComponent, DossierComponent.dossier,
                           DossierComponent.digitised.eq(True), period)
    reused = await _ids(DossierComponent, DossierComponent.dossier,
                        DossierComponent.reused.eq(True), period)
    in_warehouse = await _ids(WarehouseDocument, WarehouseDocument.dossier,
                              WarehouseDocument.source == Source.RESULT.value, period)
    paid = await _ids(Payment, Payment.dossier, Payment.status == PaymentStatus.PAID.value,
                      period)
    received = await _scoped(Dossier.select(*_COLUMNS, Dossier.channel).where(
        (Dossier.received_at >= period.start_at) & (Dossier.received_at < period.end_at)
        & (Dossier.status != Status.DRAFT.value)), Dossier.agency, agency_ids)
    agencies, procedures = await _names(finished + received)
    for r in finished + received:
        if r["id"] not in basis.dossiers:
            procedure = procedures.get(r["procedure"], ("", ""))
            basis.dossiers[r["id"]] = DossierRow(r["id"], r["code"], r["agency"],
                                                 agencies.get(r["agency"], ""), *procedure)
    on_time: set[int] = set()
    with_fees: set[int] = set()
    for r in finished:
        basis.finished.add(r["id"])
        columns = report_logic.classify(DossierFacts(
            received_at=r["received_at"], due_at=r["due_at"], finished_at=r["finished_at"],
            channel=r["channel"], apologised=r["id"] in apologised), period)
        if logic.late_for_index(columns, r["supplement_requests"], config):
            basis.late.add(r["id"])
        else:
            on_time.add(r["id"])
        if r["fees_due"] > 0:
            with_fees.add(r["id"])
    done = basis.finished
    basis.numerators.update(on_time=on_time, paid_online=paid & with_fees,
                            e_results=e_results & done,
                            digitised_with_result=digitised & e_results & done,
                            reused=reused & done, warehouse_used=in_warehouse & done)
    basis.denominators.update(on_time=set(done), paid_online=with_fees, e_results=set(done),
                              digitised_with_result=set(done), reused=set(done),
                              warehouse_used=set(done))
    basis.denominators["online_dossiers"] = {r["id"] for r in received}
    basis.numerators["online_dossiers"] = {r["id"] for r in received if r["channel"] == 2}
    return basis


async def measures(basis: Basis, period: Period,
                   agency_ids: list[int] | None) -> dict[str, Measure]:
    out = {key: Measure(len(basis.numerators[key]), len(basis.denominators[key]))
           for key in DOSSIER_INDICATORS}
    rated = await ratings.satisfaction_figures(agency_ids, period.start_at, period.end_at)
    answered = await feedback.satisfaction_figures(agency_ids, period.start_at, period.end_at)
    out["reception_satisfaction"] = logic.reception_satisfaction(
        len(basis.finished), len(basis.late), answered.received)
    out["feedback_on_time"] = Measure(answered.answered_on_time, answered.answered)
    out["rated_satisfaction"] = Measure(rated.satisfied + answered.satisfied,
                                        rated.rated + answered.rated)
    return out


@dataclass(frozen=True)
class AgencyIndex:
    agency_id: int | None  # None: the whole province
    name: str
    result: IndexScore
    measures: dict[str, Measure]


async def province_index(period: Period, config: IndexConfig) -> tuple[AgencyIndex,
                                                                         list[AgencyIndex]]:
    """The province's index and one per agency that had dossiers in the period."""
    basis = await gather(period, None, config)
    whole = await measures(basis, period, None)
    province = AgencyIndex(None, "Toàn tỉnh", logic.evaluate(config, whole), whole)
    ids = sorted({row.agency for row in basis.dossiers.values()})
    names = {a["id"]: a["name"] for a in await Agency.select(Agency.id, Agency.name).where(
        Agency.id.is_in(ids or [-1]))}
    agencies = []
    for agency_id in ids:
        found = await measures(basis.restricted(agency_id), period, [agency_id])
        agencies.append(AgencyIndex(agency_id, names.get(agency_id, ""),
                                    logic.evaluate(config, found), found))
    agencies.sort(key=lambda a: a.name)
    return province, agencies


async def drill_down(period: Period, agency_ids: list[int] | None, key: str,
                     config: IndexConfig) -> tuple[list[DossierRow], list[DossierRow]]:
    """(numerator dossiers, denominator dossiers) of a dossier indicator, by code."""
    basis = await gather(period, agency_ids, config)

    def rows(ids: set[int]) -> list[DossierRow]:
        return sorted((basis.dossiers[i] for i in ids), key=lambda r: r.code)

    return rows(basis.numerators[key]), rows(basis.denominators[key])


# The public page's figures are kept for a minute: "real time" to a reader, and a month of
# a large province (≈ 13,000 dossiers, bench/service_index.py) costs about half a second of
# CPU, which anonymous visitors must not be able to demand on every request. Keyed by the
# database file too, so tests (one file each) never see each other's figures.
CACHE_SECONDS = 60.0
_CACHE_LIMIT = 64
_cache: dict[tuple, tuple[float, tuple[AgencyIndex, list[AgencyIndex]]]] = {}


async def cached_province_index(period: Period, config: IndexConfig, *,
                                clock=time.monotonic) -> tuple[AgencyIndex, list[AgencyIndex]]:
    key = (str(get_settings().database_path), period.first_day, period.last_day, config)
    now = clock()
    hit = _cache.get(key)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    result = await province_index(period, config)
    if len(_cache) >= _CACHE_LIMIT:
        for stale in [k for k, (at, _) in _cache.items() if now - at >= CACHE_SECONDS]:
            del _cache[stale]
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
    _cache[key] = (now, result)
    return result

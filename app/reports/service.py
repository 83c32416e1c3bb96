"""Build, store and list TTHC report exports, for every kind of reporting period."""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from app.catalog.tables import Procedure
from app.db import dialect_module, write_transaction
from app.directory.tables import Agency
from app.files import store
from app.formatting import now_utc
from app.reports import export, issuer, logic
from app.reports.logic import KEYS, Period
from app.reports.tables import ReportExport
from app.settings import get_settings

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def build_report(period: Period) -> export.Report:
    rows = await dialect_module("app.reports", "counts").count_by_procedure(period)
    agency_ids = sorted({row["agency"] for row in rows})
    procedure_ids = sorted({row["procedure"] for row in rows})
    agencies = {a["id"]: a["name"] for a in await Agency.select(Agency.id, Agency.name).where(
        Agency.id.is_in(agency_ids or [-1]))}
    procedures = {p["id"]: p for p in await Procedure.select(
        Procedure.id, Procedure.code, Procedure.name).where(
        Procedure.id.is_in(procedure_ids or [-1]))}
    by_procedure = sorted((
        {**row, "agency_name": agencies.get(row["agency"], ""),
         "procedure_code": procedures.get(row["procedure"], {}).get("code", ""),
         "procedure_name": procedures.get(row["procedure"], {}).get("name", "")}
        for row in rows), key=lambda r: (r["agency_name"], r["procedure_code"]))
    per_agency: dict[int, dict[str, int]] = {}
    for row in rows:
        per_agency[row["agency"]] = logic.add(per_agency.get(row["agency"], {}), row)
    by_agency = sorted(({"agency": agency, "agency_name": agencies.get(agency, ""), **counts}
                        for agency, counts in per_agency.items()),
                       key=lambda r: r["agency_name"])
    totals: dict[str, int] = {key: 0 for key in KEYS}
    for row in rows:
        totals = logic.add(totals, row)
    return export.Report(period=period, province=get_settings().province_name,
                         generated_at=now_utc(), by_agency=by_agency,
                         by_procedure=by_procedure, totals=totals)


def numbers_digest(report: export.Report) -> str:
    """Every count of the report, by agency and procedure id: equal digests, equal numbers."""
    numbers = [[row["agency"], row["procedure"], *(row[key] for key in KEYS)]
               for row in sorted(report.by_procedure,
                                 key=lambda r: (r["agency"], r["procedure"]))]
    return hashlib.sha256(json.dumps(numbers).encode()).hexdigest()


async def export_period(period: Period, *, trigger: str,
                        requested_by: int | None = None) -> int:
    """Export `period` and store it; returns the export id. If the latest export of the
    period already has these very numbers, that one is returned and nothing is added, so a
    retried or repeated task changes nothing."""
    began = time.perf_counter()
    report = await build_report(period)
    digest = numbers_digest(report)
    latest = await _latest(period)
    if latest is not None and latest["numbers_digest"] == digest:
        return latest["id"]
    await issuer.dress(report)
    xlsx = await store.store(export.to_xlsx(report), XLSX)
    pdf = await store.store(export.to_pdf(report), "application/pdf")
    async with write_transaction():
        row = ReportExport(
            kind=period.kind.value, year=period.year, month=period.month,
            first_day=period.first_day,
            last_day=period.last_day, cutoff_day=(period.first_day.day),
            totals=report.totals, xlsx=xlsx.id, pdf=pdf.id, trigger=trigger,
            requested_by=requested_by, generated_at=report.generated_at,
            numbers_digest=digest, duration_ms=int((time.perf_counter() - began) * 1000))
        await row.save()
    return row.id


async def _latest(period: Period) -> dict[str, Any] | None:
    return await ReportExport.select(ReportExport.id, ReportExport.numbers_digest).where(
        (ReportExport.kind == period.kind.value)
        & (ReportExport.first_day == period.first_day)
        & (ReportExport.last_day == period.last_day)
    ).order_by(ReportExport.id, ascending=False).first()


async def has_export(period: Period) -> bool:
    return await _latest(period) is not None


async def list_exports(limit: int = 60) -> list[dict[str, Any]]:
    rows = await ReportExport.select(
        ReportExport.all_columns(exclude=[ReportExport.totals]),
        ReportExport.totals,
    ).order_by(ReportExport.first_day, ascending=False).order_by(
        ReportExport.id, ascending=False).limit(limit)
    for row in rows:
        totals = row["totals"]
        totals = json.loads(totals) if isinstance(totals, str) else totals
        row["received"] = logic.received_total(totals)
        row["processed"] = logic.processed_total(totals)
        row["late"] = totals.get("processed_late", 0) + totals.get("in_progress_overdue", 0)
        row["period"] = _period(row)
    return rows


async def file_for(export_id: int, kind: str) -> tuple[str, Period] | None:
    """(sha256 of the stored file, period) of an export's XLSX or PDF, or None."""
    column = ReportExport.xlsx if kind == "xlsx" else ReportExport.pdf
    row = await ReportExport.select(
        column.sha256.as_alias("sha256"), ReportExport.kind, ReportExport.year,
        ReportExport.month, ReportExport.cutoff_day).where(ReportExport.id == export_id).first()
    if row is None:
        return None
    return row["sha256"], _period(row)


def _period(row: dict[str, Any]) -> Period:
    return logic.make_period(row["kind"], row["year"], row["month"], row["cutoff_day"])

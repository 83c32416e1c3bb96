"""Importing the national procedure database's spreadsheet into the catalogue.

A dry run reads and checks everything and writes nothing. A real run writes only when there
is no problem at all, in one transaction: each procedure is added (a new procedure, version
1) or amended (its next version) by its code under the decision its row names, or left as
it is when its public content is the same — so importing the same file twice changes
nothing. The counts and every problem are reported either way.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from app.audit import service as audit
from app.catalog import search as catalog_search
from app.catalog.content import ProcedureContent, missing_parts
from app.catalog.publishing import (
    CatalogError,
    DecisionInput,
    decision_id,
    field_id_for,
    publish_content,
)
from app.catalog.reading import latest_content
from app.catalog.tables import Field, Procedure, PublishingDecision
from app.catalog.versions import Decision, same_decision
from app.catalog_io import logic
from app.catalog_io.logic import HEADERS, PROCEDURE_SHEET, Imported
from app.db import write_transaction
from app.directory.tables import Agency
from app.documents.sheets import ImportReport, Problem, WorkbookError, read_workbook
from app.formatting import now_utc
from app.text import fold


async def agency_keys() -> dict[str, list[int]]:
    """Folded code and name of every active agency → the ids each may mean."""
    keys: dict[str, list[int]] = {}
    for row in await Agency.select(Agency.id, Agency.code, Agency.name).where(
            Agency.active.eq(True)):
        for key in {fold(row["code"]), fold(row["name"])}:
            keys.setdefault(key, []).append(row["id"])
    return keys


def _merged(base: ProcedureContent, item: Imported, field_id: int | None) -> ProcedureContent:
    """The catalogue's content with the file's values over it; components keep their rows
    and uploaded form files when their names match."""
    kept = {fold(c.name): c for c in base.components}
    components = tuple(
        replace(c, form_sha256=old.form_sha256, form_filename=old.form_filename,
                component_id=old.component_id) if (old := kept.get(fold(c.name))) else c
        for c in item.components)
    return replace(
        base, code=item.code, name=item.name, field_id=field_id, agency_id=item.agency_id,
        level=item.level, time_limit_amount=item.time_limit_amount,
        time_limit_unit=item.time_limit_unit, fee_amount=item.fee_amount,
        subjects=item.subjects, methods=item.methods, online_level=item.online_level,
        components=components, **item.optional)


async def _plan(report: ImportReport, parsed: logic.Parsed) -> list[tuple]:
    """What each procedure becomes: (item, procedure id or None, content) for the ones to
    write; decisions whose recorded dates differ are problems."""
    fields = {fold(r["name"]): r["id"] for r in await Field.select(Field.id, Field.name)}
    existing = {r["code"]: r["id"] for r in await Procedure.select(Procedure.id, Procedure.code)}
    decisions = {r["number"]: r for r in await PublishingDecision.select()}
    seen: dict[str, tuple] = {}
    plan = []
    for item in parsed.procedures:
        effective = item.effective_date or item.decision_date
        recorded = decisions.get(item.decision_number) or seen.get(item.decision_number)
        if recorded is not None:
            stored = Decision(item.decision_number, recorded["signed_on"],
                              recorded["effective_from"])
            problem = same_decision(stored, item.decision_number, item.decision_date, effective)
            if problem:
                report.problems.append(Problem(PROCEDURE_SHEET, item.row,
                                               HEADERS["decision_number"], problem))
                report.refused += 1
                continue
        seen.setdefault(item.decision_number, {"signed_on": item.decision_date,
                                               "effective_from": effective})
        procedure_id = existing.get(item.code)
        base = await latest_content(procedure_id) if procedure_id else ProcedureContent()
        content = _merged(base, item, fields.get(fold(item.field_name)))
        if procedure_id and content.public_key() == base.public_key():
            report.unchanged.append(item.code)
            continue
        (report.amended if procedure_id else report.added).append(item.code)
        missing = missing_parts(replace(content, field_id=content.field_id or 0))
        if missing:
            report.notes.append(f"Dòng {item.row} ({item.code}): trang công khai còn thiếu "
                                f"{', '.join(missing)}.")
        plan.append((item, procedure_id, content))
    return plan


async def import_workbook(data: bytes, *, dry_run: bool, actor_id: int | None = None,
                          now: datetime | None = None) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    try:
        sheets = read_workbook(data)
    except WorkbookError as exc:
        report.problems.append(Problem("", 0, "", str(exc)))
        return report
    parsed = logic.parse(sheets, await agency_keys())
    report.problems, report.refused = list(parsed.problems), len(parsed.refused_rows)
    now = now or now_utc()
    try:
        async with write_transaction():
            plan = await _plan(report, parsed)
            if dry_run or report.problems:
                return report
            await _write(plan, actor_id, now)
            await catalog_search.tidy_index()
            await audit.record("catalog.imported", "catalogue", "import",
                               {"added": len(report.added), "amended": len(report.amended),
                                "unchanged": len(report.unchanged)}, actor_id=actor_id)
    except CatalogError as exc:  # a rule the plan could not foresee: nothing was kept
        report.problems.append(Problem(PROCEDURE_SHEET, 0, "", str(exc)))
        return report
    report.written = True
    return report


async def _write(plan: list[tuple], actor_id: int | None, now: datetime) -> None:
    for item, procedure_id, content in plan:
        if content.field_id is None:
            content = replace(content, field_id=await field_id_for(item.field_name, actor_id))
        given = DecisionInput(Decision(item.decision_number, item.decision_date,
                                       item.effective_date or item.decision_date))
        await publish_content(actor_id, procedure_id, content,
                              await decision_id(given, actor_id), now, strict=False,
                              note="Nhập từ bảng tính Cơ sở dữ liệu quốc gia về TTHC")


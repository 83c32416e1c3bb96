"""Importing and exporting units and agencies as XLSX: upsert by code in one transaction,
all or nothing, a dry run that writes nothing, and an export in the same format (so an
export imported again changes nothing)."""

from __future__ import annotations

from app.audit import service as audit
from app.db import write_transaction
from app.directory import workbook as wb
from app.directory.tables import AdminUnit, Agency, AgencyCounter, AgencySigner
from app.documents.sheets import ImportReport, Problem, WorkbookError, read_workbook

_UNIT_FIELDS = ("name", "level", "level_name", "valid_from", "valid_to")
_AGENCY_FIELDS = ("name", "short_name", "kind", "address", "phone", "email", "portal_code")


def _sheets(data: bytes, report: ImportReport) -> dict | None:
    try:
        return read_workbook(data)
    except WorkbookError as exc:
        report.problems.append(Problem("", 0, "", str(exc)))
        return None


def _given(values: dict, absent: set[str]) -> dict:
    """Only what the file says: a column it lacks keeps what is stored."""
    return {k: v for k, v in values.items() if k.removesuffix("_code") not in absent}


def _tally(report: ImportReport, code: str, before: dict | None, after: dict) -> bool:
    """Count the row; whether it changes anything."""
    if before is None:
        report.added.append(code)
    elif any(before[k] != v for k, v in after.items()):
        report.amended.append(code)
    else:
        report.unchanged.append(code)
        return False
    return True


async def import_units(data: bytes, *, dry_run: bool, actor_id: int | None = None
                       ) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    sheets = _sheets(data, report)
    if sheets is None:
        return report
    async with write_transaction():
        stored = {(r["era"], r["code"]): r for r in await AdminUnit.select(
            AdminUnit.all_columns(), AdminUnit.parent.code.as_alias("parent_code"),
            AdminUnit.replaced_by.code.as_alias("replaced_by_code"))}
        parsed = wb.parse_units(sheets, {k: r["parent_code"] for k, r in stored.items()})
        report.problems, report.refused = parsed.problems, len(parsed.refused)
        changes = [u for u in parsed.items if _tally(
            report, u["code"], stored.get((u["era"], u["code"])), _given(
                {**{k: u[k] for k in _UNIT_FIELDS}, "parent_code": u["parent"],
                 "replaced_by_code": u["replaced_by"]}, u["absent"]))]
        if dry_run or report.problems:
            return report
        # Parents before children: by depth in the file's own tree.
        for unit in sorted(changes, key=lambda u: _depth(u, parsed.items, stored)):
            ids = {(r["era"], r["code"]): r for r in await AdminUnit.select(
                AdminUnit.id, AdminUnit.era, AdminUnit.code, AdminUnit.depth)}
            parent = ids.get((unit["era"], unit["parent"])) if unit["parent"] else None
            values = {**_given({k: unit[k] for k in _UNIT_FIELDS}, unit["absent"]),
                      "era": unit["era"], "code": unit["code"],
                      "parent": parent["id"] if parent else None,
                      "depth": parent["depth"] + 1 if parent else 0}
            existing = ids.get((unit["era"], unit["code"]))
            if existing:
                await AdminUnit.update(values).where(AdminUnit.id == existing["id"])
            else:
                await AdminUnit(**values, active=True).save()
        for unit in changes:  # successors exist now, whatever the row order
            if unit["replaced_by"]:
                successor = AdminUnit.select(AdminUnit.id).where(
                    (AdminUnit.era == unit["era"]) & (AdminUnit.code == unit["replaced_by"]))
                await AdminUnit.update({AdminUnit.replaced_by: successor}).where(
                    (AdminUnit.era == unit["era"]) & (AdminUnit.code == unit["code"]))
        await audit.record("directory.units_imported", "admin_unit", "import",
                           {"added": len(report.added), "amended": len(report.amended)},
                           actor_id=actor_id)
    report.written = True
    return report


def _depth(unit: dict, items: list[dict], stored: dict) -> int:
    by_code = {(u["era"], u["code"]): u["parent"] for u in items}
    depth, current, seen = 0, unit["parent"], set()
    while current and (unit["era"], current) in by_code and current not in seen:
        seen.add(current)
        depth, current = depth + 1, by_code[(unit["era"], current)]
    return depth


async def import_agencies(data: bytes, *, dry_run: bool, actor_id: int | None = None
                          ) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    sheets = _sheets(data, report)
    if sheets is None:
        return report
    async with write_transaction():
        stored = {r["code"]: r for r in await Agency.select(
            Agency.all_columns(), Agency.parent.code.as_alias("parent_code"),
            Agency.admin_unit.code.as_alias("unit_code"))}
        people = await _people(stored)
        units = {r["code"]: r["id"] for r in await AdminUnit.select(
            AdminUnit.id, AdminUnit.code).where(AdminUnit.active.eq(True))}
        parsed = wb.parse_agencies(sheets, set(units),
                                   {c: r["parent_code"] for c, r in stored.items()})
        report.problems, report.refused = parsed.problems, len(parsed.refused)
        has = {name for name in (wb.COUNTER_SHEET, wb.SIGNER_SHEET) if sheets.get(name)}
        changes = []
        for agency in parsed.items:
            after = _given({**{k: agency[k] for k in _AGENCY_FIELDS},
                            "parent_code": agency["parent"] or None,
                            "unit_code": agency["admin_unit"] or None}, agency["absent"])
            before = stored.get(agency["code"])
            if before is not None:
                before = {**before, **people.get(agency["code"], {})}
            if wb.COUNTER_SHEET in has:
                after["counters"] = _pairs(agency["counters"], "name", "location")
            if wb.SIGNER_SHEET in has:
                after["signers"] = _pairs(agency["signers"], "full_name", "title")
            if _tally(report, agency["code"], before, after):
                changes.append(agency)
        if dry_run or report.problems:
            return report
        await _write_agencies(changes, units, has)
        await audit.record("directory.agencies_imported", "agency", "import",
                           {"added": len(report.added), "amended": len(report.amended)},
                           actor_id=actor_id)
    report.written = True
    return report


def _pairs(rows: list[dict], first: str, second: str) -> list[tuple[str, str]]:
    return sorted((r[first], r.get(second, "")) for r in rows)


async def _people(stored: dict) -> dict[str, dict]:
    codes = {r["id"]: c for c, r in stored.items()}
    found: dict[str, dict] = {c: {"counters": [], "signers": []} for c in stored}
    for r in await AgencyCounter.select().where(AgencyCounter.active.eq(True)):
        found[codes[r["agency"]]]["counters"].append((r["name"], r["location"]))
    for r in await AgencySigner.select().where(AgencySigner.active.eq(True)):
        found[codes[r["agency"]]]["signers"].append((r["full_name"], r["title"]))
    return {c: {k: sorted(v) for k, v in people.items()} for c, people in found.items()}


async def _write_agencies(changes: list[dict], units: dict[str, int], has: set[str]) -> None:
    for agency in changes:
        values = _given({**{k: agency[k] for k in _AGENCY_FIELDS}, "code": agency["code"],
                         "admin_unit": units.get(agency["admin_unit"])}, agency["absent"])
        existing = await Agency.select(Agency.id).where(Agency.code == agency["code"]).first()
        if existing:
            await Agency.update(values).where(Agency.id == existing["id"])
            agency_id = existing["id"]
        else:
            created = Agency(**values)
            await created.save()
            agency_id = created.id
        agency["id"] = agency_id
    ids = {r["code"]: r["id"] for r in await Agency.select(Agency.id, Agency.code)}
    for agency in changes:
        if "parent" not in agency["absent"]:
            await Agency.update({Agency.parent: ids.get(agency["parent"])}).where(
                Agency.id == agency["id"])
        if wb.COUNTER_SHEET in has:
            await AgencyCounter.update({AgencyCounter.active: False}).where(
                AgencyCounter.agency == agency["id"])
            for c in agency["counters"]:
                await AgencyCounter(agency=agency["id"], name=c["name"],
                                    location=c.get("location", "")).save()
        if wb.SIGNER_SHEET in has:
            await AgencySigner.update({AgencySigner.active: False}).where(
                AgencySigner.agency == agency["id"])
            for position, s in enumerate(agency["signers"], start=1):
                await AgencySigner(agency=agency["id"], full_name=s["full_name"],
                                   title=s["title"], position=position).save()


async def export_units() -> bytes:
    rows = await AdminUnit.select(
        AdminUnit.all_columns(), AdminUnit.parent.code.as_alias("parent_code"),
        AdminUnit.replaced_by.code.as_alias("replaced_by_code"),
    ).order_by(AdminUnit.era, ascending=False).order_by(AdminUnit.depth).order_by(AdminUnit.code)
    return wb.write_units(rows)


async def export_agencies() -> bytes:
    rows = await Agency.select(
        Agency.all_columns(), Agency.parent.code.as_alias("parent_code"),
        Agency.admin_unit.code.as_alias("unit_code")).order_by(Agency.code)
    people = await _people({r["code"]: r for r in rows})
    return wb.write_agencies(rows, people)

"""Loading the demo data into a fresh database.

Units, agencies, the catalogue and the rule versions come from JSON under `data/`, so they
can be read and corrected without touching code; users come from `app.demo.users`. Each
part is guarded (units by their province row, the catalogue by `database_is_empty`, rule
versions and users by their codes), so loading twice adds nothing. The catalogue is
bulk-inserted in one write transaction with one audit entry, then published as version 1
under its publishing decisions (`app.demo.publishing`, each version audited as any).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from piccolo.table import Table

from app.audit import service as audit
from app.catalog import search as catalog_search
from app.catalog.logic import (
    COMPONENT_KIND_LABELS,
    LEVEL_LABELS,
    ONLINE_LEVEL_LABELS,
    TimeUnit,
    search_text,
)
from app.catalog.tables import Field, Procedure, ProcedureComponent
from app.db import write_transaction
from app.demo.publishing import publish_demo_catalogue
from app.demo.users import create_demo_users
from app.directory.service import CURRENT_ERA, load_current_units, load_units_file, unit_ids
from app.directory.tables import Agency, AgencySigner
from app.dossiers.tables import RuleVersion
from app.formatting import LOCAL_TZ
from app.processes.admin import ProcessError, publish_new
from app.processes.forms import VersionHeader
from app.processes.logic import Performer, ProcessStep, StepKind
from app.signatures.demo import create_demo_signers

DATA_DIR = Path(__file__).resolve().parent / "data"
PROVINCE_CODE = 51
_CHUNK = 200


def read_data(name: str) -> dict[str, Any]:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def catalogue_problems(catalogue: dict, agency_codes: set[str]) -> list[str]:
    """What is wrong with a catalogue document, one line per problem (empty when fine)."""
    problems = []
    fields = {f["code"] for f in catalogue["fields"]}
    codes = [p["code"] for p in catalogue["procedures"]]
    if len(codes) != len(set(codes)):
        problems.append("duplicate procedure codes")
    for p in catalogue["procedures"]:
        where = f"{p['code']} {p['name']}"
        if p["time_limit_unit"] not in {unit.value for unit in TimeUnit}:
            problems.append(f"{where}: unknown time-limit unit {p['time_limit_unit']!r}")
        if p["field"] not in fields or p["agency"] not in agency_codes:
            problems.append(f"{where}: unknown field or agency")
        if p["level"] not in LEVEL_LABELS or p["online_level"] not in ONLINE_LEVEL_LABELS:
            problems.append(f"{where}: unknown level or online level")
        if not p["components"] or not p["process"]:
            problems.append(f"{where}: needs at least one component and one step")
        problems += [f"{where}: unknown component kind {c['kind']!r}"
                     for c in p["components"] if c["kind"] not in COMPONENT_KIND_LABELS]
        problems += [
            f"{where}: bad step {s['name']!r}" for s in p["process"]
            if s["kind"] not in set(StepKind) or not set(s["performers"]) <= set(Performer)
            or s.get("agency", p["agency"]) not in agency_codes
        ]
    return problems


async def database_is_empty() -> bool:
    """No agencies and no procedures: nothing a demo load could collide with."""
    return not await Agency.exists() and not await Procedure.exists()


async def load_demo() -> list[tuple[str, str, str]]:
    """Load everything; the (username, role label, password) of each user created now."""
    await load_current_units(PROVINCE_CODE)
    await load_units_file(DATA_DIR / "kontum_2020.json")
    await load_catalogue()
    users = await create_demo_users()
    await create_demo_signers()  # after the users: every demo leader gets a signing key
    return users


async def load_catalogue() -> dict[str, int]:
    """Agencies, fields, procedures (with components and steps) and rule versions."""
    agencies = read_data("agencies.json")["agencies"]
    catalogue = read_data("procedures.json")
    problems = catalogue_problems(catalogue, {a["code"] for a in agencies})
    if problems:
        raise ValueError("demo catalogue: " + "; ".join(problems))
    counts: dict[str, int] = {}
    async with write_transaction():
        if await database_is_empty():
            agency_ids = await _insert_agencies(agencies, await unit_ids(CURRENT_ERA))
            counts["agencies"] = len(agency_ids)
            counts.update(await _insert_procedures(catalogue, agency_ids))
            counts["published_versions"] = await publish_demo_catalogue()
            await catalog_search.tidy_index()
        counts["rule_versions"] = await _insert_rule_versions(read_data("rule_versions.json"))
        if any(counts.values()):
            await audit.record("demo.catalogue_loaded", "catalogue", "demo", counts)
    return counts


async def _bulk(table: type[Table], rows: list[Table]) -> None:
    for start in range(0, len(rows), _CHUNK):
        await table.insert(*rows[start:start + _CHUNK])


async def _code_ids(table: type[Table]) -> dict[str, int]:
    # Read back by code: SQLite does not promise RETURNING rows in insertion order.
    return {row["code"]: row["id"] for row in await table.select(table.id, table.code)}


async def _insert_agencies(agencies: list[dict], units: dict[str, int]) -> dict[str, int]:
    unknown = [a["admin_unit"] for a in agencies if a.get("admin_unit") not in units]
    if unknown:
        raise ValueError(f"demo agencies: unknown admin units {unknown} (load units first)")
    await _bulk(Agency, [
        Agency(code=a["code"], name=a["name"], short_name=a.get("short_name", ""),
               kind=a["kind"], admin_unit=units[a["admin_unit"]], address=a.get("address", ""),
               phone=a.get("phone", ""), email=a.get("email", ""))
        for a in agencies
    ])
    ids = await _code_ids(Agency)
    for a in agencies:
        if a.get("parent"):
            await Agency.update({Agency.parent: ids[a["parent"]]}).where(
                Agency.id == ids[a["code"]]
            )
    await _bulk(AgencySigner, [
        AgencySigner(agency=ids[a["code"]], full_name=s["full_name"], title=s["title"],
                     position=position)
        for a in agencies for position, s in enumerate(a.get("signers", ()), start=1)
    ])
    return ids


async def _insert_procedures(catalogue: dict, agency_ids: dict[str, int]) -> dict[str, int]:
    await _bulk(Field, [Field(code=f["code"], name=f["name"]) for f in catalogue["fields"]])
    field_ids = await _code_ids(Field)
    field_names = {f["code"]: f["name"] for f in catalogue["fields"]}
    procedures = catalogue["procedures"]
    await _bulk(Procedure, [
        Procedure(
            code=p["code"], name=p["name"],
            search_text=search_text(p["name"], field_names[p["field"]]),
            field=field_ids[p["field"]], agency=agency_ids[p["agency"]], level=p["level"],
            time_limit_amount=Decimal(str(p["time_limit_amount"])),
            time_limit_unit=p["time_limit_unit"], fee_text=p["fee_text"],
            fee_amount=p["fee_amount"], online_level=p["online_level"],
            boundary_free=p["boundary_free"], internal=p["internal"],
            steps_text=p["steps_text"], where_to_submit=p["where_to_submit"],
        )
        for p in procedures
    ])
    ids = await _code_ids(Procedure)
    components = [
        ProcedureComponent(
            procedure=ids[p["code"]], position=position, name=c["name"], kind=c["kind"],
            quantity=c["quantity"], required=c["required"], form_template=c["form_template"],
        )
        for p in procedures for position, c in enumerate(p["components"], start=1)
    ]
    await _bulk(ProcedureComponent, components)
    steps = await _publish_processes(catalogue, ids, agency_ids)
    return {"fields": len(field_ids), "procedures": len(procedures),
            "components": len(components), "steps": steps}


async def _publish_processes(catalogue: dict, ids: dict[str, int],
                             agency_ids: dict[str, int]) -> int:
    """Each procedure's internal process, version 1, published through the same checks
    as the admin pages (hours adding up to the legal limit, reception first...)."""
    decision = catalogue["process_decision"]
    header = VersionHeader(decision_number=decision["number"],
                           decision_date=date.fromisoformat(decision["date"]),
                           effective_date=date.fromisoformat(decision["effective"]),
                           note=decision["note"])
    count = 0
    for p in catalogue["procedures"]:
        steps = [ProcessStep(position=n, name=s["name"], kind=s["kind"],
                             performers=frozenset(s["performers"]),
                             hours=Decimal(str(s["allotted_hours"])),
                             agency_id=agency_ids[s["agency"]] if s.get("agency") else None)
                 for n, s in enumerate(p["process"], start=1)]
        try:
            await publish_new(ids[p["code"]], header, steps)
        except ProcessError as exc:
            raise ValueError(f"demo process of {p['code']}: {exc.problems}") from None
        count += len(steps)
    return count


def local_midnight_utc(day: str) -> datetime:
    """A rule takes effect at 00:00 local time on its date."""
    return datetime.combine(date.fromisoformat(day), time(), LOCAL_TZ).astimezone(UTC)


async def load_rule_versions() -> int:
    """The dated one-stop rule sets: legal configuration rather than demo data, so `init`
    loads them too. Joins the caller's transaction."""
    async with write_transaction():
        return await _insert_rule_versions(read_data("rule_versions.json"))


async def _insert_rule_versions(document: dict) -> int:
    present = {row["code"] for row in await RuleVersion.select(RuleVersion.code)}
    rows = [
        RuleVersion(code=r["code"], title=r["title"],
                    effective_from=local_midnight_utc(r["effective_from"]),
                    config=json.dumps(r["config"], ensure_ascii=False))
        for r in document["rule_versions"] if r["code"] not in present
    ]
    await _bulk(RuleVersion, rows)
    return len(rows)

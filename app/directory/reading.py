"""Reading the organisation for the admin pages: the unit tree of an era, agencies with
their counters and signers."""

from __future__ import annotations

from datetime import date

from app.directory.logic import in_effect, tree_order
from app.directory.tables import AdminUnit, Agency, AgencyCounter, AgencySigner
from app.text import fold

MAX_SHOWN = 500


async def eras() -> list[str]:
    return sorted({r["era"] for r in await AdminUnit.select(AdminUnit.era)}, reverse=True)


async def units(era: str, today: date, q: str = "") -> list[dict]:
    """The era's units as a tree (a filter shows matching units flat)."""
    rows = await AdminUnit.select(
        AdminUnit.id, AdminUnit.code, AdminUnit.name, AdminUnit.level, AdminUnit.level_name,
        AdminUnit.parent, AdminUnit.valid_from, AdminUnit.valid_to, AdminUnit.active,
        AdminUnit.replaced_by.name.as_alias("replaced_by_name"),
    ).where(AdminUnit.era == era)
    for row in rows:
        row["in_effect"] = row["active"] and in_effect(row["valid_from"], row["valid_to"],
                                                       today)
    if q.strip():
        wanted = fold(q)
        return [{**r, "indent": 0} for r in rows
                if wanted in fold(r["name"]) or wanted in r["code"].lower()][:MAX_SHOWN]
    return tree_order(rows)[:MAX_SHOWN]


async def unit(unit_id: int) -> dict | None:
    return await AdminUnit.select(
        AdminUnit.all_columns(), AdminUnit.parent.name.as_alias("parent_name"),
        AdminUnit.replaced_by.name.as_alias("replaced_by_name"),
    ).where(AdminUnit.id == unit_id).first()


async def unit_choices(era: str) -> list[dict]:
    return await AdminUnit.select(AdminUnit.id, AdminUnit.code, AdminUnit.name).where(
        AdminUnit.era == era).order_by(AdminUnit.depth).order_by(AdminUnit.name)


async def agencies(q: str = "") -> list[dict]:
    rows = await Agency.select(
        Agency.id, Agency.code, Agency.name, Agency.parent, Agency.active, Agency.phone,
        Agency.admin_unit.name.as_alias("unit_name"),
    )
    if q.strip():
        wanted = fold(q)
        return [{**r, "indent": 0} for r in rows
                if wanted in fold(r["name"]) or wanted in r["code"].lower()]
    return tree_order(rows)


async def agency(agency_id: int) -> dict | None:
    row = await Agency.select(
        Agency.all_columns(), Agency.parent.name.as_alias("parent_name"),
    ).where(Agency.id == agency_id).first()
    if row is None:
        return None
    row["counters"] = await AgencyCounter.select().where(
        (AgencyCounter.agency == agency_id) & AgencyCounter.active.eq(True)).order_by(
        AgencyCounter.name)
    row["signers"] = await AgencySigner.select().where(
        (AgencySigner.agency == agency_id) & AgencySigner.active.eq(True)).order_by(
        AgencySigner.position)
    return row


async def agency_choices() -> list[dict]:
    return await Agency.select(Agency.id, Agency.code, Agency.name).order_by(Agency.name)

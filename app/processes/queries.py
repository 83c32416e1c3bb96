"""Reading processes for the admin pages: the procedures an admin manages with the state of
their process, a procedure's versions, one version with its steps and totals."""

from __future__ import annotations

from decimal import Decimal

from app.accounts.roles import Role
from app.accounts.service import CurrentUser
from app.catalog.logic import describe_time_limit
from app.catalog.tables import Procedure
from app.directory import queries as directory
from app.formatting import now_utc
from app.processes.logic import Performer, StepKind
from app.processes.publishing import hours_problem, legal_office_hours
from app.processes.service import DRAFT, step_from_row, version_in_force, version_steps
from app.processes.tables import ProcessVersion
from app.text import fold

PAGE_SIZE = 50


async def procedures_for(user: CurrentUser, query: str = "") -> list[dict]:
    """The procedures whose process `user` manages (name or code matching `query`, without
    diacritics), each with its version in force and whether a draft is open."""
    where = Procedure.active.eq(True)
    if user.role != Role.PROVINCIAL_ADMIN:
        where &= Procedure.agency.is_in(list(user.agency_ids) or [-1])
    words = fold(query.strip())[:100]
    if words:
        where &= Procedure.search_text.like(f"%{words}%") | Procedure.code.like(f"%{words}%")
    rows = await Procedure.select(
        Procedure.id, Procedure.code, Procedure.name,
        Procedure.agency.name.as_alias("agency_name"),
    ).where(where).order_by(Procedure.name).limit(PAGE_SIZE)
    ids = [row["id"] for row in rows] or [-1]
    versions = await ProcessVersion.select(
        ProcessVersion.id, ProcessVersion.procedure, ProcessVersion.status,
        ProcessVersion.number).where(ProcessVersion.procedure.is_in(ids))
    now = now_utc()
    for row in rows:
        own = [v for v in versions if v["procedure"] == row["id"]]
        in_force = await version_in_force(row["id"], now) if own else None
        row["in_force"] = next((v["number"] for v in own if v["id"] == in_force), None)
        row["draft"] = next((v["id"] for v in own if v["status"] == DRAFT), None)
    return rows


async def versions_of(procedure_id: int) -> list[dict]:
    rows = await ProcessVersion.select(
        ProcessVersion.all_columns(),
        ProcessVersion.published_by.full_name.as_alias("published_by_name"),
    ).where(ProcessVersion.procedure == procedure_id).order_by(
        ProcessVersion.number, ascending=False)
    in_force = await version_in_force(procedure_id, now_utc())
    for row in rows:
        row["in_force"] = row["id"] == in_force
    return rows


async def agencies() -> list[dict]:
    return await directory.active_agencies()


async def editor_context(version: dict, procedure: dict) -> dict:
    """The version's steps (as rows) and the hours against the legal limit."""
    # The rows as stored: a step without its own unit stays "the procedure's agency".
    steps = [step_from_row(row, None, n)
             for n, row in enumerate(await version_steps(version["id"]), start=1)]
    amount = Decimal(str(procedure["time_limit_amount"]))
    unit = procedure["time_limit_unit"]
    legal = legal_office_hours(amount, unit)
    return {
        "steps": steps, "kinds": list(StepKind), "performers": list(Performer),
        "legal_hours": legal, "limit_text": describe_time_limit(amount, unit),
        "total_hours": sum((s.hours for s in steps), Decimal(0)),
        "hours_problem": hours_problem(steps, legal, f"({describe_time_limit(amount, unit)})")
        if steps else None,
        "agencies": await agencies(),
    }

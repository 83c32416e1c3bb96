"""Reading the catalogue: procedure pages and counts (search: `app.catalog.search`)."""

from __future__ import annotations

from app.catalog.logic import split_steps
from app.catalog.tables import Procedure, ProcedureComponent
from app.formatting import now_utc
from app.processes.service import load_version, version_in_force

_COLUMNS = (
    Procedure.id, Procedure.code, Procedure.name, Procedure.level, Procedure.online_level,
    Procedure.time_limit_amount, Procedure.time_limit_unit, Procedure.fee_amount,
    Procedure.agency.name.as_alias("agency_name"), Procedure.field.name.as_alias("field_name"),
)


async def count_procedures() -> int:
    return await Procedure.count().where(Procedure.active.eq(True))


async def get_procedure(procedure_id: int) -> dict | None:
    procedure = await Procedure.select(
        *_COLUMNS, Procedure.fee_text, Procedure.steps_text, Procedure.where_to_submit,
        Procedure.boundary_free,
    ).where(Procedure.id == procedure_id).first()
    if procedure is None:
        return None
    procedure["components"] = await ProcedureComponent.select().where(
        ProcedureComponent.procedure == procedure_id
    ).order_by(ProcedureComponent.position)
    procedure["published_steps"] = split_steps(procedure["steps_text"])
    # The internal process in force now (app.processes), as published to applicants.
    version = await version_in_force(procedure_id, now_utc())
    procedure["steps"] = (await load_version(version)).process.steps if version else ()
    return procedure

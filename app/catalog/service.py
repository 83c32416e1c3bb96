"""Reading the catalogue: diacritic-insensitive procedure search and procedure pages."""

from __future__ import annotations

from app.catalog.tables import Procedure, ProcedureComponent, ProcedureStep
from app.text import fold

_COLUMNS = (
    Procedure.id, Procedure.code, Procedure.name, Procedure.level, Procedure.online_level,
    Procedure.time_limit_amount, Procedure.time_limit_unit, Procedure.fee_amount,
    Procedure.agency.name.as_alias("agency_name"), Procedure.field.name.as_alias("field_name"),
)


async def search_procedures(query: str, limit: int = 30) -> list[dict]:
    """Every word must appear in the folded name: "giay phep xay dung" finds
    "Cấp giấy phép xây dựng". Ranked full-text search arrives with the catalogue issue;
    this is the portable baseline it will replace behind the same function."""
    words = fold(query).split()
    select = Procedure.select(*_COLUMNS).where(Procedure.active.eq(True))
    for word in words[:8]:
        select = select.where(Procedure.search_text.like(f"%{word}%"))
    return await select.order_by(Procedure.name).limit(limit)


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
    procedure["steps"] = await ProcedureStep.select().where(
        ProcedureStep.procedure == procedure_id
    ).order_by(ProcedureStep.position)
    return procedure

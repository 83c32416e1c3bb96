"""Reading the catalogue: procedure pages and counts (search: `app.catalog.search`)."""

from __future__ import annotations

import json
import time
from datetime import date

from app.catalog.content import METHOD_LABELS
from app.catalog.logic import split_steps
from app.catalog.tables import Procedure, ProcedureComponent, ProcedureVersion
from app.catalog.versions import Change, VersionStatus
from app.formatting import now_utc
from app.prepared import prepared
from app.processes.service import load_version, version_in_force
from app.web.short_cache import database_key, kept, short_cache

_COLUMNS = (
    Procedure.id, Procedure.code, Procedure.name, Procedure.level, Procedure.online_level,
    Procedure.time_limit_amount, Procedure.time_limit_unit, Procedure.fee_amount,
    Procedure.agency.name.as_alias("agency_name"), Procedure.field.name.as_alias("field_name"),
)


# The home page's one figure ("1.234 thủ tục") and the search page's filter lists: the
# catalogue changes a few times a day and these are the most asked pages, so both are
# kept a few seconds (issue #21).
CATALOGUE_SECONDS = 5
CATALOGUE_FIGURES = short_cache("catalogue_figures", 16)


async def count_procedures(*, clock=time.time) -> int:
    """Active procedures, at most CATALOGUE_SECONDS old."""
    return await kept(CATALOGUE_FIGURES, database_key("procedure_count"),
                      lambda: _active_count(active=True), now=clock(), ttl=CATALOGUE_SECONDS)


# The home page and the procedure page are the catalogue's hot reads: built once.
@prepared
def _active_count(active):
    return Procedure.count().where(Procedure.active == active)


@prepared
def _procedure_page(procedure_id):
    return Procedure.select(
        *_COLUMNS, Procedure.fee_text, Procedure.steps_text, Procedure.where_to_submit,
        Procedure.boundary_free, Procedure.active, Procedure.subjects, Procedure.methods,
        Procedure.fee_exemptions, Procedure.result_kind, Procedure.result_text,
        Procedure.conditions, Procedure.legal_basis, Procedure.online_payment,
    ).where(Procedure.id == procedure_id).first()


@prepared
def _current_versions(procedure_id, statuses):
    return ProcedureVersion.select(
        ProcedureVersion.number, ProcedureVersion.status, ProcedureVersion.change,
        ProcedureVersion.effective_from,
        ProcedureVersion.decision.number.as_alias("decision_number"),
        ProcedureVersion.decision.signed_on.as_alias("decision_signed_on"),
    ).where((ProcedureVersion.procedure == procedure_id)
            & ProcedureVersion.status.is_in(statuses))


@prepared
def active_components(procedure_id, active):
    """A procedure's components offered now, in order (the procedure page, the draft)."""
    return ProcedureComponent.select().where(
        (ProcedureComponent.procedure == procedure_id) & (ProcedureComponent.active == active)
    ).order_by(ProcedureComponent.position)


async def _versions(procedure: dict) -> None:
    """The version in force (with its decision) and one waiting for its day, if any."""
    rows = await _current_versions(procedure_id=procedure["id"], statuses=[
        VersionStatus.IN_FORCE.value, VersionStatus.SCHEDULED.value])
    procedure["version"] = next((r for r in rows if r["status"] == VersionStatus.IN_FORCE),
                                None)
    procedure["upcoming"] = next((r for r in rows if r["status"] == VersionStatus.SCHEDULED),
                                 None)
    procedure["abolished"] = bool(procedure["version"]) and (
        procedure["version"]["change"] == Change.ABOLISH)


async def get_procedure(procedure_id: int) -> dict | None:
    """The public page of a procedure in force, or of one abolished (its history stays
    public); None for one never published."""
    procedure = await _procedure_page(procedure_id=procedure_id)
    if procedure is None:
        return None
    await _versions(procedure)
    if not procedure["active"] and not procedure["abolished"]:
        return None
    procedure["components"] = await active_components(procedure_id=procedure_id, active=True)
    procedure["published_steps"] = split_steps(procedure["steps_text"])
    procedure["method_labels"] = [METHOD_LABELS[m] for m in procedure["methods"].split(",")
                                  if m in METHOD_LABELS]
    bases = procedure["legal_basis"]
    procedure["legal_bases"] = [
        {"title": b["title"], "effective_from": date.fromisoformat(b["effective_from"])
         if b.get("effective_from") else None}
        for b in (json.loads(bases) if isinstance(bases, str) else bases or [])]
    # The internal process in force now (app.processes), as published to applicants.
    version = await version_in_force(procedure_id, now_utc())
    procedure["steps"] = (await load_version(version)).process.steps if version else ()
    return procedure

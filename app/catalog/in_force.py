"""Making a published version the one in force: its content is copied onto the procedure
row and its components, which every page, the counter and the workflow read.

Components keep their rows when a version keeps them (matched by the row they were copied
from, else by name), so the links of dossiers received earlier stay; a component a version
drops is deleted when no dossier names it, otherwise kept but retired (`active` false).
Runs inside the caller's write transaction: `bring_into_force` for scheduled versions whose
day has come (the worker every few minutes, and on publishing), with the clock injected.
"""

from __future__ import annotations

import json
from datetime import datetime

from app.audit import service as audit
from app.catalog.content import Component, ProcedureContent
from app.catalog.logic import search_text
from app.catalog.tables import (
    Field,
    FormTemplate,
    Procedure,
    ProcedureComponent,
    ProcedureVersion,
)
from app.catalog.versions import Change, ScheduledVersion, VersionStatus, due_in_order
from app.db import write_transaction
from app.dossiers.tables import DossierComponent, RequestedComponent, StoredFile
from app.formatting import now_utc, to_local
from app.text import fold


def load_content(value) -> ProcedureContent:
    return ProcedureContent.from_json(json.loads(value) if isinstance(value, str) else value)


async def bring_into_force(now: datetime | None = None) -> int:
    """Apply every scheduled version whose effective day has come; how many were applied."""
    now = now or now_utc()
    today = to_local(now).date()
    async with write_transaction():
        rows = await ProcedureVersion.select(
            ProcedureVersion.id, ProcedureVersion.number, ProcedureVersion.effective_from,
        ).where((ProcedureVersion.status == VersionStatus.SCHEDULED.value)
                & (ProcedureVersion.effective_from <= today))
        due = due_in_order([ScheduledVersion(r["id"], r["number"], r["effective_from"])
                            for r in rows], today)
        for version in due:
            await apply_version(version.id, now)
    return len(due)


async def apply_version(version_id: int, now: datetime) -> int:
    """Make this version the procedure's in-force content; the procedure's id."""
    version = await ProcedureVersion.select().where(ProcedureVersion.id == version_id).first()
    content = load_content(version["content"])
    procedure_id = version["procedure"]
    await ProcedureVersion.update({ProcedureVersion.status: VersionStatus.SUPERSEDED.value}).where(
        (ProcedureVersion.procedure == procedure_id)
        & (ProcedureVersion.status == VersionStatus.IN_FORCE.value))
    await Procedure.update(await _columns(content, version)).where(Procedure.id == procedure_id)
    await sync_components(procedure_id, content.components)
    await ProcedureVersion.update({ProcedureVersion.status: VersionStatus.IN_FORCE.value,
                                   ProcedureVersion.applied_at: now}).where(
        ProcedureVersion.id == version_id)
    await audit.record("catalog.version_in_force", "procedure", procedure_id,
                       {"version": version["number"], "change": version["change"],
                        "effective_from": version["effective_from"].isoformat()})
    return procedure_id


async def procedure_columns(content: ProcedureContent) -> dict[str, object]:
    """Procedure row values of a content (also for creating the row on first publishing)."""
    field = await Field.select(Field.name).where(Field.id == content.field_id).first()
    same = ("code", "name", "level", "time_limit_amount", "time_limit_unit", "fee_amount",
            "fee_text", "fee_exemptions", "online_level", "online_payment", "boundary_free",
            "steps_text", "where_to_submit", "subjects", "result_kind", "result_text",
            "conditions")
    return {
        **{name: getattr(content, name) for name in same},
        "search_text": search_text(content.name, field["name"] if field else ""),
        "field": content.field_id, "agency": content.agency_id,
        "methods": ",".join(content.methods),
        "legal_basis": json.dumps(content.to_json()["legal_bases"], ensure_ascii=False),
    }


async def _columns(content: ProcedureContent, version: dict) -> dict:
    return {**await procedure_columns(content),
            "active": version["change"] != Change.ABOLISH.value,
            "current_version": version["id"]}


async def sync_components(procedure_id: int, components: tuple[Component, ...]) -> None:
    rows = await ProcedureComponent.select().where(
        (ProcedureComponent.procedure == procedure_id) & ProcedureComponent.active.eq(True))
    unused = {row["id"]: row for row in rows}
    for position, component in enumerate(components, start=1):
        row = unused.pop(component.component_id, None) if component.component_id else None
        if row is None:
            row = next((r for r in unused.values() if fold(r["name"]) == fold(component.name)),
                       None)
            if row is not None:
                unused.pop(row["id"])
        values = {"position": position, "name": component.name, "kind": component.kind,
                  "quantity": component.quantity, "required": component.required,
                  "form_template": component.form_name}
        if row is None:
            created = ProcedureComponent(procedure=procedure_id, active=True, **values)
            await created.save()
            component_id = created.id
        else:
            await ProcedureComponent.update(values).where(ProcedureComponent.id == row["id"])
            component_id = row["id"]
        await _sync_form(component_id, component, row)
    for row in unused.values():
        await _retire(row["id"])


async def _sync_form(component_id: int, component: Component, row: dict | None) -> None:
    """The official file when one was uploaded; otherwise a blank form is generated on the
    first download (app.catalog.forms), regenerated when the form's name changed."""
    if component.form_sha256:
        stored = await StoredFile.select(StoredFile.id).where(
            StoredFile.sha256 == component.form_sha256).first()
        await FormTemplate.delete().where(FormTemplate.component == component_id)
        await FormTemplate(component=component_id, file=stored["id"],
                           filename=component.form_filename or "mau-don", generated=False).save()
    elif row is None or row["form_template"] != component.form_name or not component.form_name:
        await FormTemplate.delete().where(FormTemplate.component == component_id)


async def _retire(component_id: int) -> None:
    referenced = await DossierComponent.exists().where(
        DossierComponent.procedure_component == component_id) or await RequestedComponent.exists(
    ).where(RequestedComponent.procedure_component == component_id)
    if referenced:
        await ProcedureComponent.update({ProcedureComponent.active: False}).where(
            ProcedureComponent.id == component_id)
    else:
        await ProcedureComponent.delete().where(ProcedureComponent.id == component_id)

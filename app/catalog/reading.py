"""Reading versions: the content a new draft starts from, a procedure's public history,
one version as published, and the publishing facts the service index needs (1.1–1.3)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from app.catalog.content import Component, ProcedureContent, missing_parts
from app.catalog.in_force import load_content
from app.catalog.tables import (
    Field,
    FormTemplate,
    Procedure,
    ProcedureComponent,
    ProcedureVersion,
    PublishingDecision,
)
from app.catalog.versions import PUBLISHED, Change, VersionStatus
from app.directory.tables import Agency
from app.text import fold


async def _active_components(procedure_id: int) -> list[dict]:
    return await ProcedureComponent.select(
        ProcedureComponent.all_columns(),
    ).where((ProcedureComponent.procedure == procedure_id)
            & ProcedureComponent.active.eq(True)).order_by(ProcedureComponent.position)


async def legacy_content(procedure_id: int) -> ProcedureContent:
    """The content of a procedure loaded before versions were kept (the demo, older data),
    read from its row and components."""
    row = await Procedure.select().where(Procedure.id == procedure_id).first()
    forms = {f["component"]: f for f in await FormTemplate.select(
        FormTemplate.component, FormTemplate.filename,
        FormTemplate.file.sha256.as_alias("sha256"),
    ).where(FormTemplate.generated.eq(False))}
    components = []
    for c in await _active_components(procedure_id):
        form = forms.get(c["id"])
        components.append(Component(
            name=c["name"], kind=c["kind"], quantity=c["quantity"], required=c["required"],
            form_name=c["form_template"], form_sha256=form["sha256"] if form else "",
            form_filename=form["filename"] if form else "", component_id=c["id"]))
    bases = json.loads(row["legal_basis"]) if isinstance(row["legal_basis"], str) \
        else row["legal_basis"]
    plain = ("code", "name", "level", "subjects", "steps_text", "where_to_submit",
             "time_limit_amount", "time_limit_unit", "fee_amount", "fee_text", "fee_exemptions",
             "result_kind", "result_text", "conditions", "online_level", "online_payment",
             "boundary_free")
    content = ProcedureContent.from_json({
        **{name: row[name] for name in plain}, "field_id": row["field"],
        "agency_id": row["agency"], "methods": [m for m in row["methods"].split(",") if m],
        "legal_bases": bases or []})
    return replace(content, components=tuple(components))


async def latest_content(procedure_id: int) -> ProcedureContent:
    """The newest published content (what a new draft starts from), its components tied to
    the in-force rows they were copied to."""
    row = await ProcedureVersion.select(ProcedureVersion.content).where(
        (ProcedureVersion.procedure == procedure_id)
        & ProcedureVersion.status.is_in([s.value for s in PUBLISHED])
    ).order_by(ProcedureVersion.number, ascending=False).first()
    if row is None:
        return await legacy_content(procedure_id)
    content = load_content(row["content"])
    by_name = {fold(c["name"]): c["id"] for c in await _active_components(procedure_id)}
    return replace(content, components=tuple(
        replace(c, component_id=by_name.get(fold(c.name), c.component_id))
        for c in content.components))


_VERSION_COLUMNS = (
    ProcedureVersion.id, ProcedureVersion.number, ProcedureVersion.status,
    ProcedureVersion.change, ProcedureVersion.effective_from, ProcedureVersion.published_at,
    ProcedureVersion.applied_at, ProcedureVersion.note, ProcedureVersion.newest_basis_from,
    ProcedureVersion.decision.number.as_alias("decision_number"),
    ProcedureVersion.decision.signed_on.as_alias("decision_signed_on"),
)


async def history(procedure_id: int) -> list[dict]:
    """Published versions, newest first, with their decisions."""
    rows = await ProcedureVersion.select(*_VERSION_COLUMNS).where(
        (ProcedureVersion.procedure == procedure_id)
        & ProcedureVersion.status.is_in([s.value for s in PUBLISHED])
    ).order_by(ProcedureVersion.number, ascending=False)
    for row in rows:
        row["status_label"] = VersionStatus(row["status"]).label
        row["change_label"] = Change(row["change"]).label
    return rows


async def names_for(content: ProcedureContent) -> dict[str, str]:
    agency = await Agency.select(Agency.name).where(Agency.id == content.agency_id).first()
    field = await Field.select(Field.name).where(Field.id == content.field_id).first()
    return {"agency_name": agency["name"] if agency else "",
            "field_name": field["name"] if field else ""}


async def published_version(procedure_id: int, number: int) -> dict | None:
    row = await ProcedureVersion.select(*_VERSION_COLUMNS, ProcedureVersion.content).where(
        (ProcedureVersion.procedure == procedure_id) & (ProcedureVersion.number == number)
        & ProcedureVersion.status.is_in([s.value for s in PUBLISHED])).first()
    if row is None:
        return None
    row["content"] = load_content(row["content"])
    row["status_label"] = VersionStatus(row["status"]).label
    row["change_label"] = Change(row["change"]).label
    return {**row, **await names_for(row["content"])}


async def publication_facts(first_day: date, last_day: date) -> list[dict]:
    """Versions published by decisions signed in [first_day, last_day], for service-index
    indicators 1.1 (decision signed vs. newest legal basis in force) and 1.2 (made public in
    the catalogue vs. decision signed): procedure code, change, decision number and dates,
    newest legal basis day, the moment it was made public here."""
    rows = await ProcedureVersion.select(
        ProcedureVersion.procedure, ProcedureVersion.procedure.code.as_alias("code"),
        ProcedureVersion.number, ProcedureVersion.change, ProcedureVersion.newest_basis_from,
        ProcedureVersion.published_at, ProcedureVersion.effective_from,
        ProcedureVersion.decision.number.as_alias("decision_number"),
        ProcedureVersion.decision.signed_on.as_alias("decision_signed_on"),
    ).where(ProcedureVersion.status.is_in([s.value for s in PUBLISHED])
            & (ProcedureVersion.decision.signed_on >= first_day)
            & (ProcedureVersion.decision.signed_on <= last_day)
            ).order_by(ProcedureVersion.procedure).order_by(ProcedureVersion.number)
    return rows


async def completeness() -> list[dict]:
    """Every public procedure in force with the parts of its page that are missing
    (indicator 1.3: complete when the list is empty)."""
    procedures = await Procedure.select(Procedure.id, Procedure.code).where(
        Procedure.active.eq(True) & Procedure.internal.eq(False)).order_by(Procedure.code)
    found = []
    for row in procedures:
        content = await latest_in_force(row["id"])
        found.append({**row, "missing": missing_parts(content)})
    return found


async def latest_in_force(procedure_id: int) -> ProcedureContent:
    row = await ProcedureVersion.select(ProcedureVersion.content).where(
        (ProcedureVersion.procedure == procedure_id)
        & (ProcedureVersion.status == VersionStatus.IN_FORCE.value)).first()
    return load_content(row["content"]) if row else await legacy_content(procedure_id)



async def admin_list(agency_ids: tuple[int, ...] | None, q: str = "",
                     limit: int = 300) -> dict:
    """Procedures for the back office (all, or those of `agency_ids`), with their status
    and open draft, and the drafts of procedures not yet published."""
    where = Procedure.internal.eq(False)
    if agency_ids is not None:
        where &= Procedure.agency.is_in(list(agency_ids) or [-1])
    rows = await Procedure.select(
        Procedure.id, Procedure.code, Procedure.name, Procedure.active, Procedure.search_text,
        Procedure.agency.name.as_alias("agency_name"),
        Procedure.current_version.number.as_alias("version"),
        Procedure.current_version.change.as_alias("change"),
    ).where(where).order_by(Procedure.code)
    words = fold(q).split()
    rows = [r for r in rows if all(w in f"{r['search_text']} {r['code']}" for w in words)]
    drafts = await ProcedureVersion.select(
        ProcedureVersion.id, ProcedureVersion.procedure, ProcedureVersion.content,
        ProcedureVersion.created_at,
    ).where(ProcedureVersion.status == VersionStatus.DRAFT.value)
    open_drafts = {d["procedure"]: d["id"] for d in drafts if d["procedure"]}
    new = []
    for draft in (d for d in drafts if d["procedure"] is None):
        content = load_content(draft["content"])
        if agency_ids is None or content.agency_id in agency_ids:
            new.append({"id": draft["id"], "code": content.code, "name": content.name,
                        "created_at": draft["created_at"]})
    for row in rows:
        row["draft"] = open_drafts.get(row["id"])
    return {"procedures": rows[:limit], "total": len(rows), "new_drafts": new}


async def decisions(limit: int = 200) -> list[dict]:
    rows = await PublishingDecision.select().order_by(
        PublishingDecision.signed_on, ascending=False).limit(limit)
    counts: dict[int, int] = {}
    for v in await ProcedureVersion.select(ProcedureVersion.decision).where(
            ProcedureVersion.decision.is_not_null()):
        counts[v["decision"]] = counts.get(v["decision"], 0) + 1
    for row in rows:
        row["procedures"] = counts.get(row["id"], 0)
    return rows


async def admin_procedure(procedure_id: int) -> dict | None:
    row = await Procedure.select(
        Procedure.id, Procedure.code, Procedure.name, Procedure.active, Procedure.agency,
        Procedure.agency.name.as_alias("agency_name"),
    ).where((Procedure.id == procedure_id) & Procedure.internal.eq(False)).first()
    if row is None:
        return None
    row["versions"] = await history(procedure_id)
    draft = await ProcedureVersion.select(ProcedureVersion.id).where(
        (ProcedureVersion.procedure == procedure_id)
        & (ProcedureVersion.status == VersionStatus.DRAFT.value)).first()
    row["draft"] = draft["id"] if draft else None
    row["missing"] = missing_parts(await latest_in_force(procedure_id))
    return row


async def published_as(version_id: int) -> dict | None:
    """The procedure and number of a version already published (a repeated publish)."""
    return await ProcedureVersion.select(ProcedureVersion.procedure, ProcedureVersion.number
                                         ).where((ProcedureVersion.id == version_id)
                                                 & ProcedureVersion.number.is_not_null()).first()

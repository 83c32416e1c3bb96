"""Drafts and publishing: the catalogue back office's writes.

Agency admins draft their agencies' procedures; the provincial admin drafts any and
publishes a draft through a publishing decision (number, signing day, effective day). A
published version is immutable; it is in force from its effective day (`in_force`). Every
write is one transaction with its audit entry, whose data says who and what.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime

from app.accounts.roles import Role
from app.accounts.service import CurrentUser
from app.audit import service as audit
from app.catalog.content import ProcedureContent, publish_problems
from app.catalog.in_force import apply_version, load_content, procedure_columns
from app.catalog.tables import Field, Procedure, ProcedureVersion, PublishingDecision
from app.catalog.versions import (
    PUBLISHED,
    Change,
    Decision,
    VersionStatus,
    change_for,
    edit_refusal,
    publish_conflict,
    same_decision,
    status_on_publish,
)
from app.db import write_transaction
from app.directory.tables import Agency
from app.formatting import now_utc, to_local
from app.refusals import Refusal


class CatalogError(Refusal):
    """A refusal of this area (Vietnamese message, fields at fault)."""


@dataclass(frozen=True)
class DecisionInput:
    decision: Decision
    issuer: str = ""
    title: str = ""


def _check_scope(user: CurrentUser, *agencies: int | None) -> None:
    refusal = edit_refusal(user.role, user.agency_ids, set(agencies))
    if refusal:
        raise CatalogError(refusal)


async def published_state(procedure_id: int | None) -> dict:
    """What publishing must know of a procedure's versions so far."""
    if procedure_id is None:
        return {"has_published": False, "abolished": False, "scheduled_from": None, "last": 0}
    rows = await ProcedureVersion.select(
        ProcedureVersion.number, ProcedureVersion.status, ProcedureVersion.change,
        ProcedureVersion.effective_from,
    ).where((ProcedureVersion.procedure == procedure_id)
            & ProcedureVersion.status.is_in([s.value for s in PUBLISHED]))
    in_force = next((r for r in rows if r["status"] == VersionStatus.IN_FORCE), None)
    scheduled = next((r for r in rows if r["status"] == VersionStatus.SCHEDULED), None)
    return {"has_published": bool(rows),
            "abolished": bool(in_force and in_force["change"] == Change.ABOLISH),
            "scheduled_from": scheduled["effective_from"] if scheduled else None,
            "last": max((r["number"] for r in rows), default=0)}


# -- drafts -------------------------------------------------------------------------------


async def start_draft(user: CurrentUser, procedure_id: int | None = None) -> int:
    """A draft of a new procedure, or of the next version of one (its latest published
    content to start from); a procedure has at most one draft, which is reused."""
    from app.catalog.reading import latest_content

    _check_scope(user)
    async with write_transaction():
        if procedure_id is None:
            agency = user.agency_ids[0] if user.role == Role.AGENCY_ADMIN and user.agency_ids \
                else None
            content = ProcedureContent(agency_id=agency)
        else:
            procedure = await Procedure.select(Procedure.agency).where(
                Procedure.id == procedure_id).first()
            if procedure is None:
                raise CatalogError("Không tìm thấy thủ tục này.")
            _check_scope(user, procedure["agency"])
            existing = await ProcedureVersion.select(ProcedureVersion.id).where(
                (ProcedureVersion.procedure == procedure_id)
                & (ProcedureVersion.status == VersionStatus.DRAFT.value)).first()
            if existing:
                return existing["id"]
            content = await latest_content(procedure_id)
        row = ProcedureVersion(procedure=procedure_id, status=VersionStatus.DRAFT.value,
                               content=json.dumps(content.to_json(), ensure_ascii=False),
                               created_at=now_utc(), created_by=user.id)
        await row.save()
        await audit.record("catalog.draft_started", "procedure_version", row.id,
                           {"procedure": procedure_id}, actor_id=user.id)
    return row.id


async def draft_for(user: CurrentUser, version_id: int) -> dict | None:
    """The draft with its content, if this user may edit it."""
    row = await ProcedureVersion.select(
        ProcedureVersion.all_columns(), ProcedureVersion.procedure.agency.as_alias("agency"),
    ).where((ProcedureVersion.id == version_id)
            & (ProcedureVersion.status == VersionStatus.DRAFT.value)).first()
    if row is None:
        return None
    row["content"] = load_content(row["content"])
    if edit_refusal(user.role, user.agency_ids, {row["agency"], row["content"].agency_id}):
        return None
    return row


async def save_draft(user: CurrentUser, version_id: int, content: ProcedureContent,
                     note: str = "") -> None:
    async with write_transaction():
        row = await draft_for(user, version_id)
        if row is None:
            raise CatalogError("Không tìm thấy bản nháp này, hoặc bản nháp đã được công bố.")
        _check_scope(user, row["agency"], content.agency_id)
        await ProcedureVersion.update({
            ProcedureVersion.content: json.dumps(content.to_json(), ensure_ascii=False),
            ProcedureVersion.note: note[:1000],
        }).where(ProcedureVersion.id == version_id)
        await audit.record("catalog.draft_saved", "procedure_version", version_id,
                           {"code": content.code, "name": content.name,
                            "components": len(content.components)}, actor_id=user.id)


async def attach_form(user: CurrentUser, version_id: int, index: int, data: bytes,
                      filename: str) -> None:
    """The official file of the draft's component `index` (1-based): stored, and copied to
    the component's in-force row when the version takes effect."""
    from app.catalog.forms import official_form
    from app.files import store

    problem, content_type, name = official_form(data, filename)
    if problem:
        raise CatalogError(problem, {f"form_file_{index}": problem})
    async with store.atomic():
        row = await draft_for(user, version_id)
        if row is None:
            raise CatalogError("Không tìm thấy bản nháp này, hoặc bản nháp đã được công bố.")
        components = list(row["content"].components)
        if not 1 <= index <= len(components):
            raise CatalogError("Lưu thành phần hồ sơ trước khi tải mẫu đơn lên.")
        stored = await store.store(data, content_type)
        old = components[index - 1]
        components[index - 1] = replace(old, form_sha256=stored.sha256, form_filename=name,
                                        form_name=old.form_name or name)
        content = replace(row["content"], components=tuple(components))
        await ProcedureVersion.update({
            ProcedureVersion.content: json.dumps(content.to_json(), ensure_ascii=False),
        }).where(ProcedureVersion.id == version_id)
        await audit.record("catalog.form_uploaded", "procedure_version", version_id,
                           {"component": old.name, "sha256": stored.sha256},
                           actor_id=user.id)


async def field_id_for(name: str, actor_id: int | None) -> int:
    """The field (lĩnh vực) with this name, created when new (diacritics and case ignored
    in the comparison). Joins the caller's transaction."""
    from app.text import fold

    async with write_transaction():
        for row in await Field.select(Field.id, Field.name):
            if fold(row["name"]) == fold(name):
                return row["id"]
        created = Field(code=f"LV{await Field.count() + 1:04d}", name=name.strip()[:200])
        await created.save()
        await audit.record("catalog.field_created", "catalog_field", created.id,
                           {"name": created.name}, actor_id=actor_id)
        return created.id


async def discard_draft(user: CurrentUser, version_id: int) -> None:
    async with write_transaction():
        if await draft_for(user, version_id) is None:
            raise CatalogError("Không tìm thấy bản nháp này.")
        await ProcedureVersion.delete().where(ProcedureVersion.id == version_id)
        await audit.record("catalog.draft_discarded", "procedure_version", version_id,
                           actor_id=user.id)


# -- publishing ---------------------------------------------------------------------------


async def decision_id(given: DecisionInput, user_id: int | None) -> int:
    """The recorded decision with this number (its dates must match), or a new one."""
    d = given.decision
    row = await PublishingDecision.select().where(
        PublishingDecision.number == d.number.strip()).first()
    if row is not None:
        problem = same_decision(Decision(row["number"], row["signed_on"], row["effective_from"]),
                                d.number, d.signed_on, d.effective_from)
        if problem:
            raise CatalogError(problem, {"decision_number": problem})
        return row["id"]
    created = PublishingDecision(number=d.number.strip(), signed_on=d.signed_on,
                                 effective_from=d.effective_from, issuer=given.issuer[:255],
                                 title=given.title, created_at=now_utc(), created_by=user_id)
    await created.save()
    await audit.record("catalog.decision_recorded", "publishing_decision", created.id,
                       {"number": created.number, "signed_on": d.signed_on.isoformat(),
                        "effective_from": d.effective_from.isoformat()}, actor_id=user_id)
    return created.id


async def _content_problems(content: ProcedureContent, procedure_id: int | None,
                            abolish: bool, strict: bool) -> None:
    # Abolishing republishes the content as it stands: completeness is not asked of it.
    problems = {} if abolish else publish_problems(content, complete=strict)
    if content.agency_id and not await Agency.exists().where(Agency.id == content.agency_id):
        problems["agency_id"] = "Cơ quan thực hiện không tồn tại."
    if content.field_id and not await Field.exists().where(Field.id == content.field_id):
        problems["field_id"] = "Lĩnh vực không tồn tại."
    taken = Procedure.code == content.code
    if procedure_id is not None:
        taken &= Procedure.id != procedure_id
    if content.code and await Procedure.exists().where(taken):
        problems["code"] = f"Mã thủ tục {content.code} đã thuộc một thủ tục khác."
    if problems:
        raise CatalogError("Chưa công bố được: " + " ".join(problems.values()), problems)


async def publish_content(user_id: int | None, procedure_id: int | None,
                          content: ProcedureContent, decision: int, now: datetime, *,
                          version_id: int | None = None, abolish: bool = False,
                          strict: bool = True, note: str = "") -> tuple[int, int]:
    """Publish `content` as the procedure's next version under the decision; (procedure id,
    version number). Must run inside the caller's write transaction. `strict`: refuse a
    page missing parts Nghị định 63/2010 requires (not for imports, see publish_problems)."""
    await _content_problems(content, procedure_id, abolish, strict)
    state = await published_state(procedure_id)
    change = change_for(state["has_published"], state["abolished"], abolish)
    conflict = publish_conflict(change, state["has_published"], state["abolished"],
                                state["scheduled_from"])
    if conflict:
        raise CatalogError(conflict)
    if procedure_id is None:
        created = Procedure(**await procedure_columns(content), active=False)
        await created.save()
        procedure_id = created.id
    effective = (await PublishingDecision.select(PublishingDecision.effective_from).where(
        PublishingDecision.id == decision).first())["effective_from"]
    values = {
        "procedure": procedure_id, "number": state["last"] + 1, "change": change.value,
        "status": VersionStatus.SCHEDULED.value, "decision": decision,
        "effective_from": effective, "newest_basis_from": content.newest_basis_from,
        "content": json.dumps(content.to_json(), ensure_ascii=False),
        "published_at": now, "published_by": user_id,
    }
    if version_id is None:
        row = ProcedureVersion(**values, note=note, created_at=now, created_by=user_id)
        await row.save()
        version_id = row.id
    else:
        await ProcedureVersion.update(values).where(ProcedureVersion.id == version_id)
    await audit.record("catalog.version_published", "procedure", procedure_id,
                       {"version": values["number"], "change": change.value,
                        "decision": decision, "effective_from": effective.isoformat(),
                        "code": content.code}, actor_id=user_id)
    if status_on_publish(effective, to_local(now).date()) == VersionStatus.IN_FORCE:
        await apply_version(version_id, now)
    return procedure_id, values["number"]


async def publish_draft(user: CurrentUser, version_id: int, decision: DecisionInput,
                        now: datetime | None = None) -> tuple[int, int]:
    if user.role != Role.PROVINCIAL_ADMIN:
        raise CatalogError("Chỉ quản trị cấp tỉnh công bố thủ tục hành chính.")
    now = now or now_utc()
    async with write_transaction():
        row = await draft_for(user, version_id)
        if row is None:
            raise CatalogError("Không tìm thấy bản nháp này, hoặc bản nháp đã được công bố.")
        decision_row = await decision_id(decision, user.id)
        return await publish_content(user.id, row["procedure"], row["content"], decision_row,
                                     now, version_id=version_id)


async def abolish(user: CurrentUser, procedure_id: int, decision: DecisionInput, reason: str,
                  now: datetime | None = None) -> int:
    """Abolish a procedure from the decision's effective day; the version number."""
    from app.catalog.reading import latest_content

    if user.role != Role.PROVINCIAL_ADMIN:
        raise CatalogError("Chỉ quản trị cấp tỉnh bãi bỏ thủ tục hành chính.")
    if not reason.strip():
        raise CatalogError("Nêu lý do bãi bỏ.", {"reason": "Nêu lý do bãi bỏ."})
    now = now or now_utc()
    async with write_transaction():
        content = await latest_content(procedure_id)
        decision_row = await decision_id(decision, user.id)
        _, number = await publish_content(user.id, procedure_id, content, decision_row, now,
                                          abolish=True, note=reason.strip())
    return number

"""Reading one dossier for the staff pages, within the user's scope."""

from __future__ import annotations

from app.accounts.roles import Role
from app.accounts.service import CurrentUser
from app.accounts.tables import User, UserAgency
from app.catalog.tables import ProcedureComponent
from app.counter.tables import ResultReturn
from app.directory.tables import Agency
from app.dossiers.logic import Status
from app.dossiers.service import scope_condition, scope_of
from app.dossiers.tables import Dossier, DossierComponent, DossierEvent, RequestedComponent
from app.prepared import padded_ids, prepared
from app.processes.logic import ProcessStep, roles_for
from app.workflow.history import event_label


async def dossier_for_staff(dossier_id: int, user: CurrentUser) -> dict | None:
    """The dossier with names resolved, or None when it does not exist or is outside the
    user's scope (the same answer, so ids cannot be probed)."""
    return await _full_dossier(dossier_id, scope_of(user))


async def dossier_for_archive(dossier_id: int) -> dict | None:
    """The same, for the archive's worker job, which acts for no user: the province's
    scope (a closed dossier is never a draft)."""
    return await _full_dossier(dossier_id, {"applicant": None, "draft": Status.DRAFT.value,
                                            "agency_ids": None})


async def _full_dossier(dossier_id: int, scope: dict) -> dict | None:
    row = await _scoped_dossier(dossier_id=dossier_id, **scope)
    if row is None:
        return None
    row["components"] = await _components(dossier_id=dossier_id)
    row["handover"] = await _handover(dossier_id=dossier_id)
    row["events"] = await _history(dossier_id=dossier_id)
    for event in row["events"]:
        # Named by the process step it was recorded at (mapped for events from before
        # versioned processes); the raw number only when no step is known.
        event["label"] = event_label(event["action"], event["step_kind"])
        event["position"] = event["step_position"] or event["step"]
    return row


# The staff dossier page, opened for every action: its reads built once.
@prepared
def _scoped_dossier(dossier_id, applicant, draft, agency_ids):
    return Dossier.select(
        Dossier.all_columns(), Dossier.procedure.name.as_alias("procedure_name"),
        Dossier.procedure.time_limit_amount.as_alias("time_limit_amount"),
        Dossier.procedure.time_limit_unit.as_alias("time_limit_unit"),
        Dossier.agency.name.as_alias("agency_name"),
        Dossier.procedure.agency.name.as_alias("procedure_agency_name"),
        Dossier.receiving_agency.name.as_alias("receiving_agency_name"),
        Dossier.assignee.full_name.as_alias("assignee_name"),
    ).where((Dossier.id == dossier_id)
            & scope_condition(applicant, draft, agency_ids)).first()


@prepared
def _components(dossier_id):
    return DossierComponent.select().where(
        DossierComponent.dossier == dossier_id).order_by(DossierComponent.id)


@prepared
def _handover(dossier_id):
    return ResultReturn.select(
        ResultReturn.all_columns(), ResultReturn.recorded_by.full_name.as_alias("recorded_by_name"),
    ).where(ResultReturn.dossier == dossier_id).first()


@prepared
def _history(dossier_id):
    return DossierEvent.select(
        DossierEvent.all_columns(), DossierEvent.actor.full_name.as_alias("actor_name"),
        DossierEvent.agency.name.as_alias("agency_name"),
        DossierEvent.assignee.full_name.as_alias("assignee_name"),
        DossierEvent.process_step.position.as_alias("step_position"),
        DossierEvent.process_step.name.as_alias("step_name"),
        DossierEvent.process_step.kind.as_alias("step_kind"),
    ).where(DossierEvent.dossier == dossier_id).order_by(DossierEvent.id)


async def holders(agency_id: int, step: ProcessStep | None) -> list[dict]:
    """Active staff of the agency who may be given this step (its performers); handlers
    and leaders when no step is known."""
    roles = roles_for(step.performers) if step else {Role.HANDLER, Role.LEADER}
    links = await _agency_staff(agency_id=agency_id)
    ids = padded_ids([link["user"] for link in links] or [-1])
    people = await _active_people(ids=ids, roles=sorted(r.value for r in roles))
    return [p for p in people if step is None or step.held_by(p["role"], p["position"])]


@prepared
def _agency_staff(agency_id):
    return UserAgency.select(UserAgency.user).where(UserAgency.agency == agency_id)


@prepared
def _active_people(ids, roles):
    return User.select(User.id, User.full_name, User.role, User.position).where(
        User.id.is_in(ids) & User.active.eq(True) & User.role.is_in(roles)
    ).order_by(User.full_name)


async def other_agencies(agency_id: int) -> list[dict]:
    return await _other_agencies(agency_id=agency_id)


@prepared
def _other_agencies(agency_id):
    return Agency.select(Agency.id, Agency.name).where(
        (Agency.id != agency_id) & Agency.active.eq(True)).order_by(Agency.name)


@prepared
def procedure_components(procedure_id):
    """The components a procedure asks for, in order (what a supplement request can name)."""
    return ProcedureComponent.select(
        ProcedureComponent.id, ProcedureComponent.name, ProcedureComponent.required,
    ).where(ProcedureComponent.procedure == procedure_id).order_by(ProcedureComponent.position)


async def requested_components(dossier_id: int) -> list[dict]:
    """The components named by the latest supplement request, in the procedure's order
    (id, name); empty when the request was in words only."""
    latest = await RequestedComponent.select(RequestedComponent.requested_at).where(
        RequestedComponent.dossier == dossier_id).order_by(
        RequestedComponent.requested_at, ascending=False).first()
    if latest is None:
        return []
    return await RequestedComponent.select(
        RequestedComponent.procedure_component.id.as_alias("id"),
        RequestedComponent.procedure_component.name.as_alias("name"),
    ).where((RequestedComponent.dossier == dossier_id)
            & (RequestedComponent.requested_at == latest["requested_at"])).order_by(
        RequestedComponent.procedure_component.position)

"""Applying the state machine to stored dossiers.

One function, `perform`, is the only way a dossier changes state: inside one IMMEDIATE
transaction it reads the dossier, checks the form was made from the dossier as it is now
(its `version`), asks the pure machine for the transition under the dossier's internal
process, writes the new state, the dossier event, any pause, apology or result record, and
the audit entry. Either all of it is saved or none of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.accounts.roles import Role
from app.accounts.service import CurrentUser
from app.accounts.tables import User, UserAgency
from app.archive.logic import CLOSED_STATUSES
from app.archive.service import file_closed_dossier
from app.audit import service as audit
from app.calendar.deadlines import deadline, extend_by_office_time, office_time_between
from app.calendar.service import current_calendar
from app.catalog.tables import Procedure, ProcedureComponent
from app.counter.tables import ResultReturn
from app.db import write_transaction
from app.dossiers.logic import Channel, Status
from app.dossiers.tables import (
    Dossier,
    DossierApology,
    DossierEvent,
    DossierPause,
    DossierResult,
    RequestedComponent,
)
from app.formatting import format_datetime, now_utc
from app.integrations import dossier_changes
from app.legal_forms.issuing import number_issued_letters
from app.notifications.api import schedule_delivery
from app.notifications.workflow import notify_transition
from app.prepared import prepared
from app.processes.logic import performers_of
from app.processes.service import LoadedProcess, process_for
from app.ratings.service import invite as rating_invite
from app.signatures import results as signed_results
from app.signatures.tables import ResultDraft
from app.workflow import (
    Action,
    Actor,
    ClockEffect,
    DossierState,
    Effect,
    ResumePoint,
    Transition,
    TransitionError,
    allowed_actions,
    apply,
)
from app.workflow.history import event_label


class DossierNotFound(LookupError):
    pass


class StaleDossier(TransitionError):
    """The form was made from an older version of the dossier: someone acted meanwhile."""


@dataclass(frozen=True)
class Snapshot:
    row: dict
    state: DossierState
    loaded: LoadedProcess


def _point(status: int | None, step: int | None) -> ResumePoint | None:
    return None if status is None else ResumePoint(Status(status), step)


# Every workflow action and staff dossier page takes a snapshot: built once.
@prepared
def _dossier_row(dossier_id):
    return Dossier.select().where(Dossier.id == dossier_id).first()


@prepared
def _has_result(dossier_id):
    return DossierResult.exists().where(DossierResult.dossier == dossier_id)


@prepared
def _has_draft(dossier_id):
    return ResultDraft.exists().where(ResultDraft.dossier == dossier_id)


@prepared
def _apologised(dossier_id, due_at):
    return DossierApology.exists().where(
        (DossierApology.dossier == dossier_id) & (DossierApology.previous_due_at == due_at))


async def snapshot(dossier_id: int, now: datetime | None = None) -> Snapshot:
    row = await _dossier_row(dossier_id=dossier_id)
    if row is None:
        raise DossierNotFound(dossier_id)
    now = now or now_utc()
    loaded = await process_for(row, now)
    has_result = await _has_result(dossier_id=dossier_id)
    has_draft = await _has_draft(dossier_id=dossier_id)
    apologised = row["due_at"] is not None and await _apologised(
        dossier_id=dossier_id, due_at=row["due_at"])
    # Imported or bulk-generated history may lack the processing details the machine
    # needs; such a dossier is taken to be at the first work step.
    current_step, status = row["current_step"], Status(row["status"])
    first = loaded.process.first_work or 1
    if current_step is None and status == Status.PROCESSING:
        current_step = first
    if loaded.process.count and (current_step or 0) > loaded.process.count:
        current_step = loaded.process.count  # never a step the version lacks
    resume = _point(row["resume_status"], row["resume_step"])
    if resume is None and status in (Status.SUPPLEMENT_REQUESTED,
                                     Status.FINANCIAL_OBLIGATION):
        resume = ResumePoint(Status.PROCESSING, first)
    withdrawn = _point(row["withdrawn_status"], row["withdrawn_step"])
    if withdrawn is None and status == Status.WITHDRAWAL_REQUESTED:
        withdrawn = ResumePoint(Status.PROCESSING, first)
    state = DossierState(
        status=status, agency_id=row["agency"], now=now,
        channel=Channel(row["channel"]), process=loaded.process,
        current_step=current_step, assignee_id=row["assignee"],
        receiving_agency_id=row["receiving_agency"], due_at=row["due_at"],
        has_apology_for_current_due=apologised, approved=row["approved"],
        signed=row["signed"], has_result=has_result, has_draft=has_draft, fees_due=row["fees_due"],
        fees_paid=row["fees_paid"], supplement_requests_count=row["supplement_requests"],
        resume_point=resume, withdrawn_from=withdrawn,
    )
    return Snapshot(row=row, state=state, loaded=loaded)


def actor_for(user: CurrentUser, dossier_row: dict) -> Actor:
    return Actor(user_id=user.id, role=user.role, agency_ids=frozenset(user.agency_ids),
                 is_owner=dossier_row["applicant"] == user.id, position=user.position)


async def actions_for(dossier_id: int, user: CurrentUser) -> list[Action]:
    snap = await snapshot(dossier_id)
    return allowed_actions(snap.state, actor_for(user, snap.row))


_COLUMN_CHANGES = {
    "approved": Dossier.approved, "signed": Dossier.signed, "due_at": Dossier.due_at,
    "fees_due": Dossier.fees_due, "fees_paid": Dossier.fees_paid,
    "supplement_requests_count": Dossier.supplement_requests,
    "receiving_agency_id": Dossier.receiving_agency,
}


def _dossier_update(transition: Transition) -> dict:
    values = {Dossier.status: transition.status.value, Dossier.current_step: transition.step,
              Dossier.assignee: transition.assignee_id, Dossier.agency: transition.agency_id}
    for key, column in _COLUMN_CHANGES.items():
        if key in transition.changes:
            values[column] = transition.changes[key]
    for key, (status_col, step_col) in {
        "resume_point": (Dossier.resume_status, Dossier.resume_step),
        "withdrawn_from": (Dossier.withdrawn_status, Dossier.withdrawn_step),
    }.items():
        if key in transition.changes:
            point = transition.changes[key]
            values[status_col] = point.status.value if point else None
            values[step_col] = point.step if point else None
    # Stamped on entering the status: a move within it (fees paid at the counter after
    # processing ended) is not when processing ended, nor when the result was handed over.
    if transition.status != transition.from_status:
        if transition.status == Status.PROCESSED:
            values[Dossier.finished_at] = transition.at
        if transition.status == Status.RETURNED:
            values[Dossier.returned_at] = transition.at
    return values


async def recompute_due(row: dict) -> datetime | None:
    """The legal due moment: the procedure's time limit from reception, on the province's
    calendar, with every pause (supplement waiting, stopped time) left out."""
    if row["received_at"] is None:
        return None
    procedure = await Procedure.select(
        Procedure.time_limit_amount, Procedure.time_limit_unit
    ).where(Procedure.id == row["procedure"]).first()
    pauses = await DossierPause.select(DossierPause.started_at, DossierPause.ended_at).where(
        (DossierPause.dossier == row["id"]) & DossierPause.ended_at.is_not_null()
    )
    return deadline(row["received_at"], procedure["time_limit_amount"],
                    procedure["time_limit_unit"],
                    pauses=[(p["started_at"], p["ended_at"]) for p in pauses],
                    calendar=await current_calendar())


async def _check_assignee(snap: Snapshot, transition: Transition) -> None:
    """A named assignee must hold the step the dossier lands on (its role and, for leaders,
    position) and work, active, in the step's unit."""
    user_id, process = transition.assignee_id, snap.state.process
    person = await User.select(User.role, User.position, User.full_name).where(
        (User.id == user_id) & User.active.eq(True)).first()
    works_there = person is not None and await UserAgency.exists().where(
        (UserAgency.user == user_id) & (UserAgency.agency == transition.agency_id))
    step = process.step(transition.step)
    if not works_there or person["role"] not in (Role.HANDLER.value, Role.LEADER.value):
        raise TransitionError("Người được giao phải là chuyên viên hoặc lãnh đạo đang làm việc "
                              "tại cơ quan giải quyết hồ sơ.")
    if step is not None and not step.performers & performers_of(person["role"],
                                                               person["position"]):
        raise TransitionError(f"{person['full_name']} không được thực hiện "
                              f"{process.named(step.position)}.")


async def _stale_message(dossier_id: int, process) -> str:
    last = await DossierEvent.select(
        DossierEvent.at, DossierEvent.action, DossierEvent.step,
        DossierEvent.actor.full_name.as_alias("actor_name"),
    ).where(DossierEvent.dossier == dossier_id).order_by(DossierEvent.id, ascending=False
                                                          ).first()
    if last is None:
        return "Hồ sơ vừa được cập nhật; vui lòng tải lại trang."
    step = process.step(last["step"])
    what = event_label(last["action"], step.kind if step else None).lower()
    who = last["actor_name"] or "hệ thống"
    return (f"Hồ sơ vừa được {who} cập nhật lúc {format_datetime(last['at'])} ({what}); "
            "vui lòng tải lại trang.")


async def _due_after_pause(row: dict) -> datetime | None:
    """Without an apology the due moment is recomputed from the law (reception + limit −
    pauses). With one, the promised new appointment moves by the office time paused.
    Called after the pause has been closed, with the dossier as it was before the update
    (resuming changes neither its reception nor its appointment)."""
    has_apology = await DossierApology.exists().where(DossierApology.dossier == row["id"])
    if not has_apology:
        return await recompute_due(row)
    last = await DossierPause.select().where(DossierPause.dossier == row["id"]).order_by(
        DossierPause.id, ascending=False).first()
    calendar = await current_calendar()
    paused = office_time_between(last["started_at"], last["ended_at"], calendar=calendar)
    return extend_by_office_time(row["due_at"], paused, calendar=calendar)


# Statuses in which the current step's deadline is kept for when the step goes on.
_STEP_WAITING = (Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION,
                 Status.WITHDRAWAL_REQUESTED)


async def _step_due(snap: Snapshot, transition: Transition) -> datetime | None:
    """The current step's own deadline: its allotted office hours from the moment the
    dossier enters the step; a supplement wait inside the step moves it by the time waited."""
    kept, before = snap.row["step_due_at"], Status(snap.row["status"])
    if transition.status in _STEP_WAITING:
        return kept
    if transition.status != Status.PROCESSING or transition.step is None:
        return None
    calendar = await current_calendar()
    if snap.row["current_step"] == transition.step and kept is not None:
        if before == Status.PROCESSING:
            return kept  # assigned or noted within the same step
        if before in _STEP_WAITING:
            paused_at = snap.row["clock_paused_at"]
            if transition.clock != ClockEffect.RESUME or paused_at is None:
                return kept
            waited = office_time_between(paused_at, transition.at, calendar=calendar)
            return extend_by_office_time(kept, waited, calendar=calendar)
    step = snap.state.process.step(transition.step)
    if step is None or not step.hours:
        return None
    return deadline(transition.at, step.hours, "hours", calendar=calendar)


async def _record_requested_components(row: dict, transition: Transition) -> None:
    wanted = transition.details["components"]
    if not wanted:
        return
    known = await ProcedureComponent.count().where(
        (ProcedureComponent.procedure == row["procedure"])
        & ProcedureComponent.id.is_in(list(wanted)))
    if known != len(wanted):
        raise TransitionError("Thành phần hồ sơ cần bổ sung không thuộc thủ tục của hồ sơ này.")
    await RequestedComponent.insert(*[
        RequestedComponent(dossier=row["id"], procedure_component=component,
                           requested_at=transition.at) for component in wanted])


async def _record_side_tables(snap: Snapshot, transition: Transition, user: CurrentUser,
                              params: dict[str, Any]) -> dict:
    dossier_id, extra = snap.row["id"], {}
    if transition.clock == ClockEffect.PAUSE:
        await DossierPause(dossier=dossier_id, reason="supplement",
                           started_at=transition.at).save()
        extra[Dossier.clock_paused_at] = transition.at
    elif transition.clock == ClockEffect.RESUME:
        await DossierPause.update({DossierPause.ended_at: transition.at}).where(
            (DossierPause.dossier == dossier_id) & DossierPause.ended_at.is_null())
        extra[Dossier.clock_paused_at] = None
    if transition.action == Action.REQUEST_SUPPLEMENT:
        await _record_requested_components(snap.row, transition)
    if transition.action == Action.RECORD_APOLOGY:
        await DossierApology(
            dossier=dossier_id, previous_due_at=snap.state.due_at,
            new_due_at=transition.changes["due_at"], reason=params["reason"].strip(),
            created_at=transition.at, created_by=user.id).save()
    if transition.action == Action.ATTACH_DRAFT:
        await signed_results.attach_draft(dossier_id, transition.details["sha256"], user,
                                          transition.at)
    if transition.action == Action.SIGN:
        await signed_results.sign(snap.row, transition.details["signing"],
                                  transition.details["sha256"], user, transition.at)
    if transition.action == Action.ISSUE_RESULT:
        await signed_results.issue(dossier_id, user, transition.at)
    if transition.action == Action.RETURN_RESULT:
        details = transition.details
        await ResultReturn(
            dossier=dossier_id, method=details["method"],
            receiver_name=details["receiver_name"] or snap.row["applicant_name"],
            receiver_id_number=details["receiver_id_number"], note=details["note"],
            returned_at=transition.at, recorded_by=user.id).save()
    return extra


async def perform(dossier_id: int, user: CurrentUser, action: Action | str, *,
                  expected_version: int | None = None, **params: Any) -> Transition:
    """Do `action` on the dossier as `user`, or raise TransitionError (Vietnamese message)
    with nothing changed. `expected_version`: the dossier's version the user's form was
    made from; any other version is refused (`StaleDossier`)."""
    async with write_transaction():
        snap = await snapshot(dossier_id)
        if expected_version is not None and expected_version != snap.row["version"]:
            raise StaleDossier(await _stale_message(dossier_id, snap.state.process))
        if action == Action.ACCEPT and params.get("due_at") is None:
            # The legal clock starts at reception: at the counter that is the row's
            # received_at; online and postal dossiers are received at acceptance.
            received = snap.row["received_at"] or snap.state.now
            params["due_at"] = await recompute_due({**snap.row, "received_at": received})
        transition = apply(snap.state, actor_for(user, snap.row), action, **params)
        if transition.assignee_id is not None and (
                transition.assignee_id != snap.state.assignee_id
                or transition.step != snap.state.current_step):
            await _check_assignee(snap, transition)
        values = _dossier_update(transition)
        values[Dossier.version] = snap.row["version"] + 1
        if transition.action == Action.ACCEPT and snap.row["process_version"] is None:
            values[Dossier.process_version] = snap.loaded.version_id
        values[Dossier.step_due_at] = await _step_due(snap, transition)
        if transition.action == Action.ACCEPT and snap.row["received_at"] is None:
            values[Dossier.received_at] = transition.at
        values.update(await _record_side_tables(snap, transition, user, params))
        if transition.clock == ClockEffect.RESUME:
            values[Dossier.due_at] = await _due_after_pause(snap.row)
        await Dossier.update(values).where(Dossier.id == dossier_id)
        comment = str(params.get("reason") or params.get("comment") or "")
        event = DossierEvent(
            dossier=dossier_id, at=transition.at, actor=user.id, action=transition.event,
            agency=transition.agency_id, from_status=transition.from_status.value,
            to_status=transition.status.value, step=transition.step, comment=comment,
            process_step=snap.loaded.step_id(transition.step),
            assignee=transition.assignee_id)
        await event.save()
        # Effect.ISSUE_FORM_0x: the letters issued now get their register numbers.
        await number_issued_letters(dossier_id, transition.effects, event.id, transition.at,
                                    user.id)
        await audit.record(
            f"dossier.{transition.event}", "dossier", dossier_id,
            {"action": transition.action.value, "from": transition.from_status.value,
             "to": transition.status.value, "step": transition.step,
             "effects": [str(e) for e in transition.effects]},
            actor_id=user.id)
        if Effect.INVITE_RATING in transition.effects:
            await rating_invite(dossier_id)  # same transaction as the return
        if transition.status in CLOSED_STATUSES:  # its archival file, built after commit
            await file_closed_dossier(dossier_id, transition.agency_id, transition.at)
        await dossier_changes.queue(dossier_id)  # national portal sync, document numbers
        queued = await notify_transition(dossier_id, transition, params)
    if queued:
        schedule_delivery()
    return transition


__all__ = ["DossierNotFound", "StaleDossier", "TransitionError", "actions_for", "perform",
           "snapshot"]

"""The approved internal process as a guard: who may act at the dossier's step, and which
decisions belong to which step. Pure: no I/O.

The transition table (`app.workflow.rules`) says which roles may ever take an action in a
status; this guard narrows it to the step the dossier is at. Work at a step (moving the
dossier, asking for documents or money, approving, signing, issuing the result) is for
the step's performers only, and only for the person the step is assigned to when it is
assigned (the step's pool otherwise). Leaders of the unit keep the management actions
anywhere (assign, stop, refuse, apologise). Approval and signature steps record their
decision before the dossier may leave them; the signature needs the approval steps before
it to have approved the draft; the result is issued at the process's issue step, signed.
"""

from __future__ import annotations

from app.accounts.roles import Role
from app.dossiers.logic import Status
from app.processes.logic import ProcessStep, StepKind, describe_performers
from app.workflow.logic import Action, Actor, DossierState

# Work at a step: only its performers (and its assignee, when it has one) do it.
STEP_WORK = frozenset({
    Action.FORWARD, Action.RETURN_STEP, Action.TRANSFER, Action.REQUEST_SUPPLEMENT,
    Action.REQUEST_PAYMENT, Action.ATTACH_DRAFT, Action.APPROVE, Action.SIGN,
    Action.ISSUE_RESULT, Action.RECORD_APOLOGY,
})
# Leaders of the unit may take these at any step: they manage, they do not do the step.
LEADER_ANYWHERE = frozenset({Action.RECORD_APOLOGY})

NO_PROCESS = ("Thủ tục này chưa có quy trình nội bộ được phê duyệt và có hiệu lực, nên chưa "
              "thể tiếp nhận hay xử lý hồ sơ. Đề nghị quản trị ban hành quy trình.")


def not_holder(state: DossierState, step: ProcessStep, action: Action) -> str:
    who = describe_performers(step.performers)
    named = state.process.named(step.position)
    return (f"{named[0].upper()}{named[1:]} do {who} thực hiện: bạn không được "
            f"“{action.label}” ở bước này.")


def _holds(step: ProcessStep, actor: Actor) -> bool:
    return step.held_by(actor.role, actor.position)


def step_refusal(state: DossierState, actor: Actor, action: Action) -> str | None:
    """Why the process forbids `actor` to take `action` at the dossier's step, or None."""
    process = state.process
    if action == Action.ACCEPT and not process.work:
        return NO_PROCESS
    if state.status == Status.RECEIVED and action == Action.FORWARD:
        if not process.work:
            return NO_PROCESS
        reception = process.reception
        if reception is not None and not _holds(reception, actor):
            return not_holder(state, reception, action)
        return None
    if state.status == Status.PROCESSED and action == Action.RETURN_RESULT:
        back = process.return_step
        if back is not None and actor.role != Role.POSTAL_STAFF and not _holds(back, actor):
            return not_holder(state, back, action)
        return None
    if action not in STEP_WORK or state.status not in (Status.PROCESSING,
                                                       Status.FINANCIAL_OBLIGATION):
        return None
    step = state.step
    if step is None:
        return NO_PROCESS
    if action in LEADER_ANYWHERE and actor.role == Role.LEADER:
        return None
    if not _holds(step, actor):
        return not_holder(state, step, action)
    if state.assignee_id not in (None, actor.user_id):
        return (f"Hồ sơ ở {process.named(step.position)} đang được giao cho người khác; "
                "lãnh đạo đơn vị có thể phân công lại.")
    return _decision(state, step, action)


def _decision(state: DossierState, step: ProcessStep, action: Action) -> str | None:
    """Which decisions this step takes, and what it must have recorded before leaving."""
    process, named = state.process, state.process.named(step.position)
    if action == Action.APPROVE and step.kind != StepKind.APPROVAL:
        return f"Phê duyệt chỉ thực hiện ở bước phê duyệt của quy trình, không ở {named}."
    if action == Action.SIGN and step.kind != StepKind.SIGNATURE:
        return f"Ký số chỉ thực hiện ở bước ký của quy trình, không ở {named}."
    if action == Action.SIGN and not state.approved and process.approval_before(step.position):
        # The draft is signed as approved: a new draft since (or none approved) goes back.
        return ("Dự thảo kết quả chưa được phê duyệt ở bước phê duyệt của quy trình nên chưa "
                "thể ký; trả lại bước trước để phê duyệt.")
    if action == Action.ISSUE_RESULT and step.position != process.issue_position:
        return f"Kết quả chỉ được ban hành ở {process.named(process.issue_position)}."
    if action == Action.FORWARD:
        if step.kind == StepKind.APPROVAL and not state.approved:
            return f"Hồ sơ cần được phê duyệt ở {named} trước khi chuyển bước."
        if step.kind == StepKind.SIGNATURE and not state.signed:
            return f"Kết quả cần được ký số ở {named} trước khi chuyển bước."
        if step.kind == StepKind.RESULT_ISSUE and not state.has_result:
            return f"Kết quả cần được ban hành ở {named} trước khi chuyển bước."
    return None


def forward_target(state: DossierState) -> ProcessStep | None:
    """The step a forward would hand the dossier to (None: it finishes processing)."""
    process = state.process
    if state.status == Status.RECEIVED:
        return process.step(process.first_work)
    if state.status != Status.PROCESSING or state.current_step is None:
        return None
    if process.last_work is None or state.current_step >= process.last_work:
        return None
    return process.step(state.current_step + 1)


def return_target(state: DossierState) -> ProcessStep | None:
    """The step a return would send the dossier back to."""
    first = state.process.first_work
    if state.status != Status.PROCESSING or state.current_step is None or first is None:
        return None
    if state.current_step <= first:
        return None
    return state.process.step(state.current_step - 1)

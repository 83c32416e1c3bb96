"""What processing actions do at the agency once the guards let them through. Pure.

Assign, forward, return a step, transfer, ask for a financial obligation, apologise,
attach the draft result, approve, sign, issue the result, stop. See `app.workflow.actions`
for the conventions.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.dossiers.logic import Status
from app.processes.logic import ProcessStep, StepKind, describe_performers
from app.workflow.actions import (
    moment,
    move,
    optional_id,
    optional_text,
    positive_id,
    required_text,
    sha256_hex,
)
from app.workflow.logic import (
    Action,
    Actor,
    DossierState,
    Effect,
    ResumePoint,
    Transition,
    TransitionError,
)
from app.workflow.steps import forward_target, return_target


def assign(state: DossierState, actor: Actor, assignee_id: Any = None) -> Transition:
    assignee_id = positive_id(assignee_id, "Cần chọn người được giao xử lý.")
    if assignee_id == state.assignee_id:
        raise TransitionError("Hồ sơ đang được giao cho người này.")
    return move(
        state, Action.ASSIGN, "assigned", assignee_id=assignee_id,
        effects=(Effect.NOTIFY_ASSIGNEE,),
    )


def _enter(state: DossierState, actor: Actor, action: Action, target: ProcessStep,
           event: str, assignee_id: Any, *, status: Status | None = None,
           changes: dict[str, Any] | None = None, details: dict[str, Any] | None = None
           ) -> Transition:
    """Into another step of the process: its pool, or the named person holding it; to the
    step's unit. The service checks a named person holds the step's role there; here only
    the actor naming themselves, which needs no lookup."""
    assignee_id = optional_id(assignee_id)
    if assignee_id == actor.user_id and not target.held_by(actor.role, actor.position):
        who = describe_performers(target.performers)
        raise TransitionError(f"Không thể tự nhận {state.process.named(target.position)}: "
                              f"bước này do {who} thực hiện.")
    changes = dict(changes or {})
    agency = target.agency_id or state.agency_id
    if agency != state.agency_id and state.receiving_agency_id is None:
        changes["receiving_agency_id"] = state.agency_id  # the result comes back here
    if target.kind == StepKind.APPROVAL:
        changes["approved"] = False  # each approval step records its own approval
    notify = (Effect.NOTIFY_ASSIGNEE,) if assignee_id is not None else ()
    return move(
        state, action, event, status=status, step=target.position, assignee_id=assignee_id,
        agency_id=agency, effects=(Effect.RECORD_HANDOVER, *notify), changes=changes,
        details=details,
    )


def forward(state: DossierState, actor: Actor, assignee_id: Any = None) -> Transition:
    target = forward_target(state)
    if target is not None and state.status == Status.RECEIVED:
        return _enter(state, actor, Action.FORWARD, target, "processing_started", assignee_id,
                      status=Status.PROCESSING)
    if target is not None:
        return _enter(state, actor, Action.FORWARD, target, "forwarded", assignee_id)
    if assignee_id is not None:
        raise TransitionError(
            "Đây là bước cuối: hồ sơ về Bộ phận Một cửa để trả kết quả, không cần chọn người."
        )
    back = state.process.return_step
    return move(
        state, Action.FORWARD, "processing_finished", status=Status.PROCESSED,
        step=back.position if back else state.current_step, assignee_id=None,
        agency_id=back.agency_id if back else None,
        effects=(Effect.RECORD_HANDOVER, Effect.NOTIFY_APPLICANT),
    )


def return_step(
    state: DossierState, actor: Actor, reason: Any = None, assignee_id: Any = None
) -> Transition:
    reason = required_text(reason, "Cần nêu rõ lý do trả lại bước trước.")
    target = return_target(state)
    assert target is not None  # the machine refuses it at the first work step
    # What was approved or signed is being reworked, so it must be approved again.
    return _enter(state, actor, Action.RETURN_STEP, target, "returned_to_previous_step",
                  assignee_id, changes={"approved": False, "signed": False},
                  details={"reason": reason})


def transfer(
    state: DossierState, actor: Actor, target_agency_id: Any = None, reason: Any = ""
) -> Transition:
    target = positive_id(target_agency_id, "Cần chọn cơ quan nhận hồ sơ liên thông.")
    if target == state.agency_id:
        raise TransitionError("Cơ quan nhận phải khác cơ quan đang giải quyết hồ sơ.")
    # The result is still returned where the dossier was received.
    receiving = state.receiving_agency_id or state.agency_id
    return move(
        state, Action.TRANSFER, "transferred", assignee_id=None, agency_id=target,
        effects=(Effect.ISSUE_FORM_06, Effect.RECORD_HANDOVER, Effect.NOTIFY_AGENCY),
        changes={"receiving_agency_id": receiving, "approved": False, "signed": False},
        details={"from_agency_id": state.agency_id, "to_agency_id": target,
                 "reason": optional_text(reason)},
    )


def request_payment(
    state: DossierState, actor: Actor, amount: Any = None, reason: Any = ""
) -> Transition:
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal) or amount <= 0:
        raise TransitionError("Số tiền nghĩa vụ tài chính phải lớn hơn 0.")
    return move(
        state, Action.REQUEST_PAYMENT, "payment_requested", status=Status.FINANCIAL_OBLIGATION,
        effects=(Effect.NOTIFY_APPLICANT,),
        changes={"fees_due": state.fees_due + amount,
                 "resume_point": ResumePoint(Status.PROCESSING, state.current_step)},
        details={"amount": amount, "reason": optional_text(reason)},
    )


def record_apology(
    state: DossierState, actor: Actor, new_due_at: Any = None, reason: Any = None
) -> Transition:
    new_due_at = moment(new_due_at, "Cần nhập ngày hẹn trả kết quả mới.")
    reason = required_text(reason, "Cần nêu rõ lý do trễ hẹn.")
    assert state.due_at is not None
    if new_due_at <= state.due_at:
        raise TransitionError("Ngày hẹn trả mới phải sau ngày hẹn hiện tại.")
    if new_due_at <= state.now:
        raise TransitionError("Ngày hẹn trả mới phải sau thời điểm hiện tại.")
    # The new appointment has no apology yet: missing it will need another one.
    return move(
        state, Action.RECORD_APOLOGY, "apology_recorded",
        effects=(Effect.ISSUE_FORM_04, Effect.NOTIFY_APPLICANT, Effect.EXPLAIN_LATE_TO_HEAD),
        changes={"due_at": new_due_at, "will_miss": False,
                 "has_apology_for_current_due": False},
        details={"old_due_at": state.due_at, "new_due_at": new_due_at, "reason": reason},
    )


def approve(state: DossierState, actor: Actor, comment: Any = "") -> Transition:
    return move(
        state, Action.APPROVE, "approved", changes={"approved": True},
        details={"comment": optional_text(comment)},
    )


def attach_draft(state: DossierState, actor: Actor, sha256: Any = None) -> Transition:
    digest = sha256_hex(sha256, "Cần chọn tệp PDF dự thảo kết quả.")
    # A new draft is a new text: whatever approval the previous one had does not carry over.
    return move(
        state, Action.ATTACH_DRAFT, "result_draft_attached",
        changes={"approved": False, "has_draft": True},
        details={"sha256": digest, "attached_by": actor.user_id},
    )


SIGNING_METHODS = ("server", "upload")


def sign(state: DossierState, actor: Actor, signing: Any = None, sha256: Any = None
         ) -> Transition:
    """Server signing ("Ký số") takes no file; an upload names the signed file. Whether the
    signature is valid is checked by the service (`app.signatures.results`) before
    anything is saved, so `signed` becomes true only with a valid signature on record."""
    if signing not in SIGNING_METHODS:
        raise TransitionError("Chọn cách ký: ký số trên hệ thống hoặc tải lên tệp đã ký số.")
    if signing == "upload":
        sha256 = sha256_hex(sha256, "Cần chọn tệp PDF đã ký số để tải lên.")
    elif sha256 is not None:
        raise TransitionError("Ký số trên hệ thống không kèm tệp tải lên.")
    return move(
        state, Action.SIGN, "signed", changes={"signed": True},
        details={"signer_id": actor.user_id, "signed_at": state.now, "signing": signing,
                 "sha256": sha256},
    )


def issue_result(state: DossierState, actor: Actor) -> Transition:
    # The machine lets this through only once `signed`; the service issues the signed file
    # (issuing again after a re-signature replaces the earlier result).
    return move(
        state, Action.ISSUE_RESULT, "result_issued", effects=(Effect.STORE_RESULT,),
        changes={"has_result": True}, details={"issued_by": actor.user_id},
    )


def stop(state: DossierState, actor: Actor, reason: Any = None) -> Transition:
    reason = required_text(reason, "Cần nêu rõ lý do dừng xử lý.")
    return move(
        state, Action.STOP, "stopped", status=Status.STOPPED,
        effects=(Effect.ISSUE_FORM_05, Effect.NOTIFY_APPLICANT), changes={"resume_point": None},
        details={"reason": reason},
    )

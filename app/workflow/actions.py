"""What reception, applicant and return actions do once the guards let them through. Pure.

One builder per action: it validates the action's parameters (Vietnamese messages) and
describes the move as a `Transition`. The clock effect is filled in by the machine from the
states before and after, so builders cannot get it wrong. The shared helpers here are also
used by the processing builders (`app.workflow.processing`).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from app.accounts.roles import Role
from app.dossiers.logic import Channel, Status
from app.workflow.logic import (
    Action,
    Actor,
    DossierState,
    Effect,
    ResumePoint,
    Transition,
    TransitionError,
)

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
SAME: Any = object()  # "unchanged", since None is a meaningful step or assignee


def move(
    state: DossierState,
    action: Action,
    event: str,
    *,
    status: Status | None = None,
    step: int | None = SAME,
    assignee_id: int | None = SAME,
    agency_id: int | None = None,
    effects: tuple[Effect, ...] = (),
    changes: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> Transition:
    return Transition(
        action=action,
        event=event,
        from_status=state.status,
        status=state.status if status is None else status,
        step=state.current_step if step is SAME else step,
        assignee_id=state.assignee_id if assignee_id is SAME else assignee_id,
        agency_id=state.agency_id if agency_id is None else agency_id,
        at=state.now,
        effects=effects,
        changes=MappingProxyType(changes or {}),
        details=MappingProxyType(details or {}),
    )


def required_text(value: Any, message: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise TransitionError(message)
    return text


def optional_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def positive_id(value: Any, message: str) -> int:
    # bool is an int in Python; a checkbox value must not pass as user 1.
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise TransitionError(message)
    return value


def optional_id(value: Any) -> int | None:
    return None if value is None else positive_id(value, "Người được giao xử lý không hợp lệ.")


def sha256_hex(value: Any, message: str) -> str:
    digest = value.strip().lower() if isinstance(value, str) else ""
    if not _SHA256.match(digest):
        raise TransitionError(message)
    return digest


def moment(value: Any, message: str) -> datetime:
    if not isinstance(value, datetime):
        raise TransitionError(message)
    return value


def submit(state: DossierState, actor: Actor) -> Transition:
    effects = (Effect.NOTIFY_AGENCY, Effect.NOTIFY_APPLICANT)
    return move(state, Action.SUBMIT, "submitted", status=Status.NEW, effects=effects)


def accept(state: DossierState, actor: Actor, due_at: datetime | None = None) -> Transition:
    changes: dict[str, Any] = {}
    if due_at is not None:
        due_at = moment(due_at, "Ngày hẹn trả kết quả không hợp lệ.")
        if due_at <= state.now:
            raise TransitionError("Ngày hẹn trả kết quả phải sau thời điểm tiếp nhận.")
        changes["due_at"] = due_at
    effects = [Effect.ISSUE_FORM_01, Effect.RECORD_TRACKING_BOOK, Effect.NOTIFY_APPLICANT]
    if state.receiving_agency_id not in (None, state.agency_id):
        # Received on behalf of another agency: the process-control sheet travels with it.
        effects += [Effect.ISSUE_FORM_06, Effect.NOTIFY_AGENCY]
    reception = state.process.reception  # the counter's own step, when the process has one
    return move(
        state, Action.ACCEPT, "accepted", status=Status.RECEIVED,
        step=reception.position if reception else None, assignee_id=None,
        effects=tuple(effects), changes=changes,
    )


def request_supplement(state: DossierState, actor: Actor, reason: Any = None,
                       components: Any = ()) -> Transition:
    """`components`: the procedure's components the applicant must send again (ids; the
    service checks they belong to the procedure). Empty when the request is in words only."""
    reason = required_text(reason, "Cần ghi rõ các giấy tờ phải bổ sung và lý do.")
    if not isinstance(components, (list, tuple)) or not all(
            isinstance(c, int) and not isinstance(c, bool) for c in components):
        raise TransitionError("Thành phần hồ sơ cần bổ sung không hợp lệ.")
    changes: dict[str, Any]
    if state.status == Status.PROCESSING:
        changes = {
            "resume_point": ResumePoint(Status.PROCESSING, state.current_step),
            "supplement_requests_count": state.supplement_requests_count + 1,
        }
    else:
        # At reception nothing was received yet, so it does not count towards lateness.
        changes = {"resume_point": ResumePoint(Status.NEW)}
    return move(
        state, Action.REQUEST_SUPPLEMENT, "supplement_requested",
        status=Status.SUPPLEMENT_REQUESTED, effects=(Effect.ISSUE_FORM_02, Effect.NOTIFY_APPLICANT),
        changes=changes,
        details={"reason": reason, "components": tuple(sorted(set(components)))},
    )


def refuse(state: DossierState, actor: Actor, reason: Any = None) -> Transition:
    reason = required_text(reason, "Cần nêu rõ lý do từ chối.")
    if state.at_reception:
        status, event, letter = Status.NOT_RECEIVED, "reception_refused", Effect.ISSUE_FORM_03
    else:
        status, event, letter = Status.STOPPED, "refused", Effect.ISSUE_REFUSAL_LETTER
    return move(
        state, Action.REFUSE, event, status=status, effects=(letter, Effect.NOTIFY_APPLICANT),
        changes={"resume_point": None}, details={"reason": reason},
    )


def redirect(
    state: DossierState, actor: Actor, target_agency_id: Any = None,
    target_agency_name: Any = "", reason: Any = "",
) -> Transition:
    name = optional_text(target_agency_name)
    if target_agency_id is None and not name:
        raise TransitionError("Cần ghi rõ cơ quan có thẩm quyền để hướng dẫn người nộp.")
    if target_agency_id is not None:
        target_agency_id = positive_id(target_agency_id, "Cơ quan có thẩm quyền không hợp lệ.")
        if target_agency_id in state.reception_agency_ids:
            raise TransitionError("Cơ quan có thẩm quyền phải khác cơ quan đang tiếp nhận.")
    return move(
        state, Action.REDIRECT, "redirected", status=Status.NOT_RECEIVED,
        effects=(Effect.ISSUE_GUIDANCE, Effect.NOTIFY_APPLICANT), changes={"resume_point": None},
        details={"target_agency_id": target_agency_id, "target_agency_name": name,
                 "reason": optional_text(reason)},
    )


def supply_supplement(state: DossierState, actor: Actor) -> Transition:
    back = state.resume_point
    assert back is not None  # DossierState guarantees it while waiting
    notify = Effect.NOTIFY_AGENCY if state.at_reception else Effect.NOTIFY_ASSIGNEE
    return move(
        state, Action.SUPPLY_SUPPLEMENT, "supplement_supplied", status=back.status,
        step=back.step, effects=(notify,), changes={"resume_point": None},
    )


def pay(state: DossierState, actor: Actor, amount: Any = None) -> Transition:
    # One payment settles everything owed: receipts are per payment, not per fee line.
    # With `amount`, only that much is paid: an online payment begun before the fees grew,
    # recorded by staff (app.payments.reconcile); the rest stays owed, the dossier stays.
    if amount is not None:
        if isinstance(amount, bool) or not isinstance(amount, int | Decimal) or amount <= 0:
            raise TransitionError("Số tiền nộp phải lớn hơn 0.")
        if amount > state.fees_outstanding:
            raise TransitionError("Số tiền nộp lớn hơn số phí, lệ phí còn phải nộp.")
        if amount < state.fees_outstanding:
            return move(
                state, Action.PAY, "paid", effects=(Effect.ISSUE_FEE_RECEIPT,),
                changes={"fees_paid": state.fees_paid + amount},
                details={"amount": amount, "outstanding": state.fees_outstanding - amount},
            )
    changes: dict[str, Any] = {"fees_paid": state.fees_due}
    details = {"amount": state.fees_outstanding}
    if state.status != Status.FINANCIAL_OBLIGATION:
        return move(
            state, Action.PAY, "paid", effects=(Effect.ISSUE_FEE_RECEIPT,), changes=changes,
            details=details,
        )
    back = state.resume_point
    assert back is not None
    changes["resume_point"] = None
    return move(
        state, Action.PAY, "paid", status=back.status, step=back.step,
        effects=(Effect.ISSUE_FEE_RECEIPT, Effect.NOTIFY_ASSIGNEE), changes=changes,
        details=details,
    )


def request_withdrawal(state: DossierState, actor: Actor, reason: Any = "") -> Transition:
    return move(
        state, Action.REQUEST_WITHDRAWAL, "withdrawal_requested",
        status=Status.WITHDRAWAL_REQUESTED, effects=(Effect.NOTIFY_AGENCY,),
        changes={"withdrawn_from": ResumePoint(state.status, state.current_step)},
        details={"reason": optional_text(reason)},
    )


def cancel_withdrawal(state: DossierState, actor: Actor) -> Transition:
    back = state.withdrawn_from
    assert back is not None
    return move(
        state, Action.CANCEL_WITHDRAWAL, "withdrawal_cancelled", status=back.status,
        step=back.step, effects=(Effect.NOTIFY_AGENCY,), changes={"withdrawn_from": None},
    )


def accept_withdrawal(state: DossierState, actor: Actor) -> Transition:
    return move(
        state, Action.ACCEPT_WITHDRAWAL, "withdrawn", status=Status.STOPPED,
        effects=(Effect.ISSUE_FORM_05, Effect.NOTIFY_APPLICANT),
        changes={"withdrawn_from": None, "resume_point": None},
    )


RETURN_METHODS = ("counter", "post", "online")


def return_method(state: DossierState, actor: Actor, method: Any) -> str:
    """How the result is handed over. Postal staff record a delivery by post; the counter
    hands it over in person, or online for a dossier submitted online (the electronic
    result in the applicant's account)."""
    if actor.role == Role.POSTAL_STAFF:
        chosen = optional_text(method) or "post"
        if chosen != "post":
            raise TransitionError("Nhân viên bưu chính chỉ ghi nhận trả kết quả qua bưu chính.")
        return chosen
    default = "online" if state.channel == Channel.ONLINE else "counter"
    chosen = optional_text(method) or default
    if chosen not in RETURN_METHODS:
        raise TransitionError("Hình thức trả kết quả không hợp lệ.")
    if chosen == "post":
        raise TransitionError("Trả qua bưu chính do nhân viên bưu chính ghi nhận khi đã giao.")
    if chosen == "online" and state.channel != Channel.ONLINE:
        raise TransitionError("Chỉ hồ sơ nộp trực tuyến mới được trả kết quả trực tuyến.")
    return chosen


def return_result(state: DossierState, actor: Actor, method: Any = None,
                  receiver_name: Any = "", receiver_id_number: Any = "",
                  note: Any = "") -> Transition:
    """A blank receiver at the counter is the applicant in person (the service writes
    their name); someone else collecting it is named, with their ID number."""
    chosen = return_method(state, actor, method)
    return move(
        state, Action.RETURN_RESULT, "result_returned", status=Status.RETURNED,
        effects=(Effect.RECORD_TRACKING_BOOK, Effect.NOTIFY_APPLICANT, Effect.INVITE_RATING),
        details={"by_post": chosen == "post", "method": chosen,
                 "receiver_name": optional_text(receiver_name)[:200],
                 "receiver_id_number": optional_text(receiver_id_number)[:20],
                 "note": optional_text(note)[:300]},
    )

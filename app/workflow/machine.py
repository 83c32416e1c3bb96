"""The dossier state machine: what an actor may do now, and what doing it means. Pure.

`allowed_actions` and `apply` share one guard (`refusal`), so a button is shown exactly
when pressing it would succeed, parameters aside. Guards run in this order: the transition
table (status, role), who the actor is to this dossier (owner, agency, assignee, channel),
the approved internal process (who holds the step, which decisions belong to it,
`app.workflow.steps`), the late rule, then the action's own preconditions (result, fees).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import replace

from app.accounts.roles import APPLICANT_ROLES, Role
from app.dossiers.logic import Channel, Status
from app.formatting import format_money
from app.workflow import actions, processing
from app.workflow.clock import clock_effect, clock_state, needs_apology
from app.workflow.logic import (
    Action,
    Actor,
    ClockState,
    DossierState,
    Transition,
    TransitionError,
    advance,
)
from app.workflow.rules import LATE_BLOCKED, READ_ONLY_ROLES, TRANSITIONS
from app.workflow.steps import return_target, step_refusal

BUILDERS: dict[Action, Callable[..., Transition]] = {
    Action.SUBMIT: actions.submit,
    Action.ACCEPT: actions.accept,
    Action.REQUEST_SUPPLEMENT: actions.request_supplement,
    Action.REFUSE: actions.refuse,
    Action.REDIRECT: actions.redirect,
    Action.SUPPLY_SUPPLEMENT: actions.supply_supplement,
    Action.ASSIGN: processing.assign,
    Action.FORWARD: processing.forward,
    Action.RETURN_STEP: processing.return_step,
    Action.TRANSFER: processing.transfer,
    Action.REQUEST_PAYMENT: processing.request_payment,
    Action.PAY: actions.pay,
    Action.RECORD_APOLOGY: processing.record_apology,
    Action.ATTACH_DRAFT: processing.attach_draft,
    Action.APPROVE: processing.approve,
    Action.SIGN: processing.sign,
    Action.ISSUE_RESULT: processing.issue_result,
    Action.STOP: processing.stop,
    Action.REQUEST_WITHDRAWAL: actions.request_withdrawal,
    Action.CANCEL_WITHDRAWAL: actions.cancel_withdrawal,
    Action.ACCEPT_WITHDRAWAL: actions.accept_withdrawal,
    Action.RETURN_RESULT: actions.return_result,
}

NO_RESULT_TO_FINISH = "Hồ sơ chưa có kết quả nên không thể kết thúc xử lý."
NO_RESULT_TO_RETURN = "Hồ sơ chưa có kết quả nên không thể trả kết quả."
NO_DRAFT_TO_APPROVE = ("Chưa có dự thảo kết quả để phê duyệt: người thụ lý cần trình dự thảo "
                       "kết quả trước.")
_APOLOGY_FIRST = "cần lập Phiếu xin lỗi và hẹn lại ngày trả kết quả trước khi"
_MOVES = frozenset({Action.FORWARD, Action.RETURN_STEP, Action.TRANSFER})


def allowed_actions(state: DossierState, actor: Actor) -> list[Action]:
    """The actions `actor` may take on the dossier now, in `Action` order."""
    return [action for action in Action if refusal(state, actor, action) is None]


def apply(state: DossierState, actor: Actor, action: Action | str, **params) -> Transition:
    """The transition for `action`, or `TransitionError` with a Vietnamese message.

    Parameters by action: accept(due_at=None); request_supplement(reason, components=());
    refuse(reason); redirect(target_agency_id=None, target_agency_name="", reason="");
    assign(assignee_id); forward(assignee_id=None); return_step(reason, assignee_id=None);
    transfer(target_agency_id, reason=""); request_payment(amount, reason=""); pay(amount=None);
    record_apology(new_due_at, reason); attach_draft(sha256); approve(comment="");
    sign(signing="server"|"upload", sha256=None); issue_result(); stop(reason);
    request_withdrawal(reason=""); the rest none.
    """
    try:
        action = Action(action)
    except ValueError:
        raise TransitionError("Thao tác không hợp lệ.") from None
    problem = refusal(state, actor, action)
    if problem is not None:
        raise TransitionError(problem)
    builder = BUILDERS[action]
    try:  # a form may carry fields another action takes: refuse them, never crash
        inspect.signature(builder).bind(state, actor, **params)
    except TypeError:
        raise TransitionError("Thông tin gửi kèm không dùng cho thao tác này.") from None
    draft = builder(state, actor, **params)
    after = advance(state, draft)
    return replace(draft, clock=clock_effect(clock_state(state), clock_state(after)))


def refusal(state: DossierState, actor: Actor, action: Action) -> str | None:
    """Why `actor` may not take `action` now (Vietnamese), or None when they may."""
    rule = TRANSITIONS.get((state.status, action))
    if rule is None:
        return (
            f"Không thể thực hiện “{action.label}” khi hồ sơ ở trạng thái "
            f"“{state.status.label}”."
        )
    if actor.role not in rule.roles:
        if actor.role in READ_ONLY_ROLES:
            return f"Vai trò “{actor.role.label}” chỉ được xem hồ sơ, không được xử lý."
        return f"Vai trò “{actor.role.label}” không được thực hiện “{action.label}”."
    return (_scope(state, actor, action) or step_refusal(state, actor, action)
            or _late(state, action) or _precondition(state, action))


def _scope(state: DossierState, actor: Actor, action: Action) -> str | None:
    """Who the actor is to this dossier: owner, member of its agency, its assignee."""
    role = actor.role
    if role in APPLICANT_ROLES:
        if not actor.is_owner:
            return "Chỉ người nộp hồ sơ mới được thực hiện thao tác này."
        if action == Action.SUBMIT and state.channel != Channel.ONLINE:
            return "Hồ sơ nộp trực tiếp hoặc qua bưu chính do cán bộ tiếp nhận nhập vào hệ thống."
    elif role == Role.POSTAL_STAFF:
        if state.channel != Channel.POST:
            return "Nhân viên bưu chính chỉ thao tác với hồ sơ gửi qua bưu chính."
    elif role == Role.COUNTER_OFFICER:
        if not actor.agency_ids & state.reception_agency_ids:
            return "Bạn không thuộc bộ phận tiếp nhận của cơ quan giải quyết hồ sơ này."
        if state.status == Status.DRAFT and state.channel == Channel.ONLINE:
            return "Hồ sơ trực tuyến chỉ được xem xét sau khi người nộp gửi hồ sơ."
    elif state.agency_id not in actor.agency_ids:
        return "Bạn không thuộc cơ quan đang giải quyết hồ sơ này."
    return None


def _late(state: DossierState, action: Action) -> str | None:
    if action not in LATE_BLOCKED or not needs_apology(state):
        return None
    assert state.due_at is not None  # needs_apology checked it
    lead = "Hồ sơ đã quá hạn" if state.now > state.due_at else "Hồ sơ sẽ trễ hẹn"
    then = "chuyển bước" if action in _MOVES else "tiếp tục xử lý"
    return f"{lead}: {_APOLOGY_FIRST} {then}."


def _precondition(state: DossierState, action: Action) -> str | None:
    """The action's own conditions on the dossier's content."""
    started = clock_state(state) != ClockState.NOT_STARTED
    if state.status == Status.SUPPLEMENT_REQUESTED:
        if action == Action.REFUSE and started:
            return "Hồ sơ đang xử lý: dùng “Dừng xử lý” thay cho từ chối tiếp nhận."
        if action in (Action.STOP, Action.REQUEST_WITHDRAWAL) and not started:
            return "Hồ sơ chưa được tiếp nhận nên không có việc xử lý để dừng hoặc rút."
    processing = state.status == Status.PROCESSING
    finishing = processing and state.current_step == state.process.last_work
    if action == Action.FORWARD and finishing and not state.has_result:
        return NO_RESULT_TO_FINISH
    if action == Action.RETURN_STEP and return_target(state) is None:
        return "Hồ sơ đang ở bước xử lý đầu tiên, không có bước trước để trả lại."
    if action == Action.RETURN_STEP and state.has_result:
        # An issued result is on record (numbered, perhaps synced); reworking the draft
        # would leave that result standing beside an unsigned new one.
        return ("Kết quả đã được ban hành nên không thể trả lại bước trước; sai sót trong kết "
                "quả được xử lý bằng thủ tục đính chính.")
    if action == Action.APPROVE and state.approved:
        return "Hồ sơ đã được phê duyệt ở bước này."
    if action == Action.APPROVE and not state.has_draft:
        return NO_DRAFT_TO_APPROVE
    if action == Action.SIGN and state.signed:
        return "Kết quả đã được ký."
    if action == Action.ATTACH_DRAFT and state.signed:
        return "Kết quả đã được ký; muốn sửa dự thảo cần trả lại bước trước."
    if action == Action.ISSUE_RESULT and not state.signed:
        return "Kết quả chưa được ký số hợp lệ nên chưa thể ban hành."
    if action == Action.RECORD_APOLOGY and state.due_at is None:
        return "Hồ sơ chưa có ngày hẹn trả kết quả."
    owes = state.fees_outstanding > 0 or state.status == Status.FINANCIAL_OBLIGATION
    if action == Action.PAY and not owes:
        return "Hồ sơ không còn khoản phí, lệ phí nào phải nộp."
    if action == Action.RETURN_RESULT:
        if not state.has_result:
            return NO_RESULT_TO_RETURN
        if state.fees_outstanding > 0:
            owed = format_money(state.fees_outstanding)
            return f"Người nộp còn phải nộp {owed} phí, lệ phí trước khi nhận kết quả."
    return None

"""The dossier state machine, as worked examples: a dossier's life from the counter (or the
portal) to the returned result, and every way it can be stopped, sent back or refused."""

from dataclasses import replace
from datetime import timedelta

import pytest

from app.accounts.roles import Role
from app.dossiers.logic import Channel, Status
from app.processes.logic import Process
from app.workflow import (
    LATE_BLOCKED,
    READ_ONLY_ROLES,
    TRANSITIONS,
    Action,
    Actor,
    ClockEffect,
    ClockState,
    DossierState,
    Effect,
    ResumePoint,
    TransitionError,
    advance,
    allowed_actions,
    apply,
    clock_state,
    counts_as_late,
    needs_apology,
)
from tests.workflow_world import (
    APPROVAL,
    CENTRE,
    DEPT,
    DRAFT_SHA,
    DUE,
    HANDLING,
    NOW,
    OTHER,
    PROCESS,
    RECEPTION,
    RETURN,
    SIGNATURE,
    SIGNED_SHA,
    at_step,
    citizen,
    counter,
    draft,
    head,
    lan,
    leader,
    minh,
    other_handler,
    other_leader,
    postman,
    stranger,
)


def do(state, actor, action, **params):
    """Apply an action and rebuild the snapshot, as the service layer will."""
    transition = apply(state, actor, action, **params)
    return advance(state, transition), transition


def refused_with(message: str, state, actor, action, **params) -> None:
    with pytest.raises(TransitionError) as error:
        apply(state, actor, action, **params)
    assert str(error.value) == message


# --- whole lives -------------------------------------------------------------------------


def test_in_person_dossier_through_the_approved_process_to_return():
    state = draft(fees_due=100_000)
    assert allowed_actions(state, counter) == [
        Action.ACCEPT, Action.REQUEST_SUPPLEMENT, Action.REFUSE, Action.REDIRECT,
    ]

    state, t = do(state, counter, Action.ACCEPT, due_at=DUE)
    assert (t.status, t.clock, t.event) == (Status.RECEIVED, ClockEffect.START, "accepted")
    assert {Effect.ISSUE_FORM_01, Effect.RECORD_TRACKING_BOOK, Effect.ISSUE_FORM_06} <= set(
        t.effects
    )  # received at the centre for the department: the control sheet travels with it
    assert (state.due_at, state.current_step) == (DUE, RECEPTION)  # the counter's step

    state, t = do(state, counter, Action.PAY)  # fees collected at the counter
    assert state.fees_outstanding == 0 and Effect.ISSUE_FEE_RECEIPT in t.effects

    # Forwarding from the counter lands on the handling step, not on reception again.
    state, t = do(state, counter, Action.FORWARD, assignee_id=lan.user_id)
    assert (state.status, state.current_step, state.assignee_id) == (
        Status.PROCESSING, HANDLING, lan.user_id,
    )
    assert t.event == "processing_started"

    state, _ = do(state, lan, Action.ATTACH_DRAFT, sha256=DRAFT_SHA)
    state, t = do(state, lan, Action.FORWARD, assignee_id=head.user_id)
    assert (state.current_step, state.assignee_id, t.event) == (
        APPROVAL, head.user_id, "forwarded")
    assert allowed_actions(state, lan) == []  # no longer hers

    state, _ = do(state, head, Action.APPROVE)
    state, _ = do(state, head, Action.FORWARD)  # to the director's pool
    assert (state.current_step, state.assignee_id, state.approved) == (SIGNATURE, None, True)
    state, t = do(state, leader, Action.SIGN, signing="upload", sha256=SIGNED_SHA.upper())
    assert dict(t.details) == {"signer_id": 400, "signed_at": NOW, "signing": "upload",
                               "sha256": SIGNED_SHA}
    state, t = do(state, leader, Action.ISSUE_RESULT)
    assert state.has_result and Effect.STORE_RESULT in t.effects

    state, t = do(state, leader, Action.FORWARD)
    assert (t.status, t.clock, t.event) == (
        Status.PROCESSED, ClockEffect.STOP, "processing_finished",
    )
    assert state.current_step == RETURN  # the counter's return step
    assert allowed_actions(state, counter) == [Action.RETURN_RESULT]

    state, t = do(state, counter, Action.RETURN_RESULT)
    assert state.status == Status.RETURNED
    assert Effect.INVITE_RATING in t.effects
    assert all(allowed_actions(state, a) == [] for a in (citizen, counter, leader, postman))


def test_online_dossier_is_submitted_by_its_owner_then_received_at_the_counter():
    state = draft(channel=Channel.ONLINE)
    assert allowed_actions(state, counter) == []  # drafts online are the applicant's own
    assert allowed_actions(state, stranger) == []
    refused_with("Chỉ người nộp hồ sơ mới được thực hiện thao tác này.", state, stranger,
                 Action.SUBMIT)

    state, t = do(state, citizen, Action.SUBMIT)
    assert state.status == Status.NEW and t.clock == ClockEffect.NONE
    assert Effect.NOTIFY_AGENCY in t.effects

    state, t = do(state, counter, Action.ACCEPT, due_at=DUE)
    assert state.status == Status.RECEIVED and t.clock == ClockEffect.START


def test_in_person_dossier_needs_no_submit():
    refused_with(
        "Hồ sơ nộp trực tiếp hoặc qua bưu chính do cán bộ tiếp nhận nhập vào hệ thống.",
        draft(), citizen, Action.SUBMIT,
    )


def test_postal_dossier_is_submitted_and_returned_by_the_postman():
    state, _ = do(draft(channel=Channel.POST), postman, Action.SUBMIT)
    assert state.status == Status.NEW
    done = replace(state, status=Status.PROCESSED, current_step=RETURN, has_result=True)
    returned, t = do(done, postman, Action.RETURN_RESULT)
    assert returned.status == Status.RETURNED and t.details["by_post"] is True
    refused_with("Nhân viên bưu chính chỉ thao tác với hồ sơ gửi qua bưu chính.",
                 replace(done, channel=Channel.IN_PERSON), postman, Action.RETURN_RESULT)


# --- supplements -------------------------------------------------------------------------


def test_supplement_pauses_the_clock_and_comes_back_to_the_same_step():
    state = at_step(HANDLING)
    state, t = do(state, lan, Action.REQUEST_SUPPLEMENT, reason="Thiếu bản sao CCCD")
    assert (state.status, t.clock) == (Status.SUPPLEMENT_REQUESTED, ClockEffect.PAUSE)
    assert t.effects == (Effect.ISSUE_FORM_02, Effect.NOTIFY_APPLICANT)
    assert state.resume_point == ResumePoint(Status.PROCESSING, HANDLING)
    assert state.supplement_requests_count == 1
    assert clock_state(state) == ClockState.PAUSED
    assert allowed_actions(state, lan) == []  # waiting on the applicant

    state, t = do(state, citizen, Action.SUPPLY_SUPPLEMENT)
    assert (state.status, state.current_step, state.assignee_id) == (
        Status.PROCESSING, HANDLING, lan.user_id,
    )
    assert t.clock == ClockEffect.RESUME and Effect.NOTIFY_ASSIGNEE in t.effects
    assert state.resume_point is None

    state, _ = do(state, lan, Action.REQUEST_SUPPLEMENT, reason="Thiếu bản vẽ")
    assert counts_as_late(state.supplement_requests_count, finished_at=NOW, due_at=DUE)


def test_supplement_at_reception_does_not_start_the_clock_nor_count():
    state = draft(status=Status.NEW, channel=Channel.ONLINE)
    state, t = do(state, counter, Action.REQUEST_SUPPLEMENT, reason="Thiếu tờ khai")
    assert t.clock == ClockEffect.NONE and state.supplement_requests_count == 0
    assert clock_state(state) == ClockState.NOT_STARTED
    state, t = do(state, citizen, Action.SUPPLY_SUPPLEMENT)
    assert state.status == Status.NEW and t.clock == ClockEffect.NONE


def test_a_supplement_request_may_name_components_by_id():
    state = draft(status=Status.NEW, channel=Channel.ONLINE)
    _, t = do(state, counter, Action.REQUEST_SUPPLEMENT, reason="Thiếu", components=[7, 3, 7])
    assert t.details["components"] == (3, 7)
    _, t = do(state, counter, Action.REQUEST_SUPPLEMENT, reason="Thiếu tờ khai")
    assert t.details["components"] == ()  # in words only
    for wrong in (["3"], [True], "3", None):
        refused_with("Thành phần hồ sơ cần bổ sung không hợp lệ.", state, counter,
                     Action.REQUEST_SUPPLEMENT, reason="Thiếu", components=wrong)


def test_fields_another_action_takes_are_refused_not_crashed_on():
    refused_with("Thông tin gửi kèm không dùng cho thao tác này.",
                 draft(status=Status.NEW, channel=Channel.ONLINE), counter,
                 Action.REQUEST_SUPPLEMENT, reason="Thiếu", assignee_id=3)


def test_counter_may_close_a_reception_supplement_never_answered():
    state, _ = do(draft(status=Status.NEW), counter, Action.REQUEST_SUPPLEMENT, reason="Thiếu")
    state, _ = do(state, counter, Action.REFUSE, reason="Quá hạn bổ sung")
    assert state.status == Status.NOT_RECEIVED


# --- reception refusals ------------------------------------------------------------------


def test_refusal_at_reception_needs_a_reason():
    state = draft(status=Status.NEW, channel=Channel.ONLINE)
    refused_with("Cần nêu rõ lý do từ chối.", state, counter, Action.REFUSE, reason="  ")
    state, t = do(state, counter, Action.REFUSE, reason="Hồ sơ giả mạo")
    assert (state.status, t.event) == (Status.NOT_RECEIVED, "reception_refused")
    assert Effect.ISSUE_FORM_03 in t.effects and t.details["reason"] == "Hồ sơ giả mạo"
    assert allowed_actions(state, counter) == [] and allowed_actions(state, citizen) == []


def test_not_our_competence_names_where_to_go():
    state = draft()
    refused_with("Cần ghi rõ cơ quan có thẩm quyền để hướng dẫn người nộp.", state, counter,
                 Action.REDIRECT)
    refused_with("Cơ quan có thẩm quyền phải khác cơ quan đang tiếp nhận.", state, counter,
                 Action.REDIRECT, target_agency_id=DEPT)
    state, t = do(state, counter, Action.REDIRECT, target_agency_name="Tòa án nhân dân tỉnh")
    assert (state.status, t.event) == (Status.NOT_RECEIVED, "redirected")
    assert t.details["target_agency_name"] == "Tòa án nhân dân tỉnh"
    assert Effect.ISSUE_GUIDANCE in t.effects


# --- processing --------------------------------------------------------------------------


def test_inter_agency_transfer_hands_the_dossier_to_the_other_agency():
    state = at_step(HANDLING)
    refused_with("Cơ quan nhận phải khác cơ quan đang giải quyết hồ sơ.", state, lan,
                 Action.TRANSFER, target_agency_id=DEPT)
    state, t = do(state, lan, Action.TRANSFER, target_agency_id=OTHER)
    assert (state.agency_id, state.assignee_id, state.current_step) == (OTHER, None, HANDLING)
    assert state.receiving_agency_id == CENTRE  # the result still goes back to the centre
    assert {Effect.ISSUE_FORM_06, Effect.NOTIFY_AGENCY} <= set(t.effects)
    assert allowed_actions(state, lan) == [] and allowed_actions(state, leader) == []
    state, _ = do(state, other_leader, Action.ASSIGN, assignee_id=other_handler.user_id)
    assert Action.FORWARD in allowed_actions(state, other_handler)


def test_transfer_of_a_dossier_received_in_house_remembers_where_to_return():
    state, _ = do(at_step(HANDLING, receiving_agency_id=None), lan, Action.TRANSFER,
                  target_agency_id=OTHER)
    assert state.receiving_agency_id == DEPT


def test_return_to_previous_step_voids_the_approval_and_the_signature():
    state = at_step(SIGNATURE, assignee=leader, approved=True, signed=True)
    refused_with("Cần nêu rõ lý do trả lại bước trước.", state, leader, Action.RETURN_STEP)
    state, t = do(state, leader, Action.RETURN_STEP, reason="Sai tên", assignee_id=head.user_id)
    assert (state.current_step, state.assignee_id, state.approved, state.signed) == (
        APPROVAL, head.user_id, False, False,
    )
    state, _ = do(state, head, Action.RETURN_STEP, reason="Thiếu xác minh")
    assert (state.current_step, state.assignee_id) == (HANDLING, None)
    refused_with("Hồ sơ đang ở bước xử lý đầu tiên, không có bước trước để trả lại.", state,
                 lan, Action.RETURN_STEP, reason="x")


def test_an_issued_result_cannot_be_sent_back_for_rework():
    issued = at_step(SIGNATURE, assignee=leader, approved=True, signed=True, has_result=True)
    refused_with("Kết quả đã được ban hành nên không thể trả lại bước trước; sai sót trong kết "
                 "quả được xử lý bằng thủ tục đính chính.", issued, leader, Action.RETURN_STEP,
                 reason="Sai tên")
    assert Action.RETURN_STEP not in allowed_actions(issued, leader)


def test_the_draft_is_the_steps_work_and_a_new_draft_needs_a_new_approval():
    state, t = do(at_step(HANDLING), lan, Action.ATTACH_DRAFT, sha256=DRAFT_SHA.upper())
    assert dict(t.details) == {"sha256": DRAFT_SHA, "attached_by": lan.user_id}
    assert t.event == "result_draft_attached"
    refused_with("Bước 2/5 “Thụ lý hồ sơ” do Chuyên viên thụ lý thực hiện: bạn không được "
                 "“Trình dự thảo kết quả” ở bước này.", at_step(HANDLING), leader,
                 Action.ATTACH_DRAFT, sha256=DRAFT_SHA)
    # An approval approves a draft: none attached, nothing to approve.
    refused_with("Chưa có dự thảo kết quả để phê duyệt: người thụ lý cần trình dự thảo kết "
                 "quả trước.", at_step(APPROVAL, assignee=head), head, Action.APPROVE)
    assert Action.APPROVE not in allowed_actions(at_step(APPROVAL, assignee=head), head)
    approved, _ = do(at_step(APPROVAL, assignee=head, has_draft=True), head, Action.APPROVE)
    redrafted, _ = do(approved, head, Action.ATTACH_DRAFT, sha256=DRAFT_SHA)
    assert approved.approved and not redrafted.approved


def test_signing_needs_the_approval_and_issuing_needs_the_signature():
    unapproved = at_step(SIGNATURE, assignee=leader)  # e.g. a new draft since the approval
    refused_with("Dự thảo kết quả chưa được phê duyệt ở bước phê duyệt của quy trình nên "
                 "chưa thể ký; trả lại bước trước để phê duyệt.", unapproved, leader,
                 Action.SIGN, signing="server")
    state = at_step(SIGNATURE, assignee=leader, approved=True)
    refused_with("Kết quả chưa được ký số hợp lệ nên chưa thể ban hành.", state, leader,
                 Action.ISSUE_RESULT)
    assert Action.ISSUE_RESULT not in allowed_actions(state, leader)
    refused_with("Chọn cách ký: ký số trên hệ thống hoặc tải lên tệp đã ký số.", state, leader,
                 Action.SIGN)
    refused_with("Cần chọn tệp PDF đã ký số để tải lên.", state, leader, Action.SIGN,
                 signing="upload", sha256="abc")
    refused_with("Ký số trên hệ thống không kèm tệp tải lên.", state, leader, Action.SIGN,
                 signing="server", sha256=SIGNED_SHA)
    state, t = do(state, leader, Action.SIGN, signing="server")
    assert state.signed and t.details["sha256"] is None
    refused_with("Kết quả đã được ký.", state, leader, Action.SIGN, signing="server")
    refused_with("Kết quả đã được ký; muốn sửa dự thảo cần trả lại bước trước.", state,
                 leader, Action.ATTACH_DRAFT, sha256=DRAFT_SHA)
    state, t = do(state, leader, Action.ISSUE_RESULT)
    assert state.has_result and Effect.STORE_RESULT in t.effects


def test_a_process_without_approval_step_signs_without_one():
    steps = PROCESS.steps
    signing_only = Process((*steps[:2], replace(steps[3], position=3),
                            replace(steps[4], position=4)))
    state = at_step(3, assignee=leader, process=signing_only)
    assert Action.SIGN in allowed_actions(state, leader)


def test_financial_obligation_keeps_the_clock_and_returns_to_the_step_once_paid():
    state = at_step(HANDLING)
    refused_with("Số tiền nghĩa vụ tài chính phải lớn hơn 0.", state, lan,
                 Action.REQUEST_PAYMENT, amount=0)
    state, t = do(state, lan, Action.REQUEST_PAYMENT, amount=2_500_000)
    assert (state.status, state.fees_due, t.clock) == (
        Status.FINANCIAL_OBLIGATION, 2_500_000, ClockEffect.NONE,
    )
    state, t = do(state, citizen, Action.PAY)
    assert (state.status, state.current_step, state.fees_outstanding) == (
        Status.PROCESSING, HANDLING, 0,
    )


def test_stopping_and_refusing_in_processing_are_for_the_leader():
    state = at_step(HANDLING)
    assert Action.STOP not in allowed_actions(state, lan)
    refused_with("Cần nêu rõ lý do dừng xử lý.", state, leader, Action.STOP)
    stopped, t = do(state, leader, Action.STOP, reason="Người nộp đã chết")
    assert (stopped.status, t.clock) == (Status.STOPPED, ClockEffect.STOP)
    assert Effect.ISSUE_FORM_05 in t.effects
    refused, t = do(state, leader, Action.REFUSE, reason="Không đủ điều kiện")
    assert (refused.status, t.event) == (Status.STOPPED, "refused")
    assert Effect.ISSUE_REFUSAL_LETTER in t.effects


# --- the result and the fees -------------------------------------------------------------


def test_a_dossier_cannot_be_finished_or_returned_without_a_result():
    last_step = at_step(SIGNATURE, assignee=leader, approved=True, signed=True)
    assert Action.FORWARD not in allowed_actions(last_step, leader)
    refused_with("Hồ sơ chưa có kết quả nên không thể kết thúc xử lý.", last_step, leader,
                 Action.FORWARD)

    processed_without_result = replace(last_step, status=Status.PROCESSED,
                                       current_step=RETURN)
    assert allowed_actions(processed_without_result, counter) == []
    refused_with("Hồ sơ chưa có kết quả nên không thể trả kết quả.", processed_without_result,
                 counter, Action.RETURN_RESULT)

    with_result, _ = do(replace(last_step, signed=True), leader, Action.ISSUE_RESULT)
    finished, _ = do(with_result, leader, Action.FORWARD)
    assert finished.status == Status.PROCESSED


def test_fees_must_be_settled_before_the_result_is_handed_over():
    state = draft(status=Status.PROCESSED, current_step=RETURN, has_result=True,
                  fees_due=50_000)
    refused_with("Người nộp còn phải nộp 50.000 đ phí, lệ phí trước khi nhận kết quả.", state,
                 counter, Action.RETURN_RESULT)
    assert allowed_actions(state, counter) == [Action.PAY]
    state, _ = do(state, counter, Action.PAY)
    state, _ = do(state, counter, Action.RETURN_RESULT)
    assert state.status == Status.RETURNED


def test_nothing_to_pay_means_no_payment():
    refused_with("Hồ sơ không còn khoản phí, lệ phí nào phải nộp.", at_step(HANDLING), citizen,
                 Action.PAY)


# --- late dossiers -----------------------------------------------------------------------


def test_late_dossier_is_blocked_until_an_apology_sets_a_new_appointment():
    state = at_step(HANDLING, due_at=NOW - timedelta(hours=1))
    assert needs_apology(state)
    refused_with(
        "Hồ sơ đã quá hạn: cần lập Phiếu xin lỗi và hẹn lại ngày trả kết quả trước khi "
        "chuyển bước.", state, lan, Action.FORWARD,
    )
    refused_with(
        "Hồ sơ đã quá hạn: cần lập Phiếu xin lỗi và hẹn lại ngày trả kết quả trước khi "
        "tiếp tục xử lý.", state, lan, Action.REQUEST_SUPPLEMENT, reason="Thiếu",
    )
    assert not set(allowed_actions(state, lan)) & LATE_BLOCKED
    assert Action.RECORD_APOLOGY in allowed_actions(state, lan)
    assert Action.STOP in allowed_actions(state, leader)  # ending processing stays possible

    refused_with("Cần nêu rõ lý do trễ hẹn.", state, lan, Action.RECORD_APOLOGY,
                 new_due_at=NOW + timedelta(days=3))
    refused_with("Ngày hẹn trả mới phải sau ngày hẹn hiện tại.", state, lan,
                 Action.RECORD_APOLOGY, new_due_at=state.due_at, reason="Chờ xác minh")
    refused_with("Ngày hẹn trả mới phải sau thời điểm hiện tại.", state, lan,
                 Action.RECORD_APOLOGY, new_due_at=NOW - timedelta(minutes=1),
                 reason="Chờ xác minh")

    state, t = do(state, lan, Action.RECORD_APOLOGY, new_due_at=NOW + timedelta(days=3),
                  reason="Chờ kết quả xác minh của Công an")
    assert t.clock == ClockEffect.NONE and state.status == Status.PROCESSING
    assert {Effect.ISSUE_FORM_04, Effect.NOTIFY_APPLICANT, Effect.EXPLAIN_LATE_TO_HEAD} <= set(
        t.effects
    )
    assert t.details["old_due_at"] == NOW - timedelta(hours=1)
    assert not needs_apology(state)
    state, _ = do(state, lan, Action.FORWARD, assignee_id=head.user_id)
    assert state.current_step == APPROVAL


def test_forecast_miss_also_needs_the_apology_first():
    state = at_step(HANDLING, will_miss=True)
    refused_with(
        "Hồ sơ sẽ trễ hẹn: cần lập Phiếu xin lỗi và hẹn lại ngày trả kết quả trước khi "
        "chuyển bước.", state, lan, Action.FORWARD,
    )
    apologised = replace(state, has_apology_for_current_due=True)
    assert Action.FORWARD in allowed_actions(apologised, lan)


def test_late_rule_does_not_hold_back_a_finished_dossier():
    state = draft(status=Status.PROCESSED, current_step=RETURN, has_result=True,
                  due_at=NOW - timedelta(days=5))
    assert allowed_actions(state, counter) == [Action.RETURN_RESULT]


def test_counts_as_late_for_the_national_index():
    assert not counts_as_late(1, finished_at=DUE, due_at=DUE)  # on the day is on time
    assert counts_as_late(1, finished_at=DUE + timedelta(minutes=1), due_at=DUE)
    assert counts_as_late(2, finished_at=NOW, due_at=DUE)  # asked twice for documents
    assert not counts_as_late(0, finished_at=None, due_at=DUE)
    assert counts_as_late(0, finished_at=None, due_at=NOW, now=NOW + timedelta(hours=1))
    assert not counts_as_late(0, finished_at=NOW, due_at=None)


# --- withdrawal --------------------------------------------------------------------------


def test_withdrawal_is_asked_by_the_owner_and_accepted_by_staff():
    state = at_step(APPROVAL, assignee=head)
    assert Action.REQUEST_WITHDRAWAL not in allowed_actions(state, stranger)
    state, t = do(state, citizen, Action.REQUEST_WITHDRAWAL, reason="Không còn nhu cầu")
    assert state.status == Status.WITHDRAWAL_REQUESTED and t.clock == ClockEffect.NONE
    assert allowed_actions(state, lan) == []
    assert allowed_actions(state, citizen) == [Action.CANCEL_WITHDRAWAL]

    back, _ = do(state, citizen, Action.CANCEL_WITHDRAWAL)
    assert (back.status, back.current_step) == (Status.PROCESSING, APPROVAL)

    state, t = do(state, counter, Action.ACCEPT_WITHDRAWAL)
    assert (state.status, t.clock, t.event) == (Status.STOPPED, ClockEffect.STOP, "withdrawn")
    assert Effect.ISSUE_FORM_05 in t.effects


def test_withdrawal_during_a_supplement_keeps_the_clock_paused():
    state, _ = do(at_step(HANDLING), lan, Action.REQUEST_SUPPLEMENT, reason="Thiếu")
    state, _ = do(state, citizen, Action.REQUEST_WITHDRAWAL)
    assert clock_state(state) == ClockState.PAUSED
    state, t = do(state, citizen, Action.CANCEL_WITHDRAWAL)
    assert state.status == Status.SUPPLEMENT_REQUESTED and t.clock == ClockEffect.NONE
    state, t = do(state, citizen, Action.SUPPLY_SUPPLEMENT)
    assert (state.status, state.current_step, t.clock) == (
        Status.PROCESSING, HANDLING, ClockEffect.RESUME,
    )


# --- who may act -------------------------------------------------------------------------


def test_handler_of_another_agency_is_refused():
    refused_with("Bạn không thuộc cơ quan đang giải quyết hồ sơ này.", at_step(HANDLING),
                 other_handler, Action.FORWARD)


def test_handler_who_is_not_the_assignee_is_refused_but_the_pool_is_open():
    refused_with("Hồ sơ ở bước 2/5 “Thụ lý hồ sơ” đang được giao cho người khác; lãnh đạo "
                 "đơn vị có thể phân công lại.", at_step(HANDLING), minh, Action.FORWARD)
    pool = at_step(HANDLING, assignee=None)  # forwarded to the step's pool
    assert Action.FORWARD in allowed_actions(pool, lan)
    assert Action.FORWARD in allowed_actions(pool, minh)


def test_leader_of_the_unit_manages_any_step_but_does_not_do_the_handlers_work():
    state = at_step(HANDLING, assignee=lan)
    assert {Action.ASSIGN, Action.RECORD_APOLOGY, Action.STOP, Action.REFUSE} <= set(
        allowed_actions(state, leader))
    assert not {Action.FORWARD, Action.APPROVE, Action.ISSUE_RESULT} & set(
        allowed_actions(state, leader))
    refused_with("Bước 2/5 “Thụ lý hồ sơ” do Chuyên viên thụ lý thực hiện: bạn không được "
                 "“Chuyển bước tiếp theo” ở bước này.", state, leader, Action.FORWARD)
    state, t = do(state, leader, Action.ASSIGN, assignee_id=minh.user_id)
    assert state.assignee_id == minh.user_id and Effect.NOTIFY_ASSIGNEE in t.effects
    refused_with("Bạn không thuộc cơ quan đang giải quyết hồ sơ này.", state, other_leader,
                 Action.ASSIGN, assignee_id=1)


def test_handler_cannot_approve():
    refused_with("Vai trò “Chuyên viên thụ lý” không được thực hiện “Phê duyệt”.",
                 at_step(APPROVAL), lan, Action.APPROVE)


@pytest.mark.parametrize("role", sorted(READ_ONLY_ROLES))
def test_read_only_roles_have_no_actions_anywhere(role):
    watcher = Actor(800, role, {DEPT, CENTRE})
    samples = [draft(), draft(status=Status.NEW), at_step(HANDLING),
               at_step(SIGNATURE, has_result=True),
               draft(status=Status.PROCESSED, current_step=RETURN, has_result=True)]
    assert all(allowed_actions(s, watcher) == [] for s in samples)
    with pytest.raises(TransitionError, match="chỉ được xem hồ sơ"):
        apply(at_step(HANDLING), watcher, Action.FORWARD)


def test_counter_officer_of_another_centre_is_refused():
    elsewhere = Actor(201, Role.COUNTER_OFFICER, {OTHER})
    refused_with("Bạn không thuộc bộ phận tiếp nhận của cơ quan giải quyết hồ sơ này.",
                 draft(), elsewhere, Action.ACCEPT)


# --- parameters and table ----------------------------------------------------------------


def test_parameter_messages_are_vietnamese():
    state = at_step(SIGNATURE, assignee=leader, approved=True, signed=True)
    refused_with("Cần chọn người được giao xử lý.", state, leader, Action.ASSIGN)
    refused_with("Cần chọn người được giao xử lý.", state, leader, Action.ASSIGN,
                 assignee_id=True)
    refused_with("Hồ sơ đang được giao cho người này.", state, leader, Action.ASSIGN,
                 assignee_id=leader.user_id)
    refused_with("Cần chọn cơ quan nhận hồ sơ liên thông.", state, leader, Action.TRANSFER)
    refused_with("Cần ghi rõ các giấy tờ phải bổ sung và lý do.", state, leader,
                 Action.REQUEST_SUPPLEMENT)
    refused_with("Cần chọn tệp PDF dự thảo kết quả.", at_step(HANDLING), lan,
                 Action.ATTACH_DRAFT, sha256="z" * 64)
    refused_with("Ngày hẹn trả kết quả phải sau thời điểm tiếp nhận.", draft(), counter,
                 Action.ACCEPT, due_at=NOW)
    refused_with("Thao tác không hợp lệ.", state, leader, "teleport")


def test_wrong_status_message_names_the_action_and_status():
    refused_with("Không thể thực hiện “Trả kết quả” khi hồ sơ ở trạng thái “Đang xử lý”.",
                 at_step(HANDLING), counter, Action.RETURN_RESULT)


def test_transition_table_covers_every_action_and_leaves_final_statuses_final():
    assert {action for _, action in TRANSITIONS} == set(Action)
    for (status, action), rule in TRANSITIONS.items():
        assert status not in (Status.NOT_RECEIVED, Status.STOPPED, Status.RETURNED)
        assert rule.targets and all(isinstance(t, Status) for t in rule.targets)
        assert rule.roles and not rule.roles & READ_ONLY_ROLES, (status, action)
        assert rule.note
    assert all(action.label for action in Action)


def test_snapshot_accepts_plain_row_values():
    state = DossierState(status=4, agency_id=DEPT, now=NOW, channel=2, current_step=1)
    assert state.step is None  # no process: nothing to enforce, and nothing allowed
    assert state.status is Status.PROCESSING and state.channel is Channel.ONLINE
    with pytest.raises(ValueError):
        DossierState(status=Status.PROCESSING, agency_id=DEPT, now=NOW)  # no step

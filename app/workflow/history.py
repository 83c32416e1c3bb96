"""What each recorded event is called in a dossier's history. Pure: no I/O.

Events are stored by their machine name (`Transition.event`); people read the action by its
Vietnamese name, and a forward by what it hands the dossier to: a work step ("chuyển xử
lý"), a leader's approval ("trình duyệt") or signature ("trình ký").
"""

from __future__ import annotations

from app.processes.logic import StepKind

EVENT_LABELS = {
    "submitted": "Nộp hồ sơ",
    "accepted": "Tiếp nhận",
    "supplement_requested": "Yêu cầu bổ sung",
    "supplement_supplied": "Nhận bổ sung",
    "reception_refused": "Từ chối tiếp nhận",
    "redirected": "Hướng dẫn nộp nơi khác",
    "processing_started": "Chuyển xử lý",
    "forwarded": "Chuyển xử lý",
    "returned_to_previous_step": "Trả lại bước trước",
    "transferred": "Chuyển liên thông",
    "assigned": "Phân công xử lý",
    "payment_requested": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "paid": "Nộp phí, lệ phí",
    "apology_recorded": "Xin lỗi, hẹn lại ngày trả kết quả",
    "result_draft_attached": "Trình dự thảo kết quả",
    "approved": "Phê duyệt",
    "signed": "Ký số",
    "result_issued": "Ban hành kết quả",
    "processing_finished": "Hoàn thành xử lý, chuyển trả kết quả",
    "stopped": "Dừng xử lý",
    "refused": "Từ chối giải quyết",
    "withdrawal_requested": "Yêu cầu rút hồ sơ",
    "withdrawal_cancelled": "Hủy yêu cầu rút hồ sơ",
    "withdrawn": "Rút hồ sơ",
    "result_returned": "Trả kết quả",
    "due_recomputed": "Tính lại ngày hẹn trả",
}

_FORWARD_TO = {
    StepKind.APPROVAL: "Trình duyệt",
    StepKind.SIGNATURE: "Trình ký",
    StepKind.RESULT_ISSUE: "Chuyển ban hành kết quả",
    StepKind.INTER_AGENCY: "Chuyển liên thông",
}


def event_label(action: str, step_kind: StepKind | str | None = None) -> str:
    """The action's name; a forward is named by the kind of step it leads to."""
    if action == "forwarded" and step_kind:
        return _FORWARD_TO.get(StepKind(step_kind), EVENT_LABELS["forwarded"])
    return EVENT_LABELS.get(action, action.replace("_", " "))

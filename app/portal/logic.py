"""What a dossier's history and status mean to the applicant. Pure: no I/O.

The timeline shows each event in plain Vietnamese; `next_steps` says what the applicant
must do now (or that they need do nothing), from the status and what is still owed.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.dossiers.logic import Status
from app.formatting import format_money

EVENT_LABELS = {
    "submitted": "Nộp hồ sơ trực tuyến",
    "accepted": "Tiếp nhận hồ sơ",
    "reception_refused": "Không tiếp nhận hồ sơ",
    "redirected": "Hướng dẫn nộp hồ sơ tại cơ quan khác",
    "supplement_requested": "Yêu cầu bổ sung hồ sơ",
    "supplement_supplied": "Đã nộp bổ sung hồ sơ",
    "processing_started": "Chuyển xử lý",
    "forwarded": "Chuyển bước xử lý tiếp theo",
    "returned_to_previous_step": "Trả lại bước xử lý trước",
    "assigned": "Phân công xử lý",
    "transferred": "Chuyển liên thông sang cơ quan khác",
    "payment_requested": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "paid": "Đã nộp phí, lệ phí",
    "apology_recorded": "Xin lỗi và hẹn lại ngày trả kết quả",
    "result_draft_attached": "Trình dự thảo kết quả",
    "approved": "Lãnh đạo phê duyệt",
    "signed": "Ký số kết quả",
    "result_issued": "Ban hành kết quả",
    "processing_finished": "Đã xử lý xong, chờ trả kết quả",
    "refused": "Từ chối giải quyết",
    "stopped": "Dừng xử lý",
    "withdrawal_requested": "Yêu cầu rút hồ sơ",
    "withdrawal_cancelled": "Hủy yêu cầu rút hồ sơ",
    "withdrawn": "Đã rút hồ sơ",
    "result_returned": "Đã trả kết quả",
}

# Events whose comment is addressed to the applicant (what to supply, why refused): shown
# to the owner only, since a comment may name people or documents.
COMMENTED_EVENTS = frozenset({
    "supplement_requested", "reception_refused", "redirected", "payment_requested",
    "apology_recorded", "refused", "stopped", "withdrawal_requested",
})


def event_label(event: str) -> str:
    return EVENT_LABELS.get(event, "Cập nhật hồ sơ")


def timeline(events: list[dict], *, owner: bool) -> list[dict]:
    """Events oldest first as {at, label, note}; notes only for the owner."""
    return [
        {"at": e["at"], "label": event_label(e["action"]),
         "note": e.get("comment", "") if owner and e["action"] in COMMENTED_EVENTS else ""}
        for e in sorted(events, key=lambda e: (e["at"], e.get("id", 0)))
    ]


def next_steps(status: int, fees_outstanding: int) -> list[str]:
    """What the applicant must do now, in plain words; never empty."""
    status = Status(status)
    owed = (f"Nộp phí, lệ phí {format_money(fees_outstanding)} (trực tuyến hoặc tại Bộ phận "
            "Một cửa).") if fees_outstanding > 0 else ""
    steps = {
        Status.DRAFT: ["Hoàn thành và nộp hồ sơ đang soạn."],
        Status.NEW: ["Chờ Bộ phận Một cửa kiểm tra và tiếp nhận hồ sơ."],
        Status.RECEIVED: ["Chờ cơ quan giải quyết hồ sơ theo ngày hẹn."],
        Status.PROCESSING: ["Chờ cơ quan giải quyết hồ sơ theo ngày hẹn."],
        Status.SUPPLEMENT_REQUESTED: ["Nộp bổ sung đúng những giấy tờ cơ quan yêu cầu."],
        Status.FINANCIAL_OBLIGATION: ["Thực hiện nghĩa vụ tài chính để cơ quan tiếp tục "
                                      "giải quyết hồ sơ."],
        Status.WITHDRAWAL_REQUESTED: ["Chờ cơ quan xem xét yêu cầu rút hồ sơ."],
        Status.PROCESSED: ["Nhận kết quả tại Bộ phận Một cửa (mang theo phiếu hẹn hoặc "
                           "CCCD), hoặc theo hình thức đã đăng ký."],
        Status.NOT_RECEIVED: ["Hồ sơ không được tiếp nhận: xem lý do trong thông báo của "
                              "cơ quan."],
        Status.STOPPED: ["Hồ sơ đã dừng xử lý: xem lý do trong thông báo của cơ quan."],
        Status.RETURNED: ["Đã nhận kết quả. Bạn không cần làm gì thêm."],
    }[status]
    if owed and status not in (Status.NOT_RECEIVED, Status.STOPPED, Status.RETURNED,
                               Status.DRAFT):
        # Paying first: the result cannot be handed over while fees are owed.
        return [owed, *(s for s in steps if status != Status.FINANCIAL_OBLIGATION)]
    return steps


# At most this many uploads per page: on 2G a dropped request then loses at most three
# files, and each page stays one short form.
COMPONENTS_PER_PAGE = 3


@dataclass(frozen=True)
class ComponentPage:
    """One page of the components step: a group of components and its heading."""

    number: int
    title: str
    component_ids: tuple[int, ...]


def component_pages(components: list[dict],
                    per_page: int = COMPONENTS_PER_PAGE) -> list[ComponentPage]:
    """One page per group of components, in the procedure's order: the required documents,
    then the optional ones; a group longer than `per_page` is split into parts. A
    procedure without components still has one (empty) page."""
    groups = [("Giấy tờ bắt buộc", [c["id"] for c in components if c["required"]]),
              ("Giấy tờ kèm theo (nếu có)", [c["id"] for c in components if not c["required"]])]
    pages: list[ComponentPage] = []
    for title, ids in groups:
        parts = [ids[i:i + per_page] for i in range(0, len(ids), per_page)]
        for index, part in enumerate(parts, 1):
            heading = title if len(parts) == 1 else f"{title} (phần {index}/{len(parts)})"
            pages.append(ComponentPage(len(pages) + 1, heading, tuple(part)))
    return pages or [ComponentPage(1, "Thành phần hồ sơ", ())]


def page_after(pages: list[ComponentPage], number: int, supplied: set[int]) -> int | None:
    """The page to show after page `number`: the next one that still lacks something,
    so a complete part (uploaded earlier, before a dropped connection) is not shown
    again; None when the applicant can go on to check their answers."""
    for page in pages[number:]:
        if not set(page.component_ids) <= supplied:
            return page.number
    return None


def page_of_components(pages: list[ComponentPage]) -> dict[int, int]:
    """Which page of the components step shows each component (the check page's "Sửa")."""
    return {cid: page.number for page in pages for cid in page.component_ids}

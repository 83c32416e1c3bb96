"""Plain data of the dossier workflow: actions, snapshots, actors, transitions. Pure: no I/O.

The service layer builds a `DossierState` from database rows, asks the state machine
(`app.workflow.machine`) what an `Actor` may do, and performs the `Transition` it gets back:
writes the new status, step, assignee and agency, stores `changes`, logs the event with
`details`, and carries out each side-effect tag. Nothing here reads a clock or a table, so
every rule can be tested on plain values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from app.accounts.roles import Position, Role
from app.dossiers.logic import Channel, Status
from app.processes.logic import Process, ProcessStep


class TransitionError(ValueError):
    """An illegal move; `str(error)` is a Vietnamese sentence fit to show the user."""


class Action(StrEnum):
    SUBMIT = "submit"
    ACCEPT = "accept"
    REQUEST_SUPPLEMENT = "request_supplement"
    REFUSE = "refuse"
    REDIRECT = "redirect"
    SUPPLY_SUPPLEMENT = "supply_supplement"
    ASSIGN = "assign"
    FORWARD = "forward"
    RETURN_STEP = "return_step"
    TRANSFER = "transfer"
    REQUEST_PAYMENT = "request_payment"
    PAY = "pay"
    RECORD_APOLOGY = "record_apology"
    ATTACH_DRAFT = "attach_draft"
    APPROVE = "approve"
    SIGN = "sign"
    ISSUE_RESULT = "issue_result"
    STOP = "stop"
    REQUEST_WITHDRAWAL = "request_withdrawal"
    CANCEL_WITHDRAWAL = "cancel_withdrawal"
    ACCEPT_WITHDRAWAL = "accept_withdrawal"
    RETURN_RESULT = "return_result"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.SUBMIT: "Gửi hồ sơ",
    Action.ACCEPT: "Tiếp nhận hồ sơ",
    Action.REQUEST_SUPPLEMENT: "Yêu cầu bổ sung hồ sơ",
    Action.REFUSE: "Từ chối hồ sơ",
    Action.REDIRECT: "Không thuộc thẩm quyền, hướng dẫn nộp nơi khác",
    Action.SUPPLY_SUPPLEMENT: "Nộp bổ sung hồ sơ",
    Action.ASSIGN: "Phân công xử lý",
    Action.FORWARD: "Chuyển bước tiếp theo",
    Action.RETURN_STEP: "Trả lại bước trước",
    Action.TRANSFER: "Chuyển liên thông sang cơ quan khác",
    Action.REQUEST_PAYMENT: "Yêu cầu thực hiện nghĩa vụ tài chính",
    Action.PAY: "Xác nhận đã nộp phí, lệ phí",
    Action.RECORD_APOLOGY: "Lập phiếu xin lỗi và hẹn lại ngày trả kết quả",
    Action.ATTACH_DRAFT: "Trình dự thảo kết quả",
    Action.APPROVE: "Phê duyệt",
    Action.SIGN: "Ký số kết quả",
    Action.ISSUE_RESULT: "Ban hành kết quả",
    Action.STOP: "Dừng xử lý",
    Action.REQUEST_WITHDRAWAL: "Yêu cầu rút hồ sơ",
    Action.CANCEL_WITHDRAWAL: "Hủy yêu cầu rút hồ sơ",
    Action.ACCEPT_WITHDRAWAL: "Chấp nhận rút hồ sơ",
    Action.RETURN_RESULT: "Trả kết quả",
}


class Effect(StrEnum):
    """Side effects for the service layer. Form numbers follow Thông tư 03/2025/TT-VPCP;
    the service maps them to the form set of the dossier's rule version."""

    NOTIFY_APPLICANT = "notify_applicant"
    NOTIFY_AGENCY = "notify_agency"
    NOTIFY_ASSIGNEE = "notify_assignee"
    ISSUE_FORM_01 = "issue_form_01"  # receipt and appointment slip
    ISSUE_FORM_02 = "issue_form_02"  # supplement request
    ISSUE_FORM_03 = "issue_form_03"  # refusal at reception
    ISSUE_FORM_04 = "issue_form_04"  # apology and new appointment
    ISSUE_FORM_05 = "issue_form_05"  # notice of stopping processing
    ISSUE_FORM_06 = "issue_form_06"  # process-control sheet (inter-agency)
    RECORD_TRACKING_BOOK = "record_tracking_book"  # form 07
    RECORD_HANDOVER = "record_handover"  # one row of the process-control sheet
    ISSUE_REFUSAL_LETTER = "issue_refusal_letter"
    ISSUE_GUIDANCE = "issue_guidance"
    EXPLAIN_LATE_TO_HEAD = "explain_late_to_head"  # Kon Tum: every late dossier is explained
    ISSUE_FEE_RECEIPT = "issue_fee_receipt"
    STORE_RESULT = "store_result"  # into the applicant's data warehouse
    INVITE_RATING = "invite_rating"


class ClockEffect(StrEnum):
    NONE = "none"
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"


class ClockState(StrEnum):
    NOT_STARTED = "not_started"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


# Statuses the dossier waits in for the applicant, remembering where to go back to.
WAITING_STATUSES = frozenset({Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION})
RECEPTION_STATUSES = frozenset({Status.DRAFT, Status.NEW})


@dataclass(frozen=True)
class ResumePoint:
    """Where a waiting dossier goes back to: the status and step it left."""

    status: Status
    step: int | None = None


@dataclass(frozen=True)
class DossierState:
    """A snapshot of one dossier, built by the service layer from its rows.

    `process` is the internal process version the dossier is under; `current_step` is the
    position of the step it is at (the reception step once accepted, a work step in
    processing, the return step once processed) and is kept while it waits. `approved`
    means the latest approval step reached has recorded its approval; `signed` that the
    result is signed. `agency_id` is the agency settling the dossier;
    `receiving_agency_id` the counter that received it when different (a public-service
    centre, or reception regardless of administrative boundary). `will_miss` is the
    service's forecast that `due_at` cannot be met. `has_apology_for_current_due` means an
    apology letter was issued for missing the appointment `due_at` itself (its old
    appointment equals `due_at`); recording an apology here always moves `due_at`, so it is
    true only for data recorded elsewhere. Money is in đồng.
    """

    status: Status
    agency_id: int
    now: datetime
    channel: Channel = Channel.IN_PERSON
    process: Process = Process()
    current_step: int | None = None
    assignee_id: int | None = None
    receiving_agency_id: int | None = None
    due_at: datetime | None = None
    will_miss: bool = False
    has_apology_for_current_due: bool = False
    has_draft: bool = False  # a draft result has been attached (what an approval approves)
    approved: bool = False
    signed: bool = False
    has_result: bool = False
    fees_due: int | Decimal = 0
    fees_paid: int | Decimal = 0
    supplement_requests_count: int = 0
    resume_point: ResumePoint | None = None
    withdrawn_from: ResumePoint | None = None

    def __post_init__(self) -> None:
        # Rows hold plain integers; accept them so the service need not convert.
        object.__setattr__(self, "status", Status(self.status))
        object.__setattr__(self, "channel", Channel(self.channel))
        count = self.process.count
        if count and self.current_step is not None and not 1 <= self.current_step <= count:
            raise ValueError(f"step {self.current_step} outside 1..{count}")
        if self.status == Status.PROCESSING and self.current_step is None:
            raise ValueError("a dossier in processing is at some step")
        waiting_from = self.withdrawn_from.status if self.withdrawn_from else None
        if self.status == Status.WITHDRAWAL_REQUESTED and waiting_from is None:
            raise ValueError("a withdrawal request remembers the status it interrupted")
        if (self.status in WAITING_STATUSES or waiting_from in WAITING_STATUSES) and (
            self.resume_point is None
        ):
            raise ValueError("a waiting dossier remembers where to resume")

    @property
    def step_count(self) -> int:
        return self.process.count

    @property
    def step(self) -> ProcessStep | None:
        """The process step the dossier is at (None before acceptance)."""
        return self.process.step(self.current_step)

    @property
    def fees_outstanding(self) -> int | Decimal:
        return max(self.fees_due - self.fees_paid, 0)

    @property
    def reception_agency_ids(self) -> frozenset[int]:
        return frozenset(a for a in (self.agency_id, self.receiving_agency_id) if a is not None)

    @property
    def at_reception(self) -> bool:
        """Not yet accepted: still a draft, new, or back with the applicant at reception."""
        if self.status == Status.SUPPLEMENT_REQUESTED and self.resume_point is not None:
            return self.resume_point.status in RECEPTION_STATUSES
        return self.status in RECEPTION_STATUSES


@dataclass(frozen=True)
class Actor:
    """Who acts. `is_owner` is true when the user is the dossier's applicant; `position`
    is a leader's (unit leader, agency leader, Chairman), which decides the steps they hold."""

    user_id: int
    role: Role
    agency_ids: frozenset[int] = frozenset()
    is_owner: bool = False
    position: Position = Position.NONE

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role(self.role))
        object.__setattr__(self, "position", Position(self.position or ""))
        object.__setattr__(self, "agency_ids", frozenset(self.agency_ids))


_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Transition:
    """What an action does. `changes` maps other `DossierState` fields to new values;
    `details` are facts for the event log (reason, signer, hashes, appointments)."""

    action: Action
    event: str
    from_status: Status
    status: Status
    step: int | None
    assignee_id: int | None
    agency_id: int
    at: datetime
    clock: ClockEffect = ClockEffect.NONE
    effects: tuple[Effect, ...] = ()
    changes: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    details: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)


def advance(state: DossierState, transition: Transition) -> DossierState:
    """The snapshot after a transition, as the service would rebuild it from the rows."""
    return replace(
        state,
        status=transition.status,
        current_step=transition.step,
        assignee_id=transition.assignee_id,
        agency_id=transition.agency_id,
        **transition.changes,
    )

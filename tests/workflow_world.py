"""The people and the internal process the pure workflow tests share: a department that
settles dossiers received at a public-service centre, under a five-step approved process
(the counter receives; a handler handles; the head of unit approves; the director signs;
the counter returns the result)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.accounts.roles import Position, Role
from app.dossiers.logic import Status
from app.processes.logic import Process, ProcessStep
from app.workflow import Actor, DossierState

NOW = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # 08:30 on a Monday in Kon Tum
DUE = NOW + timedelta(days=10)
DEPT = 1  # Sở Tư pháp settles the dossier
CENTRE = 2  # Trung tâm Phục vụ hành chính công receives it
OTHER = 3  # Sở Tài chính, for inter-agency work
SIGNED_SHA = "ab" * 32
DRAFT_SHA = "cd" * 32

RECEPTION, HANDLING, APPROVAL, SIGNATURE, RETURN = 1, 2, 3, 4, 5
PROCESS = Process((
    ProcessStep(1, "Tiếp nhận hồ sơ", "reception", {"counter_officer"}, Decimal(4)),
    ProcessStep(2, "Thụ lý hồ sơ", "handling", {"handler"}, Decimal(60)),
    ProcessStep(3, "Trưởng phòng xem xét", "approval", {"unit_leader"}, Decimal(4)),
    ProcessStep(4, "Giám đốc Sở ký", "signature", {"agency_leader"}, Decimal(8)),
    ProcessStep(5, "Trả kết quả", "return", {"counter_officer"}, Decimal(4)),
))

citizen = Actor(100, Role.CITIZEN, is_owner=True)
stranger = Actor(101, Role.CITIZEN)
counter = Actor(200, Role.COUNTER_OFFICER, {CENTRE})
lan = Actor(301, Role.HANDLER, {DEPT})
minh = Actor(302, Role.HANDLER, {DEPT})
head = Actor(350, Role.LEADER, {DEPT}, position=Position.UNIT_LEADER)
leader = Actor(400, Role.LEADER, {DEPT}, position=Position.AGENCY_LEADER)
other_leader = Actor(500, Role.LEADER, {OTHER}, position=Position.AGENCY_LEADER)
other_handler = Actor(501, Role.HANDLER, {OTHER})
postman = Actor(600, Role.POSTAL_STAFF)
auditor = Actor(700, Role.AUDITOR, {DEPT})


def draft(**fields) -> DossierState:
    base = {"status": Status.DRAFT, "agency_id": DEPT, "receiving_agency_id": CENTRE,
            "now": NOW, "process": PROCESS}
    return DossierState(**{**base, **fields})


def at_step(step: int, assignee: Actor | None = lan, **fields) -> DossierState:
    base = {"status": Status.PROCESSING, "current_step": step, "due_at": DUE,
            "assignee_id": assignee.user_id if assignee else None}
    return draft(**{**base, **fields})

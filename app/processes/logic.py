"""The internal process (quy trình nội bộ) of a procedure, as plain data. Pure: no I/O.

A process version is an ordered list of steps; each step has a kind (what is done there),
the performers allowed to act (a role, and for leaders a position) and the office hours
allotted. The workflow reads three shapes from it: the reception step (the counter's, first),
the return step (the counter's, last) and the work steps in between, where the dossier is
"in processing". Approval and signature steps cannot be skipped: their decision must be
recorded before the dossier leaves them. The result is issued at one step: the result-issue
step, else the signature step, else the last work step.

What a version must satisfy to be published is in `app.processes.publishing`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from app.accounts.roles import Position, Role


class StepKind(StrEnum):
    RECEPTION = "reception"
    HANDLING = "handling"
    APPRAISAL = "appraisal"
    APPROVAL = "approval"
    SIGNATURE = "signature"
    RESULT_ISSUE = "result_issue"
    RETURN = "return"
    INTER_AGENCY = "inter_agency"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    StepKind.RECEPTION: "Tiếp nhận hồ sơ",
    StepKind.HANDLING: "Thụ lý, xử lý",
    StepKind.APPRAISAL: "Thẩm định",
    StepKind.APPROVAL: "Phê duyệt",
    StepKind.SIGNATURE: "Ký số kết quả",
    StepKind.RESULT_ISSUE: "Ban hành kết quả",
    StepKind.RETURN: "Trả kết quả",
    StepKind.INTER_AGENCY: "Liên thông với cơ quan khác",
}

# Steps the counter holds; every other kind is work of the settling agency.
COUNTER_KINDS = frozenset({StepKind.RECEPTION, StepKind.RETURN})
DECISION_KINDS = frozenset({StepKind.APPROVAL, StepKind.SIGNATURE})


class Performer(StrEnum):
    """Who may act at a step: a role, or a leader holding a position. `LEADER` is any
    leader (versions migrated from the old one-role steps use it)."""

    COUNTER_OFFICER = "counter_officer"
    HANDLER = "handler"
    LEADER = "leader"
    UNIT_LEADER = "unit_leader"
    AGENCY_LEADER = "agency_leader"
    CHAIRMAN = "chairman"

    @property
    def label(self) -> str:
        return PERFORMER_LABELS[self]


PERFORMER_LABELS = {
    Performer.COUNTER_OFFICER: "Công chức Bộ phận Một cửa",
    Performer.HANDLER: "Chuyên viên thụ lý",
    Performer.LEADER: "Lãnh đạo",
    Performer.UNIT_LEADER: "Lãnh đạo phòng, đơn vị",
    Performer.AGENCY_LEADER: "Lãnh đạo cơ quan",
    Performer.CHAIRMAN: "Chủ tịch, Phó Chủ tịch UBND",
}
LEADER_PERFORMERS = frozenset({Performer.LEADER, Performer.UNIT_LEADER,
                               Performer.AGENCY_LEADER, Performer.CHAIRMAN})


def performers_of(role: Role | str, position: Position | str = Position.NONE
                  ) -> frozenset[Performer]:
    """What a user with this role and position may perform."""
    role, position = Role(role), Position(position or "")
    if role == Role.COUNTER_OFFICER:
        return frozenset({Performer.COUNTER_OFFICER})
    if role == Role.HANDLER:
        return frozenset({Performer.HANDLER})
    if role == Role.LEADER:
        extra = {Performer(position.value)} if position != Position.NONE else set()
        return frozenset({Performer.LEADER, *extra})
    return frozenset()


def roles_for(performers: Iterable[Performer]) -> frozenset[Role]:
    """The roles that can hold any of these performers (for lists of people to assign)."""
    roles = set()
    for performer in performers:
        if performer == Performer.COUNTER_OFFICER:
            roles.add(Role.COUNTER_OFFICER)
        elif performer == Performer.HANDLER:
            roles.add(Role.HANDLER)
        else:
            roles.add(Role.LEADER)
    return frozenset(roles)


def describe_performers(performers: Iterable[Performer]) -> str:
    return " hoặc ".join(p.label for p in sorted(performers, key=list(Performer).index))


@dataclass(frozen=True)
class ProcessStep:
    """One step. `agency_id` None keeps the dossier with the agency holding it (the
    service resolves it to the procedure's agency for stored versions)."""

    position: int
    name: str
    kind: StepKind
    performers: frozenset[Performer]
    hours: Decimal = Decimal(0)
    agency_id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", StepKind(self.kind))
        object.__setattr__(self, "performers", frozenset(Performer(p) for p in self.performers))

    def held_by(self, role: Role | str, position: Position | str = Position.NONE) -> bool:
        return bool(self.performers & performers_of(role, position))


@dataclass(frozen=True)
class Process:
    """The steps of one version, positions 1..n in order. Empty when a procedure has no
    approved process yet: nothing can then be received or processed under it."""

    steps: tuple[ProcessStep, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple(self.steps))
        if [s.position for s in self.steps] != list(range(1, len(self.steps) + 1)):
            raise ValueError("steps are numbered 1..n in order")

    @property
    def count(self) -> int:
        return len(self.steps)

    def step(self, position: int | None) -> ProcessStep | None:
        if position is None or not 1 <= position <= self.count:
            return None
        return self.steps[position - 1]

    def label(self, position: int | None) -> str:
        """ "Bước 2/5: Thụ lý hồ sơ" — numbers and names are the process's own."""
        step = self.step(position)
        return "" if step is None else f"Bước {step.position}/{self.count}: {step.name}"

    def named(self, position: int | None) -> str:
        """The step inside a sentence: 'bước 3/5 “Trưởng phòng xem xét”'."""
        step = self.step(position)
        return "" if step is None else f"bước {step.position}/{self.count} “{step.name}”"

    @property
    def reception(self) -> ProcessStep | None:
        first = self.step(1)
        return first if first is not None and first.kind == StepKind.RECEPTION else None

    @property
    def return_step(self) -> ProcessStep | None:
        last = self.step(self.count)
        if last is None or last.kind != StepKind.RETURN or last is self.reception:
            return None
        return last

    @property
    def work(self) -> tuple[ProcessStep, ...]:
        """The steps between reception and return: where a dossier is in processing."""
        return tuple(s for s in self.steps if s is not self.reception
                     and s is not self.return_step)

    @property
    def first_work(self) -> int | None:
        return self.work[0].position if self.work else None

    @property
    def last_work(self) -> int | None:
        return self.work[-1].position if self.work else None

    def approval_before(self, position: int) -> bool:
        """Whether an approval step comes before this position (its approval must stand)."""
        return any(s.kind == StepKind.APPROVAL and s.position < position for s in self.work)

    @property
    def needs_signature(self) -> bool:
        return any(s.kind == StepKind.SIGNATURE for s in self.work)

    @property
    def issue_position(self) -> int | None:
        """Where the result is issued: the result-issue step, else the (last) signature
        step, else the last work step."""
        for kind in (StepKind.RESULT_ISSUE, StepKind.SIGNATURE):
            found = [s.position for s in self.work if s.kind == kind]
            if found:
                return found[0] if kind == StepKind.RESULT_ISSUE else found[-1]
        return self.last_work

"""What the staff dossier page shows about the dossier's process and the actions allowed
now: the step it is at in the process's own words, where a forward or a return would take
it, and the people each of those may be given to (those holding that step, in its unit)."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.accounts.service import CurrentUser
from app.dossiers.logic import Status
from app.dossiers.queries import holders
from app.processes.logic import Process, ProcessStep
from app.workflow import Action, allowed_actions
from app.workflow.service import actor_for, snapshot
from app.workflow.steps import forward_target, return_target


@dataclass
class Target:
    step: ProcessStep | None
    label: str
    people: list[dict] = field(default_factory=list)


@dataclass
class ProcessView:
    process: Process
    current_label: str
    actions: list[Action]
    targets: dict[Action, Target]
    version: int


def _current_label(process: Process, status: Status, position: int | None) -> str:
    if position is None and status in (Status.DRAFT, Status.NEW) and process.reception:
        return f"{process.label(1)} (chờ tiếp nhận)"
    return process.label(position)


async def _target(step: ProcessStep | None, agency_id: int, process: Process) -> Target:
    if step is None:
        return Target(None, "")
    return Target(step, process.label(step.position),
                  await holders(step.agency_id or agency_id, step))


async def process_view(dossier_id: int, user: CurrentUser) -> ProcessView:
    snap = await snapshot(dossier_id)
    state, process = snap.state, snap.state.process
    actions = allowed_actions(state, actor_for(user, snap.row))
    targets: dict[Action, Target] = {}
    if Action.FORWARD in actions:
        step = forward_target(state)
        targets[Action.FORWARD] = (await _target(step, state.agency_id, process) if step
                                   else Target(None, "Hoàn thành xử lý, chuyển Bộ phận Một "
                                               "cửa trả kết quả"))
    if Action.RETURN_STEP in actions:
        targets[Action.RETURN_STEP] = await _target(return_target(state), state.agency_id,
                                                    process)
    if Action.ASSIGN in actions:
        # The step stays where it is (a transfer may have moved it to another agency).
        targets[Action.ASSIGN] = Target(state.step, process.label(state.current_step),
                                        await holders(state.agency_id, state.step))
    return ProcessView(process, _current_label(process, state.status, state.current_step),
                       actions, targets, snap.row["version"])

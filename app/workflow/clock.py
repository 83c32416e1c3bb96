"""The processing clock and lateness: when time counts, and what counts as late. Pure.

The clock starts at acceptance and is paused only while the applicant is asked for a
supplement during processing (also while a withdrawal request interrupts that wait). Time
to pay a financial obligation is counted: DOMAIN.md excludes only supplement waiting.
"""

from __future__ import annotations

from datetime import datetime

from app.dossiers.logic import Status
from app.workflow.logic import (
    RECEPTION_STATUSES,
    ClockEffect,
    ClockState,
    DossierState,
    ResumePoint,
)


def _clock_for(status: Status, resume_point: ResumePoint | None) -> ClockState:
    if status in (Status.RECEIVED, Status.PROCESSING, Status.FINANCIAL_OBLIGATION):
        return ClockState.RUNNING
    if status in (Status.STOPPED, Status.PROCESSED, Status.RETURNED):
        return ClockState.STOPPED
    if status == Status.SUPPLEMENT_REQUESTED and resume_point is not None:
        started = resume_point.status not in RECEPTION_STATUSES
        return ClockState.PAUSED if started else ClockState.NOT_STARTED
    return ClockState.NOT_STARTED


def clock_state(state: DossierState) -> ClockState:
    """Where the clock is for this snapshot; the service keeps the pause intervals."""
    if state.status == Status.WITHDRAWAL_REQUESTED and state.withdrawn_from is not None:
        return _clock_for(state.withdrawn_from.status, state.resume_point)
    return _clock_for(state.status, state.resume_point)


_CLOCK_EFFECTS = {
    (ClockState.NOT_STARTED, ClockState.RUNNING): ClockEffect.START,
    (ClockState.RUNNING, ClockState.PAUSED): ClockEffect.PAUSE,
    (ClockState.PAUSED, ClockState.RUNNING): ClockEffect.RESUME,
    (ClockState.RUNNING, ClockState.STOPPED): ClockEffect.STOP,
    (ClockState.PAUSED, ClockState.STOPPED): ClockEffect.STOP,
}


def clock_effect(before: ClockState, after: ClockState) -> ClockEffect:
    """Derived from the two states, so an action can never pause a clock that is not
    running or restart a stopped one."""
    if before == after:
        return ClockEffect.NONE
    try:
        return _CLOCK_EFFECTS[before, after]
    except KeyError:
        raise AssertionError(f"impossible clock change {before} -> {after}") from None


def needs_apology(state: DossierState) -> bool:
    """Late (or forecast late) while the clock runs, and nobody has apologised yet."""
    if state.due_at is None or clock_state(state) != ClockState.RUNNING:
        return False
    late = state.now > state.due_at or state.will_miss
    return late and not state.has_apology_for_current_due


def counts_as_late(
    supplement_requests_count: int,
    finished_at: datetime | None,
    due_at: datetime | None,
    *,
    now: datetime | None = None,
) -> bool:
    """Late in the national service index: finished after the appointment, or asked for a
    supplement more than once (a request must be made once, in full).

    Pass the appointment of the receipt (form 01), shifted by supplement waiting time: an
    apology gives the applicant a new date but does not make a late dossier on time. An
    unfinished dossier is judged against `now` when given, else not (yet) late.
    """
    if supplement_requests_count > 1:
        return True
    if due_at is None:
        return False
    end = finished_at if finished_at is not None else now
    return end is not None and end > due_at

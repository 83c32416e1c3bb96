"""Dossier workflow: one explicit, pure state machine from submission to return.

Import from here. `logic` holds the data (actions, snapshots, actors, transitions),
`clock` when time counts and what is late, `rules` the transition table, `machine` the
guards, `actions` and `processing` what each action does.
"""

from app.workflow.clock import clock_effect, clock_state, counts_as_late, needs_apology
from app.workflow.logic import (
    ACTION_LABELS,
    Action,
    Actor,
    ClockEffect,
    ClockState,
    DossierState,
    Effect,
    ResumePoint,
    Transition,
    TransitionError,
    advance,
)
from app.workflow.machine import allowed_actions, apply, refusal
from app.workflow.rules import LATE_BLOCKED, READ_ONLY_ROLES, TRANSITIONS, Rule

__all__ = [
    "ACTION_LABELS",
    "LATE_BLOCKED",
    "READ_ONLY_ROLES",
    "TRANSITIONS",
    "Action",
    "Actor",
    "ClockEffect",
    "ClockState",
    "DossierState",
    "Effect",
    "ResumePoint",
    "Rule",
    "Transition",
    "TransitionError",
    "advance",
    "allowed_actions",
    "apply",
    "clock_effect",
    "clock_state",
    "counts_as_late",
    "needs_apology",
    "refusal",
]

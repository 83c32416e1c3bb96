"""Properties of the dossier state machine over random lives and random snapshots: whatever
permitted actions are taken, by whoever, the dossier stays consistent, and whatever is not
permitted is refused with a `TransitionError`."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.accounts.roles import Role
from app.dossiers.logic import Channel, Status
from app.workflow import (
    LATE_BLOCKED,
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
    needs_apology,
)

NOW = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
DEPT, CENTRE, OTHER, ELSEWHERE = 1, 2, 3, 9
STAFF_IDS = [301, 302, 303, 400, 401]
FINAL = {Status.NOT_RECEIVED, Status.STOPPED, Status.RETURNED}

# Everyone who could come near a dossier, so a dead end would show up as "nobody can act".
ACTORS = (
    Actor(100, Role.CITIZEN, is_owner=True),
    Actor(101, Role.ORGANISATION, is_owner=True),
    Actor(102, Role.CITIZEN),
    Actor(200, Role.COUNTER_OFFICER, {CENTRE}),
    Actor(201, Role.COUNTER_OFFICER, {DEPT}),
    Actor(202, Role.COUNTER_OFFICER, {OTHER}),
    Actor(301, Role.HANDLER, {DEPT}),
    Actor(302, Role.HANDLER, {DEPT}),
    Actor(303, Role.HANDLER, {OTHER}),
    Actor(400, Role.LEADER, {DEPT}),
    Actor(401, Role.LEADER, {OTHER}),
    Actor(600, Role.POSTAL_STAFF),
    Actor(700, Role.AUDITOR),
    Actor(701, Role.AGENCY_ADMIN, {DEPT}),
    Actor(702, Role.PROVINCIAL_ADMIN),
)

# Which clock state each effect may start from, and where it leads.
CLOCK_MOVES = {
    (ClockState.NOT_STARTED, ClockEffect.START): ClockState.RUNNING,
    (ClockState.RUNNING, ClockEffect.PAUSE): ClockState.PAUSED,
    (ClockState.PAUSED, ClockEffect.RESUME): ClockState.RUNNING,
    (ClockState.RUNNING, ClockEffect.STOP): ClockState.STOPPED,
    (ClockState.PAUSED, ClockEffect.STOP): ClockState.STOPPED,
}

WEIGHTS = {
    Action.SUBMIT: 4, Action.ACCEPT: 4, Action.FORWARD: 8, Action.SUPPLY_SUPPLEMENT: 4,
    Action.PAY: 4, Action.RECORD_APOLOGY: 4, Action.ATTACH_DRAFT: 2, Action.APPROVE: 2,
    Action.SIGN: 2,
    Action.ISSUE_RESULT: 4, Action.RETURN_RESULT: 8, Action.CANCEL_WITHDRAWAL: 2,
}


def params_for(data, state: DossierState, action: Action) -> dict:
    """Valid parameters for `action`, so only the guards can refuse it."""
    base = max(state.now, state.due_at) if state.due_at else state.now
    later = base + timedelta(hours=data.draw(st.integers(1, 240)))
    someone = st.none() | st.sampled_from(STAFF_IDS)
    if action == Action.ACCEPT:
        return {"due_at": data.draw(st.none() | st.just(later))}
    if action in (Action.REQUEST_SUPPLEMENT, Action.REFUSE, Action.STOP):
        return {"reason": "Thiếu giấy tờ"}
    if action == Action.REDIRECT:
        return {"target_agency_id": ELSEWHERE}
    if action == Action.ASSIGN:
        others = [i for i in STAFF_IDS if i != state.assignee_id]
        return {"assignee_id": data.draw(st.sampled_from(others))}
    if action == Action.FORWARD:
        last = state.status == Status.PROCESSING and state.current_step == state.step_count
        return {} if last else {"assignee_id": data.draw(someone)}
    if action == Action.RETURN_STEP:
        return {"reason": "Sai sót", "assignee_id": data.draw(someone)}
    if action == Action.TRANSFER:
        targets = [a for a in (DEPT, OTHER) if a != state.agency_id]
        return {"target_agency_id": data.draw(st.sampled_from(targets))}
    if action == Action.REQUEST_PAYMENT:
        return {"amount": data.draw(st.integers(1, 5_000_000))}
    if action == Action.RECORD_APOLOGY:
        return {"new_due_at": later, "reason": "Chờ xác minh"}
    if action == Action.ATTACH_DRAFT:
        return {"sha256": data.draw(st.text("0123456789abcdef", min_size=64, max_size=64))}
    if action == Action.SIGN:
        return {"signing": "server"}  # the signature's validity is the service's check
    return {}


def check_step(before: DossierState, transition, after: DossierState) -> None:
    assert isinstance(after.status, Status)
    assert transition.from_status == before.status and transition.at == before.now
    assert after.status in TRANSITIONS[before.status, transition.action].targets
    assert transition.event and len(transition.event) <= 40  # DossierEvent.action
    assert all(isinstance(effect, Effect) for effect in transition.effects)
    if after.status != before.status and after.status in (Status.PROCESSED, Status.RETURNED):
        assert after.has_result  # finished or returned only with a result
    if after.status == Status.RETURNED:
        assert after.fees_outstanding == 0
    if clock_state(after) == ClockState.PAUSED:
        waiting = after.withdrawn_from.status if after.withdrawn_from else after.status
        assert waiting == Status.SUPPLEMENT_REQUESTED
    if transition.clock == ClockEffect.NONE:
        assert clock_state(after) == clock_state(before)
    else:
        assert CLOCK_MOVES[clock_state(before), transition.clock] == clock_state(after)
    assert after.supplement_requests_count >= before.supplement_requests_count
    if needs_apology(before):
        assert transition.action not in LATE_BLOCKED


def check_refused(data, state: DossierState, allowed: dict) -> None:
    refused = [(a, x) for a in ACTORS for x in Action if x not in allowed[a]]
    actor, action = data.draw(st.sampled_from(refused))
    try:
        apply(state, actor, action, **params_for(data, state, action))
    except TransitionError as error:
        assert str(error)
    else:
        raise AssertionError(f"{actor.role} could {action} in {state.status!r}")


@st.composite
def drafts(draw) -> DossierState:
    return DossierState(
        status=Status.DRAFT,
        agency_id=DEPT,
        now=NOW,
        channel=draw(st.sampled_from(Channel)),
        receiving_agency_id=draw(st.sampled_from([None, CENTRE])),
        step_count=draw(st.integers(1, 4)),
        fees_due=draw(st.sampled_from([0, 0, 50_000])),
    )


@settings(max_examples=200, deadline=None)
@given(data=st.data(), start=drafts())
def test_random_lives_stay_consistent_and_never_dead_end(data, start):
    state = start
    for _ in range(40):
        allowed = {actor: allowed_actions(state, actor) for actor in ACTORS}
        moves = [(actor, action) for actor, actions in allowed.items() for action in actions]
        check_refused(data, state, allowed)
        if not moves:
            assert state.status in FINAL  # nothing open is left without someone to move it
            return
        assert state.status not in FINAL
        # Pick the action first, weighted towards progress: uniform pairs would let the many
        # who may ask for withdrawal or reassign crowd out the one who may forward, and most
        # lives would end at reception.
        possible = {action for _, action in moves}
        action = data.draw(st.sampled_from([a for a in Action if a in possible
                                            for _ in range(WEIGHTS.get(a, 1))]))
        actor = data.draw(st.sampled_from([a for a, x in moves if x == action]))
        transition = apply(state, actor, action, **params_for(data, state, action))
        after = advance(state, transition)
        check_step(state, transition, after)
        # Time passes and the forecast changes between actions.
        hours = data.draw(st.integers(0, 96))
        state = replace(after, now=after.now + timedelta(hours=hours),
                        will_miss=data.draw(st.booleans()))


@st.composite
def snapshots(draw) -> DossierState:
    """Any snapshot of a shape the machine itself produces, with arbitrary flags."""
    status = draw(st.sampled_from(Status))
    step_count = draw(st.integers(1, 4))
    step = draw(st.integers(1, step_count))
    resume = withdrawn = None
    if status == Status.WITHDRAWAL_REQUESTED:
        interrupted = draw(st.sampled_from([
            Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED,
            Status.FINANCIAL_OBLIGATION,
        ]))
        withdrawn = ResumePoint(interrupted, None if interrupted == Status.RECEIVED else step)
        if interrupted != Status.RECEIVED and interrupted != Status.PROCESSING:
            resume = ResumePoint(Status.PROCESSING, step)
    elif status == Status.SUPPLEMENT_REQUESTED:
        resume = draw(st.sampled_from([ResumePoint(Status.NEW), ResumePoint(Status.PROCESSING,
                                                                             step)]))
    elif status == Status.FINANCIAL_OBLIGATION:
        resume = ResumePoint(Status.PROCESSING, step)
    fees_due = draw(st.sampled_from([0, 50_000]))
    return DossierState(
        status=status,
        agency_id=draw(st.sampled_from([DEPT, OTHER])),
        now=NOW,
        channel=draw(st.sampled_from(Channel)),
        step_count=step_count,
        current_step=step if status != Status.RECEIVED or draw(st.booleans()) else None,
        assignee_id=draw(st.none() | st.sampled_from(STAFF_IDS)),
        receiving_agency_id=draw(st.sampled_from([None, CENTRE, DEPT])),
        due_at=draw(st.none() | st.integers(-72, 72).map(lambda h: NOW + timedelta(hours=h))),
        will_miss=draw(st.booleans()),
        has_apology_for_current_due=draw(st.booleans()),
        approved=draw(st.booleans()),
        signed=draw(st.booleans()),
        has_result=draw(st.booleans()),
        fees_due=fees_due,
        fees_paid=draw(st.sampled_from([0, fees_due])),
        supplement_requests_count=draw(st.integers(0, 3)),
        resume_point=resume,
        withdrawn_from=withdrawn,
    )


@settings(max_examples=200, deadline=None)
@given(data=st.data(), state=snapshots())
def test_allowed_means_it_applies_and_anything_else_is_refused(data, state):
    params_by_action = {action: params_for(data, state, action) for action in Action}
    for actor in ACTORS:
        allowed = allowed_actions(state, actor)
        for action, params in params_by_action.items():
            if action in allowed:
                transition = apply(state, actor, action, **params)
                check_step(state, transition, advance(state, transition))
            else:
                try:
                    apply(state, actor, action, **params)
                except TransitionError:
                    pass
                else:
                    raise AssertionError(f"{actor.role} could {action} in {state.status!r}")

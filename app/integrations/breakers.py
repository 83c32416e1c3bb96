"""Where the partners' circuit breakers keep their state, behind one small interface.

    gate = breakers()
    if gate.allow("dvcqg", now): ... call ...; gate.record("dvcqg", ok, now)

`calls.call` is the only caller. Today the state lives in each process (`LocalBreakers`):
the system runs one web and one worker process on one VM, and each process learns within
N failed calls that a partner is down — at most N slow calls per process before every page
and task fails at once. When the system runs on several VMs (issue #20), a shared store
(the database or Redis) implements the same five methods and `breakers()` returns it; no
caller changes. The rule itself (threshold, cool-off, one trial call) is `logic.Breaker`.
"""

from __future__ import annotations

from typing import Protocol

from app.integrations.config import call_settings
from app.integrations.logic import Breaker


class Breakers(Protocol):
    def allow(self, partner: str, now: float) -> bool:
        """May a call go now? False while the partner's circuit is open."""
        ...

    def seconds_left(self, partner: str, now: float) -> int: ...

    def record(self, partner: str, ok: bool, now: float) -> None:
        """The outcome of a call that `allow` let through."""
        ...

    def release(self, partner: str) -> None:
        """A call that ended without an outcome (cancelled): a trial may run again."""
        ...

    def reset(self) -> None: ...


class LocalBreakers:
    """One `logic.Breaker` per partner in this process's memory."""

    def __init__(self) -> None:
        self._states: dict[str, Breaker] = {}

    def _state(self, partner: str) -> Breaker:
        settings = call_settings()
        state = self._states.get(partner)
        if state is None:
            state = self._states[partner] = Breaker(settings.breaker_failures,
                                                    settings.breaker_seconds)
        # Settings are read at each use, so an operator's change applies without a restart.
        state.threshold, state.cool_off = settings.breaker_failures, settings.breaker_seconds
        return state

    def allow(self, partner: str, now: float) -> bool:
        return self._state(partner).allow(now)

    def seconds_left(self, partner: str, now: float) -> int:
        return self._state(partner).seconds_left(now)

    def record(self, partner: str, ok: bool, now: float) -> None:
        state = self._state(partner)
        if ok:
            state.succeeded()
        else:
            state.failed(now)

    def release(self, partner: str) -> None:
        self._state(partner).abandoned()

    def reset(self) -> None:
        self._states.clear()


_LOCAL = LocalBreakers()


def breakers() -> Breakers:
    return _LOCAL

"""Pure rules shared by the partner integrations: call outcomes, the circuit breaker,
retry backoff, and which outbox rows may go now (in order per subject). No I/O: the
caller passes the time."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class CallOutcome(StrEnum):
    OK = "ok"  # the partner answered (any status; the caller judges it)
    TIMEOUT = "timeout"
    FAILED = "failed"  # no answer: refused connection, broken answer
    CIRCUIT_OPEN = "circuit_open"  # not called: the partner failed too often just now
    REFUSED = "refused"  # an inbound call we refused (bad signature)


class Delivery(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {Delivery.PENDING: "Chờ gửi", Delivery.SENDING: "Đang gửi",
                Delivery.DELIVERED: "Đã gửi", Delivery.FAILED: "Lỗi, cần gửi lại"}[self]


@dataclass(frozen=True)
class Result:
    """What a delivery handler says: delivered (with the partner's answer), a temporary
    failure (try again later) or a permanent one (retrying cannot help)."""

    status: Delivery
    answer: str = ""
    reason: str = ""

    @property
    def temporary(self) -> bool:
        return self.status == Delivery.PENDING


def delivered(answer: str = "") -> Result:
    return Result(Delivery.DELIVERED, answer=answer)


def temporary(reason: str, answer: str = "") -> Result:
    return Result(Delivery.PENDING, answer=answer, reason=reason)


def permanent(reason: str, answer: str = "") -> Result:
    return Result(Delivery.FAILED, answer=answer, reason=reason)


# -- retries ----------------------------------------------------------------------------------

MAX_ATTEMPTS = 20  # with the backoff below: about a day of trying before a person must look


def backoff(attempts: int, base_seconds: float = 30.0, cap_seconds: float = 3600.0) -> timedelta:
    """Wait before attempt `attempts + 1`: base, 2×base, 4×base … capped."""
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1)))


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS


# -- order per subject ------------------------------------------------------------------------

def _due(row: dict, now: datetime, stuck_after: timedelta) -> bool:
    if row["status"] == Delivery.PENDING:
        return row["next_attempt_at"] <= now
    stuck = row["claimed_at"] is not None and row["claimed_at"] <= now - stuck_after
    return row["status"] == Delivery.SENDING and stuck


def deliverable(rows: list[dict], now: datetime, stuck_after: timedelta,
                limit: int) -> list[dict]:
    """Of the undelivered rows (any order), those to send now: for each subject only its
    lowest undelivered version, and only when it is due — pending with its time reached,
    or `sending` for longer than `stuck_after` (a worker died mid-call). A subject whose
    lowest version is failed or being sent waits. At most `limit` rows, oldest first."""
    lowest: dict[str, dict] = {}
    for row in rows:
        seen = lowest.get(row["subject"])
        if seen is None or row["version"] < seen["version"]:
            lowest[row["subject"]] = row
    ready = [row for row in lowest.values() if _due(row, now, stuck_after)]
    ready.sort(key=lambda r: (r["next_attempt_at"], r["id"]))
    return ready[:limit]


# -- circuit breaker --------------------------------------------------------------------------

@dataclass
class Breaker:
    """Opens after `threshold` failures in a row; while open, calls fail at once (a down
    partner never slows a page). After `cool_off` seconds one trial call is let through
    (half-open): success closes it, failure opens it again. Times are monotonic seconds."""

    threshold: int = 5
    cool_off: float = 30.0
    failures: int = 0
    opened_at: float | None = None
    trial_running: bool = field(default=False)

    def allow(self, now: float) -> bool:
        if self.opened_at is None:
            return True
        if now - self.opened_at >= self.cool_off and not self.trial_running:
            self.trial_running = True
            return True
        return False

    def succeeded(self) -> None:
        self.failures, self.opened_at, self.trial_running = 0, None, False

    def failed(self, now: float) -> None:
        self.failures += 1
        self.trial_running = False
        if self.opened_at is not None or self.failures >= self.threshold:
            self.opened_at = now

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None

    def seconds_left(self, now: float) -> int:
        if self.opened_at is None:
            return 0
        return max(0, int(self.opened_at + self.cool_off - now + 0.999))


def as_json(value):
    """A JSON column's value as Python: Piccolo returns the stored text on SQLite."""
    return json.loads(value) if isinstance(value, str) else value

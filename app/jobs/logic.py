"""Pure rules of the jobs domain: statuses, labels, which errors are worth a retry."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# Every task retries like this unless it says otherwise: 30 s, 60 s, 120 s. Enough to ride
# out a busy database or a provider's short outage, short enough to finish within the hour.
RETRY_POLICY = {"retries": 3, "retry_delay": 30, "retry_backoff": 2}
ERROR_LIMIT = 2000  # characters of an error kept for the page

# The worker takes the highest priority first (default None, between the two). Deliveries
# to people and partners are waited for (the national portal counts how soon a change
# reaches it); bulk work can wait minutes. A burst of 1,000 closed dossiers, an archival
# file each, once held the portal's deliveries 80 s behind them.
URGENT = 10
BULK = -10


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    JobStatus.QUEUED: "Đang chờ",
    JobStatus.RUNNING: "Đang chạy",
    JobStatus.RETRYING: "Chờ chạy lại",
    JobStatus.SUCCEEDED: "Hoàn thành",
    JobStatus.FAILED: "Lỗi",
    JobStatus.SKIPPED: "Bị bỏ qua",
}

# Only a finished failure can be run again by hand; a run still retrying will retry itself.
RETRYABLE = frozenset({JobStatus.FAILED, JobStatus.SKIPPED})


class TransientError(Exception):
    """A failure that may pass by itself (provider outage, busy resource): retried."""


class PermanentError(Exception):
    """A failure no retry can fix (bad data, missing file): recorded, not retried."""


@dataclass(frozen=True)
class TaskSpec:
    label: str
    quiet: bool = False


def short_name(task_key: str) -> str:
    """"app.tasks.system.worker_heartbeat" -> "worker_heartbeat"."""
    return task_key.rsplit(".", 1)[-1]


def task_label(task_key: str, specs: dict[str, TaskSpec]) -> str:
    spec = specs.get(task_key)
    return spec.label if spec else f"Tác vụ chưa đặt tên ({short_name(task_key)})"


_ISO_DAY = re.compile(r"\A(\d{4})-(\d{2})-(\d{2})\Z")
ARG_LIMIT = 120  # characters of one argument shown on the page


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    text = str(value)
    if day := _ISO_DAY.match(text):  # ISO dates the tasks pass along, shown as dd/mm/yyyy
        text = f"{day.group(3)}/{day.group(2)}/{day.group(1)}"
    return text if len(text) <= ARG_LIMIT else text[:ARG_LIMIT - 1] + "…"


def describe_args(args: Any) -> str:
    """A task's arguments as a person reads them: Vietnamese text as it is (no \\u escapes),
    dates dd/mm/yyyy, keyword arguments "name: value"."""
    if isinstance(args, dict) and set(args) <= {"args", "kwargs"}:
        positional = [_shown(v) for v in args.get("args", [])]
        named = [f"{k}: {_shown(v)}" for k, v in (args.get("kwargs") or {}).items()]
        return "; ".join(positional + named)
    if isinstance(args, list | tuple):
        return "; ".join(_shown(v) for v in args)
    return _shown(args)


# Connection lost or refused (class 08), the server shutting down or starting (57P01-03),
# too many connections or out of resources (class 53), serialization failure and deadlock
# (40001, 40P01), a lock wait given up (55P03): a later attempt can succeed.
TRANSIENT_SQLSTATE_CLASSES = frozenset({"08", "53"})
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03", "57P01", "57P02", "57P03"})


def is_transient(exc: BaseException) -> bool:
    """Whether a retry can help. Unknown errors are treated as permanent: retrying a bug
    three times only hides it for four minutes."""
    if isinstance(exc, PermanentError):
        return False
    if isinstance(exc, TransientError | TimeoutError | ConnectionError):
        return True
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        return "locked" in text or "busy" in text
    # PostgreSQL (asyncpg errors carry the SQLSTATE; recognised without importing asyncpg).
    state = getattr(exc, "sqlstate", None)
    if isinstance(state, str):
        return state in TRANSIENT_SQLSTATES or state[:2] in TRANSIENT_SQLSTATE_CLASSES
    # httpx's network failures, recognised without importing httpx here.
    return any(cls.__name__ == "TransportError" and cls.__module__.startswith("httpx")
               for cls in type(exc).__mro__)


def error_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= ERROR_LIMIT else text[:ERROR_LIMIT - 1] + "…"

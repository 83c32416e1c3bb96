"""Record every task run in `job_run` through Huey's signals: one place, no per-task code.

Huey emits signals in the thread that enqueues or runs the task (the consumer's worker, or
the caller in immediate mode). Handlers are synchronous, so each write runs its own short
event loop (in a helper thread when the caller already has one running).

Quiet tasks (`api.describe(..., quiet=True)`) write nothing while they succeed: a row
appears at their first failure and follows that run to its end.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from huey import signals as S
from huey.api import Huey, Task

from app.db import write_transaction
from app.formatting import now_utc
from app.jobs import logic
from app.jobs.logic import JobStatus
from app.jobs.tables import JobRun
from app.thread_loop import run_async

log = logging.getLogger(__name__)

# Set by app.jobs.api around an enqueue: who the job belongs to and what it retries.
ORIGIN: ContextVar[dict[str, int | None]] = ContextVar("job_origin", default={})  # noqa: B039

SPECS: dict[str, logic.TaskSpec] = {}


def task_key(task: Task) -> str:
    cls = type(task)
    return f"{cls.__module__}.{cls.__name__}"


def _args(task: Task) -> Any:
    args: Any = list(task.args or ())
    if task.kwargs:
        args = {"args": args, "kwargs": dict(task.kwargs)}
    return args


async def _upsert(task: Task, values: dict, *, create: bool, executing: bool,
                  first_attempts: int, origin: dict) -> None:
    # A quiet task that never failed has no row: find that out without the write lock.
    if not create and not await JobRun.exists().where(JobRun.task_id == task.id):
        return
    async with write_transaction():
        row = await JobRun.select(JobRun.id).where(JobRun.task_id == task.id).first()
        if row is not None:
            if executing:
                values[JobRun.attempts] = JobRun.attempts + 1
            await JobRun.update(values).where(JobRun.id == row["id"])
        elif create:
            await JobRun(_data={
                JobRun.task_id: task.id, JobRun.task: task_key(task), JobRun.args: _args(task),
                JobRun.agency: origin.get("agency_id"), JobRun.retry_of: origin.get("retry_of"),
                JobRun.enqueued_at: now_utc(), JobRun.attempts: first_attempts, **values,
            }).save()


def _values(signal: str, task: Task, exc: BaseException | None) -> dict | None:
    now = now_utc()
    if signal == S.SIGNAL_ENQUEUED:
        return {JobRun.status: JobStatus.QUEUED.value}
    if signal == S.SIGNAL_EXECUTING:
        return {JobRun.status: JobStatus.RUNNING.value, JobRun.started_at: now,
                JobRun.finished_at: None}
    if signal == S.SIGNAL_COMPLETE:
        return {JobRun.status: JobStatus.SUCCEEDED.value, JobRun.finished_at: now}
    if signal == S.SIGNAL_ERROR:
        return {JobRun.status: JobStatus.FAILED.value, JobRun.finished_at: now,
                JobRun.last_error: logic.error_text(exc)}
    if signal == S.SIGNAL_RETRYING:
        return {JobRun.status: JobStatus.RETRYING.value}
    if signal in (S.SIGNAL_REVOKED, S.SIGNAL_EXPIRED, S.SIGNAL_CANCELED, S.SIGNAL_LOCKED):
        return {JobRun.status: JobStatus.SKIPPED.value, JobRun.finished_at: now,
                JobRun.last_error: SKIP_REASONS[signal]}
    if signal in (S.SIGNAL_TIMEOUT, S.SIGNAL_INTERRUPTED):
        return {JobRun.status: JobStatus.FAILED.value, JobRun.finished_at: now,
                JobRun.last_error: SKIP_REASONS[signal]}
    return None  # scheduled, rate-limited: the run has not happened yet


SKIP_REASONS = {
    S.SIGNAL_REVOKED: "Tác vụ đã bị thu hồi trước khi chạy.",
    S.SIGNAL_EXPIRED: "Tác vụ quá hạn chạy nên bị bỏ qua.",
    S.SIGNAL_CANCELED: "Tác vụ bị hủy trước khi chạy.",
    S.SIGNAL_LOCKED: "Một lần chạy khác của tác vụ này đang diễn ra.",
    S.SIGNAL_TIMEOUT: "Tác vụ chạy quá thời gian cho phép.",
    S.SIGNAL_INTERRUPTED: "Tiến trình nền dừng khi tác vụ đang chạy.",
}


def on_signal(signal: str, task: Task, *extra: Any) -> None:
    exc = extra[0] if extra and isinstance(extra[0], BaseException) else None
    if signal == S.SIGNAL_ERROR and exc is not None and not logic.is_transient(exc):
        task.retries = 0  # a permanent failure: Huey would otherwise retry it for nothing
    values = _values(signal, task, exc)
    if values is None:
        return
    spec = SPECS.get(task_key(task))
    quiet = spec is not None and spec.quiet
    # A quiet task's row begins at its first failure; later signals only update it.
    failure = signal in (S.SIGNAL_ERROR, S.SIGNAL_TIMEOUT, S.SIGNAL_INTERRUPTED)
    create = not quiet or failure
    executing = signal == S.SIGNAL_EXECUTING
    try:
        # A row first written at a failure has seen one execution (a quiet task's). The
        # origin is read here, in the enqueuing context: run_async may hop to a thread
        # that does not see the caller's context variables.
        run_async(lambda: _upsert(task, values, create=create, executing=executing,
                         first_attempts=1 if executing or failure else 0, origin=ORIGIN.get()))
    except Exception:
        # Recording must never break the task itself; the worker log keeps the trace.
        log.exception("could not record %s for task %s", signal, task.id)


def install(huey: Huey) -> None:
    """Connect the recorder to every signal of `huey` (idempotent)."""
    if getattr(huey, "_motcua_recorder", False):
        return
    huey.signal()(on_signal)
    huey._motcua_recorder = True


__all__ = ["ORIGIN", "SPECS", "install", "on_signal", "task_key"]

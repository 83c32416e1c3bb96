"""Reading the jobs table for the admin page, and running a failed job again."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any

from piccolo.query.functions.aggregate import Count

from app.accounts.roles import Role
from app.accounts.service import CurrentUser
from app.jobs import logic
from app.jobs.logic import JobStatus
from app.jobs.recorder import ORIGIN, SPECS
from app.jobs.tables import JobRun

PAGE_SIZE = 50


class JobNotRetryable(Exception):
    """The job is not the user's to retry, or not in a state that may be retried."""


def _decoded(args: Any) -> Any:
    """Piccolo returns a JSON column as text on SQLite."""
    return json.loads(args) if isinstance(args, str) else args


def known_tasks() -> dict[str, logic.TaskSpec]:
    """Every task's description. Each task module describes its tasks when imported; the
    web process imports only those it enqueues, so the page imports them all first."""
    import app.tasks.all  # noqa: F401

    return SPECS


def _scope(user: CurrentUser):
    """Provincial admins see every job; agency admins only their agencies' jobs."""
    if user.role == Role.PROVINCIAL_ADMIN:
        return None
    return JobRun.agency.is_in(list(user.agency_ids) or [-1])


async def list_jobs(user: CurrentUser, status: str | None = None,
                    limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    query = JobRun.select(
        JobRun.all_columns(), JobRun.agency.short_name.as_alias("agency_name"),
    ).order_by(JobRun.id, ascending=False).limit(limit)
    conditions = [c for c in (_scope(user),
                              JobRun.status == status if status in set(JobStatus) else None)
                  if c is not None]
    for condition in conditions:
        query = query.where(condition)
    rows = await query
    specs = known_tasks()
    for row in rows:
        row["args"] = _decoded(row["args"])
        row["args_text"] = logic.describe_args(row["args"])
        row["label"] = logic.task_label(row["task"], specs)
        row["status_label"] = JobStatus(row["status"]).label
        row["can_retry"] = JobStatus(row["status"]) in logic.RETRYABLE
    return rows


async def status_counts(user: CurrentUser) -> dict[str, int]:
    query = JobRun.select(JobRun.status, Count(JobRun.id, alias="n")).group_by(
        JobRun.status)
    scope = _scope(user)
    if scope is not None:
        query = query.where(scope)
    return {row["status"]: row["n"] for row in await query}


def _enqueue_again(task_key: str, args: Any, agency_id: int | None, retry_of: int) -> str:
    from app.tasks.all import huey  # every task module, so the registry knows the task

    task_class = huey._registry.string_to_task(task_key)
    kwargs = args.get("kwargs", {}) if isinstance(args, dict) else {}
    positional = args.get("args", []) if isinstance(args, dict) else args
    task = task_class(args=tuple(positional), kwargs=kwargs)
    token = ORIGIN.set({"agency_id": agency_id, "retry_of": retry_of})
    try:
        huey.enqueue(task)
    finally:
        ORIGIN.reset(token)
    return task.id


async def retry(job_id: int, user: CurrentUser) -> str:
    """Enqueue the failed job's task again with the same arguments; the new run gets its
    own row pointing back to this one. Returns the new task id."""
    query = JobRun.select().where(JobRun.id == job_id)
    scope = _scope(user)
    if scope is not None:
        query = query.where(scope)
    row = await query.first()
    if row is None:
        raise JobNotRetryable("Không tìm thấy tác vụ này trong phạm vi của bạn.")
    if JobStatus(row["status"]) not in logic.RETRYABLE:
        raise JobNotRetryable("Chỉ chạy lại được tác vụ đã lỗi hoặc bị bỏ qua.")
    args = _decoded(row["args"])
    # A thread of its own: in immediate mode the task runs here and starts its own loop.
    return await asyncio.to_thread(_enqueue_again, row["task"], args, row["agency"], job_id)


async def purge_finished(before: datetime) -> int:
    """Delete succeeded and skipped runs finished before `before` (failures stay until
    someone looks at them); returns rows deleted."""
    done = [JobStatus.SUCCEEDED.value, JobStatus.SKIPPED.value]
    condition = JobRun.status.is_in(done) & (JobRun.finished_at < before)
    count = await JobRun.count().where(condition)
    if count:
        await JobRun.delete().where(condition)
    return count

"""What other areas call: describe a task once, enqueue it with its owner agency.

    from app.jobs import api as jobs
    jobs.describe(digitise_file, "Số hóa tệp", quiet=False)
    await jobs.enqueue(digitise_file, file_id, agency_id=dossier.agency)   # after commit

Enqueue after the transaction that created the work has committed: the worker (or, in
immediate mode, this very call) reads the rows it needs and must find them.
"""

from __future__ import annotations

import asyncio
from typing import Any

from huey.api import Result, TaskWrapper

from app.jobs.logic import RETRY_POLICY, TaskSpec
from app.jobs.recorder import ORIGIN, SPECS
from app.jobs.tables import JobRun

__all__ = ["RETRY_POLICY", "describe", "enqueue", "enqueue_sync", "report_progress"]


def describe(task: TaskWrapper, label: str, *, quiet: bool = False) -> TaskWrapper:
    """Give a task its Vietnamese label on the jobs page; quiet tasks (every minute or so)
    are recorded only when they fail, so they do not flood the table."""
    cls = task.task_class
    SPECS[f"{cls.__module__}.{cls.__name__}"] = TaskSpec(label=label, quiet=quiet)
    return task


def enqueue_sync(task: TaskWrapper, *args: Any, agency_id: int | None = None,
                 retry_of: int | None = None, **kwargs: Any) -> Result | None:
    """Enqueue from synchronous code (another task, the CLI)."""
    token = ORIGIN.set({"agency_id": agency_id, "retry_of": retry_of})
    try:
        return task(*args, **kwargs)
    finally:
        ORIGIN.reset(token)


async def enqueue(task: TaskWrapper, *args: Any, agency_id: int | None = None,
                  retry_of: int | None = None, **kwargs: Any) -> Result | None:
    """Enqueue from async code (a request). Runs in a thread: in immediate mode (tests) the
    task itself executes here and calls `asyncio.run`, which needs a thread without a loop."""
    return await asyncio.to_thread(enqueue_sync, task, *args, agency_id=agency_id,
                                   retry_of=retry_of, **kwargs)


async def report_progress(task_id: str | None, done: int, total: int, unit: str = "") -> None:
    """Show how far a long task is on the jobs page ("12/50 hồ sơ"). The task gets its id
    with `@huey.task(context=True)` (`task.id`); without one (called outside a task) this
    does nothing."""
    if task_id:
        text = f"{done}/{total} {unit}".strip()
        await JobRun.update({JobRun.progress: text}).where(JobRun.task_id == task_id)

"""Tables of the jobs domain: one row per Huey task run."""

from piccolo.columns import (
    JSON,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from app.directory.tables import Agency


class JobRun(Table, tablename="job_run"):
    """One background task as the worker saw it: queued, running, retried, done or failed.

    Keyed by Huey's task id, so a retry of the same task updates its row (attempts grow)
    instead of adding one. `agency` scopes the row for agency admins; system jobs have none.
    Quiet tasks (heartbeat, frequent deliveries) get a row only when they fail.
    """

    task_id = Varchar(length=64, unique=True)
    task = Varchar(length=200)  # Huey registry key: "<module>.<task name>"
    args = JSON(default="[]")
    agency = ForeignKey(Agency, null=True, on_delete=OnDelete.set_null, index=True)
    status = Varchar(length=20, index=True)  # app.jobs.logic.JobStatus
    attempts = Integer(default=0)
    last_error = Text(default="")
    enqueued_at = Timestamptz()
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
    retry_of = Integer(null=True, default=None)  # the failed run an admin asked to run again
    # Long jobs report how far they are ("12/50 hồ sơ"): `app.jobs.api.report_progress`.
    progress = Varchar(length=120, default="")

"""Admin page of background jobs: what ran, what failed, and a button to run it again."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.accounts.roles import Role
from app.jobs import service as jobs
from app.jobs.logic import JobStatus
from app.web.auth import requires_roles


class JobsController(Controller):
    path = "/quan-tri/tac-vu"
    guards = [requires_roles(Role.PROVINCIAL_ADMIN, Role.AGENCY_ADMIN)]

    @get("/", name="jobs.list")
    async def list_jobs(self, request: HTMXRequest) -> Template:
        status = request.query_params.get("trang_thai", "")
        status = status if status in set(JobStatus) else ""
        context = {
            "rows": await jobs.list_jobs(request.user, status or None),
            "counts": await jobs.status_counts(request.user),
            "status": status, "statuses": list(JobStatus),
            "retried": request.query_params.get("da_chay_lai", ""),
        }
        # The table polls itself; only its fragment is sent back to htmx.
        if request.htmx:
            return Template("jobs/_table.html", context=context)
        return Template("jobs/page.html", context=context)

    @post("/{job_id:int}/chay-lai", name="jobs.retry")
    async def retry(self, request: Request, job_id: FromPath[int]) -> Template | Redirect:
        try:
            await jobs.retry(job_id, request.user)
        except jobs.JobNotRetryable as exc:
            return Template("error.html", context={"status": 400, "message": str(exc)},
                            status_code=HTTP_400_BAD_REQUEST)
        target = request.app.route_reverse("jobs.list")
        return Redirect(f"{target}?da_chay_lai={job_id}", status_code=303)

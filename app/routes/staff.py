"""Staff dashboard: one per role, scoped to the user's agencies."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from app.directory import queries as directory
from app.dossiers import service as dossiers
from app.dossiers.logic import OPEN_STATUSES
from app.formatting import now_utc
from app.notifications.staff import notices_for
from app.web.auth import requires_staff
from app.workflow.watch import overdue_without_apology


class StaffController(Controller):
    path = "/can-bo"
    guards = [requires_staff]

    @get("/", name="staff.dashboard")
    async def dashboard(self, request: Request) -> Template:
        user = request.user
        return Template("staff/dashboard.html", context={
            "agencies": await directory.agencies_named(user.agency_ids),
            "province_wide": user.role.sees_whole_province,
            "counts": await dossiers.status_counts(user),
            "recent": await dossiers.recent_dossiers(user, limit=10),
            "late_without_apology": await overdue_without_apology(
                None if user.role.sees_whole_province else list(user.agency_ids)),
            "notices": await notices_for(user.id),
        })

    @get("/hang-doi", name="staff.queue")
    async def queue(self, request: HTMXRequest) -> Template:
        params = request.query_params
        mine = params.get("pham_vi", "cua-toi") != "don-vi"
        status_text = params.get("trang_thai", "")
        status = int(status_text) if status_text.isdigit() else None
        page_text = params.get("trang", "1")
        page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
        rows, total = await dossiers.work_queue(request.user, mine=mine, status=status,
                                                page=page)
        context = {
            "rows": rows, "total": total, "page": page, "mine": mine, "status": status,
            "pages": max(1, -(-total // dossiers.QUEUE_PAGE_SIZE)), "now": now_utc(),
            "statuses": sorted(OPEN_STATUSES),
        }
        # One URL: the whole page, or only the table when htmx asks for it.
        if request.htmx and request.htmx.target == "queue":
            return Template("staff/_queue_table.html", context=context)
        return Template("staff/queue.html", context=context)

"""Staff dashboard: one per role, scoped to the user's agencies."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Template

from app.directory import queries as directory
from app.dossiers import service as dossiers
from app.web.auth import requires_staff


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
        })

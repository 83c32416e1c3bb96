"""The applicant's own page: their dossiers. Only their own (scope in the service)."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Template

from app.dossiers import service as dossiers
from app.identity import service as identity
from app.web.auth import requires_applicant


class CitizenController(Controller):
    path = "/ca-nhan"
    guards = [requires_applicant]

    @get("/", name="citizen.home")
    async def home(self, request: Request) -> Template:
        user = request.user
        return Template("citizen/home.html", context={
            "dossiers": await dossiers.recent_dossiers(user),
            "new_account": bool(request.query_params.get("moi_dang_ky")),
            "identity": await identity.status(user.id),
        })

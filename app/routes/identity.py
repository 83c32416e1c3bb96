"""The citizen checks (again) their CCCD, name and date of birth against the population
database: after the registry was down at registration, or after a typing mistake.
Plain form, POST-redirect-GET; limited per account (app.identity.logic)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_429_TOO_MANY_REQUESTS

from app.accounts.roles import Role
from app.accounts.service import AccountError
from app.formatting import format_date, now_utc, to_local
from app.identity import service as identity
from app.identity.logic import claim_problems
from app.web.auth import requires_roles
from app.web.forms import FormErrors, read_form


async def _page(request: Request, values: dict, errors: FormErrors, status_code: int = 200,
                too_soon: int = 0) -> Template:
    return Template("identity/form.html", status_code=status_code, context={
        "identity": await identity.status(request.user.id), "values": values,
        "errors": errors, "too_soon": too_soon})


class IdentityController(Controller):
    path = "/ca-nhan/xac-thuc"
    guards = [requires_roles(Role.CITIZEN)]

    @get("/", name="identity.form")
    async def form(self, request: Request) -> Template:
        status = await identity.status(request.user.id)
        values = {"full_name": status.full_name,
                  "birth_date": format_date(status.birth_date) if status.birth_date else ""}
        return await _page(request, values, FormErrors())

    @post("/", name="identity.verify")
    async def verify(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        name = data.get("full_name", "")
        born, problems = claim_problems(name, data.get("birth_date", ""),
                                        to_local(now_utc()).date())
        errors = FormErrors(problems)
        if errors:
            return await _page(request, data, errors, HTTP_400_BAD_REQUEST)
        try:
            await identity.check_again(request.user.id, name, born)
        except identity.TooSoon as exc:
            return await _page(request, data, errors, HTTP_429_TOO_MANY_REQUESTS, exc.seconds)
        except AccountError as exc:
            errors.add("full_name", str(exc))
            return await _page(request, data, errors, HTTP_400_BAD_REQUEST)
        return Redirect("/ca-nhan#xac-thuc", status_code=303)

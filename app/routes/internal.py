"""Internal procedures: agencies request staff accounts, the Provincial Office decides,
people set their password through a one-time link; accounts per agency; revocation."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_404_NOT_FOUND

from app.accounts.roles import Role
from app.internal import service as internal
from app.internal.logic import GRANTABLE_ROLES, Ground, Person
from app.web.auth import requires_roles, requires_staff
from app.web.forms import read_form
from app.web.kept_forms import refill
from app.workflow import TransitionError

ROWS_SHOWN, ROWS_MAX = 3, 20
ACCOUNT_ADMINS = (Role.AGENCY_ADMIN, Role.PROVINCIAL_ADMIN)
_PERSON_FIELDS = ("full_name", "position", "unit", "email", "phone", "reason", "role", "ground")


def people_from_form(data: dict[str, str], rows: int) -> list[Person]:
    """Rows left entirely blank are skipped: the form shows a few spare rows."""
    people = []
    for n in range(1, rows + 1):
        values = {f: data.get(f"{f}_{n}", "") for f in _PERSON_FIELDS}
        if any(values[f] for f in ("full_name", "position", "unit", "email", "phone")):
            people.append(Person(**{**values, "email": values["email"].lower()}))
    return people


def _rows(request: Request, data: dict | None = None) -> int:
    text = (data or {}).get("so_nguoi") or request.query_params.get("so_nguoi", "")
    return min(int(text), ROWS_MAX) if text.isdigit() and int(text) > 0 else ROWS_SHOWN


class InternalRequestController(Controller):
    path = "/noi-bo/de-nghi"
    guards = [requires_staff]

    @get("/", name="internal.requests")
    async def index(self, request: Request) -> Template:
        return Template("internal/requests.html",
                        context={"rows": await internal.requests_for(request.user)})

    @get("/moi", name="internal.new", guards=[requires_roles(Role.AGENCY_ADMIN)])
    async def new(self, request: Request) -> Template:
        whole = request.app.route_reverse("internal.submit")
        return await _form(request, refill(request, {}, whole=whole), "")

    @post("/moi", name="internal.submit", guards=[requires_roles(Role.AGENCY_ADMIN)])
    async def submit(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        procedure = data.get("procedure_id", "")
        try:
            dossier_id = await internal.submit_request(
                request.user, int(procedure) if procedure.isdigit() else 0,
                data.get("kind", ""), data.get("letter_number", ""),
                people_from_form(data, _rows(request, data)))
        except internal.InternalError as exc:
            return await _form(request, data, str(exc), HTTP_400_BAD_REQUEST)
        url = request.app.route_reverse("internal.detail", dossier_id=dossier_id)
        return Redirect(f"{url}?da_gui=1", status_code=303)

    @get("/{dossier_id:int}", name="internal.detail")
    async def detail(self, request: Request, dossier_id: FromPath[int]) -> Template:
        forms = tuple(request.app.route_reverse(name, dossier_id=dossier_id)
                      for name in ("internal.decide", "internal.handover"))
        return await _detail(request, dossier_id, values=refill(request, {}, forms=forms))

    @post("/{dossier_id:int}/quyet-dinh", name="internal.decide",
          guards=[requires_roles(Role.LEADER)])
    async def decide(self, request: Request, dossier_id: FromPath[int]) -> Template | Redirect:
        await _load(request, dossier_id)
        data = await read_form(request)
        try:
            await internal.decide(dossier_id, request.user, data.get("decision") == "approve",
                                  data.get("reason", ""))
        except (internal.InternalError, TransitionError) as exc:
            return await _detail(request, dossier_id, str(exc), HTTP_400_BAD_REQUEST, data)
        url = request.app.route_reverse("internal.detail", dossier_id=dossier_id)
        return Redirect(f"{url}?da_quyet_dinh=1", status_code=303)

    @post("/{dossier_id:int}/ban-giao", name="internal.handover",
          guards=[requires_roles(Role.COUNTER_OFFICER, Role.HANDLER, Role.LEADER)])
    async def handover(self, request: Request, dossier_id: FromPath[int]) -> Template | Redirect:
        await _load(request, dossier_id)
        data = await read_form(request)
        person = data.get("person_id", "")
        try:
            await internal.record_handover(
                dossier_id, int(person) if person.isdigit() else 0,
                data.get("account_name", ""), data.get("handed_over_by", ""), request.user)
        except internal.InternalError as exc:
            return await _detail(request, dossier_id, str(exc), HTTP_400_BAD_REQUEST, data)
        url = request.app.route_reverse("internal.detail", dossier_id=dossier_id)
        return Redirect(url, status_code=303)


async def _form(request: Request, values: dict, error: str, status_code: int = 200) -> Template:
    return Template("internal/new.html", status_code=status_code, context={
        "procedures": await internal.internal_procedures(), "values": values, "error": error,
        "rows": _rows(request, values), "roles": GRANTABLE_ROLES, "grounds": list(Ground),
    })


async def _load(request: Request, dossier_id: int) -> dict:
    row = await internal.request_for(dossier_id, request.user)
    if row is None:
        raise NotFoundException("Không tìm thấy đề nghị.")
    return row


async def _detail(request: Request, dossier_id: int, error: str = "",
                  status_code: int = 200, values: dict | None = None) -> Template:
    row = await _load(request, dossier_id)
    return Template("internal/detail.html", status_code=status_code, context={
        "r": row, "error": error, "Role": Role, "values": values or {},
        "submitted": request.query_params.get("da_gui") == "1",
        "decided": request.query_params.get("da_quyet_dinh") == "1",
        # The decision is the leader's at their step of the Office's process (approval or
        # signature): shown to whoever holds it, when the request is there.
        "can_decide": request.user.role == Role.LEADER and not row["decision"]
        and await internal.decision_refusal(dossier_id, request.user) is None,
    })


class AccountsController(Controller):
    path = "/noi-bo/tai-khoan"
    guards = [requires_roles(*ACCOUNT_ADMINS)]

    @get("/", name="internal.accounts")
    async def accounts(self, request: Request) -> Template:
        forms = (request.app.route_reverse("internal.revoke"),)
        return await _accounts(request, values=refill(request, {}, forms=forms))

    @post("/thu-hoi", name="internal.revoke")
    async def revoke(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        target, ground = data.get("user_id", ""), data.get("ground", "")
        try:
            if ground not in {g.value for g in Ground}:
                raise internal.InternalError("Chọn căn cứ thu hồi tài khoản.")
            flagged = await internal.revoke_account(
                int(target) if target.isdigit() else 0, request.user, Ground(ground),
                data.get("note", ""))
        except internal.InternalError as exc:
            return await _accounts(request, str(exc), HTTP_400_BAD_REQUEST, data)
        url = request.app.route_reverse("internal.accounts")
        agency = data.get("agency_id", "")
        return Redirect(f"{url}?co_quan={agency}&da_thu_hoi={flagged}", status_code=303)


async def _accounts(request: Request, error: str = "", status_code: int = 200,
                    values: dict | None = None) -> Template:
    text = request.query_params.get("co_quan", "")
    page = await internal.accounts_page(request.user, int(text) if text.isdigit() else None)
    done = request.query_params.get("da_thu_hoi", "")
    return Template("internal/accounts.html", status_code=status_code, context={
        **page, "error": error, "grounds": list(Ground), "revoked_flagged": done,
        "values": values or {},
        "role_label": lambda value: Role(value).label,
        "ground_label": lambda value: Ground(value).label if value else "",
    })


class SetPasswordController(Controller):
    path = "/dat-mat-khau"

    @get("/{token:str}", name="internal.set_password")
    async def show(self, token: FromPath[str]) -> Template:
        holder, problem = await internal.link_holder(token)
        return Template("internal/set_password.html",
                        status_code=HTTP_404_NOT_FOUND if holder is None else 200,
                        context={"holder": holder, "problem": problem, "error": ""})

    @post("/{token:str}", name="internal.set_password_save")
    async def save(self, request: Request, token: FromPath[str]) -> Template:
        data = await read_form(request)
        try:
            username = await internal.set_password(token, data.get("password", ""),
                                                   data.get("confirm", ""))
        except internal.InternalError as exc:
            holder, problem = await internal.link_holder(token)
            return Template("internal/set_password.html", status_code=HTTP_400_BAD_REQUEST,
                            context={"holder": holder, "problem": problem, "error": str(exc)})
        return Template("internal/password_set.html", context={"username": username})

"""Staff accounts for the provincial admin (all) and agency admins (their agencies); and
the back office's home page listing what each admin may set up."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.accounts import admin
from app.accounts.admin import AccountValues, AdminError
from app.accounts.logic import ADMIN_ROLES, grantable_roles
from app.accounts.roles import Role
from app.directory.tables import Agency
from app.internal.logic import GROUND_LABELS, Ground
from app.web.auth import requires_roles
from app.web.forms import FormErrors, read_form

ACTION_LABELS = {
    "user.created": "Tạo tài khoản", "user.updated": "Sửa vai trò, cơ quan",
    "account.revoked": "Thu hồi (vô hiệu hóa)", "user.enabled": "Kích hoạt lại",
    "user.disabled_by_admin": "Lý do thu hồi",
    "second_factor.reset": "Đặt lại xác thực hai lớp",
    "user.second_factor_reset_by_admin": "Lý do đặt lại xác thực hai lớp",
    "user.password_link_sent": "Gửi đường dẫn đặt mật khẩu",
    "user.password_set": "Người dùng đặt mật khẩu", "user.identity_vouched": "Xác thực định danh",
}


class AdminHomeController(Controller):
    path = "/quan-tri"
    guards = [requires_roles(*ADMIN_ROLES)]

    @get("/", name="admin.home")
    async def home(self) -> Template:
        return Template("admin/home.html")


class UsersAdminController(Controller):
    path = "/quan-tri/nguoi-dung"
    guards = [requires_roles(*ADMIN_ROLES)]

    @get("/", name="users_admin.list")
    async def index(self, request: Request) -> Template:
        q = request.query_params.get("q", "")[:100]
        agency = request.query_params.get("co_quan", "")
        agency_id = int(agency) if agency.isdigit() and len(agency) < 10 else None
        return Template("users_admin/list.html", context={
            "q": q, "agency_id": agency_id, **await _choices(request),
            "accounts": await admin.search(request.user, q, agency_id)})

    @get("/moi", name="users_admin.new")
    async def new(self, request: Request) -> Template:
        return await _new_page(request, FormErrors(), {})

    @post("/moi", name="users_admin.create")
    async def create(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        form = await request.form()
        try:
            user_id = await admin.create(request.user, AccountValues(
                username=data.get("username", ""), full_name=data.get("full_name", ""),
                role=_role(data), agencies=_agencies(form), email=data.get("email", ""),
                phone=data.get("phone", "")), data.get("reason", ""))
        except AdminError as exc:
            return await _new_page(request, FormErrors.of(exc),
                                   {**data, "agencies": _agencies(form)},
                                   HTTP_400_BAD_REQUEST)
        return _back(request, user_id, "tao")

    @get("/{user_id:int}", name="users_admin.detail")
    async def detail(self, request: Request, user_id: FromPath[int]) -> Template:
        return await _detail(request, user_id, FormErrors(), None)

    @post("/{user_id:int}", name="users_admin.update")
    async def update(self, request: Request, user_id: FromPath[int]) -> Template | Redirect:
        data = await read_form(request)
        agencies = _agencies(await request.form())
        return await _act(request, user_id, {**data, "agencies": agencies}, "luu",
                          lambda: admin.update(request.user, user_id, _role(data), agencies,
                                               data.get("full_name", ""), data.get("reason", "")))

    @post("/{user_id:int}/vo-hieu", name="users_admin.disable")
    async def disable(self, request: Request, user_id: FromPath[int]) -> Template | Redirect:
        data = await read_form(request)
        ground = data.get("ground", "")
        return await _act(request, user_id, data, "thu_hoi", lambda: admin.disable(
            request.user, user_id, Ground(ground) if ground in GROUND_LABELS else
            Ground.REQUEST, data.get("reason", "")))

    @post("/{user_id:int}/kich-hoat", name="users_admin.enable")
    async def enable(self, request: Request, user_id: FromPath[int]) -> Template | Redirect:
        data = await read_form(request)
        return await _act(request, user_id, data, "kich_hoat", lambda: admin.enable(
            request.user, user_id, data.get("reason", "")))

    @post("/{user_id:int}/dat-lai-xac-thuc", name="users_admin.reset_factor")
    async def reset_factor(self, request: Request, user_id: FromPath[int]
                           ) -> Template | Redirect:
        data = await read_form(request)
        return await _act(request, user_id, data, "dat_lai", lambda: admin.reset_second_factor(
            request.user, user_id, data.get("reason", "")))

    @post("/{user_id:int}/gui-duong-dan", name="users_admin.send_link")
    async def send_link(self, request: Request, user_id: FromPath[int]) -> Template | Redirect:
        data = await read_form(request)
        return await _act(request, user_id, data, "gui", lambda: admin.send_link(
            request.user, user_id, data.get("reason", "")))


def _role(data: dict) -> Role:
    try:
        return Role(data.get("role", ""))
    except ValueError:
        return Role.CITIZEN  # refused by the rules with "Bạn không được giao vai trò này."


def _agencies(form) -> tuple[int, ...]:
    return tuple(sorted({int(v) for v in form.getall("agencies", [])
                         if isinstance(v, str) and v.isdigit() and len(v) < 10}))



def _back(request: Request, user_id: int, done: str) -> Redirect:
    url = request.app.route_reverse("users_admin.detail", user_id=user_id)
    return Redirect(f"{url}?da={done}", status_code=303)


async def _act(request: Request, user_id: int, data: dict, done: str, change
               ) -> Template | Redirect:
    try:
        await change()
    except AdminError as exc:
        return await _detail(request, user_id, FormErrors.of(exc), data, HTTP_400_BAD_REQUEST)
    return _back(request, user_id, done)


async def _choices(request: Request) -> dict:
    agencies = Agency.select(Agency.id, Agency.name).where(Agency.active.eq(True))
    if request.user.role != Role.PROVINCIAL_ADMIN:
        agencies = agencies.where(Agency.id.is_in(list(request.user.agency_ids) or [-1]))
    return {"agencies": await agencies.order_by(Agency.name),
            "roles": grantable_roles(request.user.role), "grounds": GROUND_LABELS}


async def _new_page(request: Request, errors: FormErrors, values: dict,
                    status_code: int = 200) -> Template:
    return Template("users_admin/new.html", status_code=status_code, context={
        "errors": errors, "values": values, **await _choices(request)})


async def _detail(request: Request, user_id: int, errors: FormErrors, values: dict | None,
                  status_code: int = 200) -> Template:
    account = await admin.account(request.user, user_id)
    if account is None:
        raise NotFoundException("Không tìm thấy tài khoản, hoặc bạn không quản trị tài khoản "
                                "này.")
    shown = {"full_name": account["full_name"], "role": account["role"],
             "agencies": tuple(account["agencies"])}
    return Template("users_admin/detail.html", status_code=status_code, context={
        "account": account, "errors": errors, "values": {**shown, **(values or {})},
        "done": request.query_params.get("da", ""), "action_labels": ACTION_LABELS,
        **await _choices(request)})

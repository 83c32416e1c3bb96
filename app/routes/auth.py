"""Sign in, sign out and citizen registration (plain forms, POST-redirect-GET)."""

from __future__ import annotations

from urllib.parse import urlparse

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.accounts import second_factor_service as second_factor
from app.accounts import service as accounts
from app.accounts.passwords import password_problems
from app.accounts.roles import Role
from app.formatting import now_utc, to_local
from app.identity import takeover
from app.identity.logic import claim_problems, parse_birth_date
from app.text import is_cccd, is_phone, normalise_phone
from app.web.auth import SESSION_COOKIE
from app.web.forms import FormErrors, client_ip, read_form
from app.web.kept_forms import refill
from app.web.second_factor import second_factor_redirect, sign_in_step, with_new_session


def _safe_next(target: str | None, default: str) -> str:
    """Only same-site paths: an open redirect would help phishing."""
    if not target:
        return default
    # Browsers read "/\evil.example" as "//evil.example", and drop tabs and newlines.
    if "\\" in target or not target.isprintable():
        return default
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def _home_for(user) -> str:
    return "/can-bo" if Role(user.role).is_staff else "/ca-nhan"


class AuthController(Controller):
    path = "/"

    @get("/dang-nhap", name="auth.login")
    async def login_form(self, request: Request) -> Template:
        target = _safe_next(request.query_params.get("next"), "")
        return Template("auth/login.html", context={
            "values": refill(request, {}), "errors": FormErrors(), "next": target,
            "session_ended": request.query_params.get("het_phien") == "1"})

    @post("/dang-nhap", name="auth.login_submit")
    async def login(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        errors = FormErrors()
        if not data.get("username"):
            errors.add("username", "Nhập số CCCD hoặc tên đăng nhập.")
        if not data.get("password"):
            errors.add("password", "Nhập mật khẩu.")
        user, status = await sign_in_step(errors, "username", lambda: accounts.authenticate(
            data["username"], data["password"], client_ip(request)))
        if not errors:
            if second_factor.needs_second_factor(user):
                return second_factor_redirect(user, _safe_next(data.get("next"), ""))
            response = Redirect(_safe_next(data.get("next"), _home_for(user)),
                                status_code=303)
            return await with_new_session(request, user, response)
        values = {"username": data.get("username", "")}
        return Template("auth/login.html", status_code=status,
                        context={"values": values, "errors": errors,
                                 "next": _safe_next(data.get("next"), "")})

    @post("/dang-xuat", name="auth.logout")
    async def logout(self, request: Request) -> Redirect:
        user = request.scope.get("user")
        if user is not None:
            if request.query_params.get("moi_noi") or (await read_form(request)).get("everywhere"):
                await accounts.end_all_sessions(user.id)
            else:
                await accounts.end_session(user.session_token, user.id)
        response = Redirect("/?da_dang_xuat=1", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @get("/dang-ky", name="auth.register")
    async def register_form(self, request: Request) -> Template:
        return Template("auth/register.html",
                        context={"values": refill(request, {}), "errors": FormErrors()})

    @post("/dang-ky", name="auth.register_submit")
    async def register(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        errors = validate_registration(data)
        if not errors:
            try:
                user, _, took_over = await takeover.register_citizen(
                    full_name=data["full_name"], id_number=data["id_number"],
                    birth_date=parse_birth_date(data["birth_date"], _today())[0],
                    email=data.get("email", ""), phone=normalise_phone(data["phone"]),
                    password=data["password"],
                )
            except accounts.AccountError as exc:
                errors.add("id_number", str(exc))
            else:
                # The next page explains the outcome of the identity check (from the account).
                response = Redirect("/ca-nhan?moi_dang_ky=1" + (
                    "&lay_lai_so=1" if took_over else ""), status_code=303)
                return await with_new_session(request, user, response)
        values = {k: v for k, v in data.items() if "password" not in k}
        return Template("auth/register.html", status_code=HTTP_400_BAD_REQUEST,
                        context={"values": values, "errors": errors})


def _today():
    return to_local(now_utc()).date()


def validate_registration(data: dict[str, str]) -> FormErrors:
    errors = FormErrors()
    _, claim = claim_problems(data.get("full_name", ""), data.get("birth_date", ""), _today())
    if "full_name" in claim:
        errors.add("full_name", claim["full_name"])
    if not is_cccd(data.get("id_number", "")):
        errors.add("id_number", "Số CCCD phải gồm đúng 12 chữ số.")
    if "birth_date" in claim:  # in the order of the form, so the summary reads top down
        errors.add("birth_date", claim["birth_date"])
    if not is_phone(data.get("phone", "")):
        errors.add("phone", "Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0.")
    email = data.get("email", "")
    if email and ("@" not in email or len(email) > 200):
        errors.add("email", "Địa chỉ thư điện tử không hợp lệ.")
    password = data.get("password", "")
    for problem in password_problems(password, username=data.get("id_number", "")):
        errors.add("password", problem)
    if password != data.get("password_confirm", ""):
        errors.add("password_confirm", "Mật khẩu nhập lại không khớp.")
    return errors

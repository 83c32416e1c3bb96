""""Quên mật khẩu": ask for a code (CCCD or account name), then type it with the new
password. Plain forms, POST-redirect-GET; anyone may use them (app.accounts.recovery_service)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_404_NOT_FOUND,
    HTTP_429_TOO_MANY_REQUESTS,
)

from app.accounts import recovery_service as recovery
from app.web.forms import FormErrors, client_ip, read_form
from app.web.kept_forms import refill


class RecoveryController(Controller):
    path = "/quen-mat-khau"

    @get("/", name="recovery.start")
    async def start(self, request: Request) -> Template:
        return Template("auth/recover_start.html", context={
            "values": refill(request, {}), "errors": FormErrors()})

    @post("/", name="recovery.request")
    async def request_code(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        errors, status = FormErrors(), HTTP_400_BAD_REQUEST
        if not data.get("username"):
            errors.add("username", "Nhập số CCCD (hoặc tên đăng nhập) của tài khoản.")
        else:
            try:
                token = await recovery.request_code(data["username"], client_ip(request))
            except recovery.RecoveryError as exc:
                errors.add("username", str(exc))
                status = HTTP_429_TOO_MANY_REQUESTS
            else:
                url = request.app.route_reverse("recovery.code", token=token)
                return Redirect(url, status_code=303)
        return Template("auth/recover_start.html", status_code=status,
                        context={"values": data, "errors": errors})

    @get("/{token:str}", name="recovery.code")
    async def code_form(self, token: FromPath[str]) -> Template:
        row, problem = await recovery.pending(token)
        return Template("auth/recover_code.html", context={
            "token": token, "problem": problem, "values": {}, "errors": FormErrors()},
            status_code=200 if row else HTTP_404_NOT_FOUND)

    @post("/{token:str}", name="recovery.reset")
    async def reset(self, request: Request, token: FromPath[str]) -> Template | Redirect:
        data = await read_form(request)
        try:
            await recovery.reset_password(token, data.get("code", ""), data.get("password", ""),
                                          data.get("password_confirm", ""), client_ip(request))
        except recovery.RecoveryError as exc:
            _, problem = await recovery.pending(token)
            errors = FormErrors()
            errors.add("code" if "Mã" in str(exc) else "password", str(exc))
            return Template("auth/recover_code.html", status_code=HTTP_400_BAD_REQUEST,
                            context={"token": token, "problem": problem, "errors": errors,
                                     "values": {"code": data.get("code", "")}})
        return Redirect(request.app.route_reverse("auth.login") + "?da_dat_lai=1",
                        status_code=303)

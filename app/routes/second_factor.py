"""The staff second factor pages: enter a code, or enrol an authenticator app on first
login (QR code, key to type, first code), then see the recovery codes once."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_429_TOO_MANY_REQUESTS

from app.accounts import second_factor as logic
from app.accounts import second_factor_service as second_factor
from app.accounts import service as accounts
from app.routes.auth import _home_for, _safe_next
from app.web.forms import FormErrors, client_ip, read_form
from app.web.second_factor import open_session


def _qr_svg(uri: str) -> str:
    return segno.make(uri, error="m").svg_inline(scale=4, title="Mã QR thiết lập xác thực")


class SecondFactorController(Controller):
    path = "/dang-nhap"

    async def _pending(self, request: Request):
        return await second_factor.pending_user(
            request.cookies.get(second_factor.PENDING_COOKIE))

    @get("/xac-thuc", name="auth.second_factor")
    async def code_form(self, request: Request) -> Template | Redirect:
        user = await self._pending(request)
        if user is None:
            return Redirect("/dang-nhap", status_code=303)
        target = _safe_next(request.query_params.get("next"), "")
        if not await second_factor.is_enrolled(user.id):
            suffix = f"?{urlencode({'next': target})}" if target else ""
            return Redirect(f"/dang-nhap/thiet-lap-xac-thuc{suffix}", status_code=303)
        return Template("auth/second_factor.html",
                        context={"errors": FormErrors(), "next": target})

    @post("/xac-thuc", name="auth.second_factor_submit")
    async def check_code(self, request: Request) -> Template | Redirect:
        user = await self._pending(request)
        if user is None:
            return Redirect("/dang-nhap", status_code=303)
        data = await read_form(request)
        target = _safe_next(data.get("next"), "")
        errors = FormErrors()
        status = HTTP_400_BAD_REQUEST
        if not data.get("code"):
            errors.add("code", "Nhập mã 6 chữ số trong ứng dụng xác thực hoặc một mã khôi phục.")
        else:
            try:
                await second_factor.verify_code(user, data["code"], client_ip(request))
            except accounts.LoginThrottled as exc:
                errors.add("code", str(exc))
                status = HTTP_429_TOO_MANY_REQUESTS
            except accounts.AccountError as exc:
                errors.add("code", str(exc))
            else:
                response = Redirect(target or _home_for(user), status_code=303)
                return await open_session(request, user, response)
        return Template("auth/second_factor.html", status_code=status,
                        context={"errors": errors, "next": target})

    async def _enrol_page(self, user, target: str, errors: FormErrors, status: int = 200):
        secret = await second_factor.enrolment_secret(user.id)
        uri = logic.provisioning_uri(secret, user.username)
        return Template("auth/enrol.html", status_code=status, context={
            "errors": errors, "next": target, "qr_svg": _qr_svg(uri),
            "key": logic.grouped(secret), "username": user.username,
        })

    @get("/thiet-lap-xac-thuc", name="auth.enrol")
    async def enrol_form(self, request: Request) -> Template | Redirect:
        user = await self._pending(request)
        if user is None:
            return Redirect("/dang-nhap", status_code=303)
        target = _safe_next(request.query_params.get("next"), "")
        if await second_factor.is_enrolled(user.id):
            return Redirect("/dang-nhap/xac-thuc", status_code=303)
        return await self._enrol_page(user, target, FormErrors())

    @post("/thiet-lap-xac-thuc", name="auth.enrol_submit")
    async def enrol(self, request: Request) -> Template | Redirect:
        user = await self._pending(request)
        if user is None:
            return Redirect("/dang-nhap", status_code=303)
        if await second_factor.is_enrolled(user.id):
            return Redirect("/dang-nhap/xac-thuc", status_code=303)
        data = await read_form(request)
        target = _safe_next(data.get("next"), "")
        errors = FormErrors()
        status = HTTP_400_BAD_REQUEST
        if not data.get("code"):
            errors.add("code", "Nhập mã 6 chữ số đang hiện trong ứng dụng xác thực.")
        else:
            try:
                codes = await second_factor.confirm_enrolment(user, data["code"],
                                                              client_ip(request))
            except accounts.LoginThrottled as exc:
                errors.add("code", str(exc))
                status = HTTP_429_TOO_MANY_REQUESTS
            except accounts.AccountError as exc:
                errors.add("code", str(exc))
            else:
                # Shown in this response and never again (only hashes are kept), so this
                # is deliberately not a redirect.
                page = Template("auth/recovery_codes.html", context={
                    "codes": codes, "next": target or _home_for(user)})
                return await open_session(request, user, page)
        return await self._enrol_page(user, target, errors, status)

"""The staff second factor pages: enter a code, or enrol an authenticator app on first
login (QR code, key to type, first code), then see the recovery codes once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple
from urllib.parse import urlencode

import segno
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.response import Redirect, Template

from app.accounts import second_factor as logic
from app.accounts import second_factor_service as second_factor
from app.accounts.tables import User
from app.routes.auth import _home_for, _safe_next
from app.web.forms import FormErrors, client_ip, read_form
from app.web.second_factor import open_session, sign_in_step


def _qr_svg(uri: str) -> str:
    return segno.make(uri, error="m").svg_inline(scale=4, title="Mã QR thiết lập xác thực")


class _NoPendingSignIn(Exception):
    """No valid pending cookie: expired, forged, or the account was disabled meanwhile."""


# The account half-signed-in by its password, provided to every handler below.
PendingUser = NamedDependency[User]


async def _pending_user(request: Request) -> User:
    """The staff member whose password was accepted a moment ago, or back to the login page."""
    user = await second_factor.pending_user(request.cookies.get(second_factor.PENDING_COOKIE))
    if user is None:
        raise _NoPendingSignIn
    return user


def _back_to_login(request: Request, exc: _NoPendingSignIn) -> Redirect:
    return Redirect("/dang-nhap", status_code=303)


class _TypedCode(NamedTuple):
    target: str
    errors: FormErrors
    result: Any
    status: int


async def _typed_code(request: Request, user: User, missing: str,
                      check: Callable[[User, str, str], Awaitable[Any]]) -> _TypedCode:
    """The submitted code form, its code checked by `check(user, code, ip)` when given."""
    data = await read_form(request)
    errors = FormErrors()
    if not data.get("code"):
        errors.add("code", missing)
    result, status = await sign_in_step(
        errors, "code", lambda: check(user, data["code"], client_ip(request)))
    return _TypedCode(_safe_next(data.get("next"), ""), errors, result, status)


class SecondFactorController(Controller):
    path = "/dang-nhap"
    dependencies = {"pending": Provide(_pending_user)}
    exception_handlers = {_NoPendingSignIn: _back_to_login}

    @get("/xac-thuc", name="auth.second_factor")
    async def code_form(self, request: Request, pending: PendingUser) -> Template | Redirect:
        target = _safe_next(request.query_params.get("next"), "")
        if not await second_factor.is_enrolled(pending.id):
            suffix = f"?{urlencode({'next': target})}" if target else ""
            return Redirect(f"/dang-nhap/thiet-lap-xac-thuc{suffix}", status_code=303)
        return Template("auth/second_factor.html",
                        context={"errors": FormErrors(), "next": target})

    @post("/xac-thuc", name="auth.second_factor_submit")
    async def check_code(self, request: Request, pending: PendingUser) -> Template | Redirect:
        form = await _typed_code(
            request, pending, "Nhập mã 6 chữ số trong ứng dụng xác thực hoặc một mã khôi phục.",
            second_factor.verify_code)
        if not form.errors:
            response = Redirect(form.target or _home_for(pending), status_code=303)
            return await open_session(request, pending, response)
        return Template("auth/second_factor.html", status_code=form.status,
                        context={"errors": form.errors, "next": form.target})

    async def _enrol_page(self, user, target: str, errors: FormErrors, status: int = 200):
        secret = await second_factor.enrolment_secret(user.id)
        uri = logic.provisioning_uri(secret, user.username)
        return Template("auth/enrol.html", status_code=status, context={
            "errors": errors, "next": target, "qr_svg": _qr_svg(uri),
            "key": logic.grouped(secret), "username": user.username,
        })

    @get("/thiet-lap-xac-thuc", name="auth.enrol")
    async def enrol_form(self, request: Request, pending: PendingUser) -> Template | Redirect:
        target = _safe_next(request.query_params.get("next"), "")
        if await second_factor.is_enrolled(pending.id):
            return Redirect("/dang-nhap/xac-thuc", status_code=303)
        return await self._enrol_page(pending, target, FormErrors())

    @post("/thiet-lap-xac-thuc", name="auth.enrol_submit")
    async def enrol(self, request: Request, pending: PendingUser) -> Template | Redirect:
        if await second_factor.is_enrolled(pending.id):
            return Redirect("/dang-nhap/xac-thuc", status_code=303)
        form = await _typed_code(
            request, pending, "Nhập mã 6 chữ số đang hiện trong ứng dụng xác thực.",
            second_factor.confirm_enrolment)
        if not form.errors:
            # Shown in this response and never again (only hashes are kept), so this
            # is deliberately not a redirect.
            page = Template("auth/recovery_codes.html", context={
                "codes": form.result, "next": form.target or _home_for(pending)})
            return await open_session(request, pending, page)
        return await self._enrol_page(pending, form.target, form.errors, form.status)

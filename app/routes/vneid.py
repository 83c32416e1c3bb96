"""Sign-in with the national account (VNeID), and the sandbox identity provider's pages.

`/dang-nhap/vneid` starts a sign-in, `/dang-nhap/vneid/ve` is the provider's callback
(the state, nonce, PKCE and token checks are in `app.integrations.vneid.service`). The
sandbox provider answers only when MOTCUA_VNEID=sandbox: its login page at
`/sandbox/vneid/dang-nhap`, its machine endpoints (discovery, JWKS, token) under
`/api/v1/sandbox/vneid` (no session, no CSRF: the caller is a server).
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.integrations.config import provider
from app.integrations.vneid import sandbox
from app.integrations.vneid import service as vneid
from app.integrations.vneid.logic import LoginRefused
from app.routes.auth import _safe_next
from app.web.forms import read_form
from app.web.second_factor import with_new_session

COOKIE_PATH = "/dang-nhap/vneid"


def _refused(message: str) -> Template:
    return Template("vneid/refused.html", context={"message": message},
                    status_code=HTTP_400_BAD_REQUEST)


class NationalSignInController(Controller):
    path = "/dang-nhap/vneid"

    @get("/", name="vneid.start")
    async def start(self, request: Request) -> Redirect | Template:
        try:
            url, browser = await vneid.start(_safe_next(request.query_params.get("next"), ""))
        except LoginRefused as exc:
            return _refused(str(exc))
        response = Redirect(url, status_code=303)
        response.set_cookie(vneid.BROWSER_COOKIE, browser, path=COOKIE_PATH, max_age=600,
                            httponly=True, samesite="lax",
                            secure=request.url.scheme == "https")
        return response

    @get("/ve", name="vneid.callback")
    async def callback(self, request: Request) -> Redirect | Template:
        query = {k: v for k, v in request.query_params.items() if isinstance(v, str)}
        try:
            user, next_path = await vneid.finish(
                query, request.cookies.get(vneid.BROWSER_COOKIE, ""))
        except LoginRefused as exc:
            return _refused(str(exc))
        response = Redirect(_safe_next(next_path, "/ca-nhan"), status_code=303)
        response.delete_cookie(vneid.BROWSER_COOKIE, path=COOKIE_PATH)
        return await with_new_session(request, user, response)


def _sandbox_only() -> None:
    if provider("vneid") != "sandbox":
        raise NotFoundException()


def _registered() -> tuple[str, ...]:
    return (vneid.CALLBACK_PATH, vneid.redirect_uri())


class SandboxIdentityPages(Controller):
    path = "/sandbox/vneid"

    @get("/dang-nhap", name="sandbox_vneid.login")
    async def login(self, request: Request) -> Template:
        _sandbox_only()
        params = {k: v for k, v in request.query_params.items() if isinstance(v, str)}
        try:
            sandbox.check_request(params, _registered())
        except sandbox.ProviderError as exc:
            return Template("vneid/sandbox_login.html", status_code=HTTP_400_BAD_REQUEST,
                            context={"error": str(exc), "params": {}, "people": []})
        return Template("vneid/sandbox_login.html", context={
            "error": "", "params": params, "people": await sandbox.people(),
            "behaviours": sandbox.BEHAVIOURS})

    @post("/dang-nhap", name="sandbox_vneid.grant")
    async def grant(self, request: Request) -> Redirect | Template:
        _sandbox_only()
        data = await read_form(request)
        params = {k: data.get(k, "") for k in (
            "client_id", "redirect_uri", "response_type", "state", "nonce", "code_challenge",
            "code_challenge_method")}
        try:
            sandbox.check_request(params, _registered())
            if data.get("deny"):
                return Redirect(sandbox.denied(params), status_code=303)
            url = await sandbox.grant(params, data.get("id_number", ""),
                                      data.get("behaviour", "normal"))
        except sandbox.ProviderError as exc:
            return Template("vneid/sandbox_login.html", status_code=HTTP_400_BAD_REQUEST,
                            context={"error": str(exc), "params": params,
                                     "people": await sandbox.people(),
                                     "behaviours": sandbox.BEHAVIOURS})
        return Redirect(url, status_code=303)


class SandboxIdentityApi(Controller):
    path = sandbox.API
    opt = {"exclude_from_auth": True}

    @get("/.well-known/openid-configuration", name="sandbox_vneid.discovery")
    async def discovery(self) -> dict:
        _sandbox_only()
        return sandbox.discovery()

    @get("/jwks", name="sandbox_vneid.jwks")
    async def jwks(self) -> dict:
        _sandbox_only()
        return sandbox.jwks()

    @post("/token", name="sandbox_vneid.token", status_code=200)
    async def token(self, request: Request) -> Response:
        _sandbox_only()
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        try:
            return Response(await sandbox.token(form), headers={"cache-control": "no-store"})
        except sandbox.ProviderError as exc:
            return Response({"error": exc.error, "error_description": str(exc)},
                            status_code=HTTP_400_BAD_REQUEST)

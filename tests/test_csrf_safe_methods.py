"""The CSRF middleware's safe-method shortcut (app.web.csrf, issue #21) answers exactly as
Litestar's own middleware does: the same token handed to the page, the same cookie set
only when the browser had none, the same bypass for excluded paths; unsafe methods still go
through Litestar's check."""

from __future__ import annotations

import re

import pytest
from litestar import Request
from litestar.config.csrf import CSRFConfig
from litestar.datastructures.cookie import Cookie
from litestar.exceptions import PermissionDeniedException
from litestar.middleware.csrf import CSRFMiddleware, generate_csrf_token
from litestar.utils.scope.state import ScopeState

from app.web.csrf import AsciiCSRFMiddleware

pytestmark = pytest.mark.anyio
CONFIG = CSRFConfig(secret="s" * 32, cookie_httponly=True, cookie_name="motcua_csrf",
                    exclude=["^/api/v1/"])


async def answer(middleware_class, method: str, path: str, cookie: str | None,
                 config: CSRFConfig = CONFIG):
    seen = {}

    async def app(scope, receive, send):
        seen["token"] = ScopeState.from_scope(scope).csrf_token
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": b"ok"})

    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    headers = [(b"host", b"localhost"), (b"accept", b"text/html")]
    if cookie is not None:
        headers.append((b"cookie", f"a=1; motcua_csrf={cookie}".encode()))
    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(),
             "query_string": b"", "headers": headers, "state": {}, "root_path": "",
             "scheme": "http", "server": ("localhost", 80), "client": ("127.0.0.1", 1),
             "litestar_app": type("App", (), {"request_class": Request})()}
    await middleware_class(app=app, config=config)(scope, receive, send)
    start = sent[0]
    # A new token is random: compare where it goes, not its value.
    token = seen.get("token")
    cookies = [re.sub(rb"motcua_csrf=[^;]*", b"motcua_csrf=T", v)
               for k, v in start["headers"] if k == b"set-cookie"]
    fresh = [v for k, v in start["headers"] if k == b"set-cookie" and token
             and f"motcua_csrf={token}".encode() in v]
    return {"status": start["status"], "cookies": cookies, "token": token if cookie else
            bool(token), "cookie_is_token": bool(fresh), "body": sent[1]["body"]}


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
@pytest.mark.parametrize("path", ["/tra-cuu", "/api/v1/ho-so"])
@pytest.mark.parametrize("cookie", [None, "existing-token-value", ""])
async def test_safe_methods_answer_as_litestar_does(method, path, cookie):
    ours = await answer(AsciiCSRFMiddleware, method, path, cookie)
    assert ours == await answer(CSRFMiddleware, method, path, cookie)
    excluded = path.startswith("/api/")
    # An empty cookie gets a new token but no new cookie: Litestar's behaviour, kept.
    assert ours["cookies"] == ([] if cookie is not None or excluded else [
        b"motcua_csrf=T; HttpOnly; Path=/; SameSite=lax"])


async def test_unsafe_methods_are_still_checked():
    for middleware_class in (AsciiCSRFMiddleware, CSRFMiddleware):
        with pytest.raises(PermissionDeniedException):
            await answer(middleware_class, "POST", "/tra-cuu", "existing-token-value")


@pytest.mark.parametrize("config", [
    CONFIG,
    CSRFConfig(secret="k" * 32, cookie_secure=True, cookie_httponly=True,
               cookie_name="motcua_csrf"),
    CSRFConfig(secret="k" * 32, cookie_secure=True, cookie_samesite="strict",
               cookie_domain="motcua.example.vn", cookie_path="/a b", cookie_name="motcua_csrf"),
])
async def test_the_new_cookie_is_litestars_text_for_the_same_token(config):
    """The Set-Cookie header drawn once around a placeholder is, for real tokens,
    the very text Litestar's Cookie renders (flags, order, quoting)."""
    for _ in range(20):
        sent = await answer(AsciiCSRFMiddleware, "GET", "/tra-cuu", None, config)
        assert sent["cookie_is_token"]
    middleware = AsciiCSRFMiddleware(app=None, config=config)
    for _ in range(50):
        token = generate_csrf_token(config.secret)
        before, after = middleware.cookie_around
        assert (before + token.encode() + after).decode() == Cookie(
            key=config.cookie_name, value=token, path=config.cookie_path,
            secure=config.cookie_secure, httponly=config.cookie_httponly,
            samesite=config.cookie_samesite, domain=config.cookie_domain).to_header(header="")

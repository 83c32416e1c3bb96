"""Litestar's CSRF check, with two changes:

- in the comparison, a token that is not ASCII fails the check (403) instead of reaching
  `compare_digest`, which raises on non-ASCII text (a 500 for anyone who posts
  `_csrf_token=é`; issue #14);
- on safe methods (GET, HEAD…), which are never checked, the request's content type, CSRF
  header and form are not read: Litestar's middleware parsed them on every page only to
  ignore them (issue #21). The token (the cookie's, or a new one) and the cookie set when
  there was none are what Litestar's own safe-method branch does; the `Set-Cookie` header
  is Litestar's own text, rendered once around a placeholder token (a `Cookie` and a
  `SimpleCookie` made per response cost ~8 µs), and a request that has the cookie gets no
  send wrapper at all (Litestar's only passed every message through).

Litestar builds its own `CSRFMiddleware` from `csrf_config`, so this subclass is added as
ordinary middleware in `app.main` with the same configuration.
"""

from __future__ import annotations

from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures.cookie import Cookie
from litestar.middleware._utils import should_bypass_middleware
from litestar.middleware.csrf import CSRF_SECRET_LENGTH, CSRFMiddleware, generate_csrf_token
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

# A generated token is hex (a random part and its HMAC, 64 characters each): never quoted.
PLACEHOLDER = "0" * (2 * CSRF_SECRET_LENGTH)


def cookie_header(config: CSRFConfig, token: str) -> str:
    """The `Set-Cookie` value Litestar's CSRF middleware sends with a new token."""
    return Cookie(key=config.cookie_name, value=token, path=config.cookie_path,
                  secure=config.cookie_secure, httponly=config.cookie_httponly,
                  samesite=config.cookie_samesite, domain=config.cookie_domain,
                  ).to_header(header="")


class AsciiCSRFMiddleware(CSRFMiddleware):
    def __init__(self, app: ASGIApp, config: CSRFConfig) -> None:
        super().__init__(app, config)
        before, after = cookie_header(config, PLACEHOLDER).encode("latin-1").split(
            PLACEHOLDER.encode(), 1)
        self.cookie_around = (before, after)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in self.config.safe_methods \
                or should_bypass_middleware(scope=scope, scopes=self.scopes,
                                            exclude_opt_key=self.config.exclude_from_csrf_key,
                                            exclude_path_pattern=self.exclude):
            await super().__call__(scope, receive, send)
            return
        csrf_cookie = ASGIConnection(scope).cookies.get(self.config.cookie_name)
        token = ScopeState.from_scope(scope).csrf_token = \
            csrf_cookie or generate_csrf_token(secret=self.config.secret)
        await self.app(scope, receive,
                       send if csrf_cookie is not None else self.cookie_sender(send, token))

    def cookie_sender(self, send: Send, token: str) -> Send:
        before, after = self.cookie_around
        cookie = (b"set-cookie", before + token.encode("latin-1") + after)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append(cookie)
            await send(message)

        return send_with_cookie

    def _csrf_tokens_match(self, request_csrf_token: str, cookie_csrf_token: str) -> bool:
        if not (request_csrf_token.isascii() and cookie_csrf_token.isascii()):
            return False
        return super()._csrf_tokens_match(request_csrf_token, cookie_csrf_token)

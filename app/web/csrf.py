"""Litestar's CSRF check, with two changes:

- in the comparison, a token that is not ASCII fails the check (403) instead of reaching
  `compare_digest`, which raises on non-ASCII text (a 500 for anyone who posts
  `_csrf_token=é`; issue #14);
- on safe methods (GET, HEAD…), which are never checked, the request's content type, CSRF
  header and form are not read: Litestar's middleware parsed them on every page only to
  ignore them (issue #21). The token (the cookie's, or a new one) and the cookie set when
  there was none are what Litestar's own safe-method branch does, through its own code.

Litestar builds its own `CSRFMiddleware` from `csrf_config`, so this subclass is added as
ordinary middleware in `app.main` with the same configuration.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.middleware._utils import should_bypass_middleware
from litestar.middleware.csrf import CSRFMiddleware, generate_csrf_token
from litestar.types import Receive, Scope, Send
from litestar.utils.scope.state import ScopeState


class AsciiCSRFMiddleware(CSRFMiddleware):
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
                       self.create_send_wrapper(send=send, csrf_cookie=csrf_cookie, token=token))

    def _csrf_tokens_match(self, request_csrf_token: str, cookie_csrf_token: str) -> bool:
        if not (request_csrf_token.isascii() and cookie_csrf_token.isascii()):
            return False
        return super()._csrf_tokens_match(request_csrf_token, cookie_csrf_token)

"""Litestar's CSRF check, with one change in the comparison: a token that is not ASCII
fails the check (403) instead of reaching `compare_digest`, which raises on non-ASCII text
(a 500 for anyone who posts `_csrf_token=é`; issue #14).

Litestar builds its own `CSRFMiddleware` from `csrf_config`, so this subclass is added as
ordinary middleware in `app.main` with the same configuration.
"""

from __future__ import annotations

from litestar.middleware.csrf import CSRFMiddleware


class AsciiCSRFMiddleware(CSRFMiddleware):
    def _csrf_tokens_match(self, request_csrf_token: str, cookie_csrf_token: str) -> bool:
        if not (request_csrf_token.isascii() and cookie_csrf_token.isascii()):
            return False
        return super()._csrf_tokens_match(request_csrf_token, cookie_csrf_token)

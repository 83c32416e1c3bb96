"""Security headers on every response, including the 404 and 405 answers of the router
(a `before_send` hook sees every message; route middleware only sees routed requests).

The CSP allows no inline script or style: htmx is told not to inject its indicator
style (see base.html), and the CSRF token reaches htmx through `hx-headers`, not a script.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def security_headers(https: bool):
    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
        if https:
            headers["Strict-Transport-Security"] = "max-age=31536000"

    return before_send

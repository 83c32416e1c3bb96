"""Security headers on every response, including the 404 and 405 answers of the router
(a `before_send` hook sees every message; route middleware only sees routed requests).

The CSP allows no inline script or style: htmx is told not to inject its indicator
style (see base.html), and the CSRF token reaches htmx through `hx-headers`, not a script.
"""

from __future__ import annotations

from litestar.types import Message, Scope

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def security_headers(https: bool):
    # Encoded once: the hook runs on every response, and Litestar's MutableScopeHeaders
    # decoded and searched the whole list for each of the five names.
    fixed = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
             (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY")]
    if https:
        fixed.append((b"strict-transport-security", b"max-age=31536000"))
    names = frozenset(name for name, _ in fixed)

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        # Ours replace any a handler set, as before.
        message["headers"] = [header for header in message.get("headers") or ()
                              if header[0].lower() not in names] + fixed

    return before_send

"""The hand-over from the password step to the second-factor pages, and from those to a
real session; shared by the login controller and the second-factor controller."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Request
from litestar.response import Redirect, Response

from app.accounts import second_factor_service as second_factor
from app.accounts import service as accounts
from app.accounts.tables import User
from app.settings import get_settings
from app.web.auth import session_cookie_kwargs
from app.web.forms import client_ip

PENDING_PATH = "/dang-nhap"


def second_factor_redirect(user: User, next_path: str) -> Redirect:
    """Password accepted for a staff account: on to the code page, with a pending cookie."""
    query = f"?{urlencode({'next': next_path})}" if next_path else ""
    response = Redirect(f"/dang-nhap/xac-thuc{query}", status_code=303)
    response.set_cookie(
        key=second_factor.PENDING_COOKIE, value=second_factor.pending_cookie_value(user.id),
        max_age=second_factor.PENDING_SECONDS, httponly=True, samesite="lax",
        secure=get_settings().https, path=PENDING_PATH,
    )
    return response


async def open_session(request: Request, user: User, response: Response) -> Response:
    """Second factor passed: the session starts now (a fresh token) and the pending
    cookie goes."""
    token = await accounts.start_session(
        user, client_ip(request), request.headers.get("user-agent", ""))
    response.set_cookie(value=accounts.cookie_value(token), **session_cookie_kwargs())
    response.delete_cookie(second_factor.PENDING_COOKIE, path=PENDING_PATH)
    return response

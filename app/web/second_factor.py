"""The hand-over from the password step to the second-factor pages, and from those to a
real session; shared by the login controller and the second-factor controller."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import urlencode

from litestar import Request
from litestar.response import Redirect, Response
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_429_TOO_MANY_REQUESTS

from app.accounts import second_factor_service as second_factor
from app.accounts import service as accounts
from app.accounts.tables import User
from app.settings import get_settings
from app.web.auth import session_cookie_kwargs
from app.web.forms import FormErrors, client_ip

PENDING_PATH = "/dang-nhap"

T = TypeVar("T")


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


async def with_new_session(request: Request, user: User, response: Response) -> Response:
    """`response` signing `user` in: a fresh session token in the session cookie."""
    token = await accounts.start_session(
        user, client_ip(request), request.headers.get("user-agent", ""))
    response.set_cookie(value=accounts.cookie_value(token), **session_cookie_kwargs())
    return response


async def open_session(request: Request, user: User, response: Response) -> Response:
    """Second factor passed: the session starts now and the pending cookie goes."""
    response = await with_new_session(request, user, response)
    response.delete_cookie(second_factor.PENDING_COOKIE, path=PENDING_PATH)
    return response


async def sign_in_step(errors: FormErrors, field: str,
                       step: Callable[[], Awaitable[T]]) -> tuple[T | None, int]:
    """Run one step of signing in (password, code, first code) unless the form already has
    errors; a refusal becomes the message on `field`. Returns the step's result (None when it
    did not succeed: test `errors`) and the status for showing the form again: 429 when
    throttled, so scripts back off, 400 otherwise."""
    if errors:
        return None, HTTP_400_BAD_REQUEST
    try:
        return await step(), HTTP_400_BAD_REQUEST
    except accounts.LoginThrottled as exc:
        errors.add(field, str(exc))
        return None, HTTP_429_TOO_MANY_REQUESTS
    except accounts.AccountError as exc:
        errors.add(field, str(exc))
        return None, HTTP_400_BAD_REQUEST

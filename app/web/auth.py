"""Who is asking: the session cookie becomes `request.user` (a CurrentUser or None)."""

from __future__ import annotations

from datetime import datetime, timedelta

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.formatting import now_utc
from app.settings import get_settings

SESSION_COOKIE = "motcua_session"
# Forms say when the session ends once it is this close (sessions last `session_days`).
SESSION_WARNING = timedelta(hours=24)


class SessionAuthMiddleware(AbstractAuthenticationMiddleware):
    """Anonymous visitors pass with user=None; guards decide what they may reach."""

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        token = accounts.token_from_cookie(connection.cookies.get(SESSION_COOKIE))
        user = await accounts.load_session(token) if token else None
        return AuthenticationResult(user=user, auth=token)


def session_cookie_kwargs() -> dict:
    settings = get_settings()
    return {
        "key": SESSION_COOKIE,
        "httponly": True,
        "samesite": "lax",
        "secure": settings.https,
        "max_age": settings.session_days * 86400,
        "path": "/",
    }


def current_user(connection: ASGIConnection) -> accounts.CurrentUser | None:
    return connection.scope.get("user")


def session_ends_soon(user: accounts.CurrentUser | None) -> datetime | None:
    """When the signed-in session ends, if soon enough for a form to warn about it."""
    ends = user.session_expires_at if user is not None else None
    return ends if ends is not None and ends - now_utc() <= SESSION_WARNING else None


# Guards are coroutines: Litestar runs a plain function guard in a worker thread, a thread
# hop on every request it protects (~0.3 ms of CPU under load, bench/RESULTS.md).


async def requires_login(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if current_user(connection) is None:
        raise NotAuthorizedException("Vui lòng đăng nhập để tiếp tục.")


async def requires_staff(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    await requires_login(connection, handler)
    if not current_user(connection).is_staff:
        raise PermissionDeniedException("Trang này chỉ dành cho cán bộ, công chức.")


async def requires_applicant(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    await requires_login(connection, handler)
    if current_user(connection).is_staff:
        raise PermissionDeniedException("Trang này dành cho công dân, tổ chức.")


def requires_roles(*roles: Role):
    """A guard admitting only the given roles (e.g. provincial admin pages)."""
    allowed = frozenset(roles)

    async def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        await requires_login(connection, handler)
        if current_user(connection).role not in allowed:
            raise PermissionDeniedException("Bạn không có quyền truy cập trang này.")

    return guard

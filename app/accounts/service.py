"""Accounts: creating users, signing in with throttling, and server-side sessions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.accounts.passwords import dummy_hash, hash_password, verify_password
from app.accounts.roles import Role
from app.accounts.tables import LoginAttempt, User, UserAgency, UserSession
from app.audit import service as audit
from app.db import write_transaction
from app.formatting import now_utc
from app.settings import get_settings


class AccountError(ValueError):
    """A refusal with a message fit to show the user (Vietnamese)."""


async def create_user(
    *,
    username: str,
    password: str,
    full_name: str,
    role: Role,
    agency_ids: list[int] = (),  # type: ignore[assignment]
    id_number: str | None = None,
    email: str = "",
    phone: str = "",
    actor_id: int | None = None,
) -> User:
    username = username.strip().lower()
    async with write_transaction():
        if await User.exists().where(User.username == username):
            raise AccountError("Tên đăng nhập này đã được sử dụng.")
        if id_number and await User.exists().where(User.id_number == id_number):
            raise AccountError("Số định danh này đã có tài khoản. Vui lòng đăng nhập.")
        user = User(
            username=username, full_name=full_name.strip(), role=role.value,
            id_number=id_number or None, email=email, phone=phone,
            password_hash=hash_password(password), created_at=now_utc(),
        )
        await user.save()
        for agency_id in agency_ids:
            await UserAgency(user=user.id, agency=agency_id).save()
        await audit.record(
            "user.created", "user", user.id,
            {"username": username, "role": role.value, "agencies": list(agency_ids)},
            actor_id=actor_id if actor_id is not None else user.id,
        )
    return user


# -- sign in ----------------------------------------------------------------------------


class LoginThrottled(AccountError):
    pass


async def _recent_failures(column, value: str) -> int:
    settings = get_settings()
    since = now_utc() - timedelta(minutes=settings.login_window_minutes)
    return await LoginAttempt.count().where(
        (column == value) & (LoginAttempt.at >= since) & (LoginAttempt.success.eq(False))
    )


async def authenticate(username: str, password: str, ip: str) -> User:
    """The user for these credentials, or AccountError with a message to show.

    Throttled per account and per IP over a sliding window, so guessing one account from
    many addresses and many accounts from one address are both slowed down.
    """
    settings = get_settings()
    username = username.strip().lower()
    failures = await _recent_failures(LoginAttempt.username, username)
    if failures >= settings.login_max_failures_account:
        raise LoginThrottled(
            f"Tài khoản này đã đăng nhập sai quá nhiều lần. "
            f"Vui lòng thử lại sau {settings.login_window_minutes} phút."
        )
    if await _recent_failures(LoginAttempt.ip, ip) >= settings.login_max_failures_ip:
        raise LoginThrottled(
            f"Có quá nhiều lần đăng nhập sai từ địa chỉ này. "
            f"Vui lòng thử lại sau {settings.login_window_minutes} phút."
        )
    user = await User.objects().where(User.username == username).first()
    ok = verify_password(user.password_hash if user else dummy_hash(), password)
    ok = ok and user is not None and user.active
    async with write_transaction():
        await LoginAttempt(username=username, ip=ip, at=now_utc(), success=ok).save()
    if not ok:
        raise AccountError("Tên đăng nhập hoặc mật khẩu không đúng.")
    return user


# -- sessions ---------------------------------------------------------------------------


def _sign(token: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()[:32]


def cookie_value(token: str) -> str:
    return f"{token}.{_sign(token)}"


def token_from_cookie(value: str | None) -> str | None:
    """The session token if the cookie's signature is ours; forged values never hit the DB."""
    if not value or "." not in value:
        return None
    token, _, signature = value.partition(".")
    # Bytes: compare_digest raises on non-ASCII text, and a cookie is visitor input.
    return token if hmac.compare_digest(signature.encode(), _sign(token).encode()) else None


async def start_session(user: User, ip: str, user_agent: str) -> str:
    """Open a new session (a fresh token at every login: no session fixation)."""
    now = now_utc()
    token = secrets.token_urlsafe(32)
    async with write_transaction():
        await UserSession(
            token=token, user=user.id, created_at=now,
            expires_at=now + timedelta(days=get_settings().session_days),
            ip=ip, user_agent=user_agent[:255],
        ).save()
        await User.update({User.last_login_at: now}).where(User.id == user.id)
        await audit.record("session.started", "user", user.id, {"ip": ip}, actor_id=user.id)
    return token


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    full_name: str
    role: Role
    agency_ids: tuple[int, ...]
    session_token: str
    session_expires_at: datetime | None = None  # forms warn before it ends

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff


async def load_session(token: str) -> CurrentUser | None:
    row = await (
        UserSession.select(
            UserSession.user.id, UserSession.user.username, UserSession.user.full_name,
            UserSession.user.role, UserSession.user.active, UserSession.expires_at,
        )
        .where(
            (UserSession.token == token)
            & UserSession.revoked_at.is_null()
            & (UserSession.expires_at > now_utc())
        )
        .first()
    )
    if row is None or not row["user.active"]:
        return None
    role = Role(row["user.role"])
    agency_ids: tuple[int, ...] = ()
    if role.is_staff:
        links = await UserAgency.select(UserAgency.agency).where(
            UserAgency.user == row["user.id"]
        )
        agency_ids = tuple(link["agency"] for link in links)
    return CurrentUser(
        id=row["user.id"], username=row["user.username"], full_name=row["user.full_name"],
        role=role, agency_ids=agency_ids, session_token=token,
        session_expires_at=row["expires_at"],
    )


async def end_session(token: str, user_id: int) -> None:
    async with write_transaction():
        await UserSession.update({UserSession.revoked_at: now_utc()}).where(
            (UserSession.token == token) & UserSession.revoked_at.is_null()
        )
        await audit.record("session.ended", "user", user_id, actor_id=user_id)


async def end_all_sessions(user_id: int, actor_id: int | None = None) -> int:
    """Logout everywhere (also used when an account is revoked)."""
    async with write_transaction():
        ended = await UserSession.update({UserSession.revoked_at: now_utc()}).where(
            (UserSession.user == user_id) & UserSession.revoked_at.is_null()
        ).returning(UserSession.id)
        await audit.record("session.ended_all", "user", user_id, {"count": len(ended)},
                           actor_id=actor_id or user_id)
    return len(ended)

"""Accounts: creating users, signing in with throttling, and server-side sessions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.accounts import throttle
from app.accounts.passwords import dummy_hash, hash_password, verify_password
from app.accounts.roles import Position, Role
from app.accounts.tables import LoginAttempt, User, UserAgency, UserSession
from app.audit import service as audit
from app.db import write_transaction
from app.formatting import now_utc
from app.prepared import prepared
from app.settings import get_settings
from app.web.ratelimit import address_key


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
    position: Position = Position.NONE,
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
            position=Position(position).value,
        )
        await user.save()
        for agency_id in agency_ids:
            await UserAgency(user=user.id, agency=agency_id).save()
        await audit.record(
            "user.created", "user", user.id,
            {"username": username, "role": role.value, "agencies": list(agency_ids),
             "position": Position(position).value},
            actor_id=actor_id if actor_id is not None else user.id,
        )
    return user


# -- sign in ----------------------------------------------------------------------------


class LoginThrottled(AccountError):
    pass


def needs_second_factor(user: User) -> bool:
    """Staff sign in with a password and a TOTP code; citizens with a password only."""
    return Role(user.role).is_staff


async def _failure_times(where) -> list:
    rows = await LoginAttempt.select(LoginAttempt.at).where(
        where & LoginAttempt.success.eq(False)).order_by(LoginAttempt.at)
    return [row["at"] for row in rows]


async def check_throttle(username: str, address: str) -> None:
    """LoginThrottled (saying how long to wait) when this account may not be tried from
    this address now; see `app.accounts.throttle` for the rules."""
    policy, now = throttle.POLICY, now_utc()
    mine = (LoginAttempt.username == username) & (LoginAttempt.ip == address)
    last_success = await LoginAttempt.select(LoginAttempt.at).where(
        mine & LoginAttempt.success.eq(True)).order_by(LoginAttempt.at, ascending=False).first()
    since = now - policy.pair_memory
    if last_success is not None:
        since = max(since, last_success["at"])
    usual = await LoginAttempt.select(LoginAttempt.ip).where(
        (LoginAttempt.username == username) & LoginAttempt.success.eq(True)
        & (LoginAttempt.at >= now - policy.known_for)).distinct()
    usual = [row["ip"] for row in usual]
    account = (LoginAttempt.username == username) & (
        LoginAttempt.at >= now - policy.account_window)
    if usual:
        account = account & LoginAttempt.ip.not_in(usual)
    refused = throttle.refusal(
        pair_failures=await _failure_times(mine & (LoginAttempt.at > since)),
        account_failures=await _failure_times(account),
        address_failures=await _failure_times(
            (LoginAttempt.ip == address) & (LoginAttempt.at >= now - policy.address_window)),
        known_address=address in usual, now=now)
    if refused is not None:
        raise LoginThrottled(refused.message)


async def record_attempt(username: str, address: str, success: bool) -> None:
    """A failed password or code, or a completed sign-in (which makes the address usual)."""
    async with write_transaction():
        await LoginAttempt(username=username, ip=address, at=now_utc(), success=success).save()


async def authenticate(username: str, password: str, ip: str) -> User:
    """The user for these credentials, or AccountError with a message to show.

    Throttled per (account, address) with growing delays, with ceilings per account (new
    addresses only) and per address (`app.accounts.throttle`). A staff sign-in is complete
    only after the second factor, which records the success then.
    """
    username, address = username.strip().lower(), address_key(ip)
    await check_throttle(username, address)
    user = await User.objects().where(User.username == username).first()
    ok = verify_password(user.password_hash if user else dummy_hash(), password)
    ok = ok and user is not None and user.active
    if not ok:
        await record_attempt(username, address, False)
        raise AccountError("Tên đăng nhập hoặc mật khẩu không đúng.")
    if not needs_second_factor(user):
        await record_attempt(username, address, True)
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
    position: Position = Position.NONE
    session_expires_at: datetime | None = None  # forms warn before it ends

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff


async def load_session(token: str) -> CurrentUser | None:
    row = await _live_session(token=token, now=now_utc())
    if row is None or not row["user.active"]:
        return None
    role = Role(row["user.role"])
    agency_ids: tuple[int, ...] = ()
    if role.is_staff:
        agency_ids = tuple(link["agency"] for link in await _agencies_of(user_id=row["user.id"]))
    return CurrentUser(
        id=row["user.id"], username=row["user.username"], full_name=row["user.full_name"],
        role=role, agency_ids=agency_ids, session_token=token,
        position=Position(row["user.position"] or ""),
        session_expires_at=row["expires_at"],
    )


# Every signed-in request reads its session (and a staff user's agencies): built once.
@prepared
def _live_session(token, now):
    return UserSession.select(
        UserSession.user.id, UserSession.user.username, UserSession.user.full_name,
        UserSession.user.role, UserSession.user.active, UserSession.user.position,
        UserSession.expires_at,
    ).where(
        (UserSession.token == token) & UserSession.revoked_at.is_null()
        & (UserSession.expires_at > now)
    ).first()


@prepared
def _agencies_of(user_id):
    return UserAgency.select(UserAgency.agency).where(UserAgency.user == user_id)


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

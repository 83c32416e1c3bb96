"""The staff second factor with the database: enrolment on first login, checking codes
(TOTP or a recovery code) under the same lockout as passwords, and the reset used by the
IT team when a phone is lost.

Between the password and the second factor the browser holds only a short-lived signed
"pending" cookie naming the user; no session exists until the second factor is passed.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from app.accounts import second_factor as logic
from app.accounts.service import (
    AccountError,
    check_throttle,
    record_attempt,
)
from app.accounts.tables import RecoveryCode, SecondFactor, User, UserSession
from app.audit import service as audit
from app.db import write_transaction
from app.formatting import now_utc
from app.settings import get_settings
from app.web.ratelimit import address_key

PENDING_COOKIE = "motcua_pending_login"
PENDING_SECONDS = 600


# -- the pending cookie -----------------------------------------------------------------


def _sign(payload: str) -> str:
    key = ("second-factor:" + get_settings().secret_key).encode()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()[:32]


def pending_cookie_value(user_id: int, now: float | None = None) -> str:
    expires = int((time.time() if now is None else now) + PENDING_SECONDS)
    payload = f"{user_id}.{expires}"
    return f"{payload}.{_sign(payload)}"


def pending_user_id(value: str | None, now: float | None = None) -> int | None:
    """The user who passed the password step, if the cookie is ours and still fresh."""
    if not value or value.count(".") != 2:
        return None
    user_id, expires, signature = value.split(".")
    # Bytes: compare_digest raises on non-ASCII text, and a cookie is visitor input.
    if not hmac.compare_digest(signature.encode(), _sign(f"{user_id}.{expires}").encode()):
        return None
    if not (user_id.isascii() and user_id.isdigit() and expires.isascii()
            and expires.isdigit()):
        return None
    if int(expires) < (time.time() if now is None else now):
        return None
    return int(user_id)


async def pending_user(value: str | None) -> User | None:
    user_id = pending_user_id(value)
    if user_id is None:
        return None
    user = await User.objects().where(User.id == user_id).first()
    return user if user is not None and user.active else None


# -- enrolment --------------------------------------------------------------------------


async def is_enrolled(user_id: int) -> bool:
    return await SecondFactor.exists().where(
        (SecondFactor.user == user_id) & SecondFactor.confirmed_at.is_not_null()
    )


async def enrolment_secret(user_id: int) -> str:
    """The secret being enrolled: kept across page reloads until confirmed, so a user who
    scanned the QR code and then reloaded does not end up with a stale entry in the app."""
    async with write_transaction():
        row = await SecondFactor.objects().where(SecondFactor.user == user_id).first()
        if row is not None:
            if row.confirmed_at is not None:
                raise AccountError("Tài khoản đã thiết lập xác thực hai lớp.")
            return row.secret
        secret = logic.new_secret()
        await SecondFactor(user=user_id, secret=secret, created_at=now_utc()).save()
        return secret


async def _check_throttle(user: User, ip: str) -> None:
    """Wrong codes count exactly like wrong passwords, for the same (account, address)."""
    await check_throttle(user.username, address_key(ip))


async def _record_failure(user: User, ip: str) -> None:
    await record_attempt(user.username, address_key(ip), False)


async def _signed_in(user: User, ip: str) -> None:
    """The whole sign-in succeeded: the address becomes one of the account's usual ones."""
    await record_attempt(user.username, address_key(ip), True)


async def confirm_enrolment(user: User, code: str, ip: str) -> list[str]:
    """Confirm the app shows the right codes; the recovery codes to show once."""
    await _check_throttle(user, ip)
    row = await SecondFactor.objects().where(SecondFactor.user == user.id).first()
    if row is None or row.confirmed_at is not None:
        raise AccountError("Phiên thiết lập đã hết hạn. Vui lòng đăng nhập lại.")
    step = logic.matching_step(row.secret, code, last_used_step=None)
    if step is None:
        await _record_failure(user, ip)
        raise AccountError("Mã xác thực không đúng. Hãy nhập mã 6 chữ số đang hiện trong "
                           "ứng dụng xác thực (mã đổi sau mỗi 30 giây).")
    codes = logic.new_recovery_codes()
    async with write_transaction():
        confirmed = await SecondFactor.update(
            {SecondFactor.confirmed_at: now_utc(), SecondFactor.last_used_step: step}
        ).where(
            (SecondFactor.id == row.id) & SecondFactor.confirmed_at.is_null()
        ).returning(SecondFactor.id)
        if not confirmed:  # a second tab confirmed first
            raise AccountError("Tài khoản đã thiết lập xác thực hai lớp. Vui lòng đăng nhập lại.")
        await RecoveryCode.delete().where(RecoveryCode.user == user.id)
        for recovery in codes:
            await RecoveryCode(user=user.id, code_hash=logic.hash_recovery_code(recovery)).save()
        await audit.record("second_factor.enrolled", "user", user.id, {"ip": ip},
                           actor_id=user.id)
    await _signed_in(user, ip)
    return codes


# -- checking a code --------------------------------------------------------------------


async def verify_code(user: User, code: str, ip: str) -> None:
    """Accept a fresh TOTP code or an unused recovery code, or raise AccountError."""
    await _check_throttle(user, ip)
    row = await SecondFactor.objects().where(
        (SecondFactor.user == user.id) & SecondFactor.confirmed_at.is_not_null()
    ).first()
    if row is None:
        raise AccountError("Tài khoản chưa thiết lập xác thực hai lớp.")
    if logic.looks_like_totp(code):
        step = logic.matching_step(row.secret, code, last_used_step=row.last_used_step)
        if step is not None:
            async with write_transaction():
                # The condition makes two concurrent logins with one code race safely:
                # only one UPDATE can move the step forward.
                moved = await SecondFactor.update({SecondFactor.last_used_step: step}).where(
                    (SecondFactor.id == row.id)
                    & (SecondFactor.last_used_step.is_null()
                       | (SecondFactor.last_used_step < step))
                ).returning(SecondFactor.id)
            if moved:
                await _signed_in(user, ip)
                return
        await _record_failure(user, ip)
        raise AccountError("Mã xác thực không đúng hoặc đã được dùng. Hãy chờ mã mới "
                           "trong ứng dụng xác thực rồi nhập lại.")
    digest = logic.hash_recovery_code(code)
    async with write_transaction():
        used = await RecoveryCode.update({RecoveryCode.used_at: now_utc()}).where(
            (RecoveryCode.user == user.id) & (RecoveryCode.code_hash == digest)
            & RecoveryCode.used_at.is_null()
        ).returning(RecoveryCode.id)
        if used:
            left = await RecoveryCode.count().where(
                (RecoveryCode.user == user.id) & RecoveryCode.used_at.is_null())
            await audit.record("second_factor.recovery_used", "user", user.id,
                               {"ip": ip, "left": left}, actor_id=user.id)
    if used:
        await _signed_in(user, ip)
        return
    await _record_failure(user, ip)
    raise AccountError("Mã khôi phục không đúng hoặc đã được dùng.")


async def recovery_codes_left(user_id: int) -> int:
    return await RecoveryCode.count().where(
        (RecoveryCode.user == user_id) & RecoveryCode.used_at.is_null())


# -- reset by the IT team ---------------------------------------------------------------


async def reset(username: str, actor_id: int | None = None) -> User:
    """Forget the user's second factor and recovery codes and end their sessions: the
    next login enrols a new phone. For a lost or replaced phone."""
    user = await User.objects().where(User.username == username.strip().lower()).first()
    if user is None:
        raise AccountError("Không có tài khoản với tên đăng nhập này.")
    async with write_transaction():
        await SecondFactor.delete().where(SecondFactor.user == user.id)
        await RecoveryCode.delete().where(RecoveryCode.user == user.id)
        await UserSession.update({UserSession.revoked_at: now_utc()}).where(
            (UserSession.user == user.id) & UserSession.revoked_at.is_null())
        await audit.record("second_factor.reset", "user", user.id, {},
                           actor_id=actor_id if actor_id is not None else user.id)
    return user

""""Quên mật khẩu": a one-time code by SMS (and e-mail where the account has one) through
the one notification path, then a new password. Limited per account name and per
address (app.accounts.recovery), audited, and the same to the visitor whether the account
exists or not: an unknown name gets a request row too, whose code nobody receives.

Only applicants (citizens, organisations) recover online; staff accounts have a second
factor and are reset by the IT team (`reset-second-factor`), so their requests, like
disabled accounts, get the silent row.
"""

from __future__ import annotations

from app.accounts import recovery
from app.accounts.passwords import hash_password, password_problems
from app.accounts.roles import Role
from app.accounts.service import AccountError, end_all_sessions
from app.accounts.tables import PasswordReset, User
from app.audit import service as audit
from app.db import write_transaction
from app.formatting import now_utc
from app.internal.logic import new_token, token_hash
from app.notifications.api import Event, notify_contact, schedule_delivery
from app.settings import get_settings

APPLICANT_ROLES = (Role.CITIZEN.value, Role.ORGANISATION.value)


class RecoveryError(AccountError):
    """A refusal to show beside the form (Vietnamese)."""


async def request_code(typed: str, ip: str) -> str:
    """Queue a code for the account named `typed` (when it may recover online); the token
    of the page that asks for it. Raises RecoveryError over the limits."""
    identifier = recovery.identifier_key(typed)
    now = now_utc()
    token, digest = new_token()
    code = recovery.new_code()
    async with write_transaction():
        since, day = now - recovery.LIMIT_WINDOW, now - recovery.DAY_WINDOW
        mine = await PasswordReset.select(PasswordReset.created_at).where(
            (PasswordReset.identifier == identifier) & (PasswordReset.created_at >= day))
        problem = recovery.limit_problem(
            sum(row["created_at"] >= since for row in mine), len(mine),
            await PasswordReset.count().where((PasswordReset.ip == ip)
                                              & (PasswordReset.created_at >= since)))
        if problem:
            raise RecoveryError(problem)
        user = await User.select(User.id, User.phone, User.email).where(
            (User.username == identifier) & (User.active == True)  # noqa: E712
            & User.role.is_in(list(APPLICANT_ROLES))).first()
        row = PasswordReset(token_hash=digest, user=user["id"] if user else None,
                            identifier=identifier, ip=ip, created_at=now,
                            expires_at=now + recovery.CODE_TTL, code_hash=recovery.code_digest(
                                get_settings().secret_key, digest, code))
        await row.save()
        sent = 0
        if user is not None:
            sent = await notify_contact(
                Event.PASSWORD_RESET_CODE, phone=user["phone"] or None,
                email=user["email"] or None, values={"code": code}, occurrence=digest[:16])
            schedule_delivery()
        await audit.record("password_reset.requested", "password_reset", row.id, {
            "identifier": identifier, "ip": ip, "account": user["id"] if user else None,
            "messages": sent})
    return token


async def pending(token: str) -> tuple[dict | None, str | None]:
    """(request, None) when its code may still be typed, else (None, why not)."""
    row = await PasswordReset.select().where(
        PasswordReset.token_hash == token_hash(token)).first()
    if row is None:
        return None, "Đường dẫn không hợp lệ. Hãy yêu cầu mã mới."
    problem = recovery.code_problem(row["expires_at"], row["used_at"], row["attempts"],
                                    now_utc())
    return (None, problem) if problem else (row, None)


async def reset_password(token: str, code: str, password: str, confirm: str,
                         ip: str) -> None:
    """Check the code and set the new password: the code is used up, every session of the
    account ends and the holder is told. Raises RecoveryError; a wrong code counts (the
    count is committed before the refusal)."""
    async with write_transaction():
        row, problem = await pending(token)
        if row is not None and (row["user"] is None or not recovery.code_matches(
                row["code_hash"], get_settings().secret_key, row["token_hash"], code)):
            await PasswordReset.update({PasswordReset.attempts: PasswordReset.attempts + 1}
                                       ).where(PasswordReset.id == row["id"])
            left = recovery.MAX_ATTEMPTS - row["attempts"] - 1
            row, problem = None, (f"Mã không đúng. Còn {left} lần thử." if left else
                                  "Mã không đúng. Hãy yêu cầu mã mới.")
        if row is not None:
            problem = _password_problem(password, confirm, row["identifier"])
        if row is not None and problem is None:
            await _set_password(row, password, ip)
    if problem:
        raise RecoveryError(problem)


def _password_problem(password: str, confirm: str, username: str) -> str | None:
    """The code was right: only the new password may still need fixing (the code stays
    valid meanwhile)."""
    problems = password_problems(password, username=username)
    if password != confirm:
        problems.append("Mật khẩu nhập lại không khớp.")
    return " ".join(problems) or None


async def _set_password(row: dict, password: str, ip: str) -> None:
    """Inside the caller's transaction: the password, the codes used up, sessions ended,
    the audit entry and the message to the holder."""
    await User.update({User.password_hash: hash_password(password)}).where(
        User.id == row["user"])
    await PasswordReset.update({PasswordReset.used_at: now_utc()}).where(
        (PasswordReset.user == row["user"]) & PasswordReset.used_at.is_null())
    await end_all_sessions(row["user"])
    await audit.record("user.password_reset", "user", row["user"],
                       {"via": "one_time_code", "ip": ip}, actor_id=row["user"])
    user = await User.select(User.phone, User.email).where(User.id == row["user"]).first()
    await notify_contact(Event.PASSWORD_CHANGED, phone=user["phone"] or None,
                         email=user["email"] or None, occurrence=row["token_hash"][:16])
    schedule_delivery()

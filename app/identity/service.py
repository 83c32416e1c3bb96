"""Checking an account's CCCD, name and date of birth against the population database.

The registry is asked outside any transaction (a slow registry must not hold the write
lock); what it said is then written in one transaction: the account's claimed name and
date of birth, `id_verified_at` on a match, the `identity_check` row and the audit entry.
Only a verified account sees documents filed under its ID number (app.warehouse) and is
linked to paper dossiers received at the counter (app.counter).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass
from datetime import date, datetime

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.accounts.tables import User
from app.audit import service as audit
from app.db import write_transaction
from app.formatting import now_utc
from app.identity.logic import (
    ANSWERED_WINDOW,
    EXPLANATIONS,
    Outcome,
    Verification,
    seconds_until_allowed,
)
from app.identity.registry import RegistryUnavailable, get_registry
from app.identity.tables import IdentityCheck
from app.text import is_cccd

log = logging.getLogger(__name__)


class NumberHeld(accounts.AccountError):
    """The CCCD belongs to an unverified citizen account: the registry may say the new
    registrant is its owner (app.identity.takeover)."""

    def __init__(self, holder: dict):
        super().__init__("Số định danh này đã có tài khoản. Vui lòng đăng nhập.")
        self.holder = holder


class TooSoon(Exception):
    """Too many checks lately; `seconds` until the next one may run."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


async def ask_registry(id_number: str, full_name: str,
                       birth_date: date) -> tuple[Verification, str]:
    """The registry's answer, or UNAVAILABLE with the reason (for the audit log)."""
    try:
        return await get_registry().verify(id_number, full_name, birth_date), ""
    except RegistryUnavailable as exc:
        log.warning("population registry unavailable: %s", exc)
        return Verification(Outcome.UNAVAILABLE), str(exc)


async def record_check(user_id: int, full_name: str, birth_date: date, answer: Verification,
                  reason: str, via: str) -> None:
    """Write one check's result; must run inside the caller's write transaction."""
    now = now_utc()
    changes = {User.full_name: full_name.strip()[:200], User.birth_date: birth_date}
    if answer.outcome == Outcome.MATCH:
        changes[User.id_verified_at] = now
    await User.update(changes).where(User.id == user_id)
    await IdentityCheck(user=user_id, outcome=answer.outcome.value, checked_at=now).save()
    await audit.record("user.identity_checked", "user", user_id, {
        "outcome": answer.outcome.value, "mismatched": list(answer.mismatched),
        "reason": reason, "via": via}, actor_id=user_id)


async def register_citizen(*, full_name: str, id_number: str, birth_date: date, phone: str,
                           email: str, password: str) -> tuple[User, Outcome]:
    """Create a citizen account and check it against the registry. The account is created
    whatever the answer; it is verified only on a match. Raises AccountError (number or
    username taken) before the registry is asked; NumberHeld when an unverified citizen
    account holds the number."""
    holder = await User.select(User.id, User.role, User.id_verified_at, User.active,
                               User.id_number, User.phone, User.email).where(
        (User.id_number == id_number) | (User.username == id_number.lower())).first()
    if holder is not None:
        if (holder["id_verified_at"] is None and holder["active"]
                and holder["role"] == Role.CITIZEN.value and holder["id_number"] == id_number):
            raise NumberHeld(holder)
        raise accounts.AccountError("Số định danh này đã có tài khoản. Vui lòng đăng nhập; "
                                    "nếu quên mật khẩu, dùng “Quên mật khẩu”.")
    answer, reason = await ask_registry(id_number, full_name, birth_date)
    async with write_transaction():
        user = await accounts.create_user(
            username=id_number, password=password, full_name=full_name, role=Role.CITIZEN,
            id_number=id_number, email=email, phone=phone)
        await record_check(user.id, full_name, birth_date, answer, reason, "registration")
    return user, answer.outcome


async def _recent_checks(user_id: int) -> list[tuple[datetime, Outcome]]:
    rows = await IdentityCheck.select(IdentityCheck.checked_at, IdentityCheck.outcome).where(
        (IdentityCheck.user == user_id) & (IdentityCheck.checked_at > now_utc() - ANSWERED_WINDOW))
    return [(row["checked_at"], Outcome(row["outcome"])) for row in rows]


async def check_again(user_id: int, full_name: str, birth_date: date) -> Outcome:
    """A citizen's later check from their page (the registry was down, or they mistyped).
    Raises TooSoon over the limits; a verified account is not checked again."""
    account = await User.select(User.id_number, User.id_verified_at, User.role).where(
        User.id == user_id).first()
    if account["id_verified_at"] is not None:
        return Outcome.MATCH
    if account["role"] != Role.CITIZEN.value or not is_cccd(account["id_number"] or ""):
        raise accounts.AccountError("Chỉ tài khoản công dân có số CCCD mới xác thực được.")
    # One check per account at a time (a double tap): the second waits, then meets the limit
    # with the first one counted. One web process per VM, so a lock in memory suffices.
    lock = _checking.setdefault(user_id, asyncio.Lock())
    async with lock:
        wait = seconds_until_allowed(await _recent_checks(user_id), now_utc())
        if wait:
            raise TooSoon(wait)
        answer, reason = await ask_registry(account["id_number"], full_name, birth_date)
        async with write_transaction():
            await record_check(user_id, full_name, birth_date, answer, reason, "retry")
    return answer.outcome


_checking: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()


@dataclass(frozen=True)
class IdentityStatus:
    """What the citizen's pages say about their identity check."""

    applies: bool  # a citizen account with a CCCD (organisations are vouched for by staff)
    id_number: str
    verified: bool
    verified_at: datetime | None
    last_outcome: Outcome | None
    full_name: str
    birth_date: date | None
    wait_seconds: int

    @property
    def explanation(self) -> str:
        if self.verified:
            return EXPLANATIONS[Outcome.MATCH]
        if self.last_outcome is None:
            return ("Tài khoản chưa được xác thực với Cơ sở dữ liệu quốc gia về dân cư. "
                    "Bấm “Xác thực thông tin công dân” để xác thực.")
        return EXPLANATIONS[self.last_outcome]


async def status(user_id: int) -> IdentityStatus:
    account = await User.select(User.role, User.id_number, User.id_verified_at,
                                User.full_name, User.birth_date).where(
        User.id == user_id).first()
    last = await IdentityCheck.select(IdentityCheck.outcome).where(
        IdentityCheck.user == user_id).order_by(IdentityCheck.id, ascending=False).first()
    verified = account["id_verified_at"] is not None
    wait = 0 if verified else seconds_until_allowed(await _recent_checks(user_id), now_utc())
    return IdentityStatus(
        applies=account["role"] == Role.CITIZEN.value and is_cccd(account["id_number"] or ""),
        id_number=account["id_number"] or "",
        verified=verified, verified_at=account["id_verified_at"],
        last_outcome=Outcome(last["outcome"]) if last else None,
        full_name=account["full_name"], birth_date=account["birth_date"], wait_seconds=wait)


async def vouch(user_id: int, actor_id: int | None, reason: str,
                birth_date: date | None = None) -> None:
    """An administrator vouches for the account's ID number (seen the card, or created the
    account for a known person): verified without asking the registry."""
    async with write_transaction():
        changes = {User.id_verified_at: now_utc()}
        if birth_date is not None:
            changes[User.birth_date] = birth_date
        await User.update(changes).where((User.id == user_id) & User.id_verified_at.is_null())
        await audit.record("user.identity_vouched", "user", user_id, {"reason": reason},
                           actor_id=actor_id)


async def create_vouched_user(*, reason: str, birth_date: date | None = None,
                              **account) -> User:
    """`accounts.create_user`, and verified in the same transaction when an ID number is
    given: for accounts an administrator creates (`createuser`) and the demo citizens."""
    async with write_transaction():
        user = await accounts.create_user(**account)
        if account.get("id_number"):
            await vouch(user.id, account.get("actor_id"), reason, birth_date)
    return user


async def citizen_by_id_number(id_number: str) -> dict | None:
    """The citizen account registered with this CCCD, for the counter officer who holds
    the card in their hand; None when there is none."""
    return await User.select(
        User.id, User.full_name, User.id_number, User.birth_date, User.id_verified_at,
        User.created_at, User.active, User.phone, User.email,
    ).where((User.id_number == id_number) & (User.role == Role.CITIZEN.value)).first()


async def vouch_at_counter(officer_id: int, account: dict, birth_date: date) -> None:
    """The counter officer compared the original card with the account (number, name,
    date of birth): the account is verified on the officer's word, recorded as theirs.
    Ethnic-minority names are often spelled differently in the registry; this is the way
    for the person to be verified without it."""
    if account["id_verified_at"] is not None:
        return
    await vouch(account["id"], officer_id, "counter: original CCCD card compared",
                birth_date=birth_date)

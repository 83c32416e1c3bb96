"""A CCCD back to its owner (issue #17: anyone could register another person's CCCD,
the registry check failed, the account stayed, and the owner was told "Số định danh này
đã có tài khoản" with no way in online).

Online: a registration whose name and date of birth the population registry confirms for
a number an unverified citizen account holds takes the number over (asked at most as
often as an account may check itself, per number). At the counter: the officer holding
the original card moves the number to the person in front of them, even from a verified
account (whoever verified it knew enough to pass the registry). Either way the holding
account is disabled — sessions ended, number and login name freed, its dossiers kept
with it — both people are told, and it is one transaction with its audit entries.
"""

from __future__ import annotations

import secrets
from datetime import date

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.accounts.tables import User
from app.audit import service as audit
from app.db import write_transaction
from app.formatting import now_utc
from app.identity import service as identity
from app.identity.logic import ANSWERED_WINDOW, Outcome, seconds_until_allowed
from app.identity.tables import NumberClaim
from app.notifications.api import Event, notify_contact, schedule_delivery
from app.notifications.config import notify_settings

CLAIM_REFUSED = (
    "Số CCCD này đã được một tài khoản chưa xác thực đăng ký. Họ tên, ngày sinh bạn nhập "
    "không khớp với Cơ sở dữ liệu quốc gia về dân cư nên chưa chuyển được số này cho bạn. "
    "Kiểm tra lại đúng như trên thẻ căn cước (cả dấu), hoặc mang thẻ đến Bộ phận Một cửa.")
CLAIM_UNANSWERED = (
    "Số CCCD này đã được một tài khoản chưa xác thực đăng ký. Chưa kết nối được Cơ sở dữ "
    "liệu quốc gia về dân cư để xác thực bạn là chủ thẻ; vui lòng thử lại sau ít phút, "
    "hoặc mang thẻ căn cước đến Bộ phận Một cửa.")


def masked(id_number: str) -> str:
    """A CCCD as messages show it: the last four digits only."""
    return "*" * 8 + id_number[-4:]


async def register_citizen(**registration) -> tuple[User, Outcome, bool]:
    """`identity.register_citizen`, and the takeover when an unverified account holds the
    number: (account, registry's answer, whether the number was taken over). Raises
    AccountError with what to do when the number stays where it is."""
    try:
        return (*await identity.register_citizen(**registration), False)
    except identity.NumberHeld as held:
        return (*await _claim(held.holder, **registration), True)


async def _claim(holder: dict, *, full_name: str, id_number: str, birth_date: date,
                 phone: str, email: str, password: str) -> tuple[User, Outcome]:
    now = now_utc()
    earlier = await NumberClaim.select(NumberClaim.checked_at, NumberClaim.outcome).where(
        (NumberClaim.id_number == id_number) & (NumberClaim.checked_at > now - ANSWERED_WINDOW))
    wait = seconds_until_allowed(
        [(row["checked_at"], Outcome(row["outcome"])) for row in earlier], now)
    if wait:
        raise accounts.AccountError(
            "Số CCCD này đã được một tài khoản chưa xác thực đăng ký và đã được thử xác thực "
            f"nhiều lần. Vui lòng thử lại sau {-(-wait // 60)} phút, hoặc mang thẻ căn cước "
            "đến Bộ phận Một cửa.")
    answer, reason = await identity.ask_registry(id_number, full_name, birth_date)
    user = None
    async with write_transaction():
        await NumberClaim(id_number=id_number, outcome=answer.outcome.value,
                          checked_at=now).save()
        if answer.outcome == Outcome.MATCH:
            await release_number(holder, why="registration confirmed by the registry",
                                 actor_id=None)
            user = await accounts.create_user(
                username=id_number, password=password, full_name=full_name,
                role=Role.CITIZEN, id_number=id_number, email=email, phone=phone)
            await identity.record_check(user.id, full_name, birth_date, answer, reason,
                                        "registration")
            await _give_number(user.id, holder, phone, email, via="registration",
                               actor_id=user.id)
        else:
            await audit.record("identity.number_claim_refused", "user", holder["id"], {
                "outcome": answer.outcome.value, "reason": reason})
    if user is None:
        raise accounts.AccountError(CLAIM_UNANSWERED if answer.outcome == Outcome.UNAVAILABLE
                                    else CLAIM_REFUSED)
    return user, answer.outcome


async def move_at_counter(officer_id: int, holder: dict, *, full_name: str,
                          birth_date: date, phone: str, email: str) -> User:
    """The officer compared the original card and the person is not the account's
    holder: the number goes to a new account of the card's owner, verified on the
    officer's word. The owner chooses a password through "Quên mật khẩu" (the code goes
    to the phone given here)."""
    async with write_transaction():
        await release_number(holder, why="counter: the card's owner is not the holder",
                             actor_id=officer_id)
        user = await identity.create_vouched_user(
            reason="counter: original CCCD card compared; number moved to its owner",
            birth_date=birth_date, username=holder["id_number"],
            password=secrets.token_urlsafe(32), full_name=full_name, role=Role.CITIZEN,
            id_number=holder["id_number"], email=email, phone=phone, actor_id=officer_id)
        await _give_number(user.id, holder, phone, email, via="counter", actor_id=officer_id)
    return user


async def release_number(holder: dict, *, why: str, actor_id: int | None) -> None:
    """Inside the caller's transaction: the holding account is disabled, its sessions end,
    its number and login name are freed (kept in the audit entry) and it is told."""
    id_number = holder["id_number"]
    await User.update({User.active: False, User.id_number: None,
                       User.username: f"{id_number}#khoa-{holder['id']}"}).where(
        User.id == holder["id"])
    await accounts.end_all_sessions(holder["id"], actor_id=actor_id)
    await audit.record("user.id_number_released", "user", holder["id"], {
        "id_number": id_number, "why": why}, actor_id=actor_id)
    await notify_contact(Event.ID_NUMBER_MOVED, phone=holder.get("phone") or None,
                         email=holder.get("email") or None,
                         values={"code": masked(id_number)}, occurrence=f"user:{holder['id']}")


async def _give_number(user_id: int, holder: dict, phone: str, email: str, *, via: str,
                       actor_id: int) -> None:
    await audit.record("user.id_number_taken_over", "user", user_id, {
        "from_user": holder["id"], "via": via}, actor_id=actor_id)
    await notify_contact(Event.ID_NUMBER_RECLAIMED, phone=phone or None, email=email or None,
                         values={"code": masked(holder["id_number"]),
                                 "link": notify_settings().public_url + "/quen-mat-khau"},
                         occurrence=f"user:{user_id}")
    schedule_delivery()

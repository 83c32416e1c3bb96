"""Sign-in throttling rules (pure: the service passes the attempts and the time).

Locking an account after a few failures lets anyone lock anyone out (staff usernames are
guessable; citizens sign in with their CCCD). Instead:

- each (account, address) pair may fail a few times freely, then waits longer after every
  further failure (30 s, 1, 2, 4, 8 min, at most 15), until it succeeds;
- the account has a ceiling of failures per hour from addresses it has not signed in from
  lately; past it, only those new addresses are refused, never the owner's usual one;
- an address failing on many accounts (password spraying) is refused for a while, except
  for accounts that signed in from it lately.

Wrong second-factor codes count exactly like wrong passwords. Every refusal says how long
to wait, in Vietnamese.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Policy:
    free_failures: int = 3
    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(minutes=15)
    pair_memory: timedelta = timedelta(hours=24)  # older failures are forgotten
    account_ceiling: int = 20  # failures from new addresses per account_window
    account_window: timedelta = timedelta(hours=1)
    address_ceiling: int = 30  # failures from one address, on any accounts
    address_window: timedelta = timedelta(minutes=15)
    known_for: timedelta = timedelta(days=30)  # a sign-in makes an address "usual"


POLICY = Policy()


@dataclass(frozen=True)
class Refusal:
    wait: timedelta
    message: str


def pair_delay(failures: int, policy: Policy = POLICY) -> timedelta:
    """How long after its last failure a pair with `failures` failures must wait."""
    if failures < policy.free_failures:
        return timedelta(0)
    doublings = min(failures - policy.free_failures, 16)
    return min(policy.first_delay * (2 ** doublings), policy.max_delay)


def ceiling_wait(failures: list[datetime], now: datetime, limit: int,
                 window: timedelta) -> timedelta:
    """`failures` (ascending, within the window): the wait until one fewer than `limit`
    remain in it; zero below the limit."""
    if len(failures) < limit:
        return timedelta(0)
    return max(failures[-limit] + window - now, timedelta(seconds=1))


def wait_text(wait: timedelta) -> str:
    """"45 giây", "2 phút" (rounded up): what a person reads on the login page."""
    seconds = max(1, int(-(-wait.total_seconds() // 1)))
    return f"{seconds} giây" if seconds < 60 else f"{-(-seconds // 60)} phút"


def refusal(*, pair_failures: list[datetime], account_failures: list[datetime],
            address_failures: list[datetime], known_address: bool, now: datetime,
            policy: Policy = POLICY) -> Refusal | None:
    """Why this attempt must wait, or None. `pair_failures`: this account from this address
    since its last sign-in; `account_failures`: this account from addresses it has not
    signed in from lately; `address_failures`: any account from this address (each list
    ascending, recent enough for its rule)."""
    if pair_failures:
        wait = pair_failures[-1] + pair_delay(len(pair_failures), policy) - now
        if wait > timedelta(0):
            return Refusal(wait, "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng chờ "
                                 f"{wait_text(wait)} rồi thử lại.")
    if known_address:
        return None
    wait = ceiling_wait(account_failures, now, policy.account_ceiling, policy.account_window)
    if wait:
        return Refusal(wait, "Tài khoản này đang bị thử mật khẩu từ nhiều nơi nên tạm thời "
                             "không đăng nhập được từ thiết bị hoặc mạng mới. Vui lòng thử "
                             f"lại sau {wait_text(wait)}, hoặc đăng nhập từ nơi bạn thường "
                             "đăng nhập.")
    wait = ceiling_wait(address_failures, now, policy.address_ceiling, policy.address_window)
    if wait:
        return Refusal(wait, "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này. Vui lòng "
                             f"thử lại sau {wait_text(wait)}.")
    return None

"""Pure rules of "Quên mật khẩu": the one-time code, its hash, its life and the limits.
No I/O; the service passes the time and the counts.

A six-digit code has a million values: five tries per code, and at most three codes an
hour and six a day for one account name (whatever the address), leave a guesser thirty
tries a day — about one chance in 33,000. Thirty requests an hour from one address stop
anyone spraying codes (and SMS costs) over many accounts while a carrier's shared
address still serves a district. Someone can use up an account's codes for the day; its
owner then goes to the counter (or waits), which is the price of the ceiling.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
LIMIT_WINDOW = timedelta(hours=1)
DAY_WINDOW = timedelta(days=1)
CODES_PER_IDENTIFIER = 3
CODES_PER_IDENTIFIER_DAY = 6
REQUESTS_PER_ADDRESS = 30


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def code_digest(key: str, token_hash: str, code: str) -> str:
    """What is stored for a code: keyed and tied to its request, so a copy of the table
    does not give the codes away by trying the million values."""
    return hmac.new(key.encode(), f"{token_hash}:{code}".encode(), hashlib.sha256).hexdigest()


def identifier_key(typed: str) -> str:
    """The account name as typed, the way the login reads it (CCCD, tax code, username)."""
    return typed.strip().lower()[:120]


def limit_problem(recent_for_identifier: int, today_for_identifier: int,
                  recent_for_address: int) -> str | None:
    """Why no new code is sent now (Vietnamese), or None: counts of the last hour and of
    the last day. The same answer whether the account exists or not."""
    if today_for_identifier >= CODES_PER_IDENTIFIER_DAY:
        return ("Đã gửi mã cho tài khoản này nhiều lần trong ngày. Vui lòng dùng mã đã nhận, "
                "thử lại vào ngày mai, hoặc mang thẻ căn cước đến Bộ phận Một cửa.")
    if recent_for_identifier >= CODES_PER_IDENTIFIER:
        return ("Đã gửi mã cho tài khoản này nhiều lần trong một giờ. Vui lòng dùng mã đã "
                "nhận, hoặc thử lại sau một giờ.")
    if recent_for_address >= REQUESTS_PER_ADDRESS:
        return "Có quá nhiều yêu cầu từ địa chỉ này. Vui lòng thử lại sau một giờ."
    return None


def code_problem(expires_at: datetime, used_at: datetime | None, attempts: int,
                 now: datetime) -> str | None:
    """Why this request's code can no longer be used (Vietnamese), or None."""
    if used_at is not None:
        return "Mã này đã được dùng. Nếu cần, hãy yêu cầu mã mới."
    if now >= expires_at:
        return "Mã đã hết hạn (sau 10 phút). Hãy yêu cầu mã mới."
    if attempts >= MAX_ATTEMPTS:
        return "Nhập sai mã quá nhiều lần. Hãy yêu cầu mã mới."
    return None


def code_matches(stored: str, key: str, token_hash: str, typed: str) -> bool:
    digits = "".join(ch for ch in typed if ch in "0123456789")
    return hmac.compare_digest(stored, code_digest(key, token_hash, digits))

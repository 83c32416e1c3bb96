"""One limit on proving "dossier code + last four digits of the phone or ID number".

Every way of proving it goes through `attempt`: the public lookup (/tra-cuu), the kiosk's
GET and POST, the SMS lookup and the rating links (which carry a token instead of a code,
so only their source counts). A failure is counted against the **code** and against the
**source** (network address, or the sender's phone for SMS):

- per code: a few wrong digits slow that code for everyone, wherever they come from, so
  guessing one dossier's digits from many addresses takes months instead of seconds;
- per source: a sweep over many codes from one address is slowed too, but the bar is high,
  so careless people behind one carrier address (each stopped by their own code's limit
  long before) never lock out the others there.

A refused attempt is not counted again, and is refused before the database is asked, so the
answer does not depend on whether the digits were right. Badly formed input (no code, not
four digits) proves nothing and is neither asked nor counted. Sources are keyed in one
place (`_limits`); a benchmark's own addresses (MOTCUA_BENCH_EXEMPT_ADDRESSES, refused in
production) are neither refused nor counted there, so `bench/load.py` measures lookups.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from functools import cache
from typing import TypeVar

from app.settings import get_settings
from app.web.ratelimit import address_key, limiter

T = TypeVar("T")

PER_CODE = limiter(5, 15 * 60)
PER_CODE_DAILY = limiter(20, 24 * 3600)
PER_SOURCE = limiter(50, 10 * 60)


class LookupThrottled(Exception):
    """Too many failures for this code or from this source; `seconds` until the next try."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds

    @property
    def minutes(self) -> int:
        return -(-self.seconds // 60)


# What `str.isalnum()` refuses: \w is exactly isalnum() and the underscore (re docs), so
# one substitution in C replaces a Python loop over the code's characters.
_NOT_ALNUM = re.compile(r"[\W_]+")


def code_key(code: str) -> str:
    """One key per dossier however its code was typed (case, dots, spaces)."""
    return _NOT_ALNUM.sub("", code.upper())


def well_formed(code: str, digits: str) -> bool:
    """Something that could be a code (however spelled: `prove` decides which dossier it
    names) and exactly four digits."""
    digits = digits.strip()
    return 10 <= len(code_key(code)) <= 60 and len(digits) == 4 and digits.isascii() \
        and digits.isdigit()


@cache
def _exempt_keys(addresses: frozenset[str]) -> frozenset[str]:
    return frozenset(address_key(address) for address in addresses)


def exempt(source: str) -> bool:
    """A benchmark's source address (a test-only setting; never in production)."""
    return _exempt_key(address_key(source))


def _exempt_key(source_key: str) -> bool:
    addresses = get_settings().bench_exempt_addresses
    return bool(addresses) and source_key in _exempt_keys(addresses)


def _limits(code: str | None, source: str):
    source_key = address_key(source)  # parsed once: it is most of this function's time
    if _exempt_key(source_key):
        return []
    keys = [(PER_SOURCE, f"source:{source_key}")]
    if code is not None:
        keys += [(limit, f"code:{code_key(code)}") for limit in (PER_CODE, PER_CODE_DAILY)]
    return keys


def wait_seconds(source: str, code: str | None = None, now: float | None = None) -> int:
    """Seconds before this source (and code) may try again; 0 when it may now."""
    now = time.time() if now is None else now
    return max((limit.retry_after(key, now) for limit, key in _limits(code, source)),
               default=0)


async def attempt(source: str, prove: Callable[[], Awaitable[T | None]], *,
                  code: str | None = None, digits: str = "") -> T | None:
    """`prove()`'s answer (None: not proven, counted as a failure of the code and the
    source), or LookupThrottled before anything is asked. With a `code`, badly formed
    input gives None without asking or counting."""
    if code is not None and not well_formed(code, digits):
        return None
    now = time.time()
    if seconds := wait_seconds(source, code, now):
        raise LookupThrottled(seconds)
    found = await prove()
    if found is None:
        for limit, key in _limits(code, source):
            limit.hit(key, now)
    return found

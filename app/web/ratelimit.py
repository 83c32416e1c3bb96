"""Failure limits: a small interface, its in-process implementation, and the address key.

Only *failures* are counted (a wrong code, a bad signature), so honest use is never
stopped. Callers pass the time, so the rules are tested without sleeping. One VM runs one
web process, so memory is the right store there; when several processes serve,
`MOTCUA_CACHE_URL=redis://…` makes `limiter()` hand out `RedisLimiter`s
(app/web/redis_ratelimit.py) that every process and machine share. Shared limits need
one clock: callers pass the wall clock (`time.time()`), not a process's monotonic one.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from collections import deque
from functools import lru_cache
from typing import Protocol


class Limiter(Protocol):
    """At most `limit` failures per key within `window` seconds."""

    limit: int
    window: float

    def blocked(self, key: str, now: float) -> bool: ...

    def hit(self, key: str, now: float) -> None: ...

    def retry_after(self, key: str, now: float) -> int: ...

    def clear(self) -> None: ...

    def keys_counted(self) -> int:
        """How many keys have failures on record (expired ones may still count until the
        key is next read); tests use it to prove nothing was counted."""
        ...


class SlidingWindowLimiter:
    def __init__(self, limit: int, window_seconds: float, max_keys: int = 100_000):
        self.limit = limit
        self.window = window_seconds
        self.max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.get(key)
        if hits is None:
            return deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if not hits:
            del self._hits[key]
        return hits

    def blocked(self, key: str, now: float) -> bool:
        return len(self._recent(key, now)) >= self.limit

    def hit(self, key: str, now: float) -> None:
        if key not in self._hits and len(self._hits) >= self.max_keys:
            # Bounded memory: forget the oldest key rather than grow without end.
            self._hits.pop(next(iter(self._hits)))
        self._recent(key, now)
        self._hits.setdefault(key, deque()).append(now)

    def retry_after(self, key: str, now: float) -> int:
        """Seconds until the key may fail again (when the oldest failure in the way leaves
        the window); 0 when it is not blocked."""
        hits = self._recent(key, now)
        if len(hits) < self.limit:
            return 0
        return max(1, int(hits[-self.limit] + self.window - now) + 1)

    def clear(self) -> None:
        self._hits.clear()

    def keys_counted(self) -> int:
        return len(self._hits)


_MADE: list[Limiter] = []


def limiter(limit: int, window_seconds: float, name: str | None = None) -> Limiter:
    """A new limiter of the configured kind: in this process's memory, or in Redis when
    MOTCUA_CACHE_URL names one. The shared name defaults to the calling module and the
    numbers, the same in every process."""
    url = os.environ.get("MOTCUA_CACHE_URL", "")
    if url:
        from app.web.redis_ratelimit import RedisLimiter

        caller = sys._getframe(1).f_globals.get("__name__", "app")
        made: Limiter = RedisLimiter(url, name or f"{caller}:{limit}/{window_seconds:g}",
                                     limit, window_seconds)
    else:
        made = SlidingWindowLimiter(limit, window_seconds)
    _MADE.append(made)
    return made


def clear_all() -> None:
    """Forget every failure counted in this process (tests start from nothing)."""
    for made in _MADE:
        made.clear()


# Parsing an address is ~2.4 µs and every limited request (a lookup: once to ask, once
# more on a failure) keys its source: a bounded cache of the addresses seen lately.
@lru_cache(maxsize=4096)
def address_key(address: str) -> str:
    """The key a network address is limited by: an IPv4 address as it is, an IPv6 address
    by its /64, since one subscriber is given a whole /64 to pick addresses from."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))

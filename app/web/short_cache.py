"""Short-lived values shared by the web processes: a small interface, its in-process
implementation, and the choice between it and Redis.

Used for what is costly to make and fine to serve a little stale (the service index's
public figures) and for what must outlive one request on any process (forms kept after a
CSRF or session failure, app.web.kept_forms). One VM runs one web process, so memory is
the right store there; `MOTCUA_CACHE_URL=redis://…` (the same Redis as the shared limits,
app.web.ratelimit) gives every process and machine one store
(app.web.redis_short_cache). Callers pass the time, so expiry is tested without sleeping;
shared entries need one clock: pass the wall clock (`time.time()`), not a monotonic one.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any, Protocol

from app import settings as app_settings


class ShortCache(Protocol):
    """Values by string key, each with its own life in seconds."""

    def get(self, key: str, now: float) -> Any | None: ...

    def put(self, key: str, value: Any, now: float, ttl: float) -> None: ...

    def delete(self, key: str) -> bool:
        """Remove the entry; True for the one caller that removed it (take-once)."""
        ...

    def clear(self) -> None: ...


class MemoryCache:
    """Bounded: expired entries go first, then the oldest."""

    def __init__(self, max_entries: int = 128):
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, float, Any]] = {}

    def get(self, key: str, now: float) -> Any | None:
        hit = self._entries.get(key)
        if hit is None:
            return None
        if now - hit[0] >= hit[1]:
            self._entries.pop(key, None)
            return None
        return hit[2]

    def put(self, key: str, value: Any, now: float, ttl: float) -> None:
        if len(self._entries) >= self.max_entries:
            self._entries = {k: e for k, e in self._entries.items() if now - e[0] < e[1]}
        while len(self._entries) >= self.max_entries:
            self._entries.pop(next(iter(self._entries)))
        self._entries.pop(key, None)
        self._entries[key] = (now, ttl, value)

    def delete(self, key: str) -> bool:
        return self._entries.pop(key, None) is not None

    def clear(self) -> None:
        self._entries.clear()


_MADE: list[ShortCache] = []


def short_cache(name: str, max_entries: int = 128) -> ShortCache:
    """A new cache of the configured kind: this process's memory (bounded to
    `max_entries`), or Redis under `name` when MOTCUA_CACHE_URL names one (bounded by the
    entries' lives)."""
    url = os.environ.get("MOTCUA_CACHE_URL", "")
    if url:
        from app.web.redis_short_cache import RedisCache

        made: ShortCache = RedisCache(url, name)
    else:
        made = MemoryCache(max_entries)
    _MADE.append(made)
    return made


def memory_cache(max_entries: int = 128) -> MemoryCache:
    """A cache in this process's memory whatever is configured: for values each process
    may hold its own copy of, where a round trip to Redis would cost more than making
    them."""
    made = MemoryCache(max_entries)
    _MADE.append(made)
    return made


def clear_all() -> None:
    """Forget every entry of every cache made in this process (tests start from nothing)."""
    for made in _MADE:
        made.clear()


def database_key(*parts: Any) -> str:
    """A key for a value read from this deployment's database: the URL is part of it (tests
    and deployments sharing a Redis never see each other's values) and hashed (a shared
    cache never holds a password), once per URL: the lookup asks for a key on every
    request, and hashing there was 3 % of its CPU (issue #21). The settings module is
    imported with this one: a `from … import` here cost ~1 µs a call."""
    return f"{_database_digest(app_settings.get_settings().database_url)}:{parts!r}"


@lru_cache(maxsize=16)
def _database_digest(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


async def kept(cache: ShortCache, key: str, make: Callable[[], Awaitable[Any]], *,
               now: float, ttl: float) -> Any:
    """The value under `key`, made (and kept `ttl` seconds) when absent or expired."""
    value = cache.get(key, now)
    if value is None:
        value = await make()
        cache.put(key, value, now, ttl)
    return value

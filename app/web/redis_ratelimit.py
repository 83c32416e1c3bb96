"""Failure limits shared by every web process and machine: the `Limiter` interface of
app.web.ratelimit over Redis (MOTCUA_CACHE_URL).

One sorted set per limiter and key, scored by the failure's time: old failures are
trimmed on every use and the set expires with its window, so memory stays bounded
without the in-process limiter's key cap. Each call is one round trip (a pipeline).
"""

from __future__ import annotations

import uuid

import redis

PREFIX = "motcua:limit:"
_CLIENTS: dict[str, redis.Redis] = {}


def client(url: str) -> redis.Redis:
    """One connection pool per URL and process (redis-py's pool is thread-safe)."""
    if url not in _CLIENTS:
        _CLIENTS[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return _CLIENTS[url]


class RedisLimiter:
    def __init__(self, url: str, name: str, limit: int, window_seconds: float):
        self.url = url
        self.name = name
        self.limit = limit
        self.window = window_seconds

    def _key(self, key: str) -> str:
        return f"{PREFIX}{self.name}:{key}"

    def _recent(self, key: str, now: float) -> list[float]:
        pipe = client(self.url).pipeline()
        pipe.zremrangebyscore(self._key(key), "-inf", now - self.window)
        pipe.zrange(self._key(key), 0, -1, withscores=True)
        return [score for _, score in pipe.execute()[1]]

    def blocked(self, key: str, now: float) -> bool:
        return len(self._recent(key, now)) >= self.limit

    def hit(self, key: str, now: float) -> None:
        pipe = client(self.url).pipeline()
        pipe.zremrangebyscore(self._key(key), "-inf", now - self.window)
        pipe.zadd(self._key(key), {f"{now!r}:{uuid.uuid4().hex[:8]}": now})
        pipe.expire(self._key(key), int(self.window) + 1)
        pipe.execute()

    def retry_after(self, key: str, now: float) -> int:
        hits = self._recent(key, now)
        if len(hits) < self.limit:
            return 0
        return max(1, int(hits[-self.limit] + self.window - now) + 1)

    def keys_counted(self) -> int:
        return len(keys_under(self.url, f"{PREFIX}{self.name}:"))

    def clear(self) -> None:
        delete_under(self.url, f"{PREFIX}{self.name}:")


def keys_under(url: str, prefix: str) -> list:
    """Every key starting with `prefix` (SCAN, so Redis is never blocked as by KEYS)."""
    return list(client(url).scan_iter(match=f"{prefix}*", count=500))


def delete_under(url: str, prefix: str) -> None:
    """Delete every key starting with `prefix` (a limiter's or a cache's whole name)."""
    keys = keys_under(url, prefix)
    if keys:
        client(url).delete(*keys)

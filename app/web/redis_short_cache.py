"""Short-lived values shared by every web process and machine: the `ShortCache`
interface of app.web.short_cache over Redis (MOTCUA_CACHE_URL).

Each entry is one Redis string holding its time of writing, its life and the pickled
value, written with Redis's own expiry (a little longer than the life) so memory is freed
without a sweep; reads judge the age by the caller's clock as the in-process cache does.
Values are pickled: the cache holds only what the app itself wrote, in the deployment's
own Redis (the same trust as its database), never anything a visitor sends as bytes.
"""

from __future__ import annotations

import math
import pickle
from typing import Any

from app.web.redis_ratelimit import client, delete_under

PREFIX = "motcua:cache:"


class RedisCache:
    def __init__(self, url: str, name: str):
        self.url = url
        self.name = name

    def _key(self, key: str) -> str:
        return f"{PREFIX}{self.name}:{key}"

    def get(self, key: str, now: float) -> Any | None:
        raw = client(self.url).get(self._key(key))
        if raw is None:
            return None
        written, ttl, value = pickle.loads(raw)  # noqa: S301 - written by this app only
        return value if now - written < ttl else None

    def put(self, key: str, value: Any, now: float, ttl: float) -> None:
        data = pickle.dumps((now, ttl, value), protocol=pickle.HIGHEST_PROTOCOL)
        client(self.url).set(self._key(key), data, ex=max(1, math.ceil(ttl)) + 1)

    def delete(self, key: str) -> bool:
        return client(self.url).delete(self._key(key)) == 1

    def clear(self) -> None:
        delete_under(self.url, f"{PREFIX}{self.name}:")

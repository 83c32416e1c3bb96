"""A sliding-window limiter kept in the web process's memory. Pure: the caller passes the
time, so it is tested without sleeping.

Used for the public lookup: only *failed* lookups count, so a family checking its own
dossiers from one village's shared connection is never stopped, while someone walking
through codes is. One VM runs one web process, so memory is the right place; several
processes would each keep their own window (a stricter shared store can replace this).
"""

from __future__ import annotations

from collections import deque


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
        hits = self._recent(key, now)
        return 0 if not hits else max(1, int(hits[0] + self.window - now) + 1)

    def clear(self) -> None:
        self._hits.clear()

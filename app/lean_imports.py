"""Keep the database and queue drivers this deployment does not use out of its processes.

Two libraries import a driver at module level whether or not it is used: Huey's storage
module imports `redis` (~8 MB resident, for RedisHuey) and Piccolo's query strings import
`asyncpg` (~3 MB, for PostgreSQL). A deployment on SQLite with Huey on SQLite and no shared
cache needs neither, so those two modules are imported once with the unused driver marked
absent (both libraries then fall back, as when the driver is not installed), and the mark
is removed at once: any later `import redis` works as usual. Done in `app/__init__.py`,
before anything imports Huey or Piccolo (issue #21: the web process's RSS).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# Module -> the driver it imports at load time.
DRIVER_IMPORTERS = {"huey.storage": "redis", "piccolo.querystring": "asyncpg"}


def unused_drivers(environ=os.environ) -> set[str]:
    """Drivers no configured service needs (settings read as app.settings reads them)."""
    unused = set()
    if not environ.get("MOTCUA_DATABASE_URL", "").startswith("postgres"):
        unused.add("asyncpg")
    if not (environ.get("MOTCUA_HUEY_URL") or environ.get("MOTCUA_CACHE_URL")):
        unused.add("redis")
    return unused


@contextmanager
def absent(names: set[str]) -> Iterator[None]:
    """While inside, importing any of `names` fails as if it were not installed."""
    marked = [name for name in names if name not in sys.modules]
    for name in marked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in marked:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]


def import_without_unused_drivers() -> None:
    unused = unused_drivers()
    with absent(unused):
        for module, driver in DRIVER_IMPORTERS.items():
            if driver in unused:
                importlib.import_module(module)

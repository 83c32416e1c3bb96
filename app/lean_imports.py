"""Keep the database and queue drivers this deployment does not use out of its processes.

Two libraries import a driver at module level whether or not it is used: Huey's storage
module imports `redis` (~8 MB resident, for PriorityRedisHuey) and Piccolo's query strings import
`asyncpg` (~3 MB, for PostgreSQL). A deployment on SQLite with Huey on SQLite and no shared
cache needs neither, so those two modules are imported once with the unused driver marked
absent (both libraries then fall back, as when the driver is not installed), and the mark
is removed at once: any later `import redis` works as usual. Done in `app/__init__.py`,
before anything imports Huey or Piccolo (issue #21: the web process's RSS).

One more library is loaded by a dependency but used only by commands our processes never
run: Piccolo's app registry imports `black` (~7 MB resident) to format the files
`piccolo migrations new` writes. It is a compiled extension, which importlib's LazyLoader
cannot defer, so a stand-in module takes its place and imports it at the first attribute
anyone reads from it. And httpx loads its command-line client (`httpx._main`: rich and
pygments, ~4 MB) when it is imported, if they are installed; it is imported with that
module marked absent, as httpx installed without its `cli` extra is.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager

# Module -> the driver it imports at load time.
DRIVER_IMPORTERS = {"huey.storage": "redis", "piccolo.querystring": "asyncpg"}
# Imported by a dependency at load time, used only when writing migration files.
DEFERRED = ("black",)
# Installed (Piccolo depends on it) but used by none of our handlers: Litestar adds its
# pydantic plugins whenever it can import pydantic (~8 MB resident with pydantic-core), so
# the app is built with it marked absent (app.main).
UNUSED_BY_HANDLERS = {"pydantic"}
# Library -> its command-line client, which it imports at load time if it can.
COMMAND_LINE_CLIENTS = {"httpx": "httpx._main"}


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


class DeferredModule(types.ModuleType):
    """Stands in `sys.modules` for a library until someone reads one of its attributes:
    then the library is imported for real (replacing the stand-in there) and the attribute
    is read from it, as it is for every later read through a reference to the stand-in."""

    def __getattr__(self, attribute: str):
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attribute)


def defer(name: str) -> None:
    if name not in sys.modules and importlib.util.find_spec(name) is not None:
        sys.modules[name] = DeferredModule(name)


def import_without_unused_drivers() -> None:
    for name in DEFERRED:
        defer(name)
    for library, client in COMMAND_LINE_CLIENTS.items():
        with absent({client}):
            importlib.import_module(library)
    unused = unused_drivers()
    with absent(unused):
        for module, driver in DRIVER_IMPORTERS.items():
            if driver in unused:
                importlib.import_module(module)

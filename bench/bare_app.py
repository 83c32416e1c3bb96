"""The framework's own ceiling for bench/load.py: one Litestar route returning a constant.

No database, templates, middleware or compression, so the gap between this and a real page
is everything the page adds on top of Litestar and uvicorn. Served with the same uvicorn
command line as the app: `uvicorn bare_app:create_app --factory --app-dir bench ...`.
"""

from __future__ import annotations

from litestar import Litestar, get


@get("/", sync_to_thread=False)
def index() -> str:
    # sync_to_thread=False: a constant needs no thread pool, and a thread hop would lower
    # the ceiling below what the framework itself can do.
    return "ok"


def create_app() -> Litestar:
    return Litestar(route_handlers=[index])

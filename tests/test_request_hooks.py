"""No request pays for a thread hop in the framework's hooks (issue #21).

Litestar wraps every plain-function guard, `before_request`/`after_request`/`after_response`
hook, `before_send` hook and dependency in `AsyncCallable`, which runs it in the thread pool
on every request: ~0.3 ms of CPU and a wake-up of a worker thread for a check of a few
microseconds. Every one of ours is a coroutine; this walks the whole app so a new plain
function guard is caught here, not in a profile.
"""

from __future__ import annotations

import pytest
from litestar.utils.sync import AsyncCallable

from app.accounts.roles import Role
from app.main import create_app
from app.web.auth import requires_applicant, requires_login, requires_roles, requires_staff


def _threaded(handler) -> list[str]:
    found = []
    for layer in handler.ownership_layers:
        for hook in ("before_request", "after_request", "after_response"):
            if isinstance(getattr(layer, hook, None), AsyncCallable):
                found.append(f"{hook} of {layer}")
        for name, provider in (getattr(layer, "dependencies", None) or {}).items():
            if isinstance(getattr(provider, "dependency", None), AsyncCallable):
                found.append(f"dependency {name!r} of {layer}")
    found += [f"guard {g.func.__qualname__}" for g in handler.resolve_guards()
              if isinstance(g, AsyncCallable)]
    return found


def test_no_guard_hook_or_dependency_of_any_route_runs_in_a_thread(db):
    app = create_app()
    handlers = [h for route in app.routes for h in getattr(route, "route_handlers", ())]
    assert len(handlers) > 100  # the walk saw the whole app, not an empty list
    threaded = {f"{h.handler_name}: {what}" for h in handlers for what in _threaded(h)}
    threaded |= {f"before_send {h.func.__qualname__}" for h in app.before_send
                 if isinstance(h, AsyncCallable)}
    assert not threaded, sorted(threaded)


def test_the_walk_would_see_a_plain_function_guard():
    """The check above can fail: a plain function guard is wrapped for a thread."""
    from litestar import get
    from litestar.handlers.base import BaseRouteHandler

    def plain(connection, handler: BaseRouteHandler) -> None:
        return None

    @get("/x", guards=[plain], sync_to_thread=False)
    def handler() -> None:
        return None

    assert any(isinstance(g, AsyncCallable) for g in handler.resolve_guards())


class _Connection:
    def __init__(self, user):
        self.scope = {"user": user}


class _User:
    def __init__(self, role, is_staff):
        self.role, self.is_staff = role, is_staff


@pytest.mark.anyio
@pytest.mark.parametrize("guard, user, allowed", [
    (requires_login, None, False),
    (requires_login, _User(Role.HANDLER, True), True),
    (requires_staff, _User(Role.HANDLER, True), True),
    (requires_staff, _User(None, False), False),
    (requires_applicant, _User(None, False), True),
    (requires_applicant, _User(Role.HANDLER, True), False),
    (requires_roles(Role.LEADER), _User(Role.HANDLER, True), False),
    (requires_roles(Role.LEADER), _User(Role.LEADER, True), True),
])
async def test_the_guards_as_coroutines_still_refuse(guard, user, allowed):
    from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
    if allowed:
        assert await guard(_Connection(user), None) is None
    else:
        with pytest.raises((NotAuthorizedException, PermissionDeniedException)):
            await guard(_Connection(user), None)


# Libraries only jobs and rare pages use: imported where used, not when the web process
# starts (pikepdf alone holds ~6 MB; bench/RESULTS.md, issue #21).
NOT_AT_START_UP = ("pikepdf", "weasyprint", "openpyxl", "boto3", "pypdf")
# Drivers of services a deployment on SQLite alone does not use (app.lean_imports):
# redis ~8 MB (Huey's storage module), asyncpg ~3 MB (Piccolo's query strings).
SERVICE_URLS = ("MOTCUA_DATABASE_URL", "MOTCUA_HUEY_URL", "MOTCUA_CACHE_URL")


def _start_up_probe(tmp_path, code: str, **settings: str) -> str:
    import os
    import subprocess
    import sys

    env = {name: value for name, value in os.environ.items() if name not in SERVICE_URLS}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**env, "MOTCUA_VAR_DIR": str(tmp_path), **settings},
                          timeout=120, check=True)
    return done.stdout.rstrip("\n")


def test_the_web_process_starts_without_the_libraries_of_jobs_and_rare_pages(tmp_path):
    libraries = (*NOT_AT_START_UP, "redis", "asyncpg")
    probe = ("import sys; from app.main import create_app; create_app(); "
             "from app.tasks import huey; import piccolo_conf; "
             f"print(','.join(m for m in {libraries!r} if m in sys.modules)); "
             "import redis, asyncpg; "
             "print(type(huey.storage).__name__, piccolo_conf.DB.engine_type)")
    # Both drivers still import later (the shared cache's and limits' modules import redis
    # when MOTCUA_CACHE_URL is set); Huey and Piccolo work on SQLite.
    assert _start_up_probe(tmp_path, probe).splitlines() == ["", "SqliteStorage sqlite"]


def test_libraries_no_process_of_ours_uses_stay_out_of_the_web_process(tmp_path):
    # Piccolo's app registry imports black when the web process starts (~7 MB); only
    # `piccolo migrations new` and its like read from it, and then it works as imported.
    # httpx imports its own command-line client (rich, pygments) if they are installed;
    # Litestar its pydantic plugins if pydantic is (a dependency of Piccolo's).
    probe = ("import sys; from app.main import create_app; create_app(); "
             "print([m for m in ('blib2to3', 'rich', 'pygments', 'pydantic') "
             "if m in sys.modules]); "
             "import httpx; print(httpx.AsyncClient.__name__, httpx.main.__module__); "
             "from piccolo.conf import apps; "
             "print(apps.black.format_str('x = ( 1 )', mode=apps.black.FileMode()).strip(), "
             "'blib2to3' in sys.modules, type(sys.modules['black']).__name__); "
             "from black import FileMode; print(FileMode is apps.black.FileMode)")
    assert _start_up_probe(tmp_path, probe).splitlines() == [
        "[]", "AsyncClient httpx", "x = 1 True module", "True"]


def test_the_api_schema_is_the_same_without_litestars_pydantic_plugins(tmp_path):
    probe = ("import hashlib, sys; {first}from app.main import create_app; "
             "from litestar.testing import TestClient; "
             "client = TestClient(create_app(), base_url='http://127.0.0.1'); "
             "answer = client.get('/api/schema/openapi.json'); "
             "print(answer.status_code, 'pydantic' in sys.modules, "
             "hashlib.sha256(answer.content).hexdigest())")
    without = _start_up_probe(tmp_path, probe.format(first="")).split()
    with_plugins = _start_up_probe(tmp_path, probe.format(first="import pydantic; ")).split()
    assert without[:2] == ["200", "False"] and with_plugins[:2] == ["200", "True"]
    assert without[2] == with_plugins[2]


def test_the_drivers_load_where_their_services_are_configured(tmp_path):
    probe = ("import sys; from app.tasks import huey; "
             "print(type(huey.storage).__name__, 'redis' in sys.modules, "
             "'asyncpg' in sys.modules)")
    assert _start_up_probe(tmp_path, probe, MOTCUA_HUEY_URL="redis://127.0.0.1:1"
                           ) == "PriorityRedisStorage True False"
    assert _start_up_probe(tmp_path, "import sys, app, huey.storage, piccolo.querystring; "
                           "print('redis' in sys.modules, "
                           "'asyncpg' in sys.modules)",
                           MOTCUA_CACHE_URL="redis://127.0.0.1:1",
                           MOTCUA_DATABASE_URL="postgresql://u@127.0.0.1:1/x") == "True True"

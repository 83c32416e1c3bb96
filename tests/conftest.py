"""Shared fixtures: a real, migrated database per test (copied from one migrated template,
so each test starts clean in milliseconds) and a Litestar test client.

The engine is SQLite unless `TEST_ENGINE=postgres`: then PostgreSQL 15 and Redis are
started on loopback for the session (tests/scratch_servers.py), each test gets its own
database made with `CREATE DATABASE … TEMPLATE`, Huey runs on Redis and the rate limiters
share Redis (`make test` runs the tests marked `engine` this way; `make test-postgres`
the whole suite)."""

from __future__ import annotations

import asyncio
import atexit
import itertools
import os
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest

# Settings are read from the environment once; point them at a scratch folder before any
# app module is imported so nothing touches the developer's var/.
# Inherited MOTCUA_* variables (a developer's shell, the Makefile) must not redirect tests.
for _name in [n for n in os.environ if n.startswith("MOTCUA_")]:
    del os.environ[_name]
_SESSION_VAR = Path(tempfile.mkdtemp(prefix="motcua-tests-"))
os.environ["MOTCUA_VAR_DIR"] = str(_SESSION_VAR)
# One fixed, ordinary moment for the whole session (a Tuesday morning in office hours, not
# near a holiday or a month's cut-off), running on from the session's start and shared
# with every server, worker and CLI the tests start: no outcome depends on the day, the
# weekday or the hour the suite runs (issue #14). TEST_CLOCK=<ISO time> pins another
# moment; TEST_CLOCK=system leaves the system clock, as `make test`'s faketime check does
# for the tests marked `clock` (scripts/faketime-check.sh).
PINNED_NOW = "2026-12-08T09:00:00+07:00"
_TEST_CLOCK = os.environ.get("TEST_CLOCK", PINNED_NOW)
if _TEST_CLOCK != "system":
    os.environ["MOTCUA_FAKE_NOW"] = _TEST_CLOCK
    os.environ["MOTCUA_FAKE_NOW_SET_AT"] = str(time.time())
# Litestar's TestClient names the host `testserver.local` (schemathesis's ASGI client
# `testserver`): configured like a deployment names its own, so the app's Host check
# stays as strict in tests as in production.
os.environ["MOTCUA_ALLOWED_HOSTS"] = "testserver.local,testserver"
# argon2 at its cheapest (test-only, refused in production; production's costs are tested in
# test_password_costs.py): ~0.2 s of CPU per hash and per sign-in otherwise, in-process and
# in the servers and CLIs the tests start.
os.environ["MOTCUA_CHEAP_PASSWORD_HASHES"] = "1"

TEST_ENGINE = os.environ.get("TEST_ENGINE", "sqlite")
if TEST_ENGINE not in {"sqlite", "postgres"}:
    raise SystemExit(f"TEST_ENGINE must be sqlite or postgres, not {TEST_ENGINE!r}")
_PG_ADMIN_URL = ""
if TEST_ENGINE == "postgres":
    from tests.scratch_servers import S3_CREDENTIALS, start_postgres, start_redis, start_s3

    _servers = [start_postgres(), start_redis(), start_s3()]
    atexit.register(lambda: [server.stop() for server in _servers])
    _PG_ADMIN_URL = _servers[0].url
    os.environ["MOTCUA_DATABASE_URL"] = _PG_ADMIN_URL.rsplit("/", 1)[0] + "/motcua_template"
    os.environ["MOTCUA_HUEY_URL"] = _servers[1].url
    os.environ["MOTCUA_CACHE_URL"] = _servers[1].url
    # Files in the S3 stand-in (each test its own prefix, see use_var_dir), as on several
    # machines; tests about the local folder itself are marked `local_files`.
    os.environ["MOTCUA_S3_ENDPOINT"] = _servers[2].url
    os.environ.update(S3_CREDENTIALS)

import piccolo_conf  # noqa: E402,F401  (registers the engine)
from app.db import get_engine  # noqa: E402
from app.settings import get_settings, load_or_create_secret  # noqa: E402
from app.system.migrations import migrate  # noqa: E402


@pytest.fixture(scope="session")
def anyio_backend():
    return "asyncio"


def admin_sql(sql: str) -> None:
    """A statement on the PostgreSQL cluster's maintenance database, from any thread (a
    browser test's thread already runs an event loop)."""
    import asyncpg

    async def execute():
        connection = await asyncpg.connect(_PG_ADMIN_URL)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    errors = []
    thread = threading.Thread(target=lambda: _collect(errors, lambda: asyncio.run(execute())))
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def _collect(errors: list, fn) -> None:
    try:
        fn()
    except Exception as error:  # noqa: BLE001 - re-raised in the caller's thread
        errors.append(error)


_DATABASE_NUMBERS = itertools.count(1)


def database_url_for(var_dir: Path, template: str | None = None) -> str:
    """The URL of a fresh database for `var_dir`, a copy of `template` (a URL this module
    gave; the migrated template by default): a copy of its file on SQLite, a new database
    made from it on PostgreSQL. A copied `template` must have no open connection."""
    if TEST_ENGINE == "sqlite":
        source = _SESSION_VAR / "template" / "motcua.db"
        if template:
            from tests.sql import execute_on

            # Fold the WAL into the main file so a plain copy carries every row.
            execute_on(template, "PRAGMA wal_checkpoint(TRUNCATE)")
            source = Path(template.removeprefix("sqlite:///"))
        shutil.copyfile(source, var_dir / "motcua.db")
        return f"sqlite:///{var_dir / 'motcua.db'}"
    source = template.rsplit("/", 1)[1] if template else "motcua_template"
    return _new_postgres_database(f'TEMPLATE "{source}"')


def empty_database_url(var_dir: Path) -> str:
    """The URL of a new, empty database for `var_dir`, for a server whose own CLI migrates
    it (`migrate`, `init`): the folder's file-to-be on SQLite, a new database on PostgreSQL."""
    if TEST_ENGINE == "sqlite":
        return f"sqlite:///{var_dir / 'motcua.db'}"
    return _new_postgres_database()


def _new_postgres_database(options: str = "") -> str:
    name = f"motcua_test_{os.getpid()}_{next(_DATABASE_NUMBERS)}"
    admin_sql(f'CREATE DATABASE "{name}" {options}')
    return _PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    """Forget a test's database (PostgreSQL keeps one per test otherwise: gigabytes)."""
    if url.startswith("postgresql://"):
        admin_sql(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def shared_services_env() -> dict[str, str]:
    """What a process started by a test needs to reach the same database, queue and
    limits as the test: the URLs on PostgreSQL runs, Huey's file on SQLite runs."""
    from app.tasks import huey

    names = ("MOTCUA_DATABASE_URL", "MOTCUA_HUEY_URL", "MOTCUA_CACHE_URL", "MOTCUA_FILES_URL",
             "MOTCUA_S3_ENDPOINT")
    env = {name: os.environ[name] for name in names if os.environ.get(name)}
    if "MOTCUA_HUEY_URL" not in env:
        env["MOTCUA_HUEY_DATABASE"] = str(huey.storage.filename)
    return env


def worker_env(**settings: str) -> dict[str, str]:
    """The environment of a Huey consumer a test starts: none of this process's MOTCUA_*
    settings except the session's clock (the worker judges "overdue" and "due" by it),
    this test's folder, the shared services, and `settings`."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("MOTCUA_") or name.startswith("MOTCUA_FAKE_NOW")}
    return env | {"MOTCUA_VAR_DIR": str(get_settings().var_dir), **shared_services_env(),
                  **settings}


@pytest.fixture(scope="session")
def migrated_template() -> Path:
    template_dir = _SESSION_VAR / "template"
    template_dir.mkdir(exist_ok=True)
    path = template_dir / "motcua.db"
    if TEST_ENGINE == "postgres":
        admin_sql("CREATE DATABASE motcua_template")
        get_engine().reconnect(os.environ["MOTCUA_DATABASE_URL"])
    else:
        get_engine().reconnect(f"sqlite:///{path}")
    asyncio.run(migrate())
    get_engine().reconnect()
    load_or_create_secret(template_dir / "secret_key")
    return path


def use_var_dir(var_dir: Path, database_url: str | None = None,
                local_files: bool = False) -> None:
    """Settings, the engine and every process started from here on use `var_dir` (and on
    PostgreSQL the test's own database and its own prefix in the S3 stand-in, unless the
    test is about the local folder)."""
    os.environ["MOTCUA_VAR_DIR"] = str(var_dir)
    if database_url is not None and TEST_ENGINE == "postgres":
        os.environ["MOTCUA_DATABASE_URL"] = database_url
    os.environ.pop("MOTCUA_FILES_URL", None)
    if TEST_ENGINE == "postgres" and not local_files:
        from tests.scratch_servers import S3_BUCKET

        os.environ["MOTCUA_FILES_URL"] = f"s3://{S3_BUCKET}/{uuid.uuid4().hex[:16]}"
    get_settings.cache_clear()
    get_engine().reconnect(get_settings().database_url)


@pytest.fixture
def db(tmp_path: Path, migrated_template: Path, request) -> Path:
    """A migrated database of this test's own, with settings pointing at tmp_path. Yields
    the SQLite file's path (on PostgreSQL a path that does not exist: tests that open the
    file are SQLite-only)."""
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    url = database_url_for(var_dir)
    # The session's signing key, so tests share one app (shared_app); each folder keeps its
    # own copy of it, mode 0600, as the app would have made.
    shutil.copy2(_SESSION_VAR / "template" / "secret_key", var_dir / "secret_key")
    use_var_dir(var_dir, url, local_files=request.node.get_closest_marker("local_files")
                is not None)
    yield var_dir / "motcua.db"
    get_engine().reconnect()
    drop_database(url)
    # The test's bucket prefix ends with it: a later test without this fixture (a drill
    # with a database of its own) must not hand it to the processes it starts.
    os.environ.pop("MOTCUA_FILES_URL", None)


def run(coro):
    """Run a coroutine from a synchronous test (fixtures that set up data)."""
    return asyncio.run(coro)


# One app per worker for every test with the same construction inputs: create_app() costs
# ~1 s of CPU (Litestar inspects ~400 handler signatures), paid by ~1,000 tests before.
_APPS: dict[tuple, object] = {}


def shared_app():
    """create_app(), built once per distinct value of what the app keeps from the settings
    when built (the CSRF secret, https, debug, the province name in templates); everything
    else (database, folders, hosts, partners, clock) it reads per request. The production
    check still runs on each test's settings, as create_app() runs it."""
    from app.main import create_app
    from app.system import production

    settings = get_settings()
    production.check(settings)
    key = (settings.secret_key, settings.https, settings.debug, settings.province_name)
    if key not in _APPS:
        _APPS[key] = create_app()
    return _APPS[key]


@pytest.fixture
def client(db):
    from litestar.testing import TestClient

    with TestClient(app=shared_app(), raise_server_exceptions=False) as test_client:
        yield test_client


def csrf_from(html: str) -> str:
    """The CSRF token rendered into a page's form (what a browser would post back)."""
    import re

    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


# Hidden fields a page's forms carry back, as a browser would send them: the dossier's
# version (stale pages are refused) and the counter's one-time reception token.
CARRIED_FIELDS = ("version", "reception_token")


def hidden_from(html: str, name: str) -> str | None:
    import re

    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    return match.group(1) if match else None


def form_fields(html: str) -> dict:
    """The CSRF token and the carried hidden fields of the page's forms."""
    fields = {"_csrf_token": csrf_from(html)}
    for name in CARRIED_FIELDS:
        value = hidden_from(html, name)
        if value is not None:
            fields[name] = value
    return fields


def post_form(client, page_url: str, action_url: str, data: dict, **kwargs):
    """GET the page (as a browser would), then POST its form with the CSRF token and the
    hidden fields the form carries."""
    return client.post(action_url, data={**form_fields(client.get(page_url).text), **data},
                       **kwargs)


def login(client, username: str, password: str):
    """Sign `client` in through the login form, as a person would; returns the response
    after redirects. Every test that needs a signed-in user goes through here, so a change
    to the login flow (a second factor, say) is made once."""
    response = post_form(client, "/dang-nhap", "/dang-nhap",
                         {"username": username, "password": password})
    assert response.status_code == 200, f"login failed for {username}: {response.status_code}"
    if response.url.path.startswith("/dang-nhap/"):
        response = pass_second_factor(client, response, username)
    return response


def pass_second_factor(client, response, username: str):
    """Staff accounts: enrol on first login (key read from the page, as a person types it)
    or enter the current code (the phone's copy of the secret is the database row)."""
    import re

    from tests.second_factor import factor_from_database, fresh_code, secret_from_enrolment_page

    if response.url.path == "/dang-nhap/thiet-lap-xac-thuc":
        code = fresh_code(secret_from_enrolment_page(response.text), None)
        token = csrf_from(response.text)
        page = client.post("/dang-nhap/thiet-lap-xac-thuc",
                           data={"code": code, "_csrf_token": token,
                                 "next": response.url.params.get("next", "")})
        assert page.status_code == 200, f"enrolment failed for {username}"
        onward = re.search(r'<a class="button" href="([^"]+)">Tiếp tục</a>', page.text)
        response = client.get(onward.group(1))
    else:
        secret, last_step = factor_from_database(get_settings().database_url, username)
        response = client.post("/dang-nhap/xac-thuc", data={
            "code": fresh_code(secret, last_step), "_csrf_token": csrf_from(response.text),
            "next": response.url.params.get("next", "")})
    assert response.status_code == 200, f"second factor failed for {username}"
    return response


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright's sync API keeps an event loop running in the
    main thread for the rest of the session, which `asyncio.run` (used by fixtures and
    database tests) refuses to run under. Within each group the `slow` ones come first: a
    40-second walk handed out last keeps one process working while the other waits."""
    items.sort(key=lambda item: (item.get_closest_marker("browser") is not None,
                                 item.get_closest_marker("slow") is None))
    if TEST_ENGINE != "sqlite":
        skip = pytest.mark.skip(reason=f"about SQLite itself; this run is on {TEST_ENGINE}")
        for item in items:
            if item.get_closest_marker("sqlite_only"):
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def _no_failures_counted():
    """Limits and counts live in the process: each test starts from nothing, whatever ran
    before."""
    from app.payments.rejects import REJECTED
    from app.web.ratelimit import clear_all

    clear_all()
    REJECTED.clear()


@pytest.fixture(autouse=True)
def _empty_task_queue():
    """Every test starts with an empty Huey queue, as a fresh deployment does: tasks an
    earlier test enqueued with no worker to run them (a file on SQLite runs, Redis on
    PostgreSQL runs, where the live server shares it) would otherwise reach the next
    consumer a test starts, which runs them on its own database. On PostgreSQL the
    digitisation walk's worker spent 220 s on such a backlog before reading its scan."""
    from app.tasks import huey

    huey.flush()


@pytest.fixture
def immediate_huey():
    """Huey in immediate mode: an enqueued task runs at once, in the calling thread."""
    from app.tasks import huey

    before = huey.immediate
    huey.immediate = True
    yield huey
    huey.immediate = before

"""CPU per request of the hot pages, public and staff, with the ASGI app called in-process.

A scratch var dir (or `--var-dir`, kept for reruns) gets `migrate`, `seed --demo` and
`seed --dossiers N`; then, in this process, an agency officer and a counter officer are
given sessions and each page is requested `--requests` times after a warm-up, best of three
rounds. The figure is `time.process_time()` per request: CPU of every thread of the
process, without sockets, a client or the rest of the machine, so it compares code on a
shared machine where requests per second do not (bench/RESULTS.md, issue #21). Run it
from two trees on the same `--var-dir` to compare them.

    .venv/bin/python bench/page_cpu.py [--dossiers 20000] [--requests 500] [--var-dir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import BROWSER, HTMX, QUERIES, lookup_requests, run_cli  # noqa: E402


def get_scope(path: str, query: str, headers: list[tuple[bytes, bytes]]) -> dict:
    """The ASGI scope of a GET from 127.0.0.1 with these headers besides Host."""
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
            "query_string": query.encode(), "root_path": "", "client": ("127.0.0.1", 1),
            "headers": [(b"host", b"127.0.0.1"), *headers],
            "server": ("127.0.0.1", 80), "state": {}}


async def status_of(app, scope: dict, on_start=None) -> int:
    """Call the ASGI app with `scope` (no body) and return the response's status;
    `on_start(message)` sees the response's start message."""
    status = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            status.append(message["status"])
            if on_start is not None:
                on_start(message)

    await app(scope, receive, send)
    return status[0]


def target(path: str, query: dict | None = None) -> tuple[str, str]:
    from urllib.parse import urlencode
    return path, urlencode(query or {})


async def staff_cookies() -> tuple[list[int], list[int], dict[str, bytes]]:
    """Open dossiers and procedures of one agency, and a session for a handler and a
    counter officer of it."""
    from app.accounts import service as accounts
    from app.accounts.roles import Role
    from app.accounts.tables import User
    from app.catalog.tables import Procedure
    from app.dossiers.logic import OPEN_STATUSES
    from app.dossiers.tables import Dossier
    from tests import factories

    open_rows = await Dossier.select(Dossier.id, Dossier.agency).where(
        Dossier.status.is_in([s.value for s in OPEN_STATUSES])).limit(400)
    agency = open_rows[0]["agency"]
    dossiers = [r["id"] for r in open_rows if r["agency"] == agency][:20]
    procedures = [r["id"] for r in await Procedure.select(Procedure.id).where(
        Procedure.agency == agency).limit(5)]
    cookies = {}
    for role in (Role.HANDLER, Role.COUNTER_OFFICER):
        user = await factories.staff(role, agency_ids=(agency,),
                                     username=f"bench.{role.value}.{os.getpid()}")
        row = await User.objects().get(User.id == user.id)
        token = await accounts.start_session(row, "127.0.0.1", "bench")
        cookies[role.value] = b"motcua_session=" + accounts.cookie_value(token).encode()
    return dossiers, procedures, cookies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--var-dir", type=Path, help="seeded once, kept (default: scratch)")
    args = parser.parse_args()
    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="motcua-cpu-", dir="/tmp"))
    env = {**os.environ, "MOTCUA_VAR_DIR": str(var_dir), "PYTHONPATH": str(ROOT),
           "MOTCUA_BENCH_EXEMPT_ADDRESSES": "127.0.0.1"}
    try:
        if not (var_dir / "motcua.db").exists():
            var_dir.mkdir(parents=True, exist_ok=True)
            run_cli(env, "migrate")
            run_cli(env, "seed", "--demo")
            run_cli(env, "seed", "--dossiers", str(args.dossiers))
        measure(env, var_dir, args.requests)
    finally:
        if args.var_dir is None:
            shutil.rmtree(var_dir, ignore_errors=True)


def measure(env: dict, var_dir: Path, count: int) -> None:
    lookups = [r.head.decode().split()[1] for r in
               lookup_requests(var_dir / "motcua.db", random.Random(1), 500)]
    os.environ.update(env)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    from app.main import create_app, freeze_startup_objects

    app = create_app()
    freeze_startup_objects()
    loop = asyncio.new_event_loop()
    dossiers, procedures, cookies = loop.run_until_complete(staff_cookies())
    browser = [(k.lower().encode(), v.encode()) for k, v in BROWSER.items()]
    htmx = [(k.lower().encode(), v.encode()) for k, v in HTMX.items()]
    pages = {
        "lookup /tra-cuu": [(t, browser, None) for t in lookups],
        "search, full page": [(f"/thu-tuc?q={q.replace(' ', '+')}", browser, None)
                              for q in QUERIES],
        "search, htmx fragment": [(f"/thu-tuc?q={q.replace(' ', '+')}", htmx, None)
                                  for q in QUERIES],
        "home /": [("/", browser, None)],
        "staff queue": [("/can-bo/hang-doi", browser, cookies["handler"])],
        "staff dossier page": [(f"/can-bo/ho-so/{d}", browser, cookies["handler"])
                               for d in dossiers],
        "counter reception": [(f"/mot-cua/tiep-nhan/{p}", browser, cookies["counter_officer"])
                              for p in procedures],
    }
    csrf: list[tuple[bytes, bytes]] = []

    async def call(url: str, headers: list, session: bytes | None) -> int:
        path, _, query = url.partition("?")
        # One Cookie header, as browsers send: the CSRF cookie and the session.
        jar = b"; ".join([*(value for _, value in csrf), *([session] if session else [])])
        extra = [(b"cookie", jar)] if jar else []
        scope = get_scope(path, query, [*headers, *extra])

        def keep_csrf(message) -> None:
            for name, value in message.get("headers", ()) if not csrf else ():
                if name == b"set-cookie" and value.startswith(b"motcua_csrf="):
                    csrf.append((b"cookie", value.split(b";", 1)[0]))

        return await status_of(app, scope, keep_csrf)

    async def batch(plan: list) -> float:
        started = time.process_time()
        for i in range(count):
            status = await call(*plan[i % len(plan)])
            if status not in ((200, 404) if plan is pages["lookup /tra-cuu"] else (200,)):
                raise SystemExit(f"{plan[i % len(plan)][0]} answered {status}")
        return time.process_time() - started

    print(f"\n{count} requests per page, best of 3 rounds, CPU µs per request "
          f"(load average {os.getloadavg()[0]:.1f})\n\n| page | CPU µs per request |\n|---|---:|")
    for name, plan in pages.items():
        loop.run_until_complete(batch(plan))
        best = min(loop.run_until_complete(batch(plan)) for _ in range(3))
        print(f"| {name} | {best / count * 1e6:,.0f} |", flush=True)


if __name__ == "__main__":
    main()

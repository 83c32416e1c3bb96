"""Load on the public pages of the real app, as `make run` serves it, at 50 connections.

A scratch var dir under /tmp gets `python -m app migrate`, `seed --demo` and
`seed --dossiers 100000`; then the app runs under the Procfile's uvicorn command (1 worker,
`--no-access-log`) on a free 127.0.0.1 port, beside `bench/bare_app.py` (one Litestar route
returning a constant) under the same command, which is the framework's ceiling. A raw-socket
keep-alive client (bench/load_client.py) in this process sends browser-like GETs
(`Accept-Encoding: gzip, ...`, the CSRF cookie sent back after the first response):

  (a) dossier lookup  /tra-cuu?ma=CODE&so=LAST4, real codes; 80 % right digits, 20 % wrong
      (a 404 there is the expected answer and is counted apart from errors);
  (b) catalogue search /thu-tuc?q=..., Vietnamese queries typed without diacritics, as a
      full page and as the htmx fragment (HX-Request + HX-Target: search-results);
  (c) the bare Litestar route;
  (d) the home page / (one COUNT query).

The server exempts the client's address (127.0.0.1) from the lookup limiter through
MOTCUA_BENCH_EXEMPT_ADDRESSES, a test-only setting the app refuses with MOTCUA_HTTPS=1:
otherwise the 20 % wrong digits exhaust the per-source limit within a second and the lookup
scenario times 429 refusals. The run fails (exit 1, after the table) when more than 1 % of
a scenario's answers are not what that request expects, naming the statuses seen.

Each scenario: warm-up, then a fixed measured window, every loop bounded in time and count.
Client and server share the machine's cores; before each scenario the script waits (up to
--wait-quiet seconds) for other processes to go idle, and reports the CPU they used anyway.
The scratch dir is removed at the end.

    .venv/bin/python bench/load.py [--concurrency 50] [--seconds 10] [--warmup 2] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_client import Req, Run, build, fetch, load, percentile  # noqa: E402

# What Chromium sends on a navigation, minus cookies: the app must pick gzip out of it.
BROWSER = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0 Safari/537.36",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "vi-VN,vi;q=0.9,en;q=0.8",
    "Accept-Encoding": "gzip, deflate, br, zstd",
}
HTMX = {**BROWSER, "Accept": "*/*", "HX-Request": "true", "HX-Target": "search-results",
        "HX-Current-URL": "http://127.0.0.1/thu-tuc"}
# What a citizen types into the box: no diacritics, two to four words; some find nothing.
QUERIES = ["giay phep", "khai sinh", "dat dai", "ly lich tu phap", "xay dung", "ket hon",
           "ho kinh doanh", "chung thuc", "dang ky", "thuong tru", "su dung dat",
           "moi truong", "khai tu", "giay phep xay dung", "cong chung"]
SCENARIOS = {
    "a": "(a) lookup /tra-cuu (80 % right digits)",
    "b": "(b) search /thu-tuc, full page",
    "b_htmx": "(b) search /thu-tuc, htmx fragment",
    "c": "(c) bare Litestar route",
    "d": "(d) home /",
}
UVICORN = ["--factory", "--host", "127.0.0.1", "--no-access-log"]  # as in the Procfile


def run_cli(env: dict, *args: str) -> str:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    if done.returncode:
        raise RuntimeError(f"python -m app {' '.join(args)} failed:\n{done.stderr}")
    # The demo seed prints one-time passwords: keep them out of the benchmark's output.
    last = done.stdout.strip().splitlines()[-1] if "--demo" not in args else "demo loaded"
    print(f"  python -m app {' '.join(args)}: {time.perf_counter() - started:.1f} s ({last})",
          flush=True)
    return done.stdout


def lookup_requests(db: Path, rng: random.Random, count: int = 5000) -> list[Req]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT code, applicant_phone, applicant_id_number FROM dossier"
                            " ORDER BY random() LIMIT ?", (count,)).fetchall()
    conn.close()
    return lookup_plan(rows, rng)


def lookup_plan(rows: list[tuple[str, str, str]], rng: random.Random) -> list[Req]:
    """Lookups of these (code, phone, id number) dossiers: 80 % with the phone's last four
    digits (200), 20 % with four digits that match neither (404)."""
    requests = []
    for code, phone, id_number in rows:
        right = {"".join(ch for ch in v or "" if ch.isdigit())[-4:] for v in (phone, id_number)}
        if rng.random() < 0.8:
            digits, expect = "".join(ch for ch in phone if ch.isdigit())[-4:], 200
        else:
            while (digits := f"{rng.randrange(10_000):04d}") in right:
                pass
            expect = 404
        requests.append(build("/tra-cuu", {"ma": code, "so": digits}, BROWSER, expect))
    return requests


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(target: str, env: dict, log: Path, app_dir: Path | None = None):
    port = free_port()
    extra = ["--app-dir", str(app_dir)] if app_dir else []
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "uvicorn", target, *UVICORN, *extra,
                                 "--port", str(port)], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            fetch(port, build("/"), timeout=2)
            return proc, port
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{target} did not start:\n{log.read_text()}")


def proc_status(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: v.strip() for k, _, v in (line.partition(":") for line in lines)}


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    """CPU seconds all processes on the machine have used so far (every core, not idle)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def wait_quiet(limit: float) -> float:
    """Wait, at most `limit` seconds, for a second in which the machine is under 15 % of a
    core busy: the machine may be shared, and another job would take a core from the bench.
    Returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        busy = machine_busy()
        time.sleep(1.0)
        if machine_busy() - busy < 0.15:
            break
    return time.monotonic() - started


def http_stack(pid: int) -> str:
    """Which loop and parser the server really loaded: their extension modules are mapped."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    loop = "uvloop" if "/uvloop/" in maps else "asyncio"
    parser = "httptools" if "/httptools/" in maps else "h11"
    return f"{loop} + {parser}"


def preflight(ports: dict[str, int], plans: dict[str, list[Req]]) -> dict[str, str]:
    """Each scenario answers what it should before it is timed; returns the sizes seen."""
    sizes = {}
    for key, plan in plans.items():
        port = ports["c" if key == "c" else "app"]
        status, headers, body = fetch(port, plan[0])
        raw = fetch(port, Req(plan[0].head.replace(b"Accept-Encoding: gzip, deflate, br, zstd",
                                                   b"Accept-Encoding: identity"), 200))[2]
        assert status == plan[0].expect, (key, status)
        if key == "b_htmx":
            assert b"<html" not in raw and "kết quả".encode() in raw, raw[:200]
        elif key != "c":
            assert b"<html" in raw, raw[:200]
        encoding = headers.get("content-encoding", "none")
        sizes[key] = (f"{len(body):,} ({encoding})" if encoding != "none"
                      else f"{len(body):,}") + f" / {len(raw):,}"
    wrong = next(r for r in plans["a"] if r.expect == 404)
    assert fetch(ports["app"], wrong)[0] == 404
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured, per scenario")
    parser.add_argument("--warmup", type=float, default=2.0, help="per scenario")
    parser.add_argument("--wait-quiet", type=float, default=30.0, metavar="SECONDS",
                        help="per scenario, at most, for other processes to go idle")
    parser.add_argument("--profile", action="store_true",
                        help="afterwards, cProfile the lookup and search pages in-process")
    args = parser.parse_args()
    try:
        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    rng = random.Random(20261122)
    var_dir = Path(tempfile.mkdtemp(prefix="motcua-load-", dir="/tmp"))
    env = {**os.environ, "MOTCUA_VAR_DIR": str(var_dir), "PYTHONPATH": str(ROOT),
           "MOTCUA_BENCH_EXEMPT_ADDRESSES": "127.0.0.1"}
    servers = []
    try:
        print(f"scratch var dir {var_dir}", flush=True)
        run_cli(env, "migrate")
        run_cli(env, "seed", "--demo")
        run_cli(env, "seed", "--dossiers", str(args.dossiers))
        plans = {
            "a": lookup_requests(var_dir / "motcua.db", rng),
            "b": [build("/thu-tuc", {"q": q}, BROWSER) for q in QUERIES],
            "b_htmx": [build("/thu-tuc", {"q": q}, HTMX) for q in QUERIES],
            "c": [build("/", None, BROWSER)],
            "d": [build("/", None, BROWSER)],
        }
        app, app_port = start_server("app.main:create_app", env, var_dir / "app.log")
        servers.append(app)
        bare, bare_port = start_server("bare_app:create_app", env, var_dir / "bare.log",
                                       app_dir=ROOT / "bench")
        servers.append(bare)
        ports = {"app": app_port, "c": bare_port}
        sizes = preflight(ports, plans)
        idle_rss = {name: proc_status(p.pid) for name, p in (("app", app), ("c", bare))}
        results: dict[str, Run] = {}
        cpu: dict[str, float] = {}
        others: dict[str, float] = {}
        print(f"load average before the run: {os.getloadavg()[0]:.2f}", flush=True)
        for key, plan in plans.items():
            port, pid = (bare_port, bare.pid) if key == "c" else (app_port, app.pid)
            cap = int(args.seconds * 100_000)  # far above any rate here: a guard, not a limit
            waited = wait_quiet(args.wait_quiet)
            asyncio.run(load(port, plan, args.concurrency, args.warmup, cap))
            before, busy = proc_cpu(pid), machine_busy()
            results[key] = run = asyncio.run(
                load(port, plan, args.concurrency, args.seconds, cap))
            cpu[key] = (proc_cpu(pid) - before) / run.elapsed
            # Whatever else runs on the machine takes cores from both halves of the bench.
            others[key] = (machine_busy() - busy) / run.elapsed - cpu[key] - (
                run.client_cpu / run.elapsed)
            print(f"  {SCENARIOS[key]}: {run.n / run.elapsed:,.0f} req/s (waited {waited:.0f} s "
                  f"for a quiet machine; other processes used {max(0, others[key]):.0%} "
                  "of a core meanwhile)", flush=True)
        after = {name: proc_status(p.pid) for name, p in (("app", app), ("c", bare))}
        stack = {name: http_stack(p.pid) for name, p in (("app", app), ("c", bare))}
        for proc in servers:
            proc.terminate()
            proc.wait(10)
        problems = [line for line in (var_dir / "app.log").read_text().splitlines()
                    if "Traceback" in line or "ERROR" in line]
        report(args, results, cpu, others, sizes, idle_rss, after, stack, problems)
        wrong = wrong_answers(results)
        if args.profile and not wrong:
            profile(env, plans)
        if wrong:
            sys.exit("\nFAILED: these scenarios did not measure their page:\n  "
                     + "\n  ".join(wrong))
    finally:
        for proc in servers:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        shutil.rmtree(var_dir, ignore_errors=True)


def wrong_answers(results: dict[str, Run], tolerance: float = 0.01) -> list[str]:
    """Scenarios where more than `tolerance` of the answers were not the expected status
    (a lookup answered 429 by the limiter measures the limiter, not the lookup)."""
    wrong = []
    for key, run in results.items():
        if run.n == 0 or run.errors > tolerance * run.n:
            seen = ", ".join(f"{status}: {count:,}" for status, count in
                             sorted(run.statuses.items()))
            refused = run.statuses.get(429, 0)
            wrong.append(f"{SCENARIOS[key]}: {run.errors:,} of {run.n:,} answers unexpected "
                         f"({seen}){'; 429 is the lookup limiter refusing' if refused else ''}")
    return wrong


def report(args, results, cpu, others, sizes, idle_rss, after, stack, problems) -> None:
    print(f"\nuvicorn, 1 worker each: app on {stack['app']}, bare on {stack['c']}; "
          f"{os.cpu_count()} CPUs shared by client and server; {args.concurrency} keep-alive "
          f"connections; {args.warmup:g} s warm-up + {args.seconds:g} s per scenario; "
          f"{args.dossiers:,} dossiers\n")
    print("| scenario | requests/s | p50 ms | p95 ms | p99 ms | 2xx | expected 404 | errors "
          "| body bytes, wire / uncompressed | vs (c) | server CPU | client CPU | other CPU "
          "| requests per server CPU-second | vs (c), per CPU-second |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    ceiling = results["c"].n / results["c"].elapsed
    # On a shared machine the server may get only part of a core: requests per second of
    # the server's own CPU compare the code, whatever share of the machine it was given.
    per_cpu = {key: r.n / r.elapsed / max(cpu[key], 0.01) for key, r in results.items()}
    for key, label in SCENARIOS.items():
        r = results[key]
        lat = sorted(r.latencies)
        rate = r.n / r.elapsed
        ms = [f"{percentile(lat, p) * 1000:.1f}" for p in (0.5, 0.95, 0.99)]
        print(f"| {label} | {rate:,.0f} | {' | '.join(ms)} | {r.ok:,} | {r.expected_404:,} | "
              f"{r.errors} | {sizes[key]} (mean {r.body_bytes / r.n:,.0f}) | "
              f"{rate / ceiling:.2f} | {cpu[key]:.0%} | {r.client_cpu / r.elapsed:.0%} | "
              f"{max(0.0, others[key]):.0%} | {per_cpu[key]:,.0f} | "
              f"{per_cpu[key] / per_cpu['c']:.2f} |")
    print("\nbody bytes: first request of the scenario as sent (encoding) / with "
          "Accept-Encoding: identity; mean over the run on the wire. CPU columns: share of "
          "one core; other = every other process on the machine.")
    for name, label in (("app", "app"), ("c", "bare app")):
        print(f"{label} RSS: {idle_rss[name]['VmRSS']} after start (peak "
              f"{idle_rss[name]['VmHWM']}), {after[name]['VmRSS']} after the load (peak "
              f"{after[name]['VmHWM']})")
    print(f"server log lines with Traceback/ERROR: {len(problems)}")
    for line in problems[:5]:
        print("  ", line)


# Parts of a request under cProfile, by (file suffix, function): their cumulative time.
PARTS = {
    "handler": (("app/routes/public.py", "lookup"), ("app/routes/public.py", "search"),
                ("app/routes/public.py", "home")),
    "compile": (("piccolo/query/base.py", "querystrings"),),
    "sqlite": (("app/db.py", "run_querystring"),),
    "render": (("jinja2/environment.py", "render"),),
    "response": (("litestar/response/template.py", "to_asgi_response"),),
    "gzip": (("litestar/middleware/compression/middleware.py", "send_wrapper"),),
    "total": (("litestar/app.py", "__call__"),),
}


def profile(env: dict, plans: dict[str, list[Req]], count: int = 1000) -> None:
    """Where a request's time goes inside the app: the ASGI app called directly, no socket,
    so neither uvicorn nor the client is in the numbers."""
    import cProfile
    import pstats

    os.environ.update(env)  # the app reads its settings (scratch var dir) at import
    sys.path.insert(0, str(ROOT))
    from app.main import create_app

    app = create_app()
    cookie: list[tuple[bytes, bytes]] = []

    async def call(req: Req) -> None:
        lines = req.head.decode().split("\r\n")
        target = lines[0].split()[1]
        path, _, query = target.partition("?")
        headers = [(k.strip().lower().encode(), v.strip().encode())
                   for k, _, v in (line.partition(":") for line in lines[1:] if line)]
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
                 "query_string": query.encode(), "root_path": "", "headers": headers + cookie,
                 "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80), "state": {}}

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            # Send the CSRF cookie back from then on, as the load client and browsers do.
            for name, value in message.get("headers", ()) if not cookie else ():
                if name.lower() == b"set-cookie":
                    cookie.append((b"cookie", value.split(b";", 1)[0]))

        await app(scope, receive, send)

    async def batch(plan: list[Req]) -> float:
        started = time.perf_counter()
        for i in range(count):
            await call(plan[i % len(plan)])
        return time.perf_counter() - started

    print(f"\nIn-process, {count} requests per page, µs per request; the parts are measured "
          "under cProfile, which inflates Python-heavy parts, so read them as shares.\n")
    print("| page | µs, no profiler | under cProfile | handler and services (Python) "
          "| Piccolo building SQL (uncached queries) | SQLite + rows | Jinja render "
          "| template response, other | gzip | Litestar, middleware, rest |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for key in ("a", "b", "b_htmx", "d"):
        asyncio.run(batch(plans[key]))  # warm caches and compiled templates first
        plain = asyncio.run(batch(plans[key]))
        profiler = cProfile.Profile()
        profiler.enable()
        asyncio.run(batch(plans[key]))
        profiler.disable()
        stats = pstats.Stats(profiler).stats  # (file, line, func) -> (cc, nc, tt, ct, ...)
        c = {part: sum(v[3] for (file, _, func), v in stats.items()
                       if any(file.endswith(f) and func == name for f, name in pairs))
             for part, pairs in PARTS.items()}
        parts = [c["handler"] - c["compile"] - c["sqlite"], c["compile"], c["sqlite"],
                 c["render"], c["response"] - c["render"], c["gzip"]]
        parts.append(c["total"] - sum(parts))
        us = [f"{v / count * 1e6:,.0f} ({v / c['total']:.0%})" for v in parts]
        print(f"| {SCENARIOS[key]} | {plain / count * 1e6:,.0f} | "
              f"{c['total'] / count * 1e6:,.0f} | {' | '.join(us)} |")


if __name__ == "__main__":
    main()

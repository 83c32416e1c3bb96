"""Scale-out: 2 web processes on PostgreSQL (+ Redis for Huey and the shared caches and
limits) against 1 web process on SQLite, the same lookup and submission mix.

For each setup a scratch folder under /tmp gets the submission bench's world (migrate, one
procedure with two required components, 20 citizens with open sessions: bench/submission.py)
and `seed --dossiers N`; a Huey consumer runs beside the web processes as the Procfile
runs it (on Redis for PostgreSQL). PostgreSQL 15 and Redis are started on loopback by
tests/scratch_servers.py, PostgreSQL durable here (fsync and synchronous commit on, as
SQLite's WAL with synchronous=NORMAL is durable at each checkpoint, not each commit).
Then, per setup:

  lookups      /tra-cuu?ma=CODE&so=LAST4 at 50 connections, 80 % right digits (bench/load.py's
               plan and raw keep-alive client), the connections split evenly over the ports;
  submissions  start a draft, applicant, two PDF uploads, submit, by 20 clients
               (bench/submission.py's), split evenly over the ports.

The load client takes both ports alternately (half the connections each), which is what a
round-robin balancer does with long keep-alive connections. Client and servers share the
machine's cores: on a 2-core machine the two web processes compete with the client and the
database, so read the numbers with the load average printed beside them.

    .venv/bin/python bench/scale.py [--dossiers 20000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

import load as lookups  # noqa: E402  (bench/load.py)
import submission  # noqa: E402  (bench/submission.py)
from load_client import Run, load, percentile  # noqa: E402

from tests.scratch_servers import start_postgres, start_redis  # noqa: E402

BIN = Path(sys.executable).parent
DURABLE = ("fsync=on", "synchronous_commit=on", "full_page_writes=on")


def prepare(env: dict, dossiers: int) -> dict:
    out = subprocess.run([sys.executable, "-c", submission.SETUP], cwd=ROOT, env=env,
                         check=True, capture_output=True, text=True, timeout=600).stdout
    world = json.loads(out.strip().splitlines()[-1])
    lookups.run_cli(env, "seed", "--dossiers", str(dossiers))
    return world


def lookup_rows(env: dict, count: int = 5000) -> list[tuple[str, str, str]]:
    """Dossiers to look up, read through the app's engine (either database)."""
    script = ("import json, piccolo_conf\nfrom tests.sql import execute_on\n"
              "rows = execute_on(piccolo_conf._settings.database_url, 'SELECT code, "
              "applicant_phone, applicant_id_number FROM dossier ORDER BY random() "
              f"LIMIT {count}')\nprint(json.dumps([list(r.values()) for r in rows]))")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    return [tuple(row) for row in json.loads(out.strip().splitlines()[-1])]


def start_processes(env: dict, webs: int, folder: Path) -> tuple[list[int], list]:
    ports, processes = [], []
    for n in range(webs):
        process, port = lookups.start_server("app.main:create_app", env, folder / f"web{n}.log")
        ports.append(port)
        processes.append(process)
    processes.append(subprocess.Popen(
        [str(BIN / "huey_consumer"), "app.tasks.all.huey", "-w", "1", "-m", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return ports, processes


async def lookups_on(ports: list[int], plan, concurrency: int, seconds: float) -> Run:
    cap = int(seconds * 100_000)
    runs = await asyncio.gather(*(load(port, plan, concurrency // len(ports), seconds, cap)
                                  for port in ports))
    total = Run()
    for run in runs:
        total.merge(run)
    total.elapsed = max(run.elapsed for run in runs)
    return total


async def submissions_on(ports: list[int], world: dict, concurrency: int,
                         seconds: float) -> dict:
    results = await asyncio.gather(*(submission.load(f"http://127.0.0.1:{port}", world,
                                                     concurrency // len(ports), seconds)
                                     for port in ports))
    elapsed = max(r["elapsed"] for r in results)
    done = sum(r["submissions"] for r in results)
    return {"submissions": done, "failures": sum(r["failures"] for r in results),
            "per_second": done / elapsed, "submit_p95": max(r["p95"] for r in results)}


def measure(name: str, env: dict, webs: int, args, folder: Path) -> dict:
    started = time.monotonic()
    world = prepare(env, args.dossiers)
    plan = lookups.lookup_plan(lookup_rows(env), random.Random(20261206))
    ports, processes = start_processes(env, webs, folder)
    print(f"  {name}: ready in {time.monotonic() - started:.0f} s", flush=True)
    try:
        asyncio.run(lookups_on(ports, plan, args.concurrency, 2))  # warm-up
        load_before = os.getloadavg()[0]
        run = asyncio.run(lookups_on(ports, plan, args.concurrency, args.seconds))
        asyncio.run(submissions_on(ports, world, 2 * webs, 2))  # warm-up
        submitted = asyncio.run(submissions_on(ports, world, args.clients, args.seconds))
        lat = sorted(run.latencies)
        return {"name": name, "lookups": run.n / run.elapsed, "errors": run.errors,
                "n": run.n, "p50": percentile(lat, 0.5), "p95": percentile(lat, 0.95),
                "load": (load_before, os.getloadavg()[0]), **submitted}
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured, per part")
    parser.add_argument("--concurrency", type=int, default=50, help="lookup connections")
    parser.add_argument("--clients", type=int, default=20, help="submitting clients")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} at start; "
          f"{args.dossiers:,} dossiers; {args.seconds:g} s per part", flush=True)
    folders, servers, results = [], [], []
    try:
        sqlite_dir = Path(tempfile.mkdtemp(prefix="motcua-scale-sqlite-"))
        folders.append(sqlite_dir)
        env = {**submission.environment(sqlite_dir), "PYTHONPATH": str(ROOT),
               "MOTCUA_BENCH_EXEMPT_ADDRESSES": "127.0.0.1"}
        results.append(measure("SQLite, 1 web process", env, 1, args, sqlite_dir))
        postgres, redis = start_postgres(settings=DURABLE), start_redis()
        servers += [postgres, redis]
        pg_dir = Path(tempfile.mkdtemp(prefix="motcua-scale-pg-"))
        folders.append(pg_dir)
        subprocess.run([sys.executable, "-c", "import asyncio, asyncpg, sys\n"
                        "async def m():\n c = await asyncpg.connect(sys.argv[1])\n"
                        " await c.execute('CREATE DATABASE motcua')\n await c.close()\n"
                        "asyncio.run(m())", postgres.url], check=True, timeout=60)
        base = postgres.url.rsplit("/", 1)[0]
        env = {**submission.environment(pg_dir), "PYTHONPATH": str(ROOT),
               "MOTCUA_BENCH_EXEMPT_ADDRESSES": "127.0.0.1",
               "MOTCUA_DATABASE_URL": f"{base}/motcua", "MOTCUA_HUEY_URL": redis.url,
               "MOTCUA_CACHE_URL": redis.url.rsplit("/", 1)[0] + "/1"}
        results.append(measure("PostgreSQL + Redis, 2 web processes", env, 2, args, pg_dir))
    finally:
        for server in servers:
            server.stop()
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
    report(results, args)


def report(results: list[dict], args) -> None:
    print(f"\n| setup | lookups/s | p50 ms | p95 ms | unexpected answers | submissions/s "
          f"({args.clients} clients) | p95 s | failed submissions | load average during |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        print(f"| {r['name']} | {r['lookups']:,.0f} | {r['p50'] * 1000:.1f} | "
              f"{r['p95'] * 1000:.1f} | {r['errors']} of {r['n']:,} | {r['per_second']:.1f} | "
              f"{r['submit_p95']:.2f} | {r['failures']} | "
              f"{r['load'][0]:.1f} → {r['load'][1]:.1f} |")
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    bad = [r["name"] for r in results
           if r["errors"] > 0.01 * max(1, r["n"]) or r["failures"] > 0.01 * max(
               1, r["submissions"] + r["failures"])]
    if bad:
        sys.exit("FAILED: more than 1 % unexpected answers in: " + ", ".join(bad))


if __name__ == "__main__":
    main()

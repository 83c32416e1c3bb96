"""DB-backed page under uvicorn: MotCuaEngine vs stock Piccolo SQLiteEngine vs raw sqlite3.

One server process (bench/db_page_app.py) serves the same page five ways (/a/ to /e/),
so the variants share the interpreter, event loop, HTTP stack and database file, and differ
only in how the queries reach SQLite. The page is the dossier lookup: one dossier by code
with its procedure and agency names (LEFT JOINs, unique index) plus its events (index on
dossier), rendered as a small HTML string. The database is migrated, then seeded with
`app.dossiers.bulk`, in a temporary folder.

    .venv/bin/python bench/db_page.py [--dossiers 100000] [--concurrency 16] [--seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VARIANTS = {"a": "Piccolo + MotCuaEngine", "b": "Piccolo + stock SQLiteEngine",
            "c": "raw sqlite3 connection", "d": "Piccolo raw() SQL + MotCuaEngine",
            "e": "Piccolo built once (app.prepared) + MotCuaEngine"}


def seed(var_dir: Path, dossiers: int) -> Path:
    os.environ["MOTCUA_VAR_DIR"] = str(var_dir)
    import piccolo_conf  # noqa: F401  (registers the engine the migrations use)
    from app.dossiers.bulk import generate_dossiers
    from app.system.migrations import migrate

    asyncio.run(migrate())
    path = var_dir / "motcua.db"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO catalog_field (code, name) VALUES ('HT', 'Hộ tịch')")
        for n in range(1, 9):
            agency = conn.execute("INSERT INTO agency (code, name) VALUES (?, ?)",
                                  (f"000.{n:02d}.31.H55", f"UBND xã số {n}")).lastrowid
            for k in range(12):
                conn.execute(
                    "INSERT INTO procedure (code, name, field, agency, level, time_limit_amount,"
                    " time_limit_unit, online_level) VALUES (?, ?, 1, ?, 'xa', ?, ?, 'full')",
                    (f"2.{n:02d}{k:04d}", f"Thủ tục số {k} của xã {n}", agency,
                     (3, 5, 0.5, 15)[k % 4], ("working_days", "working_days", "working_days",
                                              "calendar_days")[k % 4]))
    conn.close()
    print("seeded:", generate_dossiers(str(path), dossiers), flush=True)
    return path


async def load(port: int, paths: list[bytes], concurrency: int, seconds: float) -> dict:
    """Keep-alive HTTP/1.1 over raw sockets: the client must cost far less than the server."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    length_re = re.compile(rb"(?i)content-length:\s*(\d+)")

    async def worker(offset: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = offset
        while (began := time.perf_counter()) < deadline:
            writer.write(b"GET " + paths[i % len(paths)] + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            i += 1
            head = await reader.readuntil(b"\r\n\r\n")
            await reader.readexactly(int(length_re.search(head)[1]))
            latencies.append(time.perf_counter() - began)
            errors += head[9:12] != b"200"
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(n * 997) for n in range(concurrency)))
    return {"n": len(latencies), "elapsed": time.perf_counter() - started,
            "latencies": latencies, "errors": errors}


def fetch(port: int, path: str) -> str:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b"".join(iter(lambda: sock.recv(65536), b""))
    return data.split(b"\r\n\r\n", 1)[1].decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0, help="per variant per round")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    try:
        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    # The client gets the other core; raw sockets on uvloop keep its cost per request small.
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
        path = seed(Path(tmp), args.dossiers)
        with sqlite3.connect(path) as conn:
            codes = [r[0] for r in conn.execute(
                "SELECT code FROM dossier ORDER BY random() LIMIT 5000")]
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "db_page_app:create_app", "--factory", "--app-dir",
             str(ROOT / "bench"), "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
             "--no-access-log", "--log-level", "warning"],
            env={**os.environ, "BENCH_DB": str(path), "PYTHONPATH": str(ROOT)})
        try:
            for _ in range(100):
                try:
                    server_info = fetch(port, "/info")
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise RuntimeError("the server did not start within 10 s")
            pages = {key: fetch(port, f"/{key}/{codes[0]}") for key in VARIANTS}
            if len(set(pages.values())) != 1 or codes[0] not in pages["a"]:
                raise RuntimeError(f"the variants render different pages: {pages}")
            results = {key: {"n": 0, "elapsed": 0.0, "latencies": [], "errors": 0}
                       for key in VARIANTS}
            keys = list(VARIANTS)
            for round_ in range(args.rounds):
                shift = round_ % len(keys)
                for key in keys[shift:] + keys[:shift]:  # rotate to spread drift
                    paths = [f"/{key}/{code}".encode() for code in codes]
                    random.Random(round_).shuffle(paths)
                    asyncio.run(load(port, paths, args.concurrency, 1.0))  # warm-up
                    run = asyncio.run(load(port, paths, args.concurrency, args.seconds))
                    total = results[key]
                    for field in ("n", "elapsed", "errors"):
                        total[field] += run[field]
                    total["latencies"] += run["latencies"]
        finally:
            server.terminate()
            server.wait(10)
    report(results, args, server_info)


def report(results: dict, args, server_info: str) -> None:
    print(f"\nserver: uvicorn 1 worker, {server_info}; "
          f"{os.cpu_count()} CPUs; concurrency {args.concurrency}; "
          f"{args.rounds} x {args.seconds:g} s per variant; {args.dossiers} dossiers\n")
    print("| variant | requests/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    rate = {}
    for key, label in VARIANTS.items():
        r = results[key]
        lat = sorted(r["latencies"])
        rate[key] = r["n"] / r["elapsed"]

        def pct(p: float, lat=lat) -> str:
            return f"{lat[min(len(lat) - 1, int(p * len(lat)))] * 1000:.2f}"

        print(f"| ({key}) {label} | {rate[key]:,.0f} | {pct(0.5)} | {pct(0.95)} | "
              f"{pct(0.99)} | {r['errors']} |")
    print(f"\n(a)/(c) = {rate['a'] / rate['c']:.2f}, (a)/(b) = {rate['a'] / rate['b']:.2f}, "
          f"(d)/(c) = {rate['d'] / rate['c']:.2f}, (e)/(c) = {rate['e'] / rate['c']:.2f}")


if __name__ == "__main__":
    main()

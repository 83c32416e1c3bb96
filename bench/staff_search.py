"""Staff search and queue over a province of generated dossiers: p50/p95 per kind of query.

Builds a scratch database (migrate, demo catalogue, `seed --dossiers N` through the bulk
generator, which fills the FTS5 index through its triggers), then times
`app.workqueue.search.find` — the whole work of the queue page but the template: the
candidate ids from the index, the count and one page of 25 rows with their joins — for
keys taken from random stored dossiers (code with dots, without, day-and-number tail, CCCD,
phone typed in groups, full name without diacritics) and for filter-only queue views, as a
province-wide user (auditor) and as a handler of the busiest agency.

    .venv/bin/python bench/staff_search.py [--dossiers 1000000] [--samples 40] [--keep]
    .venv/bin/python bench/staff_search.py --reuse /tmp/motcua-bench-search-XXXX
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fresh_app import app_command  # noqa: E402  (bench/ is the script's own folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=40, help="queries per kind")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", metavar="DIR", help="a kept scratch folder (no new seed)")
    args = parser.parse_args()
    var_dir = Path(args.reuse or tempfile.mkdtemp(prefix="motcua-bench-search-"))
    try:
        print(f"scratch: {var_dir}", flush=True)
        if not args.reuse:
            app_command(var_dir, "migrate")
            app_command(var_dir, "seed", "--demo")
            seconds = app_command(var_dir, "seed", "--dossiers", str(args.dossiers))
            print(f"seed: {args.dossiers} dossiers (with their index) in {seconds:.0f} s",
                  flush=True)
        os.environ["MOTCUA_VAR_DIR"] = str(var_dir)
        samples = sample_keys(var_dir / "motcua.db", args.samples)
        asyncio.run(measure(samples))
    finally:
        if args.keep or args.reuse:
            print(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


def sample_keys(path: Path, n: int) -> dict:
    """Keys of random dossiers, read outside the app (the bench's own connection)."""
    conn = sqlite3.connect(path)
    try:
        top = conn.execute("SELECT max(id) FROM dossier").fetchone()[0]
        rng = random.Random(7)
        rows = [conn.execute("SELECT code, applicant_name, applicant_id_number, applicant_phone "
                             "FROM dossier WHERE id >= ? LIMIT 1", (rng.randint(1, top),)
                             ).fetchone() for _ in range(n)]
        busiest = conn.execute("SELECT agency FROM dossier GROUP BY agency ORDER BY count(*) "
                               "DESC LIMIT 1").fetchone()[0]
        total = conn.execute("SELECT count(*) FROM dossier").fetchone()[0]
    finally:
        conn.close()
    from app.text import fold

    phone = lambda p: f"{p[:4]} {p[4:7]} {p[7:]}"  # noqa: E731  typed in groups
    return {"total": total, "busiest": busiest, "keys": {
        "code with dots": [r[0] for r in rows],
        "code without dots": [r[0].replace(".", "").replace("-", "") for r in rows],
        "code tail": [r[0].split("-", 1)[1] for r in rows],
        "CCCD": [r[2] for r in rows],
        "phone in groups": [phone(r[3]) for r in rows],
        "full name, no diacritics": [fold(r[1]) for r in rows],
    }}


async def measure(samples: dict) -> None:
    import piccolo_conf  # noqa: F401
    from app.accounts.roles import Role
    from app.accounts.service import CurrentUser
    from app.web.forms import FormErrors
    from app.workqueue import search
    from app.workqueue.logic import parse_filter

    print(f"{samples['total']:,} dossiers; busiest agency id {samples['busiest']}", flush=True)
    users = {"province-wide": CurrentUser(0, "bench", "Bench", Role.AUDITOR, (), ""),
             "agency handler": CurrentUser(0, "bench", "Bench", Role.HANDLER,
                                           (samples["busiest"],), "")}
    views = {
        "queue: open, due first": {"pham_vi": "don-vi"},
        "queue: overdue": {"pham_vi": "don-vi", "han": "qua-han"},
        "queue: due soon": {"pham_vi": "don-vi", "han": "sap-den-han"},
        "queue: received last month, all statuses": {
            "pham_vi": "don-vi", "trang_thai": "tat-ca", "tu_ngay": "01/11/2026",
            "den_ngay": "30/11/2026"},
        "queue: online channel, page 40": {"pham_vi": "don-vi", "kenh": "2", "trang": "40"},
    }
    all_times = []
    for who, user in users.items():
        print(f"\n{who}", flush=True)
        for kind, keys in samples["keys"].items():
            all_times += await timed(f"  search {kind}", user, [{"q": k} for k in keys], search,
                                     parse_filter, FormErrors)
        for kind, params in views.items():
            all_times += await timed(f"  {kind}", user, [params] * 5, search, parse_filter,
                                     FormErrors)
    all_times.sort()
    print(f"\nall queries: {len(all_times)}, p95 {percentile(all_times, 95):.0f} ms, "
          f"max {all_times[-1]:.0f} ms", flush=True)


def percentile(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def timed(label, user, param_list, search, parse_filter, FormErrors) -> list[float]:
    times, found = [], 0
    for params in param_list:
        f = parse_filter(params, FormErrors())
        began = time.perf_counter()
        page = await search.find(user, f)
        times.append(1000 * (time.perf_counter() - began))
        found += bool(page.total)
    print(f"{label}: p50 {statistics.median(times):.0f} ms, p95 "
          f"{percentile(times, 95):.0f} ms, max {max(times):.0f} ms "
          f"({found}/{len(param_list)} found something)", flush=True)
    return times


if __name__ == "__main__":
    main()

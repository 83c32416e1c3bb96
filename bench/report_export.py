"""Monthly report export on one year of a province (~300,000 dossiers) with a year of older
history beside it: SQL counts, files, and the query plan.

Builds a scratch database in a temporary folder (migrate, demo catalogue, then the bulk
generator: `--dossiers` + `--history` dossiers over the last two years, so the last closed
year holds about `--dossiers`), then times, in one process on the app's engine:

- the 12 monthly exports of the last year (counts + XLSX + PDF, stored), cut-off 15th;
- the same twelve again (the "same numbers" path: counts only, nothing stored);
- one export whose period is the whole year (every dossier of the year in one report);

and prints `EXPLAIN QUERY PLAN` of the counting SQL. The scratch folder is deleted unless
--keep.

    .venv/bin/python bench/report_export.py [--dossiers 300000] [--history 300000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fresh_app import app_command  # noqa: E402  (bench/ is the script's own folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=300_000, help="about, in the year")
    parser.add_argument("--history", type=int, default=300_000, help="the year before")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", metavar="DIR", help="a kept scratch folder: migrate it, "
                        "forget its exports and measure again (no new seed)")
    args = parser.parse_args()
    var_dir = Path(args.reuse or tempfile.mkdtemp(prefix="motcua-bench-report-"))
    try:
        print(f"scratch: {var_dir}", flush=True)
        app_command(var_dir, "migrate")
        if not args.reuse:
            app_command(var_dir, "seed", "--demo")
        os.environ["MOTCUA_VAR_DIR"] = str(var_dir)
        from app.dossiers.bulk import generate_dossiers
        from app.formatting import now_utc, to_local
        from app.reports import logic

        today = to_local(now_utc()).date()
        latest = logic.last_closed_period(today)
        year_first = logic.monthly_period(latest.year - 1, latest.month).last_day + timedelta(1)
        db_path = str(var_dir / "motcua.db")
        # One run over the last two years up to today (the generator's default range; it
        # keeps the open dossiers' clocks consistent with today): the last closed year holds
        # about half of them, the year before is history the report must not read.
        if args.reuse:
            import sqlite3
            with sqlite3.connect(db_path) as conn:
                conn.execute("DELETE FROM report_export")
        else:
            began = time.perf_counter()
            result = generate_dossiers(db_path, args.dossiers + args.history)
            print(f"seed: {result['dossiers']} dossiers over two years in "
                  f"{time.perf_counter() - began:.1f} s", flush=True)
        measure(latest, year_first)
        print(f"database: {Path(db_path).stat().st_size / 1e6:.0f} MB")
    finally:
        if args.keep or args.reuse:
            print(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


def measure(latest, year_first) -> None:
    import piccolo_conf  # noqa: F401
    from app.reports import logic, service
    from app.reports.sqlite_counts import count_by_procedure, explain

    periods = []
    year, month = latest.year, latest.month
    for _ in range(12):
        periods.insert(0, logic.monthly_period(year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    whole_year = logic.Period(latest.year, latest.month, year_first, latest.last_day)

    async def run() -> None:
        from app.dossiers.tables import Dossier
        in_year = await Dossier.count().where(
            (Dossier.received_at >= whole_year.start_at)
            & (Dossier.received_at < whole_year.end_at))
        print(f"dossiers received in the year {whole_year.label}: {in_year}")
        rows = []
        for period in periods:
            t0, c0 = time.perf_counter(), time.process_time()
            counts = await count_by_procedure(period)
            t1, c1 = time.perf_counter(), time.process_time()
            await service.export_period(period, trigger="schedule")
            t2, c2 = time.perf_counter(), time.process_time()
            total = logic.add({}, {})
            for row in counts:
                total = logic.add(total, row)
            rows.append((period, t1 - t0, t2 - t1, logic.received_total(total),
                         logic.processed_total(total), len(counts)))
            print(f"{period.label}: count {1000 * (t1 - t0):.0f} ms (CPU {1000 * (c1 - c0):.0f}),"
                  f" export {t2 - t1:.2f} s (CPU {c2 - c1:.2f}),"
                  f" received {rows[-1][3]}, processed {rows[-1][4]}, rows {len(counts)}",
                  flush=True)
        total_s = sum(r[1] + r[2] for r in rows)
        print(f"12 monthly exports: {total_s:.1f} s in all; count median "
              f"{1000 * statistics.median(r[1] for r in rows):.0f} ms, export median "
              f"{statistics.median(r[2] for r in rows):.2f} s")
        t0, c0 = time.perf_counter(), time.process_time()
        for period in periods:
            await service.export_period(period, trigger="schedule")
        print(f"12 again (same numbers, nothing stored): {time.perf_counter() - t0:.1f} s "
              f"(CPU {time.process_time() - c0:.1f})")
        with open("/proc/loadavg") as f:
            print(f"load average at the end: {f.read().split()[:3]}")
        t0, c0 = time.perf_counter(), time.process_time()
        counts = await count_by_procedure(whole_year)
        t1, c1 = time.perf_counter(), time.process_time()
        await service.export_period(whole_year, trigger="on_demand")
        t2, c2 = time.perf_counter(), time.process_time()
        total = logic.add({}, {})
        for row in counts:
            total = logic.add(total, row)
        print(f"whole year in one report: count {t1 - t0:.2f} s (CPU {c1 - c0:.2f}), export "
              f"{t2 - t1:.2f} s (CPU {c2 - c1:.2f}) incl. recount, XLSX, PDF, store; "
              f"received {logic.received_total(total)}, processed "
              f"{logic.processed_total(total)}, {len(counts)} agency × procedure rows")
        print("plan:")
        for line in explain(whole_year):
            print(f"    {line}")

    asyncio.run(run())


if __name__ == "__main__":
    main()

"""Tracking book on a year of a province (~300,000 dossiers): one page, a deep page, a
filtered page and the XLSX export of one month, for the busiest counter; plus the query
plan of the book's count.

Builds a scratch database (migrate, demo catalogue, bulk generator), then times the
service calls in one process on the app's engine, as a province-wide user.

    .venv/bin/python bench/tracking_book.py [--dossiers 300000] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fresh_app import app_command  # noqa: E402  (bench/ is the script's own folder)


async def timed(label: str, make, rounds: int = 5):
    times, value = [], None
    for _ in range(rounds):
        began = time.perf_counter()
        value = await make()
        times.append((time.perf_counter() - began) * 1000)
    print(f"{label}: median {statistics.median(times):.0f} ms (min {min(times):.0f})",
          flush=True)
    return value


async def measure(db_path: str) -> None:
    from app.accounts.roles import Role
    from app.accounts.service import CurrentUser
    from app.dossiers.logic import Status
    from app.formatting import now_utc, to_local
    from app.legal_forms import book_service
    from app.legal_forms.book import BookFilter

    conn = sqlite3.connect(db_path)
    counter_id, total = conn.execute(
        "SELECT coalesce(receiving_agency, agency) AS c, count(*) FROM dossier "
        "GROUP BY c ORDER BY 2 DESC LIMIT 1").fetchone()
    user = CurrentUser(id=0, username="bench", full_name="Bench", role=Role.PROVINCIAL_ADMIN,
                       agency_ids=(), session_token="")
    today = to_local(now_utc()).date()
    month = BookFilter(today - timedelta(days=30), today)
    rows, count = await timed("page 1, last 30 days",
                              lambda: book_service.read_book(user, counter_id, month))
    print(f"  counter {counter_id}: {total} dossiers in all, {count} in 30 days")
    deep = BookFilter(month.date_from, month.date_to, page=max(1, count // 50))
    await timed("last page, last 30 days", lambda: book_service.read_book(user, counter_id, deep))
    year = BookFilter(today - timedelta(days=365), today, status=Status.RETURNED)
    await timed("page 1, one year, returned only",
                lambda: book_service.read_book(user, counter_id, year))

    async def export():
        all_rows, _ = await book_service.read_book(user, counter_id, month, export=True)
        return book_service.book_xlsx(all_rows, "Bench", month)

    data = await timed("XLSX export, last 30 days", export, rounds=3)
    print(f"  XLSX {len(data) / 1e3:.0f} kB")
    where = ("(receiving_agency = ? OR (receiving_agency IS NULL AND agency = ?)) "
             "AND received_at >= ? AND received_at < ?")
    plan = conn.execute(f"EXPLAIN QUERY PLAN SELECT count(*) FROM dossier WHERE {where}",
                        (counter_id, counter_id, month.start.isoformat(),
                         month.end.isoformat())).fetchall()
    print("plan:", "; ".join(row[-1] for row in plan))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=300_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="motcua-bench-book-"))
    try:
        app_command(var_dir, "migrate")
        app_command(var_dir, "seed", "--demo")
        os.environ["MOTCUA_VAR_DIR"] = str(var_dir)
        from app.dossiers.bulk import generate_dossiers
        from app.formatting import now_utc, to_local

        today = to_local(now_utc()).date()
        began = time.perf_counter()
        generate_dossiers(str(var_dir / "motcua.db"), args.dossiers, seed=7,
                          start=today - timedelta(days=365), end=today)
        print(f"seeded {args.dossiers} dossiers in {time.perf_counter() - began:.0f} s",
              flush=True)
        asyncio.run(measure(str(var_dir / "motcua.db")))
    finally:
        if args.keep:
            print(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

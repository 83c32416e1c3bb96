"""Deadline watch on a million dossiers: cold run, warm runs, and the SQL plans.

Builds a scratch database in a temporary folder with the app's own commands (migrate, demo
catalogue, bulk dossiers), reopens a slice of finished dossiers so that ~50,000 are open
with appointments spread over now ± 30 days, then times `watch_deadlines`:

- cold: the first run, which records every due-soon and overdue alert;
- warm: the following runs, which find nothing new (what the 5-minute task costs);

and prints `EXPLAIN QUERY PLAN` of the candidate and recorded-alert queries, compiled from
the very Piccolo queries the watch runs. The counts are checked against plain SQL. The
scratch folder is deleted at the end unless --keep.

    .venv/bin/python bench/deadline_watch.py [--dossiers 1000000] [--open 50000]
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fresh_app import app_command  # noqa: E402  (bench/ is the script's own folder)

# Reopened dossiers: mostly in processing, as in real queues; the supplement share is there
# to show that paused dossiers cost nothing (the index range skips their status).
OPEN_MIX = ((2, 0.15), (4, 0.70), (5, 0.08), (6, 0.07))
RUNNING = (2, 4, 6)


def sql_time(moment: datetime) -> str:
    """Piccolo's Timestamptz text on SQLite (str() of a UTC datetime)."""
    return str(moment.astimezone(UTC).replace(microsecond=0))


def reopen(path: Path, target: int, now: datetime, seed: int = 7) -> dict:
    """Turn finished dossiers into open ones until about `target` are open, with due
    dates uniform over now ± 30 days (plain sqlite3: a bench fixture, not app code)."""
    conn = sqlite3.connect(path)
    try:
        open_now = conn.execute(
            "SELECT count(*) FROM dossier WHERE status IN (2, 4, 5, 6, 7)").fetchone()[0]
        need = max(0, target - open_now)
        top = conn.execute("SELECT max(id) FROM dossier").fetchone()[0]
        rng = random.Random(seed)
        finished = {row[0] for row in conn.execute(
            "SELECT id FROM dossier WHERE status IN (9, 10)")}
        ids = rng.sample(sorted(finished), min(need, len(finished)))
        statuses, weights = zip(*OPEN_MIX, strict=True)
        rows = [(rng.choices(statuses, weights)[0],
                 sql_time(now + timedelta(seconds=rng.uniform(-30, 30) * 86400)), i)
                for i in ids]
        began = time.perf_counter()
        with conn:
            conn.executemany("UPDATE dossier SET status = ?, due_at = ?, finished_at = NULL, "
                             "returned_at = NULL WHERE id = ?", rows)
        seconds = time.perf_counter() - began
        by_status = dict(conn.execute(
            "SELECT status, count(*) FROM dossier WHERE status IN (2, 4, 5, 6, 7) "
            "GROUP BY status"))
    finally:
        conn.close()
    return {"open_before": open_now, "reopened": len(rows), "open_by_status": by_status,
            "seconds": round(seconds, 2), "total": top}


def plans(path: Path, horizon: datetime) -> dict[str, list[str]]:
    from app.workflow.watch import candidates, recorded_alerts

    conn = sqlite3.connect(path)
    try:
        out = {}
        for name, query in (("candidates", candidates(horizon)),
                            ("recorded alerts", recorded_alerts(horizon))):
            sql, args = query.querystrings[0].compile_string(engine_type="sqlite")
            out[name] = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", args)]
        return out
    finally:
        conn.close()


def expected(path: Path, now: datetime, horizon: datetime) -> tuple[int, int]:
    """Overdue and due-soon counts by plain SQL, to check the watch's answer."""
    conn = sqlite3.connect(path)
    try:
        running = ",".join(map(str, RUNNING))
        withdrawal = (f"(status = 7 AND (withdrawn_status IS NULL"
                      f" OR withdrawn_status IN ({running})))")
        base = f"FROM dossier WHERE (status IN ({running}) OR {withdrawal})"
        overdue = conn.execute(f"SELECT count(*) {base} AND due_at <= ?",
                               (sql_time(now),)).fetchone()[0]
        soon = conn.execute(f"SELECT count(*) {base} AND due_at > ? AND due_at <= ?",
                            (sql_time(now), sql_time(horizon))).fetchone()[0]
        return overdue, soon
    finally:
        conn.close()


def measure(var_dir: Path, warm_runs: int) -> dict:
    os.environ["MOTCUA_VAR_DIR"] = str(var_dir)
    import piccolo_conf  # noqa: F401  (registers the engine on the scratch database)
    from app.audit.service import verify
    from app.calendar.service import current_calendar
    from app.dossiers.tables import DeadlineAlert
    from app.workflow.watch import due_soon_horizon, overdue_without_apology, watch_deadlines

    # One fixed moment (whole seconds, as the bulk data) so cold and warm runs see the same
    # window; the plain-SQL check compares the same text.
    now = datetime.now(UTC).replace(microsecond=0)

    async def timed(coro) -> tuple[float, object]:
        began = time.perf_counter()
        result = await coro
        return time.perf_counter() - began, result

    async def main() -> dict:
        horizon = due_soon_horizon(now, 1, await current_calendar())
        cold_s, cold = await timed(watch_deadlines(now))
        warm = [await timed(watch_deadlines(now)) for _ in range(warm_runs)]
        late_s, late = await timed(overdue_without_apology(None, now=now))
        return {"now": now, "horizon": horizon, "cold_s": cold_s, "cold": cold,
                "warm_s": [s for s, _ in warm], "warm": warm[-1][1],
                "alerts": await DeadlineAlert.count(), "late_s": late_s, "late": len(late),
                "audit_problems": len(await verify())}

    return asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=50_000, help="open dossiers wanted")
    parser.add_argument("--warm-runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="motcua-bench-deadline-"))
    try:
        print(f"scratch: {var_dir}", flush=True)
        print(f"migrate: {app_command(var_dir, 'migrate'):.1f} s", flush=True)
        print(f"seed --demo: {app_command(var_dir, 'seed', '--demo'):.1f} s", flush=True)
        seconds = app_command(var_dir, "seed", "--dossiers", str(args.dossiers))
        print(f"seed --dossiers {args.dossiers}: {seconds:.1f} s", flush=True)
        db_path = var_dir / "motcua.db"
        print("reopen:", reopen(db_path, args.open, datetime.now(UTC)), flush=True)

        result = measure(var_dir, args.warm_runs)
        overdue, soon = expected(db_path, result["now"], result["horizon"])
        print(f"now {result['now']:%Y-%m-%d %H:%M:%S%z} ({result['now'].strftime('%A')}), "
              f"horizon {result['horizon']:%Y-%m-%d %H:%M:%S%z}")
        print(f"cold run: {result['cold_s'] * 1000:.0f} ms {result['cold']}")
        warm_ms = sorted(s * 1000 for s in result["warm_s"])
        print(f"warm runs ({len(warm_ms)}): median {statistics.median(warm_ms):.0f} ms, "
              f"min {warm_ms[0]:.0f}, max {warm_ms[-1]:.0f} {result['warm']}")
        print(f"overdue_without_apology(None): {result['late_s'] * 1000:.0f} ms, "
              f"{result['late']} rows")
        print(f"alerts stored {result['alerts']}; plain SQL expects overdue {overdue}, "
              f"due soon {soon}; audit problems {result['audit_problems']}")
        assert result["cold"]["overdue"] == overdue and result["cold"]["due_soon"] == soon
        assert result["alerts"] == overdue + soon and result["audit_problems"] == 0
        for name, lines in plans(db_path, result["horizon"]).items():
            print(f"plan, {name}:")
            for line in lines:
                print(f"    {line}")
        print(f"database: {db_path.stat().st_size / 1e6:.0f} MB")
    finally:
        if args.keep:
            print(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

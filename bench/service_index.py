"""Service index (QĐ 766) of one month on a generated province: what the public page, the
drill-down and the charts page cost.

Builds a scratch database (migrate, demo catalogue, the bulk generator: `--dossiers` over
the last two years), then times, in one process on the app's engine, `province_index` (the
whole public page's figures: province + every agency), `drill_down` of the on-time rate
for the whole province, for the last full calendar month, each `--rounds` times, and the
charts page's twelve months once cold (cache empty) and once warm. Prints wall and CPU
time (the machine is often shared: CPU is the honest number).

    .venv/bin/python bench/service_index.py [--dossiers 300000] [--rounds 5] [--keep]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fresh_app import app_command  # noqa: E402  (bench/ is the script's own folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=300_000, help="over two years")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", metavar="DIR", help="a kept scratch folder (no new seed)")
    args = parser.parse_args()
    var_dir = Path(args.reuse or tempfile.mkdtemp(prefix="motcua-bench-index-"))
    try:
        print(f"scratch: {var_dir}", flush=True)
        app_command(var_dir, "migrate")
        os.environ["MOTCUA_VAR_DIR"] = str(var_dir)
        if not args.reuse:
            app_command(var_dir, "seed", "--demo")
            from app.dossiers.bulk import generate_dossiers
            began = time.perf_counter()
            result = generate_dossiers(str(var_dir / "motcua.db"), args.dossiers)
            print(f"seed: {result['dossiers']} dossiers in {time.perf_counter() - began:.1f} s",
                  flush=True)
        measure(args.rounds)
    finally:
        if args.keep or args.reuse:
            print(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


def timed(label: str, rounds: int, make) -> object:
    walls, cpus, result = [], [], None
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        result = asyncio.run(make())
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    print(f"{label}: wall median {1000 * statistics.median(walls):.0f} ms "
          f"(min {1000 * min(walls):.0f}), CPU median {1000 * statistics.median(cpus):.0f} ms",
          flush=True)
    return result


def measure(rounds: int) -> None:
    import piccolo_conf  # noqa: F401
    from app.formatting import now_utc, to_local
    from app.service_index import service
    from app.service_index.logic import IndexConfig

    today = to_local(now_utc()).date()
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    period = service.month_period(year, month)
    config = IndexConfig()
    province, agencies = timed(f"province_index {period.slug}", rounds,
                               lambda: service.province_index(period, config))
    m = province.measures
    print(f"  judged (2.1) {m['on_time'].denominator}, received "
          f"{m['online_dossiers'].denominator}, agencies {len(agencies)}, score "
          f"{province.result.score} / 100 ({province.result.band.name})")
    drill = timed("drill_down on_time, province", rounds,
                  lambda: service.drill_down(period, None, "on_time", config))
    print(f"  {sum(i.counted for i in drill.items)} / {len(drill.items)} dossiers listed")
    from app.service_index import trends

    timed("charts: 12 months, cold cache", 1, lambda: trends.months(today, today, config))
    timed("charts: 12 months, warm cache", 1, lambda: trends.months(today, today, config))
    with open("/proc/loadavg") as f:
        print(f"load average at the end: {f.read().split()[:3]}")


if __name__ == "__main__":
    main()

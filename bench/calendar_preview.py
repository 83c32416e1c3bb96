"""What the calendar admin's preview costs: `workflow.recompute.preview` of one extra day
off, run on a generated province (the request waits for it before asking to confirm).

    .venv/bin/python bench/calendar_preview.py --reuse /tmp/motcua-bench-search-XXXX
    .venv/bin/python bench/calendar_preview.py [--dossiers 300000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
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
    parser.add_argument("--dossiers", type=int, default=300_000)
    parser.add_argument("--reuse", metavar="DIR", help="a kept scratch folder (no new seed)")
    args = parser.parse_args()
    var_dir = Path(args.reuse or tempfile.mkdtemp(prefix="motcua-bench-calendar-"))
    try:
        app_command(var_dir, "migrate")  # a kept folder may predate the newest tables
        if not args.reuse:
            app_command(var_dir, "seed", "--demo")
            app_command(var_dir, "seed", "--dossiers", str(args.dossiers))
        os.environ["MOTCUA_VAR_DIR"] = str(var_dir)
        asyncio.run(measure())
    finally:
        if not args.reuse:
            shutil.rmtree(var_dir, ignore_errors=True)


async def measure() -> None:
    import piccolo_conf  # noqa: F401
    from app.calendar import admin
    from app.calendar.service import current_calendar
    from app.dossiers.tables import Dossier
    from app.formatting import now_utc, to_local
    from app.workflow.recompute import preview

    calendar = await current_calendar()
    day = to_local(now_utc()).date() + timedelta(days=3)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    proposal = await admin.propose_override(day, False, "bench")
    total = await Dossier.count()
    began, cpu = time.perf_counter(), time.process_time()
    shown = await preview(proposal.since, proposal.calendar)
    print(f"{total:,} dossiers; day off {day:%d/%m/%Y}: {shown.moving:,} would move, "
          f"{shown.messages:,} messages; preview {time.perf_counter() - began:.2f} s wall, "
          f"{time.process_time() - cpu:.2f} s CPU", flush=True)


if __name__ == "__main__":
    main()

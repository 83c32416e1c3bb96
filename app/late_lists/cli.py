"""`python -m app late-lists run`: what the hourly job does, now — draft last month's list
(refreshed until approved) and publish the approved ones. For the IT team after an
approval, and for tests against a server with no worker."""

from __future__ import annotations

import argparse
import asyncio


def cmd_run(args: argparse.Namespace) -> int:
    from app.formatting import now_utc, to_local
    from app.late_lists import service

    done = asyncio.run(service.run_schedule(to_local(now_utc()).date()))
    print(f"Bản nháp tháng trước: {done['drafted'] or 'đã duyệt, không lập lại'}; "
          f"đã công bố: {len(done['published'])} danh sách.")
    return 0


def add_late_lists_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("late-lists", help="public monthly late lists")
    sub = parser.add_subparsers(dest="late_lists_command", required=True)
    sub.add_parser("run", help="draft last month's list and publish approved ones now"
                   ).set_defaults(func=cmd_run)

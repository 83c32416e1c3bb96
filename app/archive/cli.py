"""`python -m app archive verify | build DOSSIER_ID | sweep`: the archive's checks and
repairs for the IT team, the same code the worker runs."""

from __future__ import annotations

import argparse
import asyncio
import sys

from app.archive import fixity, service


def cmd_archive(args: argparse.Namespace) -> int:
    if args.archive_command == "verify":
        checked, problems = asyncio.run(fixity.verify_all())
        for problem in problems:
            print(f"LỖI {problem}", file=sys.stderr)
        print(f"Kiểm tra kho lưu trữ: {checked} mục, {len(problems)} lỗi.")
        return 1 if problems else 0
    if args.archive_command == "build":
        try:
            code = asyncio.run(service.build_file(args.dossier_id))
        except Exception as exc:  # shown to the operator; the file row keeps the reason
            print(f"Không lập được hồ sơ lưu trữ: {exc}", file=sys.stderr)
            return 1
        print(f"Hồ sơ lưu trữ {code}.")
        return 0
    counts = asyncio.run(service.build_pending(limit=args.limit))
    print(f"Đã lập {counts['built']} hồ sơ lưu trữ, {counts['failed']} lỗi.")
    return 1 if counts["failed"] else 0


def add_archive_parser(sub) -> None:
    archive = sub.add_parser("archive", help="electronic archive: verify, build, sweep")
    archive_sub = archive.add_subparsers(dest="archive_command", required=True)
    archive_sub.add_parser("verify", help="re-hash every archived document and package; "
                                          "exit 1 on any mismatch")
    build = archive_sub.add_parser("build", help="build one closed dossier's archival file")
    build.add_argument("dossier_id", type=int)
    sweep = archive_sub.add_parser("sweep", help="build pending files and closed dossiers "
                                                 "without one")
    sweep.add_argument("--limit", type=int, default=service.SWEEP_BATCH)
    archive.set_defaults(func=cmd_archive)

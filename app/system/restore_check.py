"""`python -m app restore-check`: prove a restored copy is whole before anyone trusts it.

Run on the restored folder (MOTCUA_VAR_DIR) or the restored PostgreSQL database
(MOTCUA_DATABASE_URL): the engine's integrity check (SQLite's `integrity_check`, or every
table read and every index checked on PostgreSQL), the audit hash chain, then the uploaded
files copied back from the file replica with every SHA-256 checked (with an S3 bucket,
MOTCUA_FILES_URL, every file checked in the bucket). Exit 0 only when all
three pass.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from app.settings import get_settings


def cmd_restore_check(args: argparse.Namespace) -> int:
    from app.audit.service import verify as verify_audit
    from app.db import get_engine
    from app.dossiers.tables import Dossier
    from app.files import backup

    settings = get_settings()

    async def database_facts() -> tuple[str, int]:
        integrity = await get_engine().integrity_check()
        return integrity, (await Dossier.count() if integrity == "ok" else 0)

    integrity, dossiers = asyncio.run(database_facts())
    failed = False
    if integrity != "ok":
        print(f"LỖI integrity_check: {integrity}", file=sys.stderr)
        failed = True
    problems = asyncio.run(verify_audit())
    for problem in problems:
        print(f"LỖI nhật ký kiểm toán: {problem.message}", file=sys.stderr)
    digests = asyncio.run(backup.known_digests())
    if settings.files_url:  # an S3 bucket is its own copy: check it in place
        from app.files import store

        files = backup.verify_store(digests, store.backend())
    else:
        files = backup.restore(digests, settings.files_replica_dir, settings.files_dir)
    for problem in files.problems:
        print(f"LỖI tệp {problem}", file=sys.stderr)
    failed = failed or bool(problems) or not files.ok
    where = settings.database_url.rsplit("@", 1)[-1]  # never the password
    print(f"Bản khôi phục {where}: {dossiers} hồ sơ, "
          f"integrity_check {integrity}, nhật ký kiểm toán "
          f"{'toàn vẹn' if not problems else 'LỖI'}, {len(digests)} tệp "
          f"({files.copied} chép lại, {len(files.problems)} lỗi).")
    return 1 if failed else 0


def add_restore_check_parser(sub) -> None:
    check = sub.add_parser("restore-check",
                           help="check a restored copy: integrity, audit chain, files")
    check.set_defaults(func=cmd_restore_check)

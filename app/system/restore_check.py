"""`python -m app restore-check`: prove a restored copy is whole before anyone trusts it.

Run on the restored folder (MOTCUA_VAR_DIR): SQLite's integrity check, the audit hash
chain, then the uploaded files copied back from the file replica with every SHA-256
checked. Exit 0 only when all three pass.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys

from app.settings import get_settings


def cmd_restore_check(args: argparse.Namespace) -> int:
    from app.audit.service import verify as verify_audit
    from app.files import backup

    settings = get_settings()
    conn = sqlite3.connect(settings.database_path)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        dossiers = conn.execute("SELECT count(*) FROM dossier").fetchone()[0]
    finally:
        conn.close()
    failed = False
    if integrity != "ok":
        print(f"LỖI integrity_check: {integrity}", file=sys.stderr)
        failed = True
    problems = asyncio.run(verify_audit())
    for problem in problems:
        print(f"LỖI nhật ký kiểm toán: {problem.message}", file=sys.stderr)
    digests = asyncio.run(backup.known_digests())
    files = backup.restore(digests, settings.files_replica_dir, settings.files_dir)
    for problem in files.problems:
        print(f"LỖI tệp {problem}", file=sys.stderr)
    failed = failed or bool(problems) or not files.ok
    print(f"Bản khôi phục {settings.database_path}: {dossiers} hồ sơ, "
          f"integrity_check {integrity}, nhật ký kiểm toán "
          f"{'toàn vẹn' if not problems else 'LỖI'}, {len(digests)} tệp "
          f"({files.copied} chép lại, {len(files.problems)} lỗi).")
    return 1 if failed else 0


def add_restore_check_parser(sub) -> None:
    check = sub.add_parser("restore-check",
                           help="check a restored copy: integrity, audit chain, files")
    check.set_defaults(func=cmd_restore_check)

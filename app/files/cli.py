"""`python -m app files backup | restore | verify | sweep`: the file store's side of backups
and crash recovery, for the IT team and the Makefile."""

from __future__ import annotations

import argparse
import asyncio
import sys

from app.files import backup as files_backup
from app.files import store
from app.settings import get_settings


def _print(report: files_backup.Report, done: str) -> int:
    for problem in report.problems:
        print(f"LỖI {problem}", file=sys.stderr)
    print(f"{done}: {report.copied} tệp sao chép, {report.present} tệp đã có, "
          f"{len(report.problems)} lỗi.")
    return 0 if report.ok else 1


def cmd_files(args: argparse.Namespace) -> int:
    settings = get_settings()
    replica = settings.files_replica_dir
    if args.files_command == "verify":
        digests = asyncio.run(files_backup.known_digests())
        return _print(files_backup.verify_store(digests, store.backend()), "Kiểm tra tệp")
    if settings.files_url and args.files_command in ("backup", "restore"):
        print("Tệp nằm trong kho S3 (MOTCUA_FILES_URL): bản sao do kho S3 đảm nhận "
              "(versioning hoặc replication của bucket), không dùng thư mục sao lưu.",
              file=sys.stderr)
        return 2
    if args.files_command == "backup":
        return _print(files_backup.backup(settings.files_dir, replica), "Sao lưu tệp")
    if args.files_command == "restore":
        digests = asyncio.run(files_backup.known_digests())
        return _print(files_backup.restore(digests, replica, settings.files_dir),
                      "Khôi phục tệp")
    removed = asyncio.run(store.sweep_orphans())
    print(f"Đã dọn {len(removed)} tệp mồ côi (do tiến trình dừng đột ngột để lại).")
    return 0


def add_files_parser(sub) -> None:
    files = sub.add_parser("files", help="file store: backup, restore, verify, sweep")
    files_sub = files.add_subparsers(dest="files_command", required=True)
    files_sub.add_parser("backup", help="copy new files to the replica (MOTCUA_FILES_REPLICA_DIR)")
    files_sub.add_parser("restore", help="copy back every file the database names, hash-checked")
    files_sub.add_parser("verify", help="check every file's SHA-256; exit 1 on any problem")
    files_sub.add_parser("sweep", help="remove files left by a crash before their row committed")
    files.set_defaults(func=cmd_files)

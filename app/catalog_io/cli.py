"""`python -m app catalog import FILE.xlsx [--dry-run] | export FILE.xlsx | template FILE.xlsx`:
the national procedure database's spreadsheet from the command line, as on the admin page."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path


def cmd_import(args: argparse.Namespace) -> int:
    from app.catalog_io.service import import_workbook

    path = Path(args.file)
    if not path.is_file():
        print(f"Không tìm thấy tệp {path}.", file=sys.stderr)
        return 2
    report = asyncio.run(import_workbook(path.read_bytes(), dry_run=args.dry_run))
    for line in report.lines():
        print(line, file=sys.stderr if report.problems else sys.stdout)
    return 1 if report.problems else 0


def cmd_export(args: argparse.Namespace) -> int:
    from app.catalog_io.workbook import export

    Path(args.file).write_bytes(asyncio.run(export()))
    print(f"Đã xuất danh mục thủ tục ra {args.file}.")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from app.catalog_io.workbook import template

    Path(args.file).write_bytes(template())
    print(f"Đã ghi tệp mẫu {args.file}.")
    return 0


def add_catalog_parser(sub) -> None:
    catalog = sub.add_parser("catalog", help="import or export the procedure catalogue (XLSX)")
    commands = catalog.add_subparsers(dest="catalog_command", required=True)
    imported = commands.add_parser("import", help="import the national database's XLSX")
    imported.add_argument("file")
    imported.add_argument("--dry-run", action="store_true",
                          help="check and report only; write nothing")
    imported.set_defaults(func=cmd_import)
    for name, func, text in (("export", cmd_export, "write the catalogue in force"),
                             ("template", cmd_template, "write an empty import template")):
        command = commands.add_parser(name, help=text)
        command.add_argument("file")
        command.set_defaults(func=func)

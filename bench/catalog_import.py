"""How long a province's whole catalogue takes to import from the national database's
spreadsheet: N procedures (2 components each) across two agencies, on a fresh database —
dry run, real run (one transaction), and the same file again (nothing changes).

    .venv/bin/python bench/catalog_import.py --procedures 2000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--procedures", type=int, default=2000)
    args = parser.parse_args()
    for name in [n for n in os.environ if n.startswith("MOTCUA_")]:
        del os.environ[name]
    os.environ["MOTCUA_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-import-")

    import piccolo_conf  # noqa: F401
    from app.catalog_io.service import import_workbook
    from app.directory.admin import AgencyValues, save_agency
    from app.system.migrations import migrate
    from tests.catalog_workbooks import procedures

    agencies = ("Sở Tư pháp", "Sở Xây dựng")

    async def run() -> None:
        await migrate()
        for n, name in enumerate(agencies, start=1):
            await save_agency(None, None, AgencyValues(f"000.00.{n:02d}.H55", name))
        began = time.perf_counter()
        book = procedures(args.procedures, agencies)
        print(f"workbook of {args.procedures} procedures: {len(book) / 1024:.0f} KB, "
              f"built in {time.perf_counter() - began:.1f} s")
        for label, dry in (("dry run", True), ("real run", False), ("same file again", False)):
            began = time.perf_counter()
            report = await import_workbook(book, dry_run=dry)
            print(f"{label:16} {time.perf_counter() - began:6.1f} s  {report.summary()}")

    asyncio.run(run())


if __name__ == "__main__":
    main()

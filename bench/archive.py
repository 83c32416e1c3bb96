"""The electronic archive on bulk history: archival files built per closed dossier, one
hand-over package of them, and the fixity run over both.

Builds a scratch database (migrate, demo catalogue, `--dossiers` bulk dossiers: most are
closed, each with its events), then times, in this process on the app's engine:

- `build_pending` for `--files` closed dossiers (forms as issued — receipt and control
  sheet —, event log, index, all PDF/A through WeasyPrint; bulk dossiers have no component
  or result files, so no OCR here — see `bench/digitisation.py` for Tesseract per page);
- the hand-over package of those files (copy with checksum, indexes, BagIt manifests);
- `fixity.verify_all` over the files and the bag;
- `pdfa.to_pdfa` (OCRmyPDF in a subprocess) on one page of each kind a dossier can carry: a
  scan without text, a phone photo, a plain PDF pikepdf cannot vouch for, a PDF/A.

CPU seconds are printed beside wall seconds: on a shared machine the first is the cost.

    .venv/bin/python bench/archive.py [--dossiers 2000] [--files 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fresh_app import app_command  # noqa: E402  (bench/ is the script's own folder)


def timed(label: str, work):
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label}: {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    return result, wall, cpu


async def _package(files: int) -> str:
    from app.accounts.roles import Role
    from app.accounts.service import CurrentUser
    from app.archive import package
    from app.archive.tables import ArchivalFile

    rows = await ArchivalFile.select(ArchivalFile.agency, ArchivalFile.end_at).where(
        ArchivalFile.status == "built")
    agency = max({r["agency"] for r in rows}, key=lambda a: sum(r["agency"] == a for r in rows))
    days = [r["end_at"].date() for r in rows if r["agency"] == agency]
    admin = CurrentUser(id=1, username="bench", full_name="Bench", role=Role.PROVINCIAL_ADMIN,
                        agency_ids=(), session_token="")
    package_id = await package.request_package(admin, agency, min(days), max(days))
    return await package.build_package(package_id)


def _page_image():
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 34)
    for number, line in enumerate(("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                   "TỜ KHAI ĐĂNG KÝ KHAI SINH", "Họ và tên: Nguyễn Thị Nhung")):
        draw.text((110, 150 + number * 70), line, font=font, fill=0)
    return image


def conversions() -> None:
    import io

    from app.archive import pdfa
    from app.documents.pdf import PDFA_VARIANT, html_to_pdf

    scan, photo = io.BytesIO(), io.BytesIO()
    _page_image().save(scan, "PDF", resolution=150)
    _page_image().convert("RGB").save(photo, "JPEG", quality=80)
    html = "<h1>Giấy khai sinh</h1><p>Bản điện tử.</p>"
    for label, data, kind in (
            ("scan, 1 page (OCR)", scan.getvalue(), "application/pdf"),
            ("phone photo (OCR)", photo.getvalue(), "image/jpeg"),
            ("plain PDF (re-imaged + OCR)", html_to_pdf(html), "application/pdf"),
            ("PDF/A (kept)", html_to_pdf(html, pdf_variant=PDFA_VARIANT), "application/pdf")):
        wall, cpu = time.perf_counter(), time.process_time()
        children = os.times()
        made = pdfa.to_pdfa(data, kind)
        after = os.times()
        child_cpu = (after.children_user + after.children_system
                     - children.children_user - children.children_system)
        print(f"  {label}: {made.conversion}, {time.perf_counter() - wall:.2f} s wall, "
              f"{time.process_time() - cpu + child_cpu:.2f} s CPU (with OCRmyPDF)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=2000)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="motcua-bench-archive-"))
    try:
        print(f"scratch: {var_dir}", flush=True)
        app_command(var_dir, "migrate")
        app_command(var_dir, "seed", "--demo")
        app_command(var_dir, "seed", "--dossiers", str(args.dossiers))
        os.environ["MOTCUA_VAR_DIR"] = str(var_dir)
        import piccolo_conf  # noqa: F401  (the engine, on the scratch database)
        from app.archive import fixity, service, storage
        from app.dossiers.tables import DossierEvent

        # Bulk history records reception as "received"; as the counter's "accepted" the
        # dossiers get their receipt and control sheet, as live ones do.
        DossierEvent.update({DossierEvent.action: "accepted"}).where(
            DossierEvent.action == "received").run_sync()

        counts, wall, cpu = timed(f"archival files ({args.files})", lambda: asyncio.run(
            service.build_pending(limit=args.files)))
        print(f"  {counts}; {cpu / max(counts['built'], 1):.2f} s CPU per file; "
              f"{storage.folder_size(storage.root() / 'files') / 1e6:.1f} MB", flush=True)
        timed("hand-over package", lambda: asyncio.run(_package(args.files)))
        (checked, problems), _, _ = timed("fixity run", lambda: asyncio.run(
            fixity.verify_all()))
        print(f"  {checked} documents and packages checked, {len(problems)} problems")
        print("conversions to PDF/A:")
        conversions()
    finally:
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

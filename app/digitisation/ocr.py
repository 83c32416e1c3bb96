"""Optical character recognition with Tesseract (`vie`), run as a subprocess.

Tesseract reads images, not PDFs, so the stored PDF is rasterised with poppler's
`pdftoppm` first: one code path for scans we assembled and PDFs a scanner produced.
`OMP_THREAD_LIMIT=1` stops Tesseract from spreading one page over every core: the worker
runs two jobs at once on a 2-core machine and the web process must keep a core.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

RASTER_DPI = 170  # the resolution our pipeline writes pages at (images.PDF_RESOLUTION)
SECONDS_PER_PAGE = 60


class OcrError(RuntimeError):
    """Tesseract or pdftoppm failed; the job is retried, the scan itself is kept."""


def _run(args: list[str], timeout: float) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(args, capture_output=True, timeout=timeout, env=env,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OcrError(f"{args[0]}: {exc}") from exc
    if done.returncode != 0:
        raise OcrError(f"{args[0]} exited {done.returncode}: "
                       f"{done.stderr.decode(errors='replace')[-300:]}")
    return done.stdout.decode("utf-8", errors="replace")


def read_images(paths: list[Path], timeout_per_page: float = SECONDS_PER_PAGE) -> str:
    """The text of the page images, in order, pages separated by a form feed."""
    if not paths:
        return ""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(str(p) for p in paths) + "\n")
    try:
        return _run(["tesseract", listing.name, "stdout", "-l", "vie", "--psm", "3"],
                    timeout=timeout_per_page * len(paths))
    finally:
        Path(listing.name).unlink(missing_ok=True)


def read_pdf(pdf_path: Path, page_count: int) -> str:
    """Rasterise the PDF in gray and read every page."""
    with tempfile.TemporaryDirectory(prefix="ocr-") as folder:
        _run(["pdftoppm", "-r", str(RASTER_DPI), "-gray", "-png", str(pdf_path),
              f"{folder}/page"], timeout=30 + 10 * max(page_count, 1))
        pages = sorted(Path(folder).glob("page*.png"))
        return read_images(pages)

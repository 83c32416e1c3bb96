"""Making a document PDF/A for the archive, and checking one.

Our own forms are written as PDF/A by WeasyPrint. Uploaded and scanned files go through
OCRmyPDF, run as a subprocess (it is not thread-safe, and a subprocess can be timed out):
pages without text get a Vietnamese text layer from Tesseract, and pikepdf adds the PDF/A
metadata and output intent (`--pdfa-backend internal`). Debian 12's Ghostscript 10.0.0
corrupts existing text when it rewrites a PDF, so it is used only as the last resort, on
pages re-imaged first (`--force-ocr`): a file pikepdf cannot vouch for is rasterised,
which keeps its look and a searchable text layer but not its vector text.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.archive.logic import Conversion

PDFA_FORMAT = "PDF/A-2b"
SECONDS_PER_PAGE = 90
_PDFA_CONVERSION_FAILED = 10  # ocrmypdf.ExitCode.pdfa_conversion_failed
_IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png"}


class ConversionError(RuntimeError):
    """A document could not be made a valid PDF/A; the archival file build fails."""


@dataclass(frozen=True)
class Converted:
    data: bytes
    conversion: Conversion
    pages: int


def pdfa_claim(data: bytes) -> str:
    """The PDF/A part and conformance the XMP metadata declares ("2B"), or ""."""
    import pikepdf  # here, not at start-up: ~6 MB the web process rarely needs (issue #21)

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return pdf.open_metadata().pdfa_status or ""
    except (pikepdf.PdfError, ValueError):
        return ""


def page_count(data: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def qpdf_problem(data: bytes) -> str | None:
    """What `qpdf --check` finds wrong with the file (warnings included), or None."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        done = subprocess.run(["qpdf", "--check", f.name], capture_output=True, text=True,
                              timeout=120, check=False)
    if done.returncode == 0:
        return None
    return (done.stdout + done.stderr).strip()[-500:] or f"qpdf exited {done.returncode}"


def archival_problem(data: bytes) -> str | None:
    """Why these bytes are not an acceptable archival PDF, or None."""
    if not pdfa_claim(data):
        return "không có nhận dạng PDF/A trong siêu dữ liệu XMP"
    return qpdf_problem(data)


def _ocrmypdf(source: Path, target: Path, extra: list[str], timeout: float) -> int:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    args = [sys.executable, "-m", "ocrmypdf", "--output-type", "pdfa-2", "-l", "vie",
            "--optimize", "0", "--jobs", "1", "--quiet", *extra, str(source), str(target)]
    try:
        done = subprocess.run(args, capture_output=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ConversionError(f"OCRmyPDF quá thời gian ({timeout:.0f} giây)") from exc
    if done.returncode not in (0, _PDFA_CONVERSION_FAILED):
        raise ConversionError(f"OCRmyPDF lỗi {done.returncode}: "
                              f"{done.stderr.decode(errors='replace')[-400:]}")
    return done.returncode


def to_pdfa(data: bytes, content_type: str, *, signed_copy: bool = False) -> Converted:
    """An archival PDF/A of an uploaded or scanned document (PDF, JPEG or PNG).
    `signed_copy`: a preservation copy of a signed PDF that is not PDF/A — the copy's
    signature no longer verifies (the signed original is kept beside it)."""
    import pikepdf

    is_pdf = content_type == "application/pdf"
    if not is_pdf and content_type not in _IMAGE_TYPES:
        raise ConversionError(f"không chuyển được tệp loại {content_type} sang PDF/A")
    try:
        pages = page_count(data) if is_pdf else 1
    except pikepdf.PdfError as exc:
        raise ConversionError(f"tệp PDF hỏng, không đọc được: {exc}") from exc
    if is_pdf and not signed_copy and archival_problem(data) is None:
        return Converted(data, Conversion.KEPT, pages)
    timeout = 30 + SECONDS_PER_PAGE * pages
    with tempfile.TemporaryDirectory(prefix="archive-pdfa-") as folder:
        source = Path(folder) / ("in.pdf" if is_pdf else f"in{_IMAGE_TYPES[content_type]}")
        target = Path(folder) / "out.pdf"
        source.write_bytes(data)
        image = [] if is_pdf else ["--image-dpi", "150"]
        if signed_copy:
            image.append("--invalidate-digital-signatures")
        code = _ocrmypdf(source, target, ["--skip-text", "--pdfa-backend", "internal", *image],
                         timeout)
        conversion = Conversion.CONVERTED
        if code == _PDFA_CONVERSION_FAILED:
            # pikepdf could not vouch for the file as it is: re-image it (see module doc).
            code = _ocrmypdf(source, target, ["--force-ocr", *image], timeout)
            conversion = Conversion.RASTERISED
        if code != 0:
            raise ConversionError("OCRmyPDF không tạo được PDF/A")
        result = target.read_bytes()
    problem = archival_problem(result)
    if problem:
        raise ConversionError(f"bản PDF/A tạo ra không đạt: {problem}")
    return Converted(result, conversion, page_count(result))

"""The image pipeline, pure (bytes in, bytes out, no I/O): scans and citizen photos.

Phone photos arrive rotated (EXIF orientation), in colour, at 12 megapixels and with GPS
metadata. Re-encoding fixes the orientation, drops all metadata, and downscales to what a
reader (and Tesseract) needs, so a page costs about 150–300 KB instead of 4 MB.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

# 2000 px on the long side is about 170 dpi on A4: sharp on screen, enough for Tesseract
# on ordinary print (it reads 10-pt text from 150 dpi up).
SCAN_MAX_SIDE = 2000
SCAN_QUALITY = 70
# Citizen uploads: the same size bound, colour kept (stamps and photos are in colour).
UPLOAD_MAX_SIDE = 2000
UPLOAD_QUALITY = 80
# Refuse images whose header claims more pixels than any real scan (decompression bombs).
MAX_PIXELS = 60_000_000
PDF_RESOLUTION = 170.0


_UNREADABLE = "Tệp ảnh bị hỏng hoặc không đọc được. Vui lòng chụp hoặc quét lại."


class ImageProblem(ValueError):
    """An image we cannot use (message in Vietnamese, shown to the user)."""


@dataclass(frozen=True)
class FileFacts:
    sha256: str
    size: int
    page_count: int


def _open(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError):
        raise ImageProblem(_UNREADABLE) from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageProblem("Ảnh có kích thước quá lớn. "
                           "Vui lòng chụp lại với độ phân giải thấp hơn.")
    try:
        image.load()
    except (OSError, Image.DecompressionBombError):
        raise ImageProblem(_UNREADABLE) from None
    # Turn the pixels the way the camera was held; the EXIF tag is dropped on save.
    return ImageOps.exif_transpose(image)


def _downscale(image: Image.Image, max_side: int) -> Image.Image:
    if max(image.size) > max_side:
        image = image.copy()
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return image


def normalise_scan(data: bytes, max_side: int = SCAN_MAX_SIDE,
                   quality: int = SCAN_QUALITY) -> bytes:
    """One scanned page as an upright, grayscale, downscaled, compressed JPEG."""
    image = _downscale(_open(data).convert("L"), max_side)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def reencode_upload(data: bytes, content_type: str, max_side: int = UPLOAD_MAX_SIDE,
                    quality: int = UPLOAD_QUALITY) -> tuple[bytes, str]:
    """A citizen's image re-encoded server-side (upright, downscaled, no metadata); PDFs
    are passed through. Returns the bytes to store and their content type."""
    if content_type not in ("image/jpeg", "image/png"):
        return data, content_type
    image = _downscale(_open(data), max_side)
    out = io.BytesIO()
    if content_type == "image/png":
        # PNGs are mostly screenshots and exported forms: keep them lossless.
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    else:
        image.convert("RGB").save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue(), content_type


def pages_to_pdf(pages: list[bytes], resolution: float = PDF_RESOLUTION) -> bytes:
    """Several page images merged into one PDF, in the order given. The JPEG data of
    grayscale pages is embedded as it is (no second lossy pass)."""
    if not pages:
        raise ImageProblem("Chưa có trang nào được quét.")
    images = [_open(page) for page in pages]
    images = [im if im.mode in ("L", "RGB") else im.convert("RGB") for im in images]
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:],
                   resolution=resolution)
    return out.getvalue()


_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def pdf_page_count(data: bytes) -> int:
    """Pages of a PDF, counted from its page objects. Good for the PDFs scanners and our
    own pipeline write; compressed object streams may hide pages (then at least 1)."""
    return max(1, len(_PDF_PAGE.findall(data)))


def facts(data: bytes, content_type: str) -> FileFacts:
    pages = pdf_page_count(data) if content_type == "application/pdf" else 1
    return FileFacts(sha256=hashlib.sha256(data).hexdigest(), size=len(data), page_count=pages)

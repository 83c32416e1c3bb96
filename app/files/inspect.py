"""Looking inside an upload whose first bytes said PDF, JPEG or PNG, before it is stored.

A right signature is not enough: an image can declare a billion pixels in a few kilobytes
(a decompression bomb that exhausts memory when the counter opens it or OCR reads it), be
truncated or corrupt; a PDF can carry scripts or launch actions, or be encrypted so no one
can check or digitise it. Everything here works on the bytes in memory (no disk, no
network) and only reads headers, so it costs milliseconds even for a 5 MB file.
"""

from __future__ import annotations

import io
import re
import warnings

from PIL import Image, UnidentifiedImageError

# An A4 page scanned at 600 dpi is ~35 million pixels; anything far beyond is not a scan.
MAX_IMAGE_PIXELS = 40_000_000
_PDF_HEADER = re.compile(rb"%PDF-\d\.\d")
# Active content and encryption: names a harmless scanned form never needs. A heuristic
# (names can hide in compressed object streams), so the counter's viewer stays sandboxed.
_PDF_ACTIVE = (b"/JavaScript", b"/JS ", b"/JS(", b"/JS<", b"/Launch", b"/EmbeddedFile",
               b"/RichMedia", b"/XFA", b"/Encrypt")


def image_problem(content: bytes) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    return ("Ảnh có kích thước quá lớn (quá 40 triệu điểm ảnh). "
                            "Vui lòng chụp hoặc quét lại ở độ phân giải thấp hơn.")
                image.verify()  # structure and checksums, without decoding the pixels
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "Ảnh có kích thước quá lớn. Vui lòng chụp hoặc quét lại ở độ phân giải thấp hơn."
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return "Tệp ảnh bị hỏng hoặc không đọc được. Vui lòng chụp hoặc quét lại."
    return None


def pdf_problem(content: bytes) -> str | None:
    if not _PDF_HEADER.match(content):
        return "Tệp PDF bị hỏng (phần đầu tệp không hợp lệ). Vui lòng xuất lại tệp PDF."
    if any(marker in content for marker in _PDF_ACTIVE):
        return ("Tệp PDF có mã lệnh, tệp đính kèm hoặc mật khẩu, hệ thống không nhận. "
                "Vui lòng in ra PDF thông thường rồi nộp lại.")
    return None


def content_problem(content: bytes, content_type: str) -> str | None:
    """Why these bytes are refused although their signature is accepted, or None."""
    if content_type == "application/pdf":
        return pdf_problem(content)
    if content_type in ("image/png", "image/jpeg"):
        return image_problem(content)
    return None

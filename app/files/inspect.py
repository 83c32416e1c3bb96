"""Looking inside an upload whose first bytes said PDF, JPEG or PNG, before it is stored.

A right signature is not enough: an image can declare a billion pixels in a few kilobytes
(a decompression bomb that exhausts memory when the counter opens it or OCR reads it), be
truncated or corrupt; a PDF can carry scripts or launch actions, or be encrypted so no one
can check or digitise it. Images are judged from their headers; a PDF is parsed (pypdf)
and every object read, so names are compared decoded (`/J#61vaScript` is `/JavaScript`)
and objects packed in compressed object streams are seen too. What does not parse as a
PDF with pages, or carries more than a little data after its end (another file glued on),
is refused. All in memory, no disk, no network.
"""

from __future__ import annotations

import io
import logging
import warnings

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# An A4 page scanned at 600 dpi is ~35 million pixels; anything far beyond is not a scan.
MAX_IMAGE_PIXELS = 40_000_000
# Active content, attachments and encryption: names a harmless scanned form never needs.
_PDF_ACTIVE = frozenset({
    "/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia",
    "/XFA", "/Encrypt", "/SubmitForm", "/ImportData", "/GoToE",
})
_MAX_PDF_OBJECTS = 200_000
_MAX_AFTER_EOF = 1024  # line ends and padding some writers leave after %%EOF
_BROKEN = "Tệp PDF bị hỏng hoặc không phải PDF. Vui lòng xuất lại tệp PDF."
_ACTIVE = ("Tệp PDF có mã lệnh, tệp đính kèm hoặc mật khẩu, hệ thống không nhận. "
           "Vui lòng in ra PDF thông thường rồi nộp lại.")

logging.getLogger("pypdf").setLevel(logging.ERROR)  # a repaired file is not worth a warning


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


def _names(obj, depth: int = 0):
    """Every name in a direct object: dictionary keys and values, array items."""
    if depth > 50:
        raise ValueError("nested too deeply")
    if isinstance(obj, NameObject):
        yield str(obj)
    elif isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            yield str(key)
            yield from _names(value, depth + 1)
    elif isinstance(obj, ArrayObject):
        for item in obj:
            yield from _names(item, depth + 1)


def _objects(reader: PdfReader):
    """Every object the cross-references list, those inside object streams included."""
    numbers = {(num, gen) for gen, table in reader.xref.items() for num in table}
    numbers |= {(num, 0) for num in reader.xref_objStm}
    if len(numbers) > _MAX_PDF_OBJECTS:
        raise ValueError("too many objects")
    yield reader.trailer
    for num, gen in sorted(numbers):
        yield reader.get_object(IndirectObject(num, gen, reader))


def pdf_problem(content: bytes) -> str | None:
    if not content.startswith(b"%PDF-"):
        return _BROKEN
    end = content.rfind(b"%%EOF")
    if end < 0 or len(content[end + 5:].strip(b"\r\n\t \x00")) > _MAX_AFTER_EOF:
        return _BROKEN
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted:
                return _ACTIVE
            if len(reader.pages) < 1:
                return _BROKEN
            for obj in _objects(reader):
                if any(name in _PDF_ACTIVE for name in _names(obj)):
                    return _ACTIVE
    except Exception:  # noqa: BLE001 - any failure to read it means we cannot vouch for it
        return _BROKEN
    return None


def content_problem(content: bytes, content_type: str) -> str | None:
    """Why these bytes are refused although their signature is accepted, or None."""
    if content_type == "application/pdf":
        return pdf_problem(content)
    if content_type in ("image/png", "image/jpeg"):
        return image_problem(content)
    return None

"""Putting the conversion mark on a result: every page of a PDF result is stamped with the
same mark (rendered once by WeasyPrint, overlaid with pypdf); an image result is laid out
on A4 with the mark under it. The electronic content itself is never re-typed."""

from __future__ import annotations

import base64
import io

from app.documents.pdf import html_to_pdf

IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def image_type(content: bytes) -> str | None:
    return next((kind for magic, kind in IMAGE_TYPES.items() if content.startswith(magic)),
                None)


def is_pdf(content: bytes) -> bool:
    return content.startswith(b"%PDF-")


def image_data_uri(content: bytes) -> str:
    return f"data:{image_type(content)};base64,{base64.b64encode(content).decode()}"


def _reader(content: bytes):
    # pypdf is imported on first use (like WeasyPrint): it pulls in crypto modules that
    # cost the web process seconds at start-up on a busy machine.
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted or not reader.pages:
            raise UnreadablePdf("encrypted or empty")
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise UnreadablePdf(str(exc)) from exc
    return reader


def convertible(content: bytes) -> bool:
    """Whether the result can be printed with the mark: a readable PDF or a PNG/JPEG."""
    if image_type(content):
        return True
    try:
        return is_pdf(content) and bool(_reader(content))
    except UnreadablePdf:
        return False


class UnreadablePdf(ValueError):
    """The stored result says it is a PDF but cannot be read as one."""


def stamp_pdf(result: bytes, stamp_html: str) -> tuple[bytes, int]:
    """The result PDF with the one-page stamp (an A4 page, transparent except for the mark)
    overlaid on each page, scaled to the page's width. Returns the PDF and its page count.
    Raises UnreadablePdf for a damaged or encrypted file."""
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.errors import PdfReadError

    try:
        writer = PdfWriter(clone_from=_reader(result))
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise UnreadablePdf(str(exc)) from exc
    stamp = PdfReader(io.BytesIO(html_to_pdf(stamp_html))).pages[0]
    for page in writer.pages:
        scale = float(page.mediabox.width) / float(stamp.mediabox.width)
        page.merge_transformed_page(
            stamp, Transformation().scale(scale, scale).translate(
                float(page.mediabox.left), float(page.mediabox.bottom)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)

"""The image pipeline on small generated images: orientation, grayscale, size, PDF."""

import hashlib
import io

import pytest
from PIL import Image
from pypdf import PdfReader

from app.digitisation.images import (
    ImageProblem,
    facts,
    normalise_scan,
    pages_to_pdf,
    pdf_page_count,
    reencode_upload,
)


def jpeg(width=60, height=40, colour=(200, 30, 30), orientation=None, exif_gps=False) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    image.putpixel((0, 0), (0, 0, 0))  # a marker in the top-left corner of the sensor
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if exif_gps:
        exif[0x8825] = {1: "N"}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=95)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_scan_is_upright_grayscale_jpeg_without_exif():
    # Orientation 6: the camera was turned; the stored page must be turned back (90°).
    page = opened(normalise_scan(jpeg(60, 40, orientation=6)))
    assert page.format == "JPEG" and page.mode == "L"
    assert page.size == (40, 60)
    assert 0x0112 not in page.getexif()


def test_scan_is_downscaled_keeping_proportions():
    page = opened(normalise_scan(jpeg(3000, 1500), max_side=1000))
    assert page.size == (1000, 500)
    small = opened(normalise_scan(jpeg(300, 200), max_side=1000))
    assert small.size == (300, 200)  # never enlarged


def test_scan_compresses_a_large_photo():
    noisy = Image.effect_noise((2400, 1800), 40).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "JPEG", quality=98)
    assert len(normalise_scan(out.getvalue())) < len(out.getvalue()) / 2


def test_upload_keeps_colour_drops_metadata_and_turns_upright():
    data, content_type = reencode_upload(jpeg(60, 40, orientation=8, exif_gps=True),
                                         "image/jpeg")
    image = opened(data)
    assert content_type == "image/jpeg" and image.mode == "RGB"
    assert image.size == (40, 60)
    assert len(image.getexif()) == 0  # no GPS, no orientation left


def test_upload_png_stays_png_and_pdf_passes_through():
    out = io.BytesIO()
    Image.new("RGBA", (3000, 100), (0, 0, 0, 0)).save(out, "PNG")
    data, content_type = reencode_upload(out.getvalue(), "image/png", max_side=1500)
    assert content_type == "image/png" and opened(data).size == (1500, 50)
    pdf = b"%PDF-1.4\n%%EOF"
    assert reencode_upload(pdf, "application/pdf") == (pdf, "application/pdf")


@pytest.mark.parametrize("data", [b"\xff\xd8\xff" + b"\x00" * 50,
                                  b"\x89PNG\r\n\x1a\n" + b"\x00" * 64])
def test_a_broken_image_is_refused_in_vietnamese(data):
    with pytest.raises(ImageProblem, match="Tệp ảnh bị hỏng"):
        reencode_upload(data, "image/jpeg")


def test_a_decompression_bomb_is_refused_before_decoding():
    out = io.BytesIO()
    Image.new("1", (10000, 10000)).save(out, "PNG")  # 100 megapixels, a few KB
    with pytest.raises(ImageProblem, match="quá lớn"):
        normalise_scan(out.getvalue())


def test_pages_merge_into_one_pdf_in_order():
    pages = [normalise_scan(jpeg(colour=(v, v, v))) for v in (10, 120, 250)]
    pdf = pages_to_pdf(pages)
    assert pdf.startswith(b"%PDF")
    assert pdf_page_count(pdf) == 3
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    described = facts(pdf, "application/pdf")
    assert described.page_count == 3 and described.size == len(pdf)
    assert described.sha256 == hashlib.sha256(pdf).hexdigest()


def test_no_pages_no_pdf():
    with pytest.raises(ImageProblem):
        pages_to_pdf([])


def test_an_image_counts_as_one_page():
    assert facts(jpeg(), "image/jpeg").page_count == 1

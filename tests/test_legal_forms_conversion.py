"""Paper conversion of an electronic result: recorded with its audit entry, every page of
the PDF stamped with the mark, converter and QR; the public lookup shows the SHA-256."""

import io

from pypdf import PdfReader

from app.audit import service as audit
from app.audit.tables import AuditEntry
from app.documents.pdf import html_to_pdf
from app.dossiers.tables import DossierResult
from app.legal_forms.tables import ResultConversion
from tests.conftest import csrf_from, run
from tests.legal_forms_world import as_, dossier_with_result, world  # noqa: F401
from tests.signing_world import signing  # noqa: F401  (fixture)

RESULT_HTML = ("<html><body style='font-family: DejaVu Sans'><h1>Quyết định cấp giấy phép"
               "</h1><p style='page-break-after: always'>Trang một</p><p>Trang hai</p>"
               "</body></html>")


def test_convert_stamps_every_page_and_lookup_shows_the_digest(
        client, world, signing):  # noqa: F811
    dossier_id = run(dossier_with_result(world, html_to_pdf(RESULT_HTML), signing))
    as_(client, world["counter"])
    start = client.get(f"/can-bo/ho-so/{dossier_id}/chuyen-doi-giay")
    digest = DossierResult.select().first().run_sync()["sha256"]  # the signed file
    assert start.status_code == 200 and digest in start.text
    done = client.post(f"/can-bo/ho-so/{dossier_id}/chuyen-doi-giay",
                       data={"_csrf_token": csrf_from(start.text)}, follow_redirects=False)
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert page.status_code == 200 and "Trần Thị Motcua" in page.text and "<svg" in page.text

    row = ResultConversion.select().first().run_sync()
    assert (row["dossier"], row["result_sha256"], row["converter_name"]) == (
        dossier_id, digest, "Trần Thị Motcua")
    entry = AuditEntry.select().where(
        AuditEntry.action == "result.converted_to_paper").first().run_sync()
    assert entry is not None and digest in entry["data"]
    assert run(audit.verify()) == []

    pdf = PdfReader(io.BytesIO(client.get(done.headers["location"] + "/pdf").content))
    assert len(pdf.pages) == 2
    for number, page_obj in enumerate(pdf.pages, start=1):
        text = page_obj.extract_text()
        assert f"Trang {'một' if number == 1 else 'hai'}" in text  # the result itself
        assert "BẢN CHUYỂN ĐỔI TỪ VĂN BẢN ĐIỆN TỬ" in text
        assert "Trần Thị Motcua" in text and digest in text

    client.cookies.clear()
    lookup = client.get("/tra-cuu", params={"ma": run(_code(dossier_id)), "so": "5678"})
    assert lookup.status_code == 200 and digest in lookup.text
    assert "Trần Thị Motcua" in lookup.text  # the conversion is listed


async def _code(dossier_id):
    from app.dossiers.tables import Dossier

    return (await Dossier.select(Dossier.code).where(Dossier.id == dossier_id).first())["code"]


def test_no_result_no_conversion(client, world):  # noqa: F811
    as_(client, world["counter"])
    url = f"/can-bo/ho-so/{world['dossier_id']}/chuyen-doi-giay"
    start = client.get(url)
    assert "Hồ sơ chưa có kết quả điện tử" in start.text
    refused = client.post(url, data={"_csrf_token": csrf_from(client.get("/dang-nhap").text)})
    assert refused.status_code == 400 and "chưa có kết quả" in refused.text
    assert ResultConversion.count().run_sync() == 0


def test_image_result_is_laid_out_with_the_mark(client, world):  # noqa: F811
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(buffer, "PNG")
    dossier_id = run(dossier_with_result(world, buffer.getvalue()))
    as_(client, world["counter"])
    url = f"/can-bo/ho-so/{dossier_id}/chuyen-doi-giay"
    done = client.post(url, data={"_csrf_token": csrf_from(client.get(url).text)},
                       follow_redirects=False)
    pdf = PdfReader(io.BytesIO(client.get(done.headers["location"] + "/pdf").content))
    text = " ".join(pdf.pages[0].extract_text().split())  # the name may wrap
    assert "BẢN CHUYỂN ĐỔI TỪ VĂN BẢN ĐIỆN TỬ" in text and "Trần Thị Motcua" in text
    assert pdf.pages[0].images  # the result image itself is on the page


def test_damaged_pdf_result_is_refused_with_a_message(client, world):  # noqa: F811
    dossier_id = run(dossier_with_result(world, b"%PDF-1.4\n% not really a pdf\n"))
    as_(client, world["counter"])
    url = f"/can-bo/ho-so/{dossier_id}/chuyen-doi-giay"
    refused = client.post(url, data={"_csrf_token": csrf_from(client.get(url).text)})
    assert refused.status_code == 400 and "không phải PDF hoặc ảnh" in refused.text
    assert ResultConversion.count().run_sync() == 0

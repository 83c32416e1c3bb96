"""Printable forms through the real app: offered only after their event, scoped, and the
PDF carries correct Vietnamese text (read back with pypdf)."""

import io
import re

from pypdf import PdfReader

from tests.legal_forms_world import as_, world  # noqa: F401  (fixture)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_index_offers_only_the_forms_whose_event_happened(client, world):  # noqa: F811
    as_(client, world["counter"])
    page = client.get(f"/can-bo/ho-so/{world['dossier_id']}/bieu-mau")
    assert page.status_code == 200
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in page.text
    assert "Thông báo về việc dừng giải quyết hồ sơ" in page.text
    assert "Phiếu kiểm soát quá trình giải quyết hồ sơ" in page.text
    assert "Phiếu từ chối" not in page.text and "Phiếu xin lỗi" not in page.text
    missing = client.get(f"/can-bo/ho-so/{world['dossier_id']}/bieu-mau/refusal")
    assert missing.status_code == 404
    assert client.get(f"/can-bo/ho-so/{world['dossier_id']}/bieu-mau/nonsense").status_code == 404


def test_receipt_page_and_pdf_render_vietnamese(client, world):  # noqa: F811
    as_(client, world["counter"])
    base = f"/can-bo/ho-so/{world['dossier_id']}/bieu-mau/receipt"
    page = client.get(base)
    assert page.status_code == 200 and "<svg" in page.text
    # Print CSS comes from a file (the CSP forbids inline styles) that hides the toolbar.
    sheet = re.search(r'<link rel="stylesheet" href="([^"]+forms\.css[^"]*)"', page.text)
    css = client.get(sheet.group(1)).text
    assert "@media print" in css and "DejaVu" in css
    pdf = client.get(f"{base}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    for expected in ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Y Blông Ê Ban",
                     "Phường Trần Hưng Đạo", "Cấp Phiếu lý lịch tư pháp",
                     "Độc lập - Tự do - Hạnh phúc", "Mẫu số 01 — Thông tư số 03/2025/TT-VPCP",
                     "000.00.17.H55-"):
        assert expected in text, expected


def test_stop_notice_and_control_sheet_pdfs(client, world):  # noqa: F811
    as_(client, world["counter"])
    base = f"/can-bo/ho-so/{world['dossier_id']}/bieu-mau"
    notice = pdf_text(client.get(f"{base}/stop_notice/pdf").content)
    assert "THÔNG BÁO VỀ VIỆC DỪNG GIẢI QUYẾT HỒ SƠ" in notice
    assert "Đang chờ kết quả giám định" in notice
    sheet = client.get(f"{base}/control_sheet")
    assert sheet.status_code == 200
    # Exact early / on time / late rules are unit-tested; here the rows exist, are judged,
    # and the counter's reception is one row, the handling step the next (not step 1 again).
    assert sheet.text.count("Bước 1/5: Tiếp nhận hồ sơ") == 1
    assert sheet.text.index("Bước 1/5: Tiếp nhận hồ sơ") < sheet.text.index(
        "Bước 2/5: Thẩm định lần 1")
    assert "Đúng hạn" in sheet.text or "Trước hạn" in sheet.text
    assert "Trần Thị Thuly" in sheet.text  # the handler received it: room to sign
    pdf = client.get(f"{base}/control_sheet/pdf").content
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in pdf_text(pdf)
    page = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1  # fits one A4 page (landscape)
    assert (round(float(page.width)), round(float(page.height))) == (842, 595)


def test_another_agencys_officer_cannot_print(client, world):  # noqa: F811
    as_(client, world["stranger"])
    base = f"/can-bo/ho-so/{world['dossier_id']}/bieu-mau"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/receipt/pdf").status_code == 404


def test_transfer_cutoff_comes_from_the_dossiers_rule_version(db):
    from datetime import UTC, datetime, time

    from app.dossiers.tables import RuleVersion
    from app.legal_forms.service import _transfer_cutoff
    from tests.conftest import run

    async def make():
        row = RuleVersion(code="X-2026", title="Thử", config={"paper_transfer_cutoff": "14:30"},
                          effective_from=datetime(2026, 1, 1, tzinfo=UTC))
        await row.save()
        return row.id

    rule_id = run(make())
    assert run(_transfer_cutoff(rule_id)) == time(14, 30)
    assert run(_transfer_cutoff(None)) == time(15, 0)  # the decree's default


def test_a_slip_due_at_24_00_names_the_office_hours_for_collecting(client, world):  # noqa: F811
    """Civil Code art. 148: the legal deadline stays "24:00 dd/mm/yyyy"; the slip adds the
    office hours of that day, in which the paper result is handed over."""
    from datetime import datetime

    from app.dossiers.tables import Dossier
    from app.formatting import LOCAL_TZ

    Dossier.update({Dossier.due_at: datetime(2026, 2, 24, tzinfo=LOCAL_TZ)}).where(
        Dossier.id == world["dossier_id"]).run_sync()
    as_(client, world["counter"])
    wanted = ("24:00 23/02/2026</strong>; trả kết quả trong giờ hành chính ngày 23/02/2026 "
              "(07:30–11:30, 13:00–17:00)")
    for page in (f"/can-bo/ho-so/{world['dossier_id']}/bieu-mau/receipt",
                 f"/can-bo/ho-so/{world['dossier_id']}/phieu-hen"):
        assert wanted in client.get(page).text, page
    receipt = f"/can-bo/ho-so/{world['dossier_id']}/bieu-mau/receipt"
    pdf = pdf_text(client.get(f"{receipt}/pdf").content)
    assert "giờ hành chính ngày 23/02/2026" in " ".join(pdf.split())
    # An appointment inside office hours prints as it is.
    Dossier.update({Dossier.due_at: datetime(2026, 2, 23, 10, tzinfo=LOCAL_TZ)}).where(
        Dossier.id == world["dossier_id"]).run_sync()
    page = client.get(f"/can-bo/ho-so/{world['dossier_id']}/bieu-mau/receipt").text
    assert "10:00 23/02/2026</strong></p>" in page and "giờ hành chính ngày" not in page


def test_forms_04_and_05_are_signed_by_the_agencys_official(client, world):  # noqa: F811
    """The stop notice (and the apology) name the handling agency's first signing official;
    without one recorded, the title alone, as before."""
    from app.directory.tables import AgencySigner
    from app.dossiers.tables import Dossier

    as_(client, world["counter"])
    notice = f"/can-bo/ho-so/{world['dossier_id']}/bieu-mau/stop_notice"
    unsigned = " ".join(pdf_text(client.get(f"{notice}/pdf").content).split())
    assert "THỦ TRƯỞNG CƠ QUAN" in unsigned
    agency = Dossier.select(Dossier.agency).first().run_sync()["agency"]
    AgencySigner(agency=agency, full_name="Đinh Văn Tâm", title="Giám đốc",
                 position=1).save().run_sync()
    signed = " ".join(pdf_text(client.get(f"{notice}/pdf").content).split())
    assert "GIÁM ĐỐC" in signed and "Đinh Văn Tâm" in signed
    assert "THỦ TRƯỞNG CƠ QUAN" not in signed

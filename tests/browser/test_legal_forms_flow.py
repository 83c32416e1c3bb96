"""In Chromium: a counter officer receives a dossier, opens its printable receipt (styled
by the form sheet despite the strict CSP, toolbar hidden in print) and its PDF."""

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.helpers import login

pytestmark = pytest.mark.browser


def test_receipt_form_page_and_pdf(page: Page, live_server):
    ((agency_id,),) = live_server.query("SELECT id FROM agency WHERE short_name = 'Sở Tư pháp'")
    ((procedure_id,),) = live_server.query(
        "SELECT id FROM procedure WHERE agency = ? AND name LIKE 'Cấp Phiếu lý lịch tư pháp%' "
        "LIMIT 1", agency_id)
    live_server.cli("createuser", "quay.bieumau", "--name", "Lê Thị Hồng Nhung", "--role",
                    "counter_officer", "--agency", str(agency_id), "--password", "Form2026xyz")
    base = live_server.url
    login(page, base, "quay.bieumau", "Form2026xyz")
    page.goto(f"{base}/mot-cua/tiep-nhan/{procedure_id}")
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Nguyễn Thị Ánh Tuyết")
    page.get_by_label("Số CCCD hoặc mã số thuế").fill("064190002222")
    page.get_by_label("Số điện thoại").fill("0987650000")
    for box in page.locator("input[name=components]").all():
        box.check()
    page.get_by_role("button", name="Ghi nhận kết quả kiểm tra").click()
    page.get_by_role("link", name="Xem hồ sơ").click()

    page.get_by_role("link", name="Biểu mẫu in (PDF)").click()
    page.get_by_role("link", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả").click()
    title = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    # The sheet applied: the heading is upper-cased by CSS, the QR is drawn. Awaited: a
    # heading can be laid out before a slow server's stylesheet arrives (one PostgreSQL run).
    expect(page.locator("h1")).to_have_css("text-transform", "uppercase")
    expect(page.locator(".qr svg")).to_be_visible()
    toolbar = page.locator(".toolbar")
    expect(toolbar).to_be_visible()
    page.emulate_media(media="print")
    expect(toolbar).to_be_hidden()
    page.emulate_media(media="screen")

    pdf_href = page.get_by_role("link", name="Tải PDF").get_attribute("href")
    response = page.request.get(base + pdf_href)  # the page's session cookie goes along
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Nguyễn Thị Ánh Tuyết" in text and "Lê Thị Hồng Nhung" in text

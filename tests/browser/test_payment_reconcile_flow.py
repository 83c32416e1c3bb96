"""In Chromium, a payment the system cannot settle by itself: the fees grew while the
citizen was paying in the sandbox, so the money is recorded but the dossier is left alone;
the counter officer finds it at /can-bo/thanh-toan and records it in the dossier, which
then still owes the difference."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests import pdfs
from tests.browser.helpers import login, upload_component_pages

pytestmark = pytest.mark.browser

CCCD = "052090006666"
PASSWORD = "DoiSoat2026xyz"


def test_fees_grew_during_payment_then_staff_record_it(browser: Browser, live_server,
                                                         tmp_path):
    base = live_server.url
    ((justice,),) = live_server.query("SELECT id FROM agency WHERE short_name = 'Sở Tư pháp'")
    live_server.cli("createuser", CCCD, "--name", "A Thuận", "--role", "citizen",
                    "--id-number", CCCD, "--password", PASSWORD)
    live_server.cli("createuser", "quay.doisoat", "--name", "Cán bộ đối soát", "--role",
                    "counter_officer", "--agency", str(justice), "--password", PASSWORD)
    ((procedure,),) = live_server.query(
        "SELECT id FROM procedure WHERE name LIKE 'Cấp Phiếu lý lịch tư pháp cho công dân%'")
    pdf = tmp_path / "giay-to.pdf"
    pdf.write_bytes(pdfs.simple("giay to"))

    citizen = browser.new_context()
    page = citizen.new_page()
    login(page, base, CCCD, PASSWORD)
    page.goto(f"{base}/thu-tuc/{procedure}")
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_label("Số điện thoại").fill("0977123456")
    page.get_by_label("Địa chỉ liên hệ").fill("Thôn 2, xã Đăk Rơ Wa")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    upload_component_pages(page, lambda label: pdf)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    code = page.locator(".code strong").inner_text()
    page.get_by_role("link", name="Xem hồ sơ và thanh toán").click()
    dossier_id = int(re.search(r"/ho-so-cua-toi/(\d+)", page.url).group(1))
    page.get_by_role("button", name="Thanh toán trực tuyến 200.000 đ").click()
    expect(page.get_by_role("heading", name="Thanh toán 200.000 đ")).to_be_visible()

    # Meanwhile the agency finds another 50.000 đ owed.
    live_server.execute("UPDATE dossier SET fees_due = 250000 WHERE id = ?", dossier_id)
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", name="Đã thanh toán 200.000 đ")).to_be_visible()
    assert live_server.query(
        "SELECT status, settled_dossier FROM payment WHERE dossier = ?", dossier_id) == [
        ("paid", 0)]
    assert live_server.query("SELECT fees_paid FROM dossier WHERE id = ?", dossier_id) == [
        (0,)]

    staff = browser.new_context()
    officer = staff.new_page()
    login(officer, base, "quay.doisoat", PASSWORD)
    officer.goto(base + "/can-bo/thanh-toan")
    row = officer.locator("tr", has=officer.get_by_role("link", name=code))
    expect(row).to_contain_text("200.000 đ")
    expect(row).to_contain_text("250.000 đ")
    row.get_by_role("button", name="Ghi nhận vào hồ sơ").click()
    expect(officer.get_by_role("status")).to_contain_text("còn phải nộp 50.000 đ")
    officer.goto(base + "/can-bo/thanh-toan?loai=can-xu-ly")  # no longer waiting for anyone
    expect(officer.locator("tr", has=officer.get_by_role("link", name=code))).to_have_count(0)
    assert live_server.query("SELECT fees_paid FROM dossier WHERE id = ?", dossier_id) == [
        (200_000,)]
    assert live_server.query(
        "SELECT resolution FROM payment WHERE dossier = ?", dossier_id) == [("applied",)]

    # The citizen's page says what is still owed.
    page.goto(f"{base}/ho-so-cua-toi/{dossier_id}")
    expect(page.get_by_role("button", name="Thanh toán trực tuyến 50.000 đ")).to_be_visible()
    for context in (citizen, staff):
        context.close()

"""In Chromium with JavaScript disabled: a citizen finds a procedure without typing
diacritics, submits online with uploads, and gets a code and a QR code."""

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.helpers import upload_component_pages

pytestmark = pytest.mark.browser


def test_online_submission_without_javascript(browser: Browser, live_server, tmp_path):
    live_server.cli("createuser", "052090004321", "--name", "Nguyễn Văn Bình", "--role",
                    "citizen", "--id-number", "052090004321", "--password", "Binh2026xyz")
    pdf = tmp_path / "giay-to.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% giay to cua cong dan\n")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    base = live_server.url

    page.goto(base + "/dang-nhap")
    page.get_by_label("Số CCCD hoặc tên đăng nhập").fill("052090004321")
    page.get_by_label("Mật khẩu").fill("Binh2026xyz")
    page.get_by_role("button", name="Đăng nhập").click()

    page.goto(base + "/thu-tuc?q=ly+lich+tu+phap")
    page.get_by_role("link", name=re.compile("^Cấp Phiếu lý lịch tư pháp")).first.click()
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()

    expect(page.get_by_label("Họ và tên")).to_have_value("Nguyễn Văn Bình")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Địa chỉ liên hệ").fill("Tổ 5, phường Kon Tum")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # One page per group of components: the required ones, then the optional ones.
    assert upload_component_pages(page, lambda label: pdf) == [
        "Giấy tờ bắt buộc", "Giấy tờ kèm theo (nếu có)"]
    expect(page.locator(".summary").first).to_contain_text("Tổ 5, phường Kon Tum")
    page.get_by_role("button", name="Nộp hồ sơ").click()

    expect(page.get_by_role("heading", name="Đã nộp hồ sơ")).to_be_visible()
    code = page.locator(".code strong").inner_text()
    assert re.fullmatch(r"[0-9A-Z.]+-\d{6}-\d{4}", code)
    expect(page.locator(".qr svg")).to_be_visible()

    page.goto(base + f"/tra-cuu?ma={code}&so=5678")
    expect(page.locator(".facts strong")).to_have_text("Mới nộp")
    context.close()

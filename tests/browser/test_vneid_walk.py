"""In Chromium: a citizen with no account signs in through the (sandbox) national identity
provider, lands as a verified citizen, submits a dossier online, and the counter officer
sees on the dossier that it came from an account verified with VNeID."""

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.helpers import login, upload_component_pages
from tests.signing_world import draft_pdf

pytestmark = pytest.mark.browser
PERSON = ("062079004521", "A Nhếch")  # in the sandbox registry, no account on the server


def test_a_citizen_signs_in_with_vneid_and_submits_as_a_verified_account(
        browser: Browser, live_server, tmp_path):
    assert live_server.query("SELECT count(*) FROM app_user WHERE id_number = ?",
                             PERSON[0]) == [(0,)]
    base = live_server.url
    pdf = tmp_path / "to-khai.pdf"
    pdf.write_bytes(draft_pdf())  # a real PDF: uploads are parsed
    citizen = browser.new_context()
    page = citizen.new_page()

    page.goto(base + "/dang-nhap")
    page.get_by_role("link", name="Đăng nhập bằng tài khoản định danh điện tử VNeID").click()
    expect(page.get_by_text("Hệ thống định danh thử nghiệm")).to_be_visible()
    page.get_by_label(f"{PERSON[1]} — CCCD {PERSON[0]}").check()
    page.get_by_role("button", name="Đăng nhập", exact=True).click()

    expect(page.get_by_role("heading", name=f"Xin chào, {PERSON[1]}")).to_be_visible()
    assert page.url == base + "/ca-nhan"
    expect(page.locator("#xac-thuc")).to_contain_text("Ngày xác thực")

    page.goto(base + "/thu-tuc?q=ly+lich+tu+phap")
    page.get_by_role("link", name=re.compile("^Cấp Phiếu lý lịch tư pháp")).first.click()
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()
    expect(page.get_by_label("Họ và tên")).to_have_value(PERSON[1])  # from the provider
    page.get_by_label("Số điện thoại").fill("0935004521")
    page.get_by_label("Địa chỉ liên hệ").fill("Thôn 2, xã Đăk Rơ Wa")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    upload_component_pages(page, lambda label: pdf)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("heading", name="Đã nộp hồ sơ")).to_be_visible()
    code = page.locator(".code strong").inner_text()
    citizen.close()

    ((dossier_id, agency_id),) = live_server.query(
        "SELECT id, agency FROM dossier WHERE code = ?", code)
    live_server.cli("createuser", "quay.vneid", "--name", "Cán bộ tiếp nhận", "--role",
                    "counter_officer", "--agency", str(agency_id), "--password", "Vneid2026xyz")
    officer = browser.new_context()
    page = officer.new_page()
    login(page, base, "quay.vneid", "Vneid2026xyz")
    page.goto(f"{base}/can-bo/ho-so/{dossier_id}")
    expect(page.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
    page.get_by_role("link", name="Tài khoản người nộp, liên thông và số văn bản").click()
    expect(page.locator("#tai-khoan-nguoi-nop")).to_contain_text(
        "đã xác thực bằng tài khoản định danh điện tử VNeID")
    officer.close()

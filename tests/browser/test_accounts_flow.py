"""A citizen registers, signs out, signs in and signs out again, in Chromium."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_citizen_journey import serious_violations
from tests.browser.test_page_weight import (
    FIRST_VISIT_BUDGET,
    LATER_PAGE_BUDGET,
    check_assets,
    transferred,
    visit,
)

pytestmark = pytest.mark.browser


def test_citizen_registers_logs_in_and_out(page: Page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Đăng ký").first.click()
    expect(page.get_by_role("heading", name="Đăng ký tài khoản công dân")).to_be_visible()

    # A mistake first: the error summary names it and the typed name is kept.
    page.get_by_label("Họ và tên").fill("H'Hen Niê")
    page.get_by_label("Số căn cước công dân (CCCD)").fill("0621")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Mật khẩu", exact=True).fill("KonTum2026x")
    page.get_by_label("Nhập lại mật khẩu").fill("KonTum2026x")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_role("alert")).to_contain_text("Số CCCD phải gồm đúng 12 chữ số.")
    expect(page.get_by_label("Họ và tên")).to_have_value("H'Hen Niê")

    # She is a resident the (sandbox) population database knows: the account is verified.
    live_server.execute("INSERT INTO sandbox_person (id_number, full_name, birth_date) "
                        "VALUES (?, ?, ?)", "062199000111", "H'Hen Niê", date(1999, 3, 8))
    page.get_by_label("Số căn cước công dân (CCCD)").fill("062199000111")
    page.get_by_label("Ngày sinh").fill("08/03/1999")
    page.get_by_label("Mật khẩu", exact=True).fill("KonTum2026x")
    page.get_by_label("Nhập lại mật khẩu").fill("KonTum2026x")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page).to_have_url(re.compile(r"/ca-nhan"))
    expect(page.get_by_role("heading", name="Xin chào, H'Hen Niê")).to_be_visible()
    expect(page.locator("#xac-thuc")).to_contain_text(
        "Thông tin của bạn đã được xác thực với Cơ sở dữ liệu quốc gia về dân cư.")

    page.get_by_role("button", name="Đăng xuất", exact=True).click()
    expect(page.get_by_text("Bạn đã đăng xuất.")).to_be_visible()

    page.get_by_role("link", name="Đăng nhập").click()
    page.get_by_label("Số CCCD hoặc tên đăng nhập").fill("062199000111")
    page.get_by_label("Mật khẩu").fill("KonTum2026x")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/ca-nhan"))

    page.get_by_role("button", name="Đăng xuất", exact=True).click()
    page.goto(live_server.url + "/ca-nhan")
    expect(page).to_have_url(re.compile(r"/dang-nhap"))


def test_registration_and_login_work_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/dang-ky")
    page.get_by_label("Họ và tên").fill("A Thuận")
    page.get_by_label("Số căn cước công dân (CCCD)").fill("062199000222")
    page.get_by_label("Ngày sinh").fill("1/2/1999")
    page.get_by_label("Số điện thoại").fill("0912000222")
    page.get_by_label("Mật khẩu", exact=True).fill("DakGlei2026x")
    page.get_by_label("Nhập lại mật khẩu").fill("DakGlei2026x")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_role("heading", name="Xin chào, A Thuận")).to_be_visible()
    # A number the population database does not know: created, unverified, told why.
    status = page.locator("#xac-thuc")
    expect(status).to_contain_text("Tài khoản chưa được xác thực.")
    expect(status).to_contain_text("Cơ sở dữ liệu quốc gia về dân cư không có số CCCD này.")
    page.get_by_role("link", name="Kho dữ liệu điện tử").click()
    expect(page.locator("#chua-xac-thuc")).to_contain_text(
        "Giấy tờ số hóa tại Bộ phận Một cửa chưa được hiển thị")

    # The pages of an unverified citizen: within the page budgets, no serious axe finding.
    weighed = browser.new_context(storage_state=context.storage_state())
    weigh = weighed.new_page()
    problems = []
    for index, path in enumerate(["/ca-nhan", "/ca-nhan/xac-thuc", "/kho-du-lieu"]):
        responses = visit(weigh, live_server.url + path)
        check_assets(responses)
        counted = responses if index == 0 else [
            r for r in responses if r.request.resource_type == "document"]
        assert transferred(counted) <= (FIRST_VISIT_BUDGET if index == 0
                                        else LATER_PAGE_BUDGET), path
        problems += serious_violations(weigh)
    assert problems == []
    weighed.close()

    page.get_by_role("button", name="Đăng xuất", exact=True).click()
    expect(page.get_by_text("Bạn đã đăng xuất.")).to_be_visible()
    context.close()

"""The service index and the public late list on a phone (360 px, fresh cache): the public
index, an agency's trend chart, and a month's late list the provincial admin approved —
each page within the page budgets and none wider than the screen."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import login
from tests.browser.test_page_weight import (
    FIRST_VISIT_BUDGET,
    LATER_PAGE_BUDGET,
    check_assets,
    transferred,
    visit,
)

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 640}


def approve_last_month(page: Page, live_server) -> str:
    """The provincial admin builds last month's draft, reviews it and approves it; the
    job (run from the command line: this server has no worker) publishes it."""
    live_server.cli("createuser", "quantri.chiso", "--name", "Đỗ Văn Tỉnh", "--role",
                    "provincial_admin", "--password", "ChiSoPhucVu2026")
    login(page, live_server.url, "quantri.chiso", "ChiSoPhucVu2026")
    page.goto(live_server.url + "/quan-tri/danh-sach-tre-han")
    month = page.get_by_label("Lập bản nháp ngay cho tháng").input_value()  # last month
    page.get_by_role("button", name="Lập bản nháp").click()
    expect(page.get_by_role("heading", name=re.compile("Danh sách trễ hạn"))).to_be_visible()
    page.get_by_label(re.compile("Tôi đã rà soát")).check()
    page.get_by_role("button", name="Duyệt và công bố").click()
    expect(page.get_by_role("status")).to_contain_text("Đã duyệt")
    live_server.cli("late-lists", "run")
    return month


def fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_index_agency_chart_and_late_list_on_a_phone(browser: Browser, page: Page,
                                                    live_server):
    month = approve_last_month(page, live_server)
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    phone = context.new_page()

    first = visit(phone, live_server.url + "/chi-so-phuc-vu")
    assert transferred(first) <= FIRST_VISIT_BUDGET
    check_assets(first)
    expect(phone.locator(".card")).to_contain_text("/ 100 điểm · xếp loại")
    fits_the_screen(phone)

    # An agency, then its trend charts: SVG drawn by the server, no script of its own.
    phone.get_by_role("link", name="Sở Tư pháp").first.click()
    expect(phone.get_by_role("heading", level=2)).to_contain_text("Sở Tư pháp")
    with phone.expect_navigation():
        phone.get_by_role("link", name="Biểu đồ theo tháng").click()
    responses = visit(phone, phone.url)
    html = [r for r in responses if r.request.resource_type == "document"]
    assert transferred(html) <= LATER_PAGE_BUDGET
    chart = phone.get_by_role("img", name=re.compile("Tỷ lệ hồ sơ đúng hạn"))
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] <= PHONE["width"]
    phone.get_by_text("Bảng số liệu").first.click()  # the numbers beside the chart
    expect(phone.locator("details[open] table")).to_be_visible()
    fits_the_screen(phone)

    # The public late list of the month the admin approved.
    responses = visit(phone, live_server.url + "/danh-sach-tre-han")
    assert transferred([r for r in responses if r.request.resource_type == "document"]
                       ) <= LATER_PAGE_BUDGET
    year, number = month.split("-")
    phone.get_by_role("link", name=f"Tháng {int(number)}/{year}").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text(
        f"Tháng {int(number)}/{year}")
    ((total,),) = live_server.query(
        "SELECT late_total FROM late_list WHERE year = ? AND month = ? AND status = ?",
        int(year), int(number), "published")
    expect(phone.locator(".hint").first).to_contain_text(f"{total:,}".replace(",", ".") +
                                                         " hồ sơ trễ hạn")
    fits_the_screen(phone)
    context.close()

"""In Chromium: a counter officer receives a dossier, a leader takes it through every
step of the demo procedure's internal process with a result, the counter returns it."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import login
from tests.signing_world import draft_pdf, give_live_key

pytestmark = pytest.mark.browser




def test_dossier_from_counter_to_return(page: Page, live_server, tmp_path):
    ((agency_id,),) = live_server.query("SELECT id FROM agency WHERE short_name = 'Sở Tư pháp'")
    ((procedure_id, steps),) = live_server.query(
        "SELECT p.id, count(s.id) FROM procedure p JOIN procedure_step s ON s.procedure = p.id "
        "WHERE p.agency = ? AND p.name LIKE 'Cấp Phiếu lý lịch tư pháp%' GROUP BY p.id LIMIT 1",
        agency_id)
    for username, role in (("quay.flow", "counter_officer"), ("lanhdao.flow", "leader")):
        live_server.cli("createuser", username, "--name", f"Cán bộ {role}", "--role", role,
                        "--agency", str(agency_id), "--password", "Flow2026xyz")
    give_live_key(live_server, "lanhdao.flow", "Cán bộ leader")
    base = live_server.url

    login(page, base, "quay.flow", "Flow2026xyz")
    page.get_by_role("link", name="Tiếp nhận hồ sơ").click()
    page.get_by_label("Thủ tục").select_option(str(procedure_id))
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Rơ Châm Hưng")
    page.get_by_label("Số CCCD hoặc mã số thuế").fill("064190001111")
    page.get_by_label("Số điện thoại").fill("0987654321")
    for box in page.locator("input[name=components]").all():
        box.check()
    page.get_by_role("button", name="Ghi nhận kết quả kiểm tra").click()
    slip_title = page.get_by_role("heading", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    expect(slip_title).to_be_visible()
    code = page.locator("strong").first.inner_text()
    assert re.fullmatch(r"[0-9A-Z.]+-\d{6}-\d{4}", code)
    page.get_by_role("link", name="Xem hồ sơ").click()
    dossier_url = page.url
    page.get_by_role("button", name="Đăng xuất").click()

    login(page, base, "lanhdao.flow", "Flow2026xyz")
    page.goto(dossier_url)
    result = tmp_path / "ket-qua.pdf"
    result.write_bytes(draft_pdf())
    forward = page.get_by_role("button", name="Chuyển bước tiếp theo")
    forward.click()  # start processing at step 1
    page.get_by_label("Tệp PDF dự thảo kết quả").set_input_files(str(result))
    page.get_by_role("button", name="Trình dự thảo kết quả").click()
    page.get_by_role("button", name="Phê duyệt", exact=True).click()
    page.get_by_role("button", name="Ký số", exact=True).click()
    expect(page.get_by_text("Đã thực hiện: Ký số kết quả.")).to_be_visible()
    page.get_by_role("button", name="Ban hành kết quả").click()
    expect(page.get_by_text("Đã thực hiện: Ban hành kết quả.")).to_be_visible()
    for _ in range(steps):
        forward.click()
    expect(page.locator(".facts")).to_contain_text("Đã xử lý xong")
    page.get_by_role("button", name="Đăng xuất").click()

    login(page, base, "quay.flow", "Flow2026xyz")
    page.goto(dossier_url)
    if page.get_by_role("button", name="Xác nhận đã nộp phí, lệ phí").count():
        page.get_by_role("button", name="Xác nhận đã nộp phí, lệ phí").click()
    page.get_by_role("button", name="Trả kết quả").click()
    expect(page.locator(".facts")).to_contain_text("Đã trả kết quả")

    page.goto(base + f"/tra-cuu?ma={code}&so=4321")
    expect(page.locator(".facts strong")).to_have_text("Đã trả kết quả")

"""In Chromium: a counter officer receives a dossier of a demo procedure and each officer
its approved process names takes it through their own step (the justice department's
handler, the police's for the inter-agency check, the director who signs); the counter
returns it."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    attach_draft,
    login,
    return_at_counter,
    sign_and_issue,
    switch_user,
)
from tests.signing_world import draft_pdf, give_live_key

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "Flow2026xyz"


def as_user(page: Page, base: str, username: str, url: str) -> None:
    switch_user(page, base, username, PASSWORD, url)


def test_dossier_from_counter_to_return(page: Page, live_server, tmp_path):
    ((agency_id,),) = live_server.query("SELECT id FROM agency WHERE short_name = 'Sở Tư pháp'")
    ((police,),) = live_server.query("SELECT id FROM agency WHERE short_name = 'Công an tỉnh'")
    ((procedure_id,),) = live_server.query(
        "SELECT id FROM procedure WHERE agency = ? AND code = '2.000488'", agency_id)
    for username, role, agency, position in (
            ("quay.flow", "counter_officer", agency_id, ""),
            ("thuly.flow", "handler", agency_id, ""),
            ("congan.flow", "handler", police, ""),
            ("lanhdao.flow", "leader", agency_id, "agency_leader")):
        live_server.cli("createuser", username, "--name", f"Cán bộ {username}", "--role", role,
                        "--agency", str(agency), "--password", PASSWORD,
                        *(["--position", position] if position else []))
    give_live_key(live_server, "lanhdao.flow", "Cán bộ lanhdao.flow")
    base = live_server.url

    login(page, base, "quay.flow", PASSWORD)
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
    facts = page.locator(".facts")
    forward = page.get_by_role("button", name="Chuyển bước tiếp theo")
    expect(facts).to_contain_text("Bước 1/5: Tiếp nhận, kiểm tra hồ sơ")
    forward.click()
    expect(facts).to_contain_text("Bước 2/5: Tra cứu, đối chiếu thông tin")

    as_user(page, base, "thuly.flow", dossier_url)
    result = tmp_path / "du-thao.pdf"
    result.write_bytes(draft_pdf())
    attach_draft(page, result)  # the handler drafts the result
    forward.click()  # to the police: the dossier leaves the department for that step
    expect(page.get_by_text("Bạn không có thao tác nào")).to_be_visible()
    as_user(page, base, "congan.flow", dossier_url)
    expect(facts).to_contain_text("Bước 3/5: Xác minh thông tin án tích")
    expect(facts).to_contain_text("Công an tỉnh")
    forward.click()  # back to the department's director, who signs

    as_user(page, base, "lanhdao.flow", dossier_url)
    expect(facts).to_contain_text("Bước 4/5: Ký Phiếu lý lịch tư pháp")
    sign_and_issue(page)
    forward.click()
    expect(facts).to_contain_text("Đã xử lý xong")

    as_user(page, base, "quay.flow", dossier_url)
    return_at_counter(page)

    page.goto(base + f"/tra-cuu?ma={code}&so=4321")
    expect(page.locator(".facts strong")).to_have_text("Đã trả kết quả")

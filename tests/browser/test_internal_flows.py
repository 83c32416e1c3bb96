"""In Chromium: an agency's account request approved by the Provincial Office, the
one-time set-password link used, then a revocation ending the new officer's open
session; a feedback item from submission to published answer and rating; a rating at
the counter kiosk."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import login
from tests.signing_world import give_live_key

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "Noibo2026xyz"


def _agency(server, short_name: str) -> str:
    ((agency_id,),) = server.query("SELECT id FROM agency WHERE short_name = ?", short_name)
    return str(agency_id)


def _users(server, *specs: tuple[str, ...]) -> None:
    """(username, role, agency[, leader's position]) each."""
    for username, role, agency, *position in specs:
        args = ["createuser", username, "--name", f"Cán bộ {username}", "--role", role,
                "--password", PASSWORD, *(["--position", position[0]] if position else [])]
        server.cli(*args, *(["--agency", agency] if agency else []))


def _logout(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất", exact=True).click()


def test_account_request_approved_then_revoked_on_a_live_session(
        page: Page, browser: Browser, live_server):
    base, office, agency = live_server.url, _agency(live_server, "VP UBND tỉnh"), _agency(
        live_server, "Sở Tư pháp")
    _users(live_server, ("qt.noibo", "agency_admin", agency),
           ("vt.noibo", "counter_officer", office), ("cv.noibo", "handler", office),
           ("ld.noibo", "leader", office, "agency_leader"))
    give_live_key(live_server, "ld.noibo", "Cán bộ ld.noibo")  # the result is signed

    login(page, base, "qt.noibo", PASSWORD)
    page.goto(base + "/noi-bo/de-nghi/moi")
    page.get_by_label("Số văn bản đề nghị").fill("25/STP-VP")
    for label, value in (("Họ và tên", "Rơ Mah Thảo"), ("Chức vụ", "Chuyên viên"),
                         ("Đơn vị", "Văn phòng Sở"), ("Thư điện tử", "thao.rm@stp.example.vn"),
                         ("Số điện thoại", "0905777888"), ("Lý do", "Nhập báo cáo định kỳ")):
        page.get_by_label(f"{label} (người 1)").fill(value)
    page.get_by_label("Vai trò trên Hệ thống (người 1, khi cấp)").select_option("handler")
    page.get_by_role("button", name="Gửi đề nghị").click()
    expect(page.get_by_role("heading", name="Đã gửi đề nghị")).to_be_visible()
    request_url = page.url.split("?")[0]
    _logout(page)

    login(page, base, "vt.noibo", PASSWORD)  # the Office's counter receives it
    page.goto(request_url)
    page.get_by_role("link", name="Xử lý hồ sơ (tiếp nhận, chuyển bước)").click()
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page.locator(".facts")).to_contain_text("Đã tiếp nhận")
    page.get_by_role("button", name="Chuyển bước tiếp theo").click()  # to the handler
    _logout(page)

    login(page, base, "cv.noibo", PASSWORD)  # the Office's officer prepares it
    page.goto(request_url)
    expect(page.get_by_role("button", name="Phê duyệt đề nghị")).to_have_count(0)
    page.get_by_role("link", name="Xử lý hồ sơ (tiếp nhận, chuyển bước)").click()
    page.get_by_role("button", name="Chuyển bước tiếp theo").click()  # to the leader
    _logout(page)

    login(page, base, "ld.noibo", PASSWORD)  # the Office's leader decides
    page.goto(request_url)
    page.get_by_role("button", name="Phê duyệt đề nghị").click()
    expect(page.get_by_text("Mỗi người đã được gửi đường dẫn đặt mật khẩu")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("Đã xử lý xong")
    _logout(page)

    ((body,),) = live_server.query(
        "SELECT body FROM outbox_message WHERE event = 'set_password' AND channel = 'email' "
        "AND recipient = 'thao.rm@stp.example.vn'")
    assert PASSWORD not in body
    link = re.search(r"/dat-mat-khau/[\w-]+", body).group(0)
    page.goto(base + link)
    page.get_by_label("Mật khẩu mới").fill("short1")
    page.get_by_label("Nhập lại mật khẩu").fill("short1")
    page.get_by_role("button", name="Đặt mật khẩu").click()
    expect(page.get_by_role("alert")).to_contain_text("ít nhất 10 ký tự")
    page.get_by_label("Mật khẩu mới").fill("ThaoRm2026ab")
    page.get_by_label("Nhập lại mật khẩu").fill("ThaoRm2026ab")
    page.get_by_role("button", name="Đặt mật khẩu").click()
    expect(page.get_by_role("heading", name="Đã đặt mật khẩu")).to_be_visible()
    login(page, base, "thao.rm", "ThaoRm2026ab")  # the new officer, signed in

    admin = browser.new_context().new_page()
    login(admin, base, "qt.noibo", PASSWORD)
    admin.goto(base + "/noi-bo/tai-khoan")
    admin.get_by_label("Căn cứ thu hồi (thao.rm)").select_option("chuyen_cong_tac")
    admin.get_by_role("button", name="Thu hồi tài khoản thao.rm").click()
    expect(admin.get_by_text("Đã thu hồi tài khoản")).to_be_visible()
    expect(admin.locator("table").first).to_contain_text("Đã thu hồi")
    admin.context.close()

    page.goto(base + "/can-bo")  # the open session ended at once
    expect(page).to_have_url(re.compile(r"/dang-nhap"))
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)


def test_feedback_from_submission_to_published_answer_and_rating(page: Page, live_server):
    base, agency = live_server.url, _agency(live_server, "Sở Tư pháp")
    _users(live_server, ("tinh.pa", "provincial_admin", ""), ("ld.pa", "leader", agency))
    live_server.cli("createuser", "congdan.pa", "--name", "Y Blúp", "--role", "citizen",
                    "--id-number", "066090001234", "--password", PASSWORD)

    login(page, base, "congdan.pa", PASSWORD)
    page.goto(base + "/phan-anh/gui")
    page.get_by_label("Về cơ quan (nếu có)").select_option(agency)
    page.get_by_label("Tiêu đề").fill("Chưa nhận được Phiếu lý lịch tư pháp")
    page.get_by_label("Nội dung", exact=True).fill(
        "Tôi là Y Blúp, điện thoại 0905111222, chờ quá hẹn.")
    page.get_by_label("Tôi đồng ý công khai").check()
    page.get_by_role("button", name="Gửi phản ánh, kiến nghị").click()
    expect(page.get_by_role("heading", name="Đã gửi phản ánh, kiến nghị")).to_be_visible()
    _logout(page)

    login(page, base, "tinh.pa", PASSWORD)
    page.goto(base + "/can-bo/phan-anh")
    page.get_by_role("link", name=re.compile(r"^PA-")).first.click()
    page.get_by_label("Cơ quan xử lý").select_option(agency)
    page.get_by_role("button", name="Phân loại và chuyển cơ quan xử lý").click()
    expect(page.locator(".facts")).to_contain_text("Đã chuyển cơ quan xử lý")
    _logout(page)

    login(page, base, "ld.pa", PASSWORD)
    page.goto(base + "/can-bo/phan-anh")
    page.get_by_role("link", name=re.compile(r"^PA-")).first.click()
    page.locator("#text_answer").fill("Phiếu đã được trả ngày 05/12; xin lỗi vì chậm trễ.")
    page.get_by_role("button", name="Trả lời", exact=True).click()
    # Publishing shows the public text first, with any names of people to hide.
    page.get_by_role("button", name="Xem trước bản công khai").click()
    expect(page.get_by_role("heading", name="Xem trước bản công khai")).to_be_visible()
    page.get_by_role("button", name="Công khai", exact=True).click()
    expect(page.locator(".facts")).to_contain_text("Đã trả lời và công khai")
    _logout(page)

    page.goto(base + "/phan-anh/cong-khai")
    expect(page.get_by_text("Chưa nhận được Phiếu lý lịch tư pháp")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("0905111222")
    expect(page.locator("main")).not_to_contain_text("Y Blúp")

    login(page, base, "congdan.pa", PASSWORD)
    page.goto(base + "/phan-anh/cua-toi")
    page.get_by_label("Hài lòng", exact=True).check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_text("Bạn đã đánh giá: Hài lòng.")).to_be_visible()


def test_rating_at_the_counter_kiosk(page: Page, live_server):
    base = live_server.url
    code, phone = live_server.query(
        "SELECT code, applicant_phone FROM dossier WHERE status = 10 AND length("
        "applicant_phone) >= 4 AND id NOT IN (SELECT dossier FROM rating) LIMIT 1")[0]
    page.goto(base + "/kiosk")
    assert page.locator('meta[http-equiv="refresh"]').get_attribute("content").startswith("60")
    page.get_by_label("Mã hồ sơ").fill(f"{base}/tra-cuu?ma={code}")  # as a QR scanner types
    page.get_by_label("Bốn số cuối điện thoại hoặc CCCD").fill(phone[-4:])
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
    for question in ("guidance", "attitude", "timeliness"):
        page.locator(f"input[name={question}][value='5']").check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_role("heading", name="Cảm ơn ông/bà đã đánh giá")).to_be_visible()
    ((channel, satisfied),) = live_server.query(
        "SELECT r.channel, r.satisfied FROM rating r JOIN dossier d ON d.id = r.dossier "
        "WHERE d.code = ?", code)
    assert (channel, satisfied) == ("kiosk", 1)

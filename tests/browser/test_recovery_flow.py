"""In Chromium on the phone profile over emulated 3G, issue #17's accounts: the owner of a
CCCD someone else registered takes it back by registering (the sandbox population
registry confirms them), forgets the password and sets a new one with the code the real
Huey worker delivers through the sandbox SMS gateway; at the counter an officer moves
another number to its owner, who then sets a password the same way. Every step is in
the audit log under the right actor."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import login
from tests.browser.test_uploads_3g import PHONE, THREE_G

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
OWNER = {"cccd": "062188004411", "name": "Rơ Mah Hlim", "born": "14/07/1988",
         "phone": "0935004411"}
SECOND = {"cccd": "062190007722", "name": "A Thuận", "born": "02/02/1990",
          "phone": "0935007722"}


@pytest.fixture
def worker(live_server):
    """The real Huey consumer: messages reach the sandbox gateway as they would a phone."""
    process = subprocess.Popen(
        [str(BIN / "huey_consumer"), "app.tasks.all.huey", "-w", "1", "-m", "1"],
        cwd=ROOT, env=live_server.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield process
    process.terminate()
    process.wait(timeout=10)


def sms_to(live_server, phone: str, containing: str, seconds: float = 30) -> str:
    """The newest SMS the sandbox gateway delivered to `phone` containing the words."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rows = live_server.query("SELECT body FROM sandbox_message WHERE recipient = ? AND "
                                 "body LIKE ? ORDER BY id DESC", phone, f"%{containing}%")
        if rows:
            return rows[0][0]
        time.sleep(0.3)
    raise AssertionError(f"no SMS to {phone} with {containing!r}")


def register(page: Page, base: str, person: dict, name: str, born: str, phone: str) -> None:
    page.goto(base + "/dang-ky")
    page.get_by_label("Họ và tên").fill(name)
    page.get_by_label("Số căn cước công dân (CCCD)").fill(person["cccd"])
    page.get_by_label("Ngày sinh").fill(born)
    page.get_by_label("Số điện thoại").fill(phone)
    page.get_by_label("Mật khẩu", exact=True).fill("Mat2026khau")
    page.get_by_label("Nhập lại mật khẩu").fill("Mat2026khau")
    page.get_by_role("button", name="Đăng ký").click()


def recover(page: Page, base: str, live_server, person: dict, password: str) -> None:
    """'Quên mật khẩu' from the login page with the code the SMS brought."""
    page.goto(base + "/dang-nhap")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    page.get_by_label("Số CCCD hoặc tên đăng nhập").fill(person["cccd"])
    page.get_by_role("button", name="Gửi mã").click()
    expect(page.get_by_role("heading", name="Đặt lại mật khẩu")).to_be_visible()
    code = re.search(r"\d{6}", sms_to(live_server, person["phone"], "Ma dat lai")).group()
    page.get_by_label("Mã trong tin nhắn").fill(code)
    page.get_by_label("Mật khẩu mới", exact=True).fill(password)
    page.get_by_label("Nhập lại mật khẩu mới").fill(password)
    page.get_by_role("button", name="Đặt mật khẩu mới").click()
    expect(page.get_by_text("Đã đặt mật khẩu mới")).to_be_visible()
    login(page, base, person["cccd"], password)


def audit(live_server, action: str, entity_id: int) -> list[tuple]:
    return live_server.query("SELECT actor_id, data FROM audit_entry WHERE action = ? AND "
                             "entity_id = ?", action, str(entity_id))


def test_takeover_recovery_and_counter_transfer_on_a_phone(browser: Browser, live_server,
                                                           worker):
    base = live_server.url
    for person in (OWNER, SECOND):
        day, month, year = person["born"].split("/")
        live_server.execute("INSERT INTO sandbox_person (id_number, full_name, birth_date) "
                            "VALUES (?, ?, ?)", person["cccd"], person["name"],
                            date(int(year), int(month), int(day)))
    # Someone registers both numbers under other names: unverified accounts.
    impostor = browser.new_context().new_page()
    for person in (OWNER, SECOND):
        register(impostor, base, person, "Nguyễn Văn Mạo", "01/01/1980", "0935999001")
        expect(impostor.get_by_text("Tài khoản chưa được xác thực.")).to_be_visible()
        impostor.get_by_role("button", name="Đăng xuất").first.click()
    ((first_holder,),) = live_server.query("SELECT id FROM app_user WHERE username = ?",
                                           OWNER["cccd"])

    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    cdp = phone.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", THREE_G)
    register(page, base, OWNER, OWNER["name"], OWNER["born"], OWNER["phone"])
    expect(page.get_by_text("tài khoản kia đã bị khóa")).to_be_visible()
    ((owner_id,),) = live_server.query("SELECT id FROM app_user WHERE username = ?",
                                       OWNER["cccd"])
    assert owner_id != first_holder
    assert live_server.query("SELECT active, id_number FROM app_user WHERE id = ?",
                             first_holder) == [(0, None)]
    assert len(audit(live_server, "user.id_number_released", first_holder)) == 1
    ((_, given),) = audit(live_server, "user.id_number_taken_over", owner_id)
    assert json.loads(given) == {"from_user": first_holder, "via": "registration"}
    assert "da bi khoa" in sms_to(live_server, "0935999001", "da bi khoa")

    page.get_by_role("button", name="Đăng xuất").first.click()
    recover(page, base, live_server, OWNER, "Hlim2026moi")
    assert audit(live_server, "user.password_reset", owner_id)

    # At the counter: the second number goes to the person holding the card.
    live_server.cli("createuser", "quay.chuyenso", "--name", "Lê Thị Quầy", "--role",
                    "counter_officer", "--password", "Quay2026xyz")
    ((officer_id,),) = live_server.query("SELECT id FROM app_user WHERE username = ?",
                                         "quay.chuyenso")
    ((second_holder,),) = live_server.query("SELECT id FROM app_user WHERE username = ?",
                                            SECOND["cccd"])
    staff = browser.new_context()
    officer = staff.new_page()
    login(officer, base, "quay.chuyenso", "Quay2026xyz")
    officer.goto(base + "/mot-cua/xac-thuc-tai-khoan")
    officer.get_by_label("Số CCCD trên thẻ").fill(SECOND["cccd"])
    officer.get_by_role("button", name="Tìm tài khoản").click()
    expect(officer.get_by_text("Nguyễn Văn Mạo")).to_be_visible()
    officer.get_by_label("Họ và tên trên thẻ").fill(SECOND["name"])
    officer.get_by_label("Ngày sinh trên thẻ").last.fill(SECOND["born"])
    officer.get_by_label("Số điện thoại của chủ thẻ").fill(SECOND["phone"])
    officer.get_by_label("người mang thẻ là chủ thẻ").check()
    officer.get_by_role("button", name="Chuyển số CCCD cho chủ thẻ").click()
    expect(officer.get_by_text("Đã chuyển số CCCD cho chủ thẻ")).to_be_visible()
    ((second_owner,),) = live_server.query("SELECT id FROM app_user WHERE username = ?",
                                           SECOND["cccd"])
    for action, entity in (("user.id_number_released", second_holder),
                           ("user.id_number_taken_over", second_owner),
                           ("user.identity_vouched", second_owner)):
        assert [actor for actor, _ in audit(live_server, action, entity)] == [officer_id], action
    assert "/quen-mat-khau" in sms_to(live_server, SECOND["phone"], "quen-mat-khau")

    page.get_by_role("button", name="Đăng xuất").first.click()
    recover(page, base, live_server, SECOND, "Thuan2026moi")
    expect(page.get_by_role("heading", name=f"Xin chào, {SECOND['name']}")).to_be_visible()
    live_server.cli("audit", "verify")  # the hash chain holds (the CLI exits 1 otherwise)
    for context in (impostor.context, phone, staff):
        context.close()

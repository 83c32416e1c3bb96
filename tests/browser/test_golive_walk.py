"""In Chromium, a province goes live without editing code: `init` on an empty database, the
admin sets a password from the printed link, creates units and two agencies, imports 20
procedures (with components) from a spreadsheet built here, publishes an amendment of one
through a decision, creates three staff users who set their passwords from their links,
gives an imported procedure its internal process in the process editor (a draft, then
published under the approving decision), and a dossier of that procedure is received at the
counter, taken through its steps (the handler's draft, the leader's "Ký số") and finished.
"""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, free_port
from tests.browser.helpers import SERVER_DATABASES, login, sign_and_issue
from tests.catalog_workbooks import procedures
from tests.conftest import drop_database, empty_database_url
from tests.signing_world import draft_pdf, give_live_key

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "Golive2026xyz"
AGENCIES = ("Sở Tư pháp tỉnh Thử", "Sở Xây dựng tỉnh Thử")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A server on a database made by `init` alone (no demo), and the printed link."""
    var_dir = tmp_path_factory.mktemp("golive-var")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    import os

    env = {**os.environ, "MOTCUA_VAR_DIR": str(var_dir), "MOTCUA_PUBLIC_URL": url,
           # The test CA made by give_live_key below (app.signatures.demo), read at each use.
           "MOTCUA_SIGNING_TRUST_ROOTS": str(var_dir / "demo-signing" / "ca.pem"),
           "MOTCUA_DATABASE_URL": empty_database_url(var_dir)}
    server = LiveServer(url=url, var_dir=var_dir, env=env)
    out = server.cli("init", "--province", "Tỉnh Thử", "--admin", "quantri",
                     "--name", "Nguyễn Quản Trị", "--email", "quantri@tinh.example.vn")
    link = re.search(r"(http\S+/dat-mat-khau/\S+)", out).group(1)
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--host",
         "127.0.0.1", "--port", str(port), "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(300):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code in (200, 503):
                break
        except httpx.HTTPError:
            import time

            time.sleep(0.2)
    SERVER_DATABASES[url] = server.database_url
    yield server, link
    process.terminate()
    process.wait(timeout=10)
    drop_database(server.database_url)


def set_password(page: Page, link: str) -> None:
    page.goto(link)
    page.get_by_label("Mật khẩu mới").fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đặt mật khẩu").click()
    expect(page.locator(".error-summary")).to_have_count(0)


def switch(page: Page, base: str, username: str) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    login(page, base, username, PASSWORD)


def submit(page: Page, button: str) -> None:
    page.get_by_role("button", name=button).click()
    expect(page.locator(".error-summary")).to_have_count(0)


def act(page: Page, action: str, **fields) -> None:
    form = page.locator(f"form.action:has(input[name=action][value={action}])")
    for name, value in fields.items():
        target = form.locator(f"[name={name}]")
        if name == "assignee_id":
            option = target.locator("option", has_text=value)
            target.select_option(option.get_attribute("value"))
        elif target.get_attribute("type") == "file":
            target.set_input_files(value)
        else:
            target.fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator(".error-summary")).to_have_count(0)


def test_a_province_goes_live_from_init(page: Page, fresh, tmp_path):
    server, link = fresh
    base = server.url
    set_password(page, link)
    login(page, base, "quantri", PASSWORD)
    expect(page.get_by_role("link", name="Quản trị", exact=True)).to_be_visible()

    # Units: a commune under the province root that init made.
    page.goto(f"{base}/quan-tri/don-vi-hanh-chinh")
    page.get_by_label("Mã đơn vị (mã chính thức)").fill("99001")
    page.get_by_label("Tên đơn vị").fill("Phường Trung Tâm")
    page.get_by_label("Cấp", exact=True).fill("Xã")
    page.get_by_label("Loại đơn vị").fill("Phường")
    page.get_by_label("Đơn vị cấp trên").select_option(label="Tỉnh Tỉnh Thử (00)")
    submit(page, "Thêm đơn vị")
    expect(page.get_by_role("heading", name="Phường Trung Tâm")).to_be_visible()

    # Two agencies in that ward.
    for code, name in zip(("000.00.17.T99", "000.00.18.T99"), AGENCIES, strict=True):
        page.goto(f"{base}/quan-tri/co-quan")
        page.get_by_label("Mã cơ quan (mã định danh, dùng trong mã hồ sơ)").fill(code)
        page.get_by_label("Tên cơ quan").fill(name)
        page.get_by_label("Đơn vị hành chính (địa bàn)").select_option(
            label="Phường Trung Tâm (99001)")
        submit(page, "Thêm cơ quan")
    page.get_by_label("Tên quầy").fill("Quầy số 1")
    submit(page, "Thêm quầy")

    # 20 procedures from the national database's spreadsheet: check, then import.
    book = tmp_path / "tthc.xlsx"
    book.write_bytes(procedures(20, AGENCIES))
    page.goto(f"{base}/quan-tri/thu-tuc/nhap")
    page.get_by_label("Tệp bảng tính (.xlsx, tối đa 10 MB)").set_input_files(str(book))
    page.get_by_role("button", name="Nhập thử (chỉ kiểm tra)").click()
    expect(page.locator("#ket-qua")).to_contain_text("thêm mới 20")
    page.get_by_label("Tệp bảng tính (.xlsx, tối đa 10 MB)").set_input_files(str(book))
    page.get_by_role("button", name="Nhập vào danh mục").click()
    expect(page.locator("#ket-qua")).to_contain_text("Đã nhập: thêm mới 20, sửa đổi 0")
    assert server.query("SELECT count(*) FROM procedure_component") == [(40,)]

    # Publish an amendment of one imported procedure through a decision.
    page.goto(f"{base}/quan-tri/thu-tuc?q=1.000002")
    page.get_by_role("link", name="Thủ tục nhập số 2").click()
    submit(page, "Soạn phiên bản sửa đổi, bổ sung")
    page.get_by_label("Thời hạn giải quyết", exact=True).fill("4")
    submit(page, "Lưu bản nháp")
    page.get_by_label("Số quyết định công bố").fill("88/QĐ-UBND")
    page.get_by_label("Ngày ký (dd/mm/yyyy)").fill("01/02/2026")
    submit(page, "Công bố")
    expect(page.locator(".notice")).to_contain_text("Đã công bố phiên bản 2")
    ((procedure_id,),) = server.query("SELECT id FROM procedure WHERE code = '1.000002'")
    page.goto(f"{base}/thu-tuc/{procedure_id}")
    expect(page.locator(".facts")).to_contain_text("4 ngày làm việc")
    expect(page.locator(".facts")).to_contain_text("88/QĐ-UBND")

    # Three staff users of the first agency, each with a link to set a password.
    for username, role in (("quay.mot", "Công chức Bộ phận Một cửa"),
                           ("thuly.mot", "Chuyên viên thụ lý"), ("lanhdao.mot", "Lãnh đạo")):
        page.goto(f"{base}/quan-tri/nguoi-dung/moi")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Họ và tên").fill(f"Cán bộ {username}")
        page.get_by_label("Thư điện tử").fill(f"{username}@tinh.example.vn")
        page.get_by_label("Vai trò").select_option(label=role)
        page.get_by_label(AGENCIES[0]).check()
        page.get_by_label("Lý do (ghi vào nhật ký)").fill("Quyết định phân công 01/QĐ")
        submit(page, "Tạo tài khoản và gửi đường dẫn")
        expect(page.locator(".notice")).to_contain_text("Đã tạo tài khoản")
    links = {recipient.split("@")[0]: re.search(r"(http\S+/dat-mat-khau/[\w-]+)", body).group(1)
             for recipient, body in server.query(
                 "SELECT recipient, body FROM outbox_message WHERE event = 'set_password'")}
    page.get_by_role("button", name="Đăng xuất").click()
    for username in ("quay.mot", "thuly.mot", "lanhdao.mot"):
        set_password(page, links[username])

    # The imported procedure's internal process (7 working days = 56 office hours), drafted
    # in the process editor and published under its approving decision.
    login(page, base, "quantri", PASSWORD)
    page.goto(f"{base}/quan-tri/quy-trinh?q=1.000004")
    page.get_by_role("link", name="Thủ tục nhập số 4").click()
    submit(page, "Soạn phiên bản mới")
    page.get_by_label("Số quyết định").fill("90/QĐ-UBND")
    page.get_by_label("Ngày ký (dd/mm/yyyy)").fill("01/02/2026")
    page.get_by_label("Có hiệu lực từ ngày (dd/mm/yyyy)").fill("02/02/2026")
    for n, (name, kind, performer, hours) in enumerate((
            ("Tiếp nhận hồ sơ", "reception", "counter_officer", "4"),
            ("Thẩm định hồ sơ, dự thảo kết quả", "appraisal", "handler", "44"),
            ("Lãnh đạo ký kết quả", "signature", "leader", "4"),
            ("Trả kết quả", "return", "counter_officer", "4"))):
        page.locator(f"[name=step-{n}-name]").fill(name)
        page.locator(f"[name=step-{n}-kind]").select_option(kind)
        page.locator(f"[name=step-{n}-performers][value={performer}]").check()
        page.locator(f"[name=step-{n}-hours]").fill(hours)
    submit(page, "Lưu dự thảo")
    submit(page, "Ban hành phiên bản 1")
    expect(page.locator(".notice")).to_contain_text("Đã ban hành phiên bản 1")
    page.get_by_role("button", name="Đăng xuất").click()
    (server.var_dir / "demo-signing").mkdir(exist_ok=True)  # no demo here: the test's CA
    give_live_key(server, "lanhdao.mot", "Cán bộ lanhdao.mot")

    # A dossier of that procedure: received at the counter, processed, returned.
    draft = tmp_path / "du-thao.pdf"
    draft.write_bytes(draft_pdf())
    ((imported,),) = server.query("SELECT id FROM procedure WHERE code = '1.000004'")
    login(page, base, "quay.mot", PASSWORD)
    page.goto(f"{base}/mot-cua/tiep-nhan/{imported}")
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Y Điệp")
    page.get_by_label("Số CCCD hoặc mã số thuế").fill("064190002001")
    for box in page.locator("input[name=components]").all():
        box.check()
    submit(page, "Ghi nhận kết quả kiểm tra")
    page.get_by_role("link", name="Xem hồ sơ").click()
    dossier_url = page.url.split("?")[0]
    act(page, "forward", assignee_id="thuly.mot")
    switch(page, base, "thuly.mot")
    page.goto(dossier_url)
    act(page, "attach_draft", file=str(draft))
    act(page, "forward", assignee_id="lanhdao.mot")
    switch(page, base, "lanhdao.mot")
    page.goto(dossier_url)
    sign_and_issue(page)
    act(page, "forward")
    expect(page.locator(".facts")).to_contain_text("Đã xử lý xong")
    switch(page, base, "quay.mot")
    page.goto(dossier_url)
    act(page, "return_result", receiver_name="Y Điệp")
    expect(page.locator(".facts")).to_contain_text("Đã trả kết quả")
    [(version,)] = server.query("SELECT procedure_version FROM dossier")
    assert version is not None  # received under the imported procedure's version 1

"""In Chromium, the issue's walks: a dossier through the counter and a two-step internal
process, an inter-agency transfer, a supplement round, a late dossier with an apology, a
refusal at the counter, and a result returned by post.

One two-step procedure (handler, then leader) and one set of officers are made once for
the module; each walk receives its own dossier at the counter, as a person would.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.helpers import login
from tests.signing_world import draft_pdf, give_live_key

pytestmark = pytest.mark.browser

PASSWORD = "Walk2026xyz"


@dataclass
class Walk:
    base: str
    procedure_id: int
    result_pdf: Path
    server: object

    def execute(self, sql: str, *params) -> None:
        self.server.execute(sql, *params)


@pytest.fixture(scope="module")
def walk(live_server, tmp_path_factory) -> Walk:
    ((justice,),) = live_server.query("SELECT id FROM agency WHERE short_name = 'Sở Tư pháp'")
    ((finance,),) = live_server.query("SELECT id FROM agency WHERE short_name = 'Sở Tài chính'")
    for username, role, agency in (
        ("quay.walk", "counter_officer", justice), ("thuly.walk", "handler", justice),
        ("lanhdao.walk", "leader", justice), ("lanhdao.tc", "leader", finance),
        ("buuta.walk", "postal_staff", justice),
    ):
        live_server.cli("createuser", username, "--name", f"Cán bộ {username}", "--role", role,
                        "--agency", str(agency), "--password", PASSWORD)
    ((field,),) = live_server.query("SELECT field FROM procedure LIMIT 1")
    walk = Walk(live_server.url, 0, tmp_path_factory.mktemp("walk") / "ket-qua.pdf",
                live_server)
    walk.result_pdf.write_bytes(draft_pdf())
    give_live_key(live_server, "lanhdao.walk", "Cán bộ lanhdao.walk")
    give_live_key(live_server, "lanhdao.tc", "Cán bộ lanhdao.tc")
    walk.execute(
        "INSERT INTO procedure (code, name, search_text, field, agency, level,"
        " time_limit_amount, time_limit_unit, fee_amount, online_level)"
        " VALUES ('WALK.1', 'Cấp giấy xác nhận thử nghiệm', 'cap giay xac nhan thu nghiem',"
        " ?, ?, 'tinh', 10, 'working_days', 0, 'full')", field, justice)
    ((walk.procedure_id,),) = live_server.query(
        "SELECT id FROM procedure WHERE code = 'WALK.1'")
    walk.execute("INSERT INTO procedure_component (procedure, position, name) "
                 "VALUES (?, 1, 'Tờ khai đề nghị')", walk.procedure_id)
    for position, name, role in ((1, "Thẩm định hồ sơ", "handler"),
                                 (2, "Phê duyệt, ký kết quả", "leader")):
        walk.execute("INSERT INTO procedure_step (procedure, position, name, role, "
                     "allotted_hours) VALUES (?, ?, ?, ?, 32)", walk.procedure_id, position,
                     name, role)
    return walk


def as_user(page: Page, walk: Walk, username: str) -> None:
    if page.get_by_role("button", name="Đăng xuất").count():
        page.get_by_role("button", name="Đăng xuất").click()
    login(page, walk.base, username, PASSWORD)


def receive(page: Page, walk: Walk, name: str, cccd: str, *, channel: str = "1",
            outcome: str = "", reason: str = "", tick: bool = True) -> str:
    """At the counter: the applicant, the components, the decision. Returns the dossier
    page's URL."""
    as_user(page, walk, "quay.walk")
    page.goto(f"{walk.base}/mot-cua/tiep-nhan/{walk.procedure_id}")
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill(name)
    page.get_by_label("Số CCCD hoặc mã số thuế").fill(cccd)
    page.get_by_label("Số điện thoại").fill("0987654321")
    page.locator(f"input[name=channel][value='{channel}']").check()
    if tick:
        page.locator("input[name=components]").first.check()
    if outcome:
        page.get_by_label(outcome).check()
    if reason:
        page.get_by_label("Lý do, giấy tờ cần bổ sung hoặc ghi chú").fill(reason)
    page.get_by_role("button", name="Ghi nhận kết quả kiểm tra").click()
    if page.get_by_role("link", name="Xem hồ sơ").count():  # accepted: the slip first
        page.get_by_role("link", name="Xem hồ sơ").click()
    return page.url.split("?")[0]


def action(page: Page, name: str) -> Locator:
    return page.locator(f"form.action:has(input[name=action][value={name}])")


def do(page: Page, name: str, *, assignee: str = "", agency: str = "", reason: str = "",
       file: Path | None = None, **fields: str) -> None:
    form = action(page, name)
    if assignee:
        option = form.locator("[name=assignee_id] option", has_text=assignee)
        form.locator("[name=assignee_id]").select_option(option.get_attribute("value"))
    if agency:
        form.locator("[name=target_agency_id]").select_option(label=agency)
    if reason:
        form.locator("[name=reason]").fill(reason)
    if file:
        form.locator("input[type=file]").set_input_files(str(file))
    for field, value in fields.items():
        form.locator(f"[name={field}]").fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator(".error-summary")).to_have_count(0)


def status(page: Page) -> Locator:
    return page.locator(".facts")


def finish_as_leader(page: Page, walk: Walk, url: str, *, attach_draft: bool = True) -> None:
    """The leader of the settling agency at the last step: the draft result (unless the
    handler attached it), approval, "Ký số" on the server, issue, finish."""
    page.goto(url)
    if attach_draft:
        do(page, "attach_draft", file=walk.result_pdf)
    do(page, "approve")
    page.get_by_role("button", name="Ký số", exact=True).click()
    expect(page.locator(".error-summary")).to_have_count(0)
    do(page, "issue_result")
    do(page, "forward")
    expect(status(page)).to_contain_text("Đã xử lý xong")


def test_two_step_process_from_counter_to_return(page: Page, walk):
    url = receive(page, walk, "Rơ Châm Hưng", "064190002001")
    do(page, "forward", assignee="thuly.walk")  # the counter hands over to step 1
    expect(status(page)).to_contain_text("bước 1")

    as_user(page, walk, "thuly.walk")
    page.goto(url)
    do(page, "attach_draft", file=walk.result_pdf)  # the handler drafts the result
    do(page, "forward", assignee="lanhdao.walk")
    expect(status(page)).to_contain_text("bước 2")
    as_user(page, walk, "lanhdao.walk")
    finish_as_leader(page, walk, url, attach_draft=False)

    as_user(page, walk, "quay.walk")
    page.goto(url)
    do(page, "return_result", receiver_name="Rơ Châm Hưng")
    expect(status(page)).to_contain_text("Đã trả kết quả")
    expect(status(page)).to_contain_text("tại Bộ phận Một cửa · người nhận Rơ Châm Hưng")


def test_inter_agency_transfer(page: Page, walk):
    url = receive(page, walk, "A Thắng", "064190002002")
    do(page, "forward")
    as_user(page, walk, "lanhdao.walk")
    page.goto(url)
    do(page, "transfer", agency="Sở Tài chính tỉnh Quảng Ngãi", reason="Xác minh nghĩa vụ thuế")
    expect(page.get_by_text("Bạn không có thao tác nào")).to_be_visible()  # no longer ours

    as_user(page, walk, "lanhdao.tc")
    page.goto(url)
    expect(status(page)).to_contain_text("Sở Tài chính tỉnh Quảng Ngãi")
    expect(status(page)).to_contain_text("Sở Tư pháp tỉnh Quảng Ngãi")  # received there
    do(page, "forward")
    finish_as_leader(page, walk, url)
    as_user(page, walk, "quay.walk")  # the result goes back where it was received
    page.goto(url)
    do(page, "return_result")
    expect(status(page)).to_contain_text("Đã trả kết quả")


def test_supplement_round(page: Page, walk):
    url = receive(page, walk, "Y Blong", "064190002003")
    do(page, "forward", assignee="thuly.walk")
    as_user(page, walk, "thuly.walk")
    page.goto(url)
    do(page, "request_supplement", reason="Bổ sung bản sao sổ hộ khẩu")
    expect(status(page)).to_contain_text("Yêu cầu bổ sung")
    expect(status(page)).to_contain_text("tạm dừng tính thời hạn")

    as_user(page, walk, "quay.walk")  # the applicant brings the paper to the counter
    page.goto(url)
    do(page, "supply_supplement")
    expect(status(page)).to_contain_text("Đang xử lý · bước 1")
    told = walk.server.query(
        "SELECT event FROM outbox_message WHERE dossier = ? ORDER BY id",
        int(url.rsplit("/", 1)[1]))
    assert ("supplement_requested",) in told


def test_late_dossier_needs_an_apology(page: Page, walk):
    url = receive(page, walk, "Nguyễn Thị Hoa", "064190002004")
    do(page, "forward", assignee="thuly.walk")
    walk.execute("UPDATE dossier SET due_at = '2026-01-05 02:00:00+00:00' WHERE id = ?",
                 int(url.rsplit("/", 1)[1]))  # the appointment has passed

    as_user(page, walk, "thuly.walk")
    page.goto(url)
    expect(action(page, "forward")).to_have_count(0)  # blocked until an apology exists
    do(page, "record_apology", new_due_at="30/12/2027 16:00",
       reason="Chờ kết quả xác minh của cơ quan khác")
    expect(status(page)).to_contain_text("16:00 30/12/2027")
    expect(action(page, "forward")).to_have_count(1)

    as_user(page, walk, "lanhdao.walk")
    page.goto(f"{walk.base}/can-bo/tre-han?tu_ngay=01/01/2020")
    officer = page.locator("tr", has_text="Cán bộ thuly.walk")
    expect(officer.locator("td").nth(1)).to_have_text("1")  # with an apology


def test_refusal_at_the_counter(page: Page, walk):
    url = receive(page, walk, "Đinh Văn Lực", "064190002005", outcome="Từ chối tiếp nhận",
                  reason="Giấy tờ không đúng mẫu quy định", tick=False)
    expect(page.get_by_text("Đã thực hiện: Từ chối hồ sơ.")).to_be_visible()
    expect(status(page)).to_contain_text("Không tiếp nhận")
    expect(page.locator(".timeline")).to_contain_text("Giấy tờ không đúng mẫu quy định")
    assert "/can-bo/ho-so/" in url


def test_result_returned_by_post(page: Page, walk):
    url = receive(page, walk, "Hồ Văn Bình", "064190002006", channel="3")
    do(page, "forward")
    as_user(page, walk, "lanhdao.walk")
    page.goto(url)
    do(page, "forward")
    finish_as_leader(page, walk, url)

    as_user(page, walk, "buuta.walk")
    page.get_by_role("link", name="Kết quả chờ trả").click()
    page.locator("tr", has_text="Hồ Văn Bình").get_by_role("link").click()
    do(page, "return_result", note="EL123456789VN")
    expect(status(page)).to_contain_text("qua bưu chính · người nhận Hồ Văn Bình · EL123456789VN")

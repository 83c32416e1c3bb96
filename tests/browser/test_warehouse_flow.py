"""In Chromium, the data warehouse paths of the citizen's journey: an upload of one dossier
is chosen from the warehouse in the next one instead of uploaded again; the dossier is
tracked by SMS (`TC <mã> <4 số>` through the SMS gateway's webhook); the counter accepts
it, the leader issues the result; the citizen finds the result in /kho-du-lieu and
downloads it. On the way, the budgets and axe on the warehouse and the submission steps."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests import pdfs
from tests.browser.conftest import SMS_INBOUND_TOKEN
from tests.browser.helpers import (
    add_online_procedure,
    add_process,
    login,
    upload_component_pages,
)
from tests.browser.test_citizen_journey import serious_violations
from tests.browser.test_page_weight import (
    FIRST_VISIT_BUDGET,
    LATER_PAGE_BUDGET,
    check_assets,
    transferred,
    visit,
)
from tests.browser.test_processing_walks import do, status
from tests.signing_world import draft_pdf, give_live_key

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CCCD = "052090008888"
PHONE = "0934567812"
PASSWORD = "Kho2026xyz"


@pytest.fixture(scope="module")
def procedure_id(live_server) -> int:
    """An online procedure of the justice department whose process has one leader step
    between the counter's (approved and signed there), and its staff."""
    ((justice,),) = live_server.query("SELECT id FROM agency WHERE short_name = 'Sở Tư pháp'")
    for username, role in (("quay.kho", "counter_officer"), ("lanhdao.kho", "leader")):
        live_server.cli("createuser", username, "--name", f"Cán bộ {username}", "--role", role,
                        "--agency", str(justice), "--password", PASSWORD)
    live_server.cli("createuser", CCCD, "--name", "Y Hơ Nia", "--role", "citizen",
                    "--id-number", CCCD, "--password", PASSWORD)
    procedure = add_online_procedure(live_server, "KHO.1", "Cấp bản sao trích lục hộ tịch", [
        ("Tờ khai đề nghị cấp bản sao", True), ("Bản chụp CCCD", True)])
    add_process(live_server, procedure, (  # one leader step between the counter's
        ("Tiếp nhận hồ sơ", "reception", "counter_officer", 4),
        ("Phê duyệt, ký kết quả", "signature", "leader", 16),
        ("Trả kết quả", "return", "counter_officer", 4)))
    return procedure


def submit(page: Page, base: str, procedure: int, files: dict, reuse: dict) -> str:
    """The online submission: applicant, components (upload or warehouse), check, submit.
    Returns the dossier code from the confirmation."""
    page.goto(f"{base}/thu-tuc/{procedure}")
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_label("Số điện thoại").fill(PHONE)
    page.get_by_label("Địa chỉ liên hệ").fill("Làng Kon Klor, phường Thắng Lợi")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    if reuse:  # chosen on the components page; the helper below uploads the rest
        for component, document in reuse.items():
            field = page.locator(".field", has=page.get_by_text(component, exact=True))
            field.get_by_label("Hoặc chọn giấy tờ có sẵn trong kho dữ liệu").select_option(
                label=document)
    upload_component_pages(page, files.get)
    for component in reuse:
        row = page.locator(".summary > div", has_text=component)  # check-your-answers row
        expect(row).to_contain_text("(từ kho dữ liệu)")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("heading", name="Đã nộp hồ sơ")).to_be_visible()
    return page.locator(".code strong").inner_text()


def test_reuse_a_warehouse_document_track_by_sms_and_find_the_result(
        browser: Browser, live_server, procedure_id, tmp_path):
    base = live_server.url
    form = tmp_path / "to-khai.pdf"
    form.write_bytes(pdfs.simple("to khai de nghi cap ban sao"))
    card = tmp_path / "cccd.png"
    buffer = io.BytesIO()
    Image.new("RGB", (240, 150), (230, 210, 190)).save(buffer, "PNG")
    card.write_bytes(buffer.getvalue())
    result = tmp_path / "ban-sao-trich-luc.pdf"
    result.write_bytes(draft_pdf())
    give_live_key(live_server, "lanhdao.kho", "Cán bộ lanhdao.kho")

    citizen = browser.new_context()
    page = citizen.new_page()
    login(page, base, CCCD, PASSWORD)
    submit(page, base, procedure_id,
           {"Tờ khai đề nghị cấp bản sao": form, "Bản chụp CCCD": card}, {})

    # The second dossier takes the CCCD copy from the warehouse: nothing uploaded for it.
    page.goto(base + "/kho-du-lieu")
    expect(page.get_by_role("link", name="Bản chụp CCCD")).to_be_visible()
    today = page.locator(".results .meta").first.inner_text().split(" · ")[1]
    code = submit(page, base, procedure_id, {"Tờ khai đề nghị cấp bản sao": form},
                  {"Bản chụp CCCD": f"Bản chụp CCCD ({today})"})
    ((dossier_id,),) = live_server.query("SELECT id FROM dossier WHERE code = ?", code)
    assert live_server.query(
        "SELECT name, reused FROM dossier_component WHERE dossier = ? ORDER BY name",
        dossier_id) == [("Bản chụp CCCD", 1), ("Tờ khai đề nghị cấp bản sao", 0)]
    assert live_server.query(
        "SELECT count(DISTINCT c.file) FROM dossier_component c JOIN dossier d"
        " ON d.id = c.dossier WHERE d.applicant = (SELECT id FROM app_user WHERE username = ?)"
        " AND c.name = 'Bản chụp CCCD'", CCCD) == [(1,)]

    # Tracked by SMS: the gateway posts what the citizen texted; the reply is queued for
    # the sender, short and without diacritics.
    answer = page.request.post(
        f"{base}/api/v1/sms/inbound",
        headers={"Authorization": f"Bearer {SMS_INBOUND_TOKEN}"},
        data={"sender": PHONE, "text": f"tc {code} {PHONE[-4:]}", "id": f"sms-{code}"})
    assert answer.status == 200 and answer.json()["queued"] >= 1
    ((reply,),) = live_server.query(
        "SELECT body FROM outbox_message WHERE event = 'lookup_reply' AND recipient = ?"
        " AND body LIKE ?", PHONE, f"%{code}%")
    assert len(reply) <= 160 and reply.isascii()

    # The counter accepts the dossier; the leader issues the result and finishes.
    staff = browser.new_context()
    officer = staff.new_page()
    login(officer, base, "quay.kho", PASSWORD)
    officer.goto(f"{base}/can-bo/ho-so/{dossier_id}")
    do(officer, "accept")
    do(officer, "forward", assignee="lanhdao.kho")  # the counter hands over to the step
    expect(status(officer)).to_contain_text("Bước 2/3: Phê duyệt, ký kết quả")
    officer.get_by_role("button", name="Đăng xuất").click()
    login(officer, base, "lanhdao.kho", PASSWORD)
    officer.goto(f"{base}/can-bo/ho-so/{dossier_id}")
    do(officer, "attach_draft", file=result)  # the signature step's own: no approval step
    officer.get_by_role("button", name="Ký số", exact=True).click()
    do(officer, "issue_result")
    do(officer, "forward")
    expect(status(officer)).to_contain_text("Đã xử lý xong")

    # The citizen finds the result in the warehouse and downloads exactly that file.
    page.goto(base + "/kho-du-lieu")
    link = page.get_by_role("link", name="Kết quả: Cấp bản sao trích lục hộ tịch")
    expect(link).to_be_visible()
    expect(page.locator("li", has=link)).to_contain_text(f"hồ sơ {code}")
    with page.expect_download() as download:
        link.click()
    got = download.value.path().read_bytes()
    assert live_server.query("SELECT sha256 FROM dossier_result WHERE dossier = ?",
                             dossier_id) == [(hashlib.sha256(got).hexdigest(),)]
    assert got.startswith(result.read_bytes()) and b"/ETSI.CAdES.detached" in got  # signed

    # Budgets and accessibility: the warehouse on a first visit (cold cache), then every
    # step of a new submission as later pages.
    fresh = browser.new_context(storage_state=citizen.storage_state())
    weigh = fresh.new_page()
    responses = visit(weigh, base + "/kho-du-lieu")
    check_assets(responses)
    assert transferred(responses) <= FIRST_VISIT_BUDGET
    problems = serious_violations(weigh)
    weigh.goto(f"{base}/thu-tuc/{procedure_id}")
    weigh.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()
    weigh.wait_for_url("**/nguoi-nop")
    draft = weigh.url.rsplit("/", 1)[0]
    for url in (draft + "/nguoi-nop", draft + "/thanh-phan", draft + "/kiem-tra"):
        responses = visit(weigh, url)
        check_assets(responses)
        html = [r for r in responses if r.request.resource_type == "document"]
        assert transferred(html) <= LATER_PAGE_BUDGET, url
        problems += serious_violations(weigh)
    assert problems == []
    for context in (citizen, staff, fresh):
        context.close()

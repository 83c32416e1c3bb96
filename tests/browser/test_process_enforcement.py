"""In Chromium, the approved process enforced: four officers of a commune take a dossier of
the demo's five-step process (counter, handler, head of unit's approval, Chairman's
signature, counter) from reception to return, each seeing only their own step's buttons,
and the result returned is a PDF that pyHanko and poppler's `pdfsig` both find validly
signed by the Chairman's test certificate; a page left open in a second browser is refused
once the dossier has moved on."""

from __future__ import annotations

import hashlib
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from playwright.sync_api import Browser, Page, expect

from app.signatures import pades
from tests.browser.helpers import attach_draft, return_at_counter, sign_and_issue, switch_user
from tests.signing_world import draft_pdf, give_live_key

pytestmark = pytest.mark.browser

PASSWORD = "Quytrinh2026x"
PROCEDURE_CODE = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân, UBND phường Kon Tum
OFFICERS = (("quay.pk", "counter_officer", ""), ("thuly.pk", "handler", ""),
            ("thuly2.pk", "handler", ""), ("truongphong.pk", "leader", "unit_leader"),
            ("chutich.pk", "leader", "chairman"))


@pytest.fixture(scope="module")
def commune(live_server) -> dict:
    ((agency,),) = live_server.query("SELECT id FROM agency WHERE code = '000.01.40.H55'")
    ((procedure,),) = live_server.query("SELECT id FROM procedure WHERE code = ?",
                                        PROCEDURE_CODE)
    for username, role, position in OFFICERS:
        live_server.cli("createuser", username, "--name", f"Cán bộ {username}", "--role", role,
                        "--agency", str(agency), "--password", PASSWORD,
                        *(["--position", position] if position else []))
    give_live_key(live_server, "chutich.pk", "Cán bộ chutich.pk")  # "Ký số" on the server
    return {"base": live_server.url, "procedure": procedure, "server": live_server}


def as_user(page: Page, commune: dict, username: str, url: str | None = None) -> None:
    switch_user(page, commune["base"], username, PASSWORD, url)


def buttons(page: Page) -> list[str]:
    return page.locator("form.action button[type=submit]").all_inner_texts()


def receive(page: Page, commune: dict, name: str, cccd: str) -> str:
    as_user(page, commune, "quay.pk", f"{commune['base']}/mot-cua/tiep-nhan/"
            f"{commune['procedure']}")
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill(name)
    page.get_by_label("Số CCCD hoặc mã số thuế").fill(cccd)
    for box in page.locator("input[name=components]").all():
        box.check()
    page.get_by_role("button", name="Ghi nhận kết quả kiểm tra").click()
    page.get_by_role("link", name="Xem hồ sơ").click()
    return page.url.split("?")[0]


def dossier_rows(commune: dict, url: str) -> tuple:
    dossier_id = int(url.rsplit("/", 1)[1])
    server = commune["server"]
    return (server.query("SELECT * FROM dossier WHERE id = ?", dossier_id),
            server.query("SELECT * FROM dossier_event WHERE dossier = ?", dossier_id),
            server.query("SELECT count(*), max(id) FROM audit_entry"))


def trusted_roots(commune: dict) -> list:
    """The live server's trust root: the demo CA its keys were issued by."""
    data = (commune["server"].var_dir / "demo-signing" / "ca.pem").read_bytes()
    return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]


def signing_offered(page: Page) -> bool:
    return page.locator("#ky-so").count() > 0


def test_four_officers_each_at_their_own_step(page: Page, commune, tmp_path: Path):
    url = receive(page, commune, "H' Hen Niê", "064190003001")
    facts = page.locator(".facts")
    expect(facts).to_contain_text("Bước 1/5: Tiếp nhận, kiểm tra hồ sơ")
    page.get_by_role("button", name="Chuyển bước tiếp theo").click()
    expect(facts).to_contain_text("Bước 2/5")

    as_user(page, commune, "thuly.pk", url)
    assert "Phê duyệt" not in buttons(page) and "Ban hành kết quả" not in buttons(page)
    draft = tmp_path / "du-thao.pdf"
    draft.write_bytes(draft_pdf())
    attach_draft(page, draft)
    forward = page.locator("form.action", has=page.locator("input[value=forward]"))
    expect(forward).to_contain_text("Đến: Bước 3/5: Trưởng phòng Văn hóa – Xã hội xem xét")
    # Only heads of unit are offered for the approval step: not the Chairman, no handler.
    offered = forward.locator("select option").all_inner_texts()
    assert "Cán bộ truongphong.pk (Lãnh đạo)" in offered
    assert not [o for o in offered if "chutich" in o or "thuly" in o or "A Khánh" in o]
    forward.get_by_role("button").click()

    as_user(page, commune, "chutich.pk", url)  # not yet the Chairman's step
    assert not signing_offered(page)
    as_user(page, commune, "truongphong.pk", url)
    page.get_by_role("button", name="Phê duyệt", exact=True).click()
    page.get_by_role("button", name="Chuyển bước tiếp theo").click()
    expect(facts).to_contain_text("Bước 4/5: Chủ tịch hoặc Phó Chủ tịch UBND phường ký")
    assert not signing_offered(page)  # the Chairman signs, not the head of unit

    as_user(page, commune, "chutich.pk", url)
    assert signing_offered(page)
    sign_and_issue(page)
    page.get_by_role("button", name="Chuyển bước tiếp theo").click()
    expect(facts).to_contain_text("Bước 5/5: Trả kết quả")

    as_user(page, commune, "quay.pk", url)
    return_at_counter(page)
    history = page.locator(".timeline")
    for done in ("Tiếp nhận", "Chuyển xử lý", "Trình duyệt", "Phê duyệt", "Trình ký", "Ký số",
                 "Ban hành kết quả", "Trả kết quả"):
        expect(history).to_contain_text(done)
    expect(history).to_contain_text("Cán bộ chutich.pk")

    # The result returned: the Chairman's signature, valid for pyHanko and for pdfsig.
    signed = page.request.get(f"{url}/ket-qua/ky-so").body()
    with ThreadPoolExecutor(1) as pool:  # pyHanko runs its own event loop; Playwright holds ours
        facts = pool.submit(pades.inspect, signed, trusted_roots(commune)).result()
    assert (facts.intact, facts.whole_file, facts.trusted) == (True, True, True)
    assert facts.signer_name == "Cán bộ chutich.pk"
    pdf = tmp_path / "ket-qua-da-ky.pdf"
    pdf.write_bytes(signed)
    report = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True,
                            timeout=30).stdout
    assert "Signature is Valid" in report and "Total document signed" in report
    assert "Signer Certificate Common Name: Cán bộ chutich.pk" in report
    [(issued,)] = commune["server"].query(
        "SELECT r.sha256 FROM dossier_result r WHERE r.dossier = ?", int(url.rsplit("/", 1)[1]))
    assert hashlib.sha256(signed).hexdigest() == issued  # the file issued is the one signed


def test_a_page_left_open_in_another_browser_is_refused(page: Page, browser: Browser,
                                                         commune):
    url = receive(page, commune, "Y Bhin Êban", "064190003002")
    page.get_by_role("button", name="Chuyển bước tiếp theo").click()  # to the handlers

    other = browser.new_context().new_page()  # the first handler's tab, opened now
    as_user(other, commune, "thuly.pk", url)
    stale_forward = other.locator("form.action", has=other.locator("input[value=forward]"))
    expect(stale_forward).to_be_visible()

    as_user(page, commune, "thuly2.pk", url)  # a colleague moves it on meanwhile
    page.get_by_role("button", name="Chuyển bước tiếp theo").click()
    expect(page.locator(".facts")).to_contain_text("Bước 3/5")
    before = dossier_rows(commune, url)

    stale_forward.get_by_role("button").click()  # the old page's button
    alert = other.get_by_role("alert")
    expect(alert).to_contain_text("Hồ sơ vừa được Cán bộ thuly2.pk cập nhật lúc")
    expect(alert).to_contain_text("vui lòng tải lại trang")
    assert re.search(r"\d\d:\d\d \d\d/\d\d/\d{4} \(trình duyệt\)", alert.inner_text())
    expect(other.locator(".facts")).to_contain_text("Bước 3/5")  # the page now says so
    assert dossier_rows(commune, url) == before  # nothing moved, nothing recorded
    other.context.close()

"""Every citizen page on a 320 px and a 360 px phone (issue #17: the search results page
scrolled sideways, a long word widened the check page to 2,925 px, the dossier code broke
mid-number, the "Sửa" links were 30×19 px): no page is wider than the screen, every text
field states its limit (maxlength), codes wrap only at their dashes, "Sửa" targets are at
least 44×44 px.

The pages come from the routes: `CITIZEN_ROUTES` names, for every GET route a citizen or
an anonymous visitor may open (tests/test_authorization_matrix.POLICY), how it is reached
here; `NOT_PAGES` says why the others are not measured. tests/test_narrow_screen_routes.py
fails when a citizen route is in neither, so a new page cannot be forgotten.
"""

from __future__ import annotations

import hashlib
import re
import secrets

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import login, upload_component_pages

pytestmark = pytest.mark.browser

WIDTHS = (320, 360)
CCCD, PASSWORD, PHONE = "052090005151", "Nhung2026xyz", "0987654151"
LONG_WORD = "Thôn" + "KonKlorĐắkBlaPleiKần" * 14  # 284 letters, no space: the worst address

CITIZEN_ROUTES = {  # route -> what is measured there (see the test for how it is reached)
    "/": "home", "/thu-tuc": "search with results and filters",
    "/thu-tuc/{procedure_id:int}": "procedure", "/tra-cuu": "lookup, empty and with a result",
    "/dang-nhap": "login", "/dang-ky": "registration", "/ca-nhan": "personal page",
    "/ca-nhan/xac-thuc": "identity check", "/kho-du-lieu": "data warehouse",
    "/nop-truc-tuyen/{draft_id:int}/nguoi-nop": "applicant step (long address)",
    "/nop-truc-tuyen/{draft_id:int}/thanh-phan": "components step",
    "/nop-truc-tuyen/{draft_id:int}/kiem-tra": "check your answers (long address)",
    "/nop-truc-tuyen/{draft_id:int}/da-nop": "confirmation with the code",
    "/ho-so-cua-toi/{dossier_id:int}": "own dossier",
    "/ho-so-cua-toi/{dossier_id:int}/rut-ho-so": "withdrawal request",
    "/ho-so-cua-toi/{draft_id:int}/bo-sung": "supplement",
    "/thanh-toan/{reference:str}": "payment return", "/thanh-toan/{reference:str}/bien-lai":
    "receipt", "/sandbox/thanh-toan/{reference:str}": "sandbox gateway page",
    "/danh-gia/{token:str}": "rating link", "/kiosk": "kiosk", "/kiosk/danh-gia": "kiosk form",
    "/phan-anh/cong-khai": "published feedback", "/phan-anh/gui": "feedback form",
    "/phan-anh/xac-thuc/{token:str}": "feedback code", "/phan-anh/theo-doi/{token:str}":
    "feedback private link", "/phan-anh/cua-toi": "own feedback",
    "/chi-so-phuc-vu": "service index", "/quen-mat-khau": "password recovery",
    "/quen-mat-khau/{token:str}": "recovery code",
    "/chi-so-phuc-vu/bieu-do": "service index charts",
    "/chi-so-phuc-vu/{indicator:str}": "one indicator with its formula",
    "/danh-sach-tre-han": "public late lists", "/thu-tuc/{procedure_id:int}/lich-su":
    "a procedure's published versions",
}
NOT_PAGES = {
    "/healthz": "JSON for monitoring",
    "/thu-tuc/{procedure_id:int}/mau/{component_id:int}": "a file download",
    "/kho-du-lieu/{document_id:int}": "a file download",
    "/dat-mat-khau/{token:str}": "staff accounts only (internal account procedure)",
    "/dang-nhap/xac-thuc": "staff second factor",
    "/dang-nhap/thiet-lap-xac-thuc": "staff second factor",
    "/dang-nhap/vneid": "redirects to the national identity provider",
    "/dang-nhap/vneid/ve": "the identity provider's return: redirects",
    "/sandbox/vneid/dang-nhap": "stands in for VNeID's own sign-in page",
    "/sandbox/dvcqg": "a tester's page of the sandbox national portal",
    "/danh-sach-tre-han/{slug:str}": "needs an approved list: measured at 360 px by "
    "test_service_index_phone.py",
    "/thu-tuc/{procedure_id:int}/phien-ban/{number:int}": "the demo has no earlier version "
    "yet; the page is the procedure page's template",
}

# What the page looks like to the person: wider than the screen, a text field without a
# limit, a code broken inside a part, a "Sửa" smaller than a finger.
MEASURE = """() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth) problems.push(`scrollWidth ${root.scrollWidth}`);
  const fields = document.querySelectorAll(
    "main input:not([type=hidden]):not([type=file]):not([type=checkbox]):not([type=radio])," +
    "main textarea");
  for (const f of fields) if (f.maxLength < 0) problems.push(`no maxlength on #${f.id}`);
  for (const code of document.querySelectorAll(".code-text")) {
    for (const node of code.childNodes) {
      if (node.nodeType !== 3 || !node.textContent) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (lines.size > 1) problems.push(`code part "${node.textContent}" broken`);
    }
  }
  for (const a of document.querySelectorAll(".change a")) {
    const box = a.getBoundingClientRect();
    if (box.width < 44 || box.height < 44) problems.push(`Sửa ${box.width}x${box.height}`);
  }
  return problems;
}"""


def measure(page: Page, url: str, problems: list[str]) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 640})
        response = page.goto(url)
        assert response.status < 500, url
        problems += [f"{width}px {url}: {p}" for p in page.evaluate(MEASURE)]


def submit_steps(page: Page, base: str, procedure: int, pdf, measured: dict,
                 send: bool) -> str:
    """One online submission with the longest address a field takes; the step pages are
    recorded for measuring. Returns the draft's base URL."""
    page.goto(f"{base}/thu-tuc/{procedure}")
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_label("Số điện thoại").fill(PHONE)
    page.get_by_label("Địa chỉ liên hệ").fill(LONG_WORD)
    draft = page.url.rsplit("/", 1)[0]
    measured["/nop-truc-tuyen/{draft_id:int}/nguoi-nop"] = page.url
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_url("**/thanh-phan*")
    measured["/nop-truc-tuyen/{draft_id:int}/thanh-phan"] = page.url
    upload_component_pages(page, lambda label: pdf)
    measured["/nop-truc-tuyen/{draft_id:int}/kiem-tra"] = page.url
    if send:
        page.get_by_role("button", name="Nộp hồ sơ").click()
        expect(page.get_by_role("heading", name="Đã nộp hồ sơ")).to_be_visible()
        measured["/nop-truc-tuyen/{draft_id:int}/da-nop"] = page.url
    return draft


def test_every_citizen_page_fits_a_320_and_a_360_px_phone(browser: Browser, live_server,
                                                         tmp_path):
    base = live_server.url
    live_server.cli("createuser", CCCD, "--name", "Nguyễn Thị Hồng Nhung", "--role", "citizen",
                    "--id-number", CCCD, "--password", PASSWORD)
    ((procedure,),) = live_server.query(
        "SELECT id FROM procedure WHERE name LIKE 'Cấp Phiếu lý lịch tư pháp%' AND "
        "online_level = 'full' AND fee_amount > 0 LIMIT 1")
    pdf = tmp_path / "giay-to.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% giay to\n")
    at = {"/": "/", "/thu-tuc": "/thu-tuc?q=giay+phep&linh_vuc=&cap=tinh",
          "/thu-tuc/{procedure_id:int}": f"/thu-tuc/{procedure}", "/tra-cuu": "/tra-cuu",
          "/dang-nhap": "/dang-nhap", "/dang-ky": "/dang-ky", "/kiosk": "/kiosk",
          "/phan-anh/cong-khai": "/phan-anh/cong-khai", "/chi-so-phuc-vu": "/chi-so-phuc-vu",
          "/quen-mat-khau": "/quen-mat-khau", "/chi-so-phuc-vu/bieu-do": "/chi-so-phuc-vu/bieu-do",
          "/chi-so-phuc-vu/{indicator:str}": "/chi-so-phuc-vu/on_time",
          "/danh-sach-tre-han": "/danh-sach-tre-han",
          "/thu-tuc/{procedure_id:int}/lich-su": f"/thu-tuc/{procedure}/lich-su"}
    at = {route: base + path for route, path in at.items()}

    citizen = browser.new_context()
    page = citizen.new_page()
    login(page, base, CCCD, PASSWORD)
    kept_draft: dict[str, str] = {}
    submit_steps(page, base, procedure, pdf, kept_draft, send=False)  # left as a draft
    at.update(kept_draft)
    sent: dict[str, str] = {}
    draft = submit_steps(page, base, procedure, pdf, sent, send=True)
    at["/nop-truc-tuyen/{draft_id:int}/da-nop"] = sent["/nop-truc-tuyen/{draft_id:int}/da-nop"]
    dossier_id = int(draft.rsplit("/", 1)[1])
    code = re.sub(r"\s", "", page.locator(".code strong").inner_text())
    at["/tra-cuu"] = f"{base}/tra-cuu?ma={code}&so={PHONE[-4:]}"
    page.get_by_role("link", name=re.compile("^Xem hồ sơ")).click()
    at["/ho-so-cua-toi/{dossier_id:int}"] = page.url
    at["/ho-so-cua-toi/{dossier_id:int}/rut-ho-so"] = page.url + "/rut-ho-so"
    page.get_by_role("button", name=re.compile("^Thanh toán trực tuyến")).click()
    at["/sandbox/thanh-toan/{reference:str}"] = page.url
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", name=re.compile("^Đã thanh toán"))).to_be_visible()
    at["/thanh-toan/{reference:str}"] = page.url
    page.get_by_role("link", name="Xem biên lai điện tử").click()
    at["/thanh-toan/{reference:str}/bien-lai"] = page.url
    for path in ("/ca-nhan", "/ca-nhan/xac-thuc", "/kho-du-lieu", "/phan-anh/cua-toi",
                 "/phan-anh/gui"):
        at[path] = base + path

    # A returned dossier of the demo with a rating link, and the kiosk asking for it.
    ((returned, returned_code, returned_phone),) = live_server.query(
        "SELECT id, code, applicant_phone FROM dossier WHERE status = 10 AND id NOT IN "
        "(SELECT dossier FROM rating_invite) AND id NOT IN (SELECT dossier FROM rating) LIMIT 1")
    token = secrets.token_urlsafe(16)
    live_server.execute("INSERT INTO rating_invite (dossier, token_hash, created_at) "
                        "VALUES (?, ?, '2026-12-01T00:00:00+00:00')", returned,
                        hashlib.sha256(token.encode()).hexdigest())
    at["/danh-gia/{token:str}"] = f"{base}/danh-gia/{token}"
    at["/kiosk/danh-gia"] = f"{base}/kiosk/danh-gia?ma={returned_code}&so={returned_phone[-4:]}"

    # Without an account: feedback proved by a code, its private link; password recovery.
    stranger = browser.new_context()
    anonymous = stranger.new_page()
    anonymous.goto(base + "/phan-anh/gui")
    anonymous.get_by_label("Họ và tên người gửi").fill("Y Nhi")
    anonymous.get_by_label("Số điện thoại nhận mã xác thực").fill("0911222151")
    anonymous.get_by_label("Về thủ tục (nếu có)").select_option(str(procedure))
    anonymous.get_by_label("Tiêu đề").fill("Chờ lâu ở quầy")
    anonymous.get_by_label("Nội dung", exact=True).fill(LONG_WORD)
    anonymous.get_by_role("button", name="Gửi phản ánh, kiến nghị").click()
    at["/phan-anh/xac-thuc/{token:str}"] = anonymous.url
    ((sms,),) = live_server.query("SELECT body FROM outbox_message WHERE event = "
                                  "'verify_code' AND recipient = '0911222151'")
    anonymous.get_by_label("Mã xác thực").fill(re.search(r"\d{6}", sms).group())
    anonymous.get_by_role("button", name="Xác thực và gửi phản ánh").click()
    anonymous.get_by_role("link", name=re.compile("^Theo dõi phản ánh")).click()
    at["/phan-anh/theo-doi/{token:str}"] = anonymous.url
    anonymous.goto(base + "/quen-mat-khau")
    anonymous.get_by_label("Số CCCD hoặc tên đăng nhập").fill(CCCD)
    anonymous.get_by_role("button", name="Gửi mã").click()
    at["/quen-mat-khau/{token:str}"] = anonymous.url

    # Last, as it changes the dossier: the agency asks for a supplement.
    live_server.execute("UPDATE dossier SET status = 5 WHERE id = ?", dossier_id)
    at["/ho-so-cua-toi/{draft_id:int}/bo-sung"] = f"{base}/ho-so-cua-toi/{dossier_id}/bo-sung"
    assert set(at) == set(CITIZEN_ROUTES)

    problems: list[str] = []
    public = {"/", "/thu-tuc", "/thu-tuc/{procedure_id:int}", "/tra-cuu", "/dang-nhap",
              "/dang-ky", "/kiosk", "/kiosk/danh-gia", "/phan-anh/cong-khai",
              "/chi-so-phuc-vu", "/quen-mat-khau", "/quen-mat-khau/{token:str}",
              "/danh-gia/{token:str}", "/phan-anh/xac-thuc/{token:str}",
              "/phan-anh/theo-doi/{token:str}", "/chi-so-phuc-vu/bieu-do",
              "/chi-so-phuc-vu/{indicator:str}", "/danh-sach-tre-han",
              "/thu-tuc/{procedure_id:int}/lich-su"}
    for route, url in sorted(at.items()):
        measure(anonymous if route in public else page, url, problems)
    measure(page, base + "/trang-khong-co", problems)  # an error page, signed in
    assert problems == [], "\n".join(problems)
    for context in (citizen, stranger):
        context.close()

"""Every staff page at 360 px and at 1366 px (issue #16: "no horizontal scroll at 1366 px or
360 px" on staff pages): wide tables scroll inside their own box, forms stack, the page
itself is never wider than the screen.

The pages come from the routes: `STAFF_PAGES` names, for every GET route only staff may
open (tests/test_authorization_matrix.POLICY), who opens it here and what it shows;
`STAFF_NOT_PAGES` says why the others are not measured. tests/test_narrow_screen_routes.py
fails when a staff route is in neither. One test, one live server, one sign-in per role.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = ((360, 640), (1366, 768))
PASSWORD = "ManHinhHep2026"
# Who opens each kind of page: the provincial admin sees every dossier and every back-office
# page; the counter's own pages need a counter officer, a bulk run its leader, a new
# internal request an agency admin.
ROLES = {"tinh": "provincial_admin", "motcua": "counter_officer", "lanhdao": "leader",
         "quantri": "agency_admin"}

STAFF_PAGES = {  # route -> (who, what is measured)
    "/can-bo": ("tinh", "dashboard"),
    "/can-bo/hang-doi": ("tinh", "queue, all dossiers of the province"),
    "/can-bo/hang-doi/ket-qua/{run_id:int}": ("lanhdao", "a bulk run's outcome"),
    "/can-bo/tre-han": ("tinh", "late counts"),
    "/can-bo/ho-so/{dossier_id:int}": ("tinh", "a returned dossier"),
    "/can-bo/ho-so/{dossier_id:int}/phieu-hen": ("tinh", "the slip on screen"),
    "/can-bo/ho-so/{dossier_id:int}/bieu-mau": ("tinh", "the list of forms"),
    "/can-bo/ho-so/{dossier_id:int}/chuyen-doi-giay": ("tinh", "paper conversion"),
    "/can-bo/ho-so/{dossier_id:int}/so-hoa": ("tinh", "digitised components"),
    "/can-bo/ho-so/{dossier_id:int}/lien-thong": ("tinh", "national portal sync"),
    "/can-bo/chi-phi-tuan-thu/{procedure_id:int}": ("tinh", "compliance cost"),
    "/can-bo/tim-ban-so-hoa": ("tinh", "search of digitised scans"),
    "/can-bo/phan-anh": ("tinh", "feedback list"),
    "/can-bo/phan-anh/{feedback_id:int}": ("tinh", "feedback handling"),
    "/can-bo/thanh-toan": ("tinh", "payments to reconcile"),
    "/mot-cua/tiep-nhan": ("motcua", "choose a procedure"),
    "/mot-cua/tiep-nhan/{procedure_id:int}": ("motcua", "reception form"),
    "/mot-cua/tra-ket-qua": ("motcua", "results to return"),
    "/mot-cua/xac-thuc-tai-khoan": ("motcua", "identity check at the counter"),
    "/mot-cua/ho-so-giay": ("tinh", "paper receptions"),
    "/mot-cua/so-theo-doi": ("motcua", "tracking book, the demo's last ten months"),
    "/noi-bo/de-nghi": ("tinh", "internal requests"),
    "/noi-bo/de-nghi/moi": ("quantri", "new internal request"),
    "/noi-bo/de-nghi/{dossier_id:int}": ("quantri", "one internal request, just sent"),
    "/noi-bo/tai-khoan": ("tinh", "accounts by agency"),
    "/bao-cao": ("tinh", "reports"),
    "/quan-tri": ("tinh", "back office"),
    "/quan-tri/tac-vu": ("tinh", "background jobs"),
    "/quan-tri/thong-bao": ("tinh", "failed messages"),
    "/quan-tri/mau-thong-bao": ("tinh", "message templates"),
    "/quan-tri/mau-thong-bao/{event:str}/{channel:str}": ("tinh", "one template"),
    "/quan-tri/lich-lam-viec": ("tinh", "working calendar"),
    "/quan-tri/lien-thong": ("tinh", "national integrations"),
    "/quan-tri/danh-sach-tre-han": ("tinh", "late lists"),
    "/quan-tri/danh-sach-tre-han/{list_id:int}": ("tinh", "a late list's draft"),
    "/quan-tri/don-vi-hanh-chinh": ("tinh", "administrative units"),
    "/quan-tri/don-vi-hanh-chinh/{unit_id:int}": ("tinh", "one unit"),
    "/quan-tri/co-quan": ("tinh", "agencies"),
    "/quan-tri/co-quan/{agency_id:int}": ("tinh", "one agency with signers"),
    "/quan-tri/thu-tuc": ("tinh", "catalogue"),
    "/quan-tri/thu-tuc/{procedure_id:int}": ("tinh", "one procedure's versions"),
    "/quan-tri/thu-tuc/ban-nhap/{version_id:int}": ("tinh", "the draft editor"),
    "/quan-tri/thu-tuc/nhap": ("tinh", "catalogue import"),
    "/quan-tri/thu-tuc/quyet-dinh": ("tinh", "publishing decisions"),
    "/quan-tri/nguoi-dung": ("tinh", "staff accounts"),
    "/quan-tri/nguoi-dung/moi": ("tinh", "new account"),
    "/quan-tri/nguoi-dung/{user_id:int}": ("tinh", "one account"),
    "/quan-tri/quy-trinh": ("tinh", "internal processes"),
    "/quan-tri/quy-trinh/thu-tuc/{procedure_id:int}": ("tinh", "one procedure's processes"),
    "/quan-tri/quy-trinh/phien-ban/{version_id:int}": ("tinh", "a published process version"),
    "/luu-tru": ("tinh", "archival files"),
    "/luu-tru/nop-luu": ("tinh", "hand-over packages"),
    "/luu-tru/huy": ("tinh", "disposal lists"),
    "/luu-tru/thoi-han-bao-quan": ("tinh", "retention rules"),
}
PRINTED = "an A4 document on screen as it prints (its PDF is checked by tests/pdf_layout.py)"
STAFF_NOT_PAGES = {
    "/can-bo/ho-so/{dossier_id:int}/bieu-mau/{form:str}": PRINTED,
    "/can-bo/ho-so/{dossier_id:int}/chuyen-doi-giay/{conversion_id:int}": PRINTED,
    "/can-bo/ho-so/{dossier_id:int}/bieu-mau/{form:str}/pdf": "a PDF file",
    "/can-bo/ho-so/{dossier_id:int}/chuyen-doi-giay/{conversion_id:int}/pdf": "a PDF file",
    "/can-bo/ho-so/{dossier_id:int}/ket-qua/{kind:str}": "a file download",
    "/can-bo/ho-so/{dossier_id:int}/so-hoa/{scan_id:int}/tep": "a file download",
    "/bao-cao/{export_id:int}/{kind:str}": "a file download",
    "/mot-cua/so-theo-doi/xlsx": "a spreadsheet",
    "/quan-tri/co-quan/xuat.xlsx": "a spreadsheet",
    "/quan-tri/don-vi-hanh-chinh/xuat.xlsx": "a spreadsheet",
    "/quan-tri/thu-tuc/mau-nhap.xlsx": "a spreadsheet",
    "/quan-tri/thu-tuc/xuat.xlsx": "a spreadsheet",
    "/luu-tru/ho-so/{file_id:int}/tai-lieu/{document_id:int}": "a file download",
    "/luu-tru/nop-luu/{package_id:int}/goi.zip": "a file download",
    "/luu-tru/nop-luu/{package_id:int}/tep/{filename:str}": "a file download",
}
# Pages of things the archive's worker builds (a file, a package, a disposal list): the
# live server here runs no worker, so none exists; tests/test_archive_web.py opens them.
NOT_BUILT = "built by the archive's worker, which this live server does not run"
STAFF_NOT_PAGES |= {
    "/luu-tru/ho-so/{file_id:int}": NOT_BUILT,
    "/luu-tru/nop-luu/{package_id:int}": NOT_BUILT,
    "/luu-tru/huy/{list_id:int}": NOT_BUILT,
}

# The page wider than the screen (naming what sticks out), or a table crushed into it: a
# word of a cell broken across lines means the table did not scroll inside its box (codes
# and numbers may wrap after their dashes and slashes, as on citizen pages).
MEASURE = """() => {
  const problems = [], root = document.documentElement, range = document.createRange();
  if (root.scrollWidth > window.innerWidth) {
    problems.push(`scrollWidth ${root.scrollWidth}`, ...[...document.querySelectorAll("body *")]
      .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 3)
      .map(e => `${e.tagName.toLowerCase()}.${e.className} ${e.getBoundingClientRect().right}`));
  }
  const cells = document.querySelectorAll("main tr:nth-child(-n+30) > td, main th");
  for (const cell of cells) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.getBoundingClientRect().width <= 1) continue;  // for readers
      for (const word of node.textContent.matchAll(/[^\\s\\/-]+[\\/-]*/g)) {
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) return [...problems, `"${word[0]}" broken in a table cell`];
      }
    }
  }
  return problems;
}"""
# Pages whose rows are shown only once asked for: the whole agency's queue, the book's
# receptions of the demo's last ten months (generated up to the server's today).
QUERIES = {"/can-bo/hang-doi": "?pham_vi=don-vi&trang_thai=tat-ca",
           "/mot-cua/so-theo-doi": f"?tu_ngay={date.today() - timedelta(days=300):%d/%m/%Y}"}


def one_value(live_server, sql: str, *params):
    rows = live_server.query(sql, *params)
    assert rows, sql
    return rows[0][0]


def world(live_server, pages: dict[str, Page]) -> dict[str, str]:
    """The rows the pages show: demo rows where the demo has them, a few made here."""
    justice = one_value(live_server, "SELECT id FROM agency WHERE short_name = 'Sở Tư pháp'")
    procedure = one_value(live_server, "SELECT id FROM procedure WHERE code = '2.000488'")
    dossier = one_value(live_server, "SELECT id FROM dossier WHERE status = 10 AND agency = ? "
                        "ORDER BY id DESC LIMIT 1", justice)
    # With its electronic result, whatever ran before on this server: the paper-conversion
    # page then shows the file's 64-character SHA-256, which once widened it to 831 px.
    live_server.execute(
        "INSERT INTO dossier_result (dossier, sha256, issued_at, signed_sha256, "
        "certificate_fingerprint) SELECT ?, ?, '2026-12-01T02:00:00+00:00', '', '' "
        "WHERE NOT EXISTS (SELECT 1 FROM dossier_result WHERE dossier = ?)",
        dossier, hashlib.sha256(b"ket qua").hexdigest(), dossier)
    leader = one_value(live_server, "SELECT id FROM app_user WHERE username = 'lanhdao.hep'")
    code = one_value(live_server, "SELECT code FROM dossier WHERE id = ?", dossier)
    outcome = [{"id": dossier, "code": code, "ok": False, "message": "Hồ sơ đã trả kết quả, "
                "không thể giao cho người khác xử lý."}]
    live_server.execute("INSERT INTO batch_run (token, \"user\", action, assignee, created_at, "
                        "outcome) VALUES (?, ?, 'assign', ?, '2026-12-01T02:00:00+00:00', ?)",
                        secrets.token_hex(16), leader, leader, json.dumps(outcome))
    run = one_value(live_server, "SELECT max(id) FROM batch_run WHERE \"user\" = ?", leader)
    live_server.execute(
        "INSERT INTO feedback (code, status, submitter_name, title, content, received_at, "
        "refuse_due_at, answer_due_at, about_agency, agency) VALUES ('PA-HEP-0001', "
        "'received', 'Nguyễn Thị Hồng Nhung', 'Chờ quá lâu ở quầy tiếp nhận hồ sơ lý lịch "
        "tư pháp', ?, '2026-12-01T02:00:00+00:00', '2026-12-03T10:00:00+00:00', "
        "'2026-12-22T10:00:00+00:00', ?, ?)", "Tôi chờ hai giờ. " * 40, justice, justice)
    feedback = one_value(live_server, "SELECT id FROM feedback WHERE code = 'PA-HEP-0001'")
    admin = pages["tinh"]
    admin.goto(live_server.url + "/quan-tri/thu-tuc")
    admin.get_by_role("button", name="Soạn thủ tục mới").click()
    admin.wait_for_url("**/ban-nhap/*")
    draft = admin.url.rsplit("/", 1)[1]
    admin.goto(live_server.url + "/quan-tri/danh-sach-tre-han")
    months = admin.get_by_label("Lập bản nháp ngay cho tháng")
    # Not last month: another test builds and approves that one.
    months.select_option(index=min(1, months.locator("option").count() - 1))
    admin.get_by_role("button", name="Lập bản nháp").click()
    admin.wait_for_url("**/danh-sach-tre-han/*")
    late_list = admin.url.rsplit("/", 1)[1]
    agency_admin = pages["quantri"]  # an internal request of the justice department
    agency_admin.goto(live_server.url + "/noi-bo/de-nghi/moi")
    agency_admin.get_by_label("Số văn bản đề nghị").fill("125/STP-VP")
    for label, value in (("Họ và tên", "Nguyễn Thị Hồng Nhung"), ("Chức vụ", "Chuyên viên"),
                         ("Đơn vị", "Phòng Hành chính tư pháp"),
                         ("Thư điện tử", "nhung.nth@stp.example.vn"),
                         ("Lý do", "Được giao theo dõi báo cáo kiểm soát thủ tục hành chính")):
        agency_admin.get_by_label(f"{label} (người 1)").fill(value)
    agency_admin.get_by_label("Vai trò trên Hệ thống (người 1, khi cấp)").select_option(index=1)
    agency_admin.get_by_role("button", name="Gửi đề nghị").click()
    expect(agency_admin.locator(".error-summary")).to_have_count(0)
    agency_admin.wait_for_url("**/noi-bo/de-nghi/*?da_gui=1")
    internal = agency_admin.url.split("?")[0].rsplit("/", 1)[1]
    unit = one_value(live_server, "SELECT id FROM admin_unit WHERE code = '51' LIMIT 1")
    process = one_value(live_server, "SELECT id FROM process_version WHERE procedure = ? "
                        "ORDER BY id LIMIT 1", procedure)
    return {"{dossier_id:int}": str(dossier), "{procedure_id:int}": str(procedure),
            "{run_id:int}": str(run), "{feedback_id:int}": str(feedback),
            "{event:str}": "received", "{channel:str}": "sms", "{list_id:int}": late_list,
            "{unit_id:int}": str(unit), "{agency_id:int}": str(justice),
            "{version_id:int}": draft, "{user_id:int}": str(leader), "internal": str(internal),
            "process": str(process)}


def url_of(route: str, ids: dict[str, str]) -> str:
    if route == "/noi-bo/de-nghi/{dossier_id:int}":
        return route.replace("{dossier_id:int}", ids["internal"])
    if route == "/quan-tri/quy-trinh/phien-ban/{version_id:int}":
        return route.replace("{version_id:int}", ids["process"])
    url = route + QUERIES.get(route, "")
    for name, value in ids.items():
        url = url.replace(name, value)
    return url


def test_every_staff_page_fits_360_and_1366_px(browser: Browser, live_server):
    justice = one_value(live_server, "SELECT id FROM agency WHERE short_name = 'Sở Tư pháp'")
    contexts = {who: browser.new_context() for who in ROLES}
    pages = {who: context.new_page() for who, context in contexts.items()}
    for who, page in pages.items():
        live_server.cli("createuser", f"{who}.hep", "--name", f"Cán bộ {who}", "--role",
                        ROLES[who], "--password", PASSWORD, "--agency", str(justice))
        login(page, live_server.url, f"{who}.hep", PASSWORD)
    ids = world(live_server, pages)
    problems: list[str] = []
    for route, (who, _) in sorted(STAFF_PAGES.items()):
        page, url = pages[who], live_server.url + url_of(route, ids)
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            response = page.goto(url)
            assert response.status == 200, (route, response.status)
            problems += [f"{width}px {route}: {p}" for p in page.evaluate(MEASURE)]
    expect(pages["tinh"].get_by_role("button", name="Đăng xuất", exact=True)).to_be_visible()
    for context in contexts.values():
        context.close()
    assert problems == [], "\n".join(problems)

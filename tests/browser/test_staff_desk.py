"""Officers' day one on a 1366×768 office PC (issue #16), in Chromium against the real server:
find a dossier by each key with the keyboard, bulk-assign ten, print form 01 with ten
components on one page, change the calendar through its preview and confirmation."""

from __future__ import annotations

import re
import subprocess
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import add_process, login, press_and_hold

pytestmark = pytest.mark.browser
DESK = {"width": 1366, "height": 768}


@pytest.fixture
def desk(browser: Browser):
    context = browser.new_context(viewport=DESK)
    yield context.new_page()
    context.close()


def agency_id(live_server, short_name="Sở Tư pháp") -> int:
    return live_server.query("SELECT id FROM agency WHERE short_name = ?", short_name)[0][0]


def staff(live_server, username, role, agency=None, name="Cán bộ thử"):
    extra = ["--agency", str(agency)] if agency else []
    live_server.cli("createuser", username, "--name", name, "--role", role,
                    "--password", "BanLamViec2026", *extra)


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("which", ["queue", "book"])
def test_a_row_pressed_after_typing_a_date_opens_and_enter_applies_the_date(
        desk: Page, live_server, which):
    """Leaving a date box used to search at once (its `change`); the answer replaced the
    table under a row being pressed and the click opened nothing. A typed date applies
    with Enter or "Lọc"; choosing from a list still applies at once."""
    agency = agency_id(live_server)
    staff(live_server, f"ngay.{which}", "counter_officer", agency)
    login(desk, live_server.url, f"ngay.{which}", "BanLamViec2026")
    # Dates from the demo's own receptions (made up to the server's today), not this clock.
    latest = date.fromisoformat(str(live_server.query(
        "SELECT MAX(received_at) FROM dossier WHERE agency = ?", agency)[0][0])[:10])
    shown, typed = latest - timedelta(days=300), latest - timedelta(days=301)
    path = {"queue": "/can-bo/hang-doi?pham_vi=don-vi&trang_thai=tat-ca",
            "book": f"/mot-cua/so-theo-doi?tu_ngay={shown:%d/%m/%Y}"}[which]
    desk.goto(live_server.url + path)
    first_row = desk.locator("table a[href*='/can-bo/ho-so/']").first
    href = first_row.get_attribute("href")
    searches: list[str] = []
    desk.on("request", lambda r: r.resource_type in ("xhr", "fetch")
            and "tu_ngay=" in r.url and searches.append(r.url))

    desk.locator("#tu_ngay").fill(f"{typed:%d/%m/%Y}")
    press_and_hold(desk, first_row, 0.6)

    expect(desk).to_have_url(live_server.url + href)
    assert searches == []
    desk.go_back()
    desk.locator("#tu_ngay").fill(f"{typed:%d/%m/%Y}")
    desk.locator("#tu_ngay").press("Enter")
    expect(desk).to_have_url(re.compile(f"tu_ngay={typed:%d}(%2F|/){typed:%m}(%2F|/){typed:%Y}"))
    assert len(searches) == 1


def test_find_a_dossier_by_each_key(desk: Page, live_server):
    agency = agency_id(live_server)
    staff(live_server, "thuly.timkiem", "handler", agency)
    rows = live_server.query("SELECT id, code, applicant_phone FROM dossier WHERE agency = ? "
                             "AND status != 0 ORDER BY id LIMIT 3", agency)
    (by_code, code, _), (by_name, _, _), (by_number, _, phone) = rows
    live_server.execute("UPDATE dossier SET applicant_name = 'Hồ Thị Diễm Kiều' WHERE id = ?",
                        by_name)
    live_server.execute("UPDATE dossier SET applicant_id_number = '0101234567-001', "
                        "applicant_phone = '0935777111' WHERE id = ?", by_number)
    cccd = live_server.query("SELECT applicant_id_number FROM dossier WHERE id = ?", by_code)[0][0]
    keys = [(code, by_code), (code.replace(".", "").replace("-", ""), by_code),
            (cccd, by_code), ("ho thi diem kieu", by_name), ("0935 777 111", by_number),
            ("0101234567-001", by_number)]
    base = live_server.url
    login(desk, base, "thuly.timkiem", "BanLamViec2026")
    for typed, dossier_id in keys:
        desk.goto(base + "/can-bo")
        desk.keyboard.press("/")  # the shortcut, from any staff page, to the search box
        desk.wait_for_url(re.compile(r"/can-bo/hang-doi"))
        expect(desk.locator("#q")).to_be_focused()
        desk.keyboard.type(typed)
        desk.keyboard.press("Enter")
        desk.wait_for_url(re.compile(rf"/can-bo/ho-so/{dossier_id}$"))
    # A list at desktop width: ten columns, sticky headings, no sideways scroll.
    desk.goto(base + "/can-bo/hang-doi?pham_vi=don-vi&trang_thai=tat-ca")
    expect(desk.locator("table.queue tbody tr")).to_have_count(25)
    assert desk.locator("table.queue thead th").count() >= 8
    assert desk.locator("table.queue thead th").first.evaluate(
        "e => getComputedStyle(e).position") == "sticky"
    assert desk.locator("main").evaluate("e => e.getBoundingClientRect().width") > 1280
    assert no_sideways_scroll(desk)
    lines = desk.locator("table.queue td.clip").evaluate_all(
        "cells => cells.map(c => { const r = document.createRange(); r.selectNodeContents(c);"
        " return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; })")
    assert lines and max(lines) == 1  # agency and procedure names on one line each
    # Typing narrows the table in place (htmx), keeping the filter in the URL.
    desk.locator("#q").fill("ho thi diem")
    expect(desk.locator("table.queue tbody tr")).to_have_count(1)
    expect(desk).to_have_url(re.compile(r"q=ho(\+|%20)thi(\+|%20)diem"))
    assert "mo=1" not in desk.url  # a typed search's URL lists, it never jumps


def test_leader_assigns_ten_dossiers_at_once(desk: Page, live_server):
    agency = agency_id(live_server)
    staff(live_server, "lanhdao.phancong", "leader", agency)
    staff(live_server, "thuly.nhanviec", "handler", agency, name="Đoàn Thị Nhận")
    ((handler,),) = live_server.query("SELECT id FROM app_user WHERE username = ?",
                                      "thuly.nhanviec")
    # Ten dossiers of the agency in processing, nobody on them yet, found by their applicant.
    chosen = [i for (i,) in live_server.query(
        "SELECT id FROM dossier WHERE agency = ? AND status = 10 ORDER BY id DESC LIMIT 10",
        agency)]
    marks = ",".join("?" * len(chosen))
    # Step 2: the first work step of the demo processes (step 1 is the counter's reception).
    live_server.execute(f"UPDATE dossier SET status = 4, current_step = 2, assignee = NULL, "
                        f"applicant_name = 'Phạm Văn Mười Hai' WHERE id IN ({marks})", *chosen)
    base = live_server.url
    login(desk, base, "lanhdao.phancong", "BanLamViec2026")
    desk.goto(base + "/can-bo/hang-doi?q=pham+van+muoi+hai&pham_vi=don-vi&trang_thai=4")
    boxes = desk.locator("input[name=ho_so]")
    expect(boxes).to_have_count(10)
    ids = [int(box.get_attribute("value")) for box in boxes.all()]
    assert sorted(ids) == sorted(chosen)
    for box in boxes.all():
        box.check()
    desk.locator("#bulk-action").select_option("assign")
    desk.locator("#nguoi_xu_ly").select_option(str(handler))
    desk.get_by_role("button", name="Thực hiện").click()
    expect(desk.get_by_role("heading", name="Phân công xử lý: 10/10 hồ sơ đã thực hiện")
           ).to_be_visible()
    assigned = live_server.query(f"SELECT assignee FROM dossier WHERE id IN ({marks})", *ids)
    assert {a for (a,) in assigned} == {handler}


def test_form_01_with_ten_components_prints_on_one_page(desk: Page, live_server):
    agency = agency_id(live_server)
    live_server.execute(
        "INSERT INTO procedure (code, name, search_text, field, agency, level, "
        "time_limit_amount, time_limit_unit, fee_amount, online_level, active, internal, "
        "boundary_free) SELECT 'TEST.MUOI', 'Thủ tục mười thành phần', 'thu tuc muoi thanh phan',"
        " field, agency, level, 5, 'working_days', 0, online_level, TRUE, FALSE, FALSE "
        "FROM procedure "
        "WHERE agency = ? LIMIT 1", agency)
    ((procedure,),) = live_server.query("SELECT id FROM procedure WHERE code = 'TEST.MUOI'")
    add_process(live_server, procedure, (  # received only under an approved process
        ("Tiếp nhận hồ sơ", "reception", "counter_officer", 4),
        ("Thụ lý hồ sơ", "handling", "handler", 28),
        ("Lãnh đạo ký", "signature", "leader", 4),
        ("Trả kết quả", "return", "counter_officer", 4)))
    for n in range(1, 11):
        live_server.execute(
            "INSERT INTO procedure_component (procedure, position, name, kind, quantity, "
            "required) VALUES (?, ?, ?, 'certified_copy', 1, TRUE)", procedure, n,
            f"Giấy tờ {n}: bản sao có chứng thực giấy tờ chứng minh nhân thân và nơi cư trú")
    staff(live_server, "quay.muoi", "counter_officer", agency, name="Võ Thị Quầy")
    base = live_server.url
    login(desk, base, "quay.muoi", "BanLamViec2026")
    desk.goto(f"{base}/mot-cua/tiep-nhan/{procedure}")
    desk.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Nguyễn Thị Mười")
    desk.get_by_label("Số CCCD hoặc mã số thuế").fill("064190001010")
    for box in desk.locator("input[name=components]").all():
        box.check()
    desk.get_by_role("button", name="Ghi nhận kết quả kiểm tra").click()
    desk.get_by_role("link", name="Xem hồ sơ").click()
    desk.get_by_role("link", name="Biểu mẫu in (PDF)").click()
    desk.get_by_role("link", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả").click()
    expect(desk.locator("table.components tbody tr")).to_have_count(10)
    weasy = desk.request.get(desk.url + "/pdf").body()
    printed = desk.pdf(format="A4", print_background=False)  # the browser's own print
    for content in (weasy, printed):
        assert pages(content) == 1


def pages(content: bytes) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.pdf"
        path.write_bytes(content)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                              check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def test_calendar_change_is_previewed_then_confirmed(desk: Page, live_server):
    from app.calendar.logic import WorkingCalendar

    staff(live_server, "quantri.lich", "provincial_admin")
    calendar = WorkingCalendar()
    day = date.today() + timedelta(days=14)  # any working day two weeks ahead
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    shown = f"{day:%d/%m/%Y}"
    base = live_server.url
    login(desk, base, "quantri.lich", "BanLamViec2026")
    desk.goto(base + "/quan-tri/lich-lam-viec")
    desk.get_by_label("Ngày (dd/mm/yyyy)", exact=True).fill(shown)
    desk.get_by_label("Ngày nghỉ thêm").check()
    desk.get_by_label("Lý do, căn cứ").fill("Thông báo số 99/TB-UBND")
    desk.get_by_role("button", name="Xem trước thay đổi").nth(1).click()
    expect(desk.get_by_role("heading", name=f"Khai báo {shown} là ngày nghỉ thêm?")
           ).to_be_visible()
    expect(desk.locator(".card")).to_contain_text(
        re.compile(r"\d+ hồ sơ sẽ đổi ngày hẹn, \d+ tin nhắn"))
    assert live_server.query("SELECT count(*) FROM calendar_override")[0][0] == 0
    desk.get_by_role("button", name="Xác nhận thay đổi").click()
    expect(desk.locator(".notice")).to_contain_text("Đã lưu")
    expect(desk.locator("table.counts").nth(1)).to_contain_text(shown)
    # Deleting asks first.
    desk.get_by_role("button", name=f"Xóa ngày {shown}…").click()
    expect(desk.locator("h1")).to_contain_text(f"Xóa khai báo ngày nghỉ {shown}")
    assert live_server.query("SELECT count(*) FROM calendar_override")[0][0] == 1
    desk.get_by_role("button", name="Xác nhận thay đổi").click()
    expect(desk.locator(".notice")).to_contain_text("Đã lưu")
    assert live_server.query("SELECT count(*) FROM calendar_override")[0][0] == 0

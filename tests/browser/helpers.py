"""Steps shared by browser tests."""

from pathlib import Path

from playwright.sync_api import Page, expect

from app.text import fold
from tests.second_factor import factor_from_database, fresh_code, secret_from_enrolment_page

# Live servers register their database here (base URL -> path) so the login step can read
# an enrolled staff user's secret, as the phone holding it would.
SERVER_DATABASES: dict[str, str] = {}  # a live server's URL -> its database URL
# Secrets this helper enrolled, for servers that did not register a database:
# (base, username) -> [secret, last step used].
_ENROLLED: dict[tuple[str, str], list] = {}


def login(page: Page, base: str, username: str, password: str) -> None:
    """Sign in through the login page, as a person would. Every browser test signs in
    here, so a change to the login flow (a second factor, say) is made once. Staff
    accounts enrol an authenticator on first login and enter its code afterwards."""
    page.goto(base + "/dang-nhap")
    page.get_by_label("Số CCCD hoặc tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    if "/dang-nhap/thiet-lap-xac-thuc" in page.url:
        secret = secret_from_enrolment_page(page.content())
        code = fresh_code(secret, None)
        page.get_by_label("Mã 6 chữ số trong ứng dụng").fill(code)
        page.get_by_role("button", name="Xác nhận và đăng nhập").click()
        _ENROLLED[(base, username)] = [secret, _step_of(secret, code)]
        page.get_by_role("link", name="Tiếp tục").click()
    elif "/dang-nhap/xac-thuc" in page.url:
        if base in SERVER_DATABASES:
            secret, last_step = factor_from_database(SERVER_DATABASES[base], username)
        else:
            secret, last_step = _ENROLLED[(base, username)]
        code = fresh_code(secret, last_step)
        page.get_by_label("Mã xác thực hoặc mã khôi phục").fill(code)
        page.get_by_role("button", name="Xác nhận").click()
        if (base, username) in _ENROLLED:
            _ENROLLED[(base, username)][1] = _step_of(secret, code)
    expect(page.get_by_role("button", name="Đăng xuất", exact=True)).to_be_visible()


def _step_of(secret: str, code: str) -> int | None:
    from app.accounts.second_factor import matching_step

    return matching_step(secret, code, last_used_step=None)


def upload_component_pages(page: Page, file_for) -> list[str]:
    """The components step, page by page (one per group): `file_for(label)` gives the file
    to upload for a component, or None to leave it. Ends on the check-your-answers page;
    returns the groups' headings in the order met."""
    headings = []
    page.wait_for_url("**/thanh-phan*")
    while "/thanh-phan" in page.url:
        headings.append(page.locator("h1").inner_text())
        for file_input in page.locator("input[type=file]").all():
            label = page.locator(f"label[for='{file_input.get_attribute('id')}']").inner_text()
            chosen = file_for(label)
            if chosen is not None:
                file_input.set_input_files(str(chosen))
        with page.expect_navigation():
            page.get_by_role("button", name="Lưu và tiếp tục").click()
        expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.get_by_role("heading", name="Kiểm tra trước khi nộp")).to_be_visible()
    return headings


def switch_user(page: Page, base: str, username: str, password: str,
                url: str | None = None) -> None:
    """Sign out whoever is signed in, sign `username` in, and open `url`."""
    if page.get_by_role("button", name="Đăng xuất").count():
        page.get_by_role("button", name="Đăng xuất").click()
    login(page, base, username, password)
    if url:
        page.goto(url)


def attach_draft(page: Page, draft: Path) -> None:
    """The drafter at their step: attaches the draft result (dự thảo kết quả)."""
    page.get_by_label("Tệp PDF dự thảo kết quả").set_input_files(str(draft))
    page.get_by_role("button", name="Trình dự thảo kết quả").click()
    expect(page.get_by_text("Đã thực hiện: Trình dự thảo kết quả.")).to_be_visible()


def sign_and_issue(page: Page) -> None:
    """The signer at the signature step of a dossier page: "Ký số" on the server (their
    key registered, `tests.signing_world.give_live_key`), then issues the result."""
    page.get_by_role("button", name="Ký số", exact=True).click()
    expect(page.get_by_text("Đã thực hiện: Ký số kết quả.")).to_be_visible()
    page.get_by_role("button", name="Ban hành kết quả").click()
    expect(page.get_by_text("Đã thực hiện: Ban hành kết quả.")).to_be_visible()


def return_at_counter(page: Page) -> None:
    """The counter at the return step: fees collected if any are owed, result handed over."""
    if page.get_by_role("button", name="Xác nhận đã nộp phí, lệ phí").count():
        page.get_by_role("button", name="Xác nhận đã nộp phí, lệ phí").click()
    page.get_by_role("button", name="Trả kết quả").click()
    expect(page.locator(".facts")).to_contain_text("Đã trả kết quả")


def add_online_procedure(live_server, code: str, name: str, components: list[tuple[str, bool]],
                         time_limit_days: int = 3) -> int:
    """A procedure of the justice department submitted fully online, free, with these
    components (name, required) in order; its id."""
    ((justice,),) = live_server.query("SELECT id FROM agency WHERE short_name = 'Sở Tư pháp'")
    ((field,),) = live_server.query("SELECT field FROM procedure LIMIT 1")
    live_server.execute(
        "INSERT INTO procedure (code, name, search_text, field, agency, level,"
        " time_limit_amount, time_limit_unit, fee_amount, online_level)"
        " VALUES (?, ?, ?, ?, ?, 'tinh', ?, 'working_days', 0, 'full')",
        code, name, fold(name), field, justice, time_limit_days)
    ((procedure,),) = live_server.query("SELECT id FROM procedure WHERE code = ?", code)
    for position, (component, required) in enumerate(components, 1):
        live_server.execute("INSERT INTO procedure_component (procedure, position, name, "
                            "required) VALUES (?, ?, ?, ?)", procedure, position, component,
                            required)
    return procedure


def add_process(live_server, procedure: int, steps) -> int:
    """Version 1 of the procedure's internal process, published (in force since 2020),
    written as the admin pages would store it; its id. `steps`: (name, kind, performers
    as stored — comma-separated, office hours) in order."""
    live_server.execute(
        "INSERT INTO process_version (procedure, number, status, effective_from, "
        "decision_number, decision_date, note, created_at, published_at) VALUES (?, 1, "
        "'published', '2020-01-01 00:00:00+00:00', '99/QĐ-UBND', '2020-01-01', '', "
        "'2020-01-01 00:00:00+00:00', '2020-01-01 00:00:00+00:00')", procedure)
    ((version,),) = live_server.query("SELECT id FROM process_version WHERE procedure = ?",
                                      procedure)
    for position, (name, kind, performers, hours) in enumerate(steps, start=1):
        live_server.execute(
            "INSERT INTO process_step (version, position, name, kind, performers, "
            "allotted_hours) VALUES (?, ?, ?, ?, ?, ?)", version, position, name, kind,
            performers, hours)
    return version

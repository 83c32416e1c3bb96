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
    _remember(page, base, username)


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


# Who login() (or switch_user) signed in on a page: id(page) -> (page, base, username).
_SIGNED_IN: dict[int, tuple[Page, str, str]] = {}
# Each sign-in's cookies and where it landed: (base, username) -> (cookies, landing URL).
_SESSIONS: dict[tuple[str, str], tuple[list, str]] = {}


def _remember(page: Page, base: str, username: str) -> None:
    _SIGNED_IN[id(page)] = (page, base, username)
    _SESSIONS[(base, username)] = (page.context.cookies(), page.url)


def _session_of(cookies: list) -> str | None:
    return next((c["value"] for c in cookies if c["name"] == "motcua_session"), None)


def switch_user(page: Page, base: str, username: str, password: str,
                url: str | None = None) -> None:
    """Hand the browser to `username` and open `url`. Officers of a walk take turns at one
    browser as at shared desks: the one leaving stays signed in (as in a second browser of
    theirs) and takes their session up again on their next turn, in this test or a later
    one. Signing the same officer in afresh each turn spent a second-factor code each
    time, and the server accepts two codes a 30-second step: the third sign-in in a step
    waited for the next one (up to 30 s; ~110 s in test_processing_walks alone). A session
    that no longer holds (signed out, revoked, expired) is signed into afresh."""
    here = _SIGNED_IN.pop(id(page), None)
    kept = here and _SESSIONS.get((base, here[2]))
    if here and here[1] == base and kept and _session_of(kept[0]) == _session_of(
            page.context.cookies()):
        page.context.clear_cookies()  # steps away, still signed in
    elif page.get_by_role("button", name="Đăng xuất").count():
        page.get_by_role("button", name="Đăng xuất").click()
    if not _resume(page, base, username):
        login(page, base, username, password)
    if url:
        page.goto(url)


def _resume(page: Page, base: str, username: str) -> bool:
    """Take up `username`'s last session on `page`, landing where its sign-in landed,
    unless another open page holds it; False (no cookies left) when it no longer holds."""
    kept = _SESSIONS.get((base, username))
    if kept is None or any(other is not page and not other.is_closed()
                           and (where, who) == (base, username)
                           for other, where, who in _SIGNED_IN.values()):
        return False
    page.context.clear_cookies()
    page.context.add_cookies(kept[0])
    page.goto(kept[1])
    if page.get_by_role("button", name="Đăng xuất", exact=True).count():
        _SIGNED_IN[id(page)] = (page, base, username)
        return True
    page.context.clear_cookies()
    del _SESSIONS[(base, username)]
    return False


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


def press_and_hold(page: Page, locator, seconds: float) -> None:
    """Press the middle of `locator`, wait, release: a person's click, which takes a moment
    (Playwright's own click releases at once). A page that replaces the element meanwhile
    loses the click."""
    locator.scroll_into_view_if_needed()
    # The middle of its first line: a link that wraps has only the cell at its box's middle.
    point = locator.evaluate("e => { const r = e.getClientRects()[0];"
                             " return [r.x + r.width / 2, r.y + r.height / 2]; }")
    page.mouse.move(*point)
    page.mouse.down()
    page.wait_for_timeout(seconds * 1000)
    page.mouse.up()

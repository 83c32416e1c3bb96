"""Steps shared by browser tests."""

from playwright.sync_api import Page, expect


def login(page: Page, base: str, username: str, password: str) -> None:
    """Sign in through the login page, as a person would. Every browser test signs in
    here, so a change to the login flow (a second factor, say) is made once."""
    page.goto(base + "/dang-nhap")
    page.get_by_label("Số CCCD hoặc tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất", exact=True)).to_be_visible()

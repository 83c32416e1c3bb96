"""Registering, signing in and out through the real app, as a browser without JS would."""

from app.accounts.roles import Role
from tests.conftest import login, post_form, run

GOOD = {
    "full_name": "Y Blông",
    "id_number": "062190001234",
    "birth_date": "15/06/1990",
    "phone": "0905 123 456",
    "email": "",
    "password": "nuiNgocLinh2026",
    "password_confirm": "nuiNgocLinh2026",
}


def register(client, **overrides):
    return post_form(client, "/dang-ky", "/dang-ky", {**GOOD, **overrides},
                     follow_redirects=False)


def test_register_logs_in_and_shows_personal_page(client):
    response = register(client)
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/ca-nhan")
    cookie = response.cookies.get("motcua_session") or client.cookies.get("motcua_session")
    assert cookie
    page = client.get("/ca-nhan")
    assert page.status_code == 200
    assert "Xin chào, Y Blông" in page.text


def test_session_cookie_flags(client):
    response = register(client)
    set_cookie = [v for k, v in response.headers.multi_items() if k == "set-cookie"
                  and v.startswith("motcua_session=")][0].lower()
    assert "httponly" in set_cookie and "samesite=lax" in set_cookie


def test_invalid_registration_keeps_values_and_explains_in_vietnamese(client):
    response = register(client, id_number="12345", password="ngan", password_confirm="khac",
                        birth_date="31/02/1990")
    assert response.status_code == 400
    assert "Ngày sinh không có thật, kiểm tra lại ngày và tháng." in response.text
    assert 'value="31/02/1990"' in response.text
    assert "Số CCCD phải gồm đúng 12 chữ số." in response.text
    assert "Mật khẩu phải có ít nhất 8 ký tự." in response.text
    assert "Mật khẩu nhập lại không khớp." in response.text
    assert 'value="Y Blông"' in response.text  # what the user typed is kept
    assert 'href="#id_number"' in response.text  # error summary links to the field
    assert "ngan" not in response.text  # passwords are never echoed


def test_login_wrong_then_right_then_logout(client):
    register(client)
    client.cookies.clear()
    wrong = post_form(client, "/dang-nhap", "/dang-nhap",
                      {"username": GOOD["id_number"], "password": "sai-mat-khau1"})
    assert wrong.status_code == 400
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in wrong.text
    right = post_form(client, "/dang-nhap", "/dang-nhap",
                      {"username": GOOD["id_number"], "password": GOOD["password"]},
                      follow_redirects=False)
    assert right.headers["location"] == "/ca-nhan"
    assert client.get("/ca-nhan").status_code == 200
    out = post_form(client, "/ca-nhan", "/dang-xuat", {}, follow_redirects=False)
    assert out.status_code in (302, 303)
    gone = client.get("/ca-nhan", follow_redirects=False)
    assert gone.status_code in (302, 303) and gone.headers["location"].startswith("/dang-nhap")


def test_login_is_throttled_with_a_clear_message(client):
    register(client)
    client.cookies.clear()
    for _ in range(5):
        post_form(client, "/dang-nhap", "/dang-nhap",
                  {"username": GOOD["id_number"], "password": "sai-mat-khau1"})
    response = post_form(client, "/dang-nhap", "/dang-nhap",
                         {"username": GOOD["id_number"], "password": GOOD["password"]})
    assert response.status_code == 429
    assert "đăng nhập sai quá nhiều lần" in response.text


def test_post_without_csrf_token_is_refused(client):
    response = client.post("/dang-nhap", data={"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Vui lòng tải lại trang" in response.text


def test_open_redirect_after_login_is_ignored(client):
    register(client)
    client.cookies.clear()
    response = post_form(client, "/dang-nhap", "/dang-nhap",
                         {"username": GOOD["id_number"], "password": GOOD["password"],
                          "next": "//evil.example/phish"}, follow_redirects=False)
    assert response.headers["location"] == "/ca-nhan"


def test_citizen_cannot_open_staff_dashboard(client):
    register(client)
    response = client.get("/can-bo")
    assert response.status_code == 403
    assert "chỉ dành cho cán bộ" in response.text


def test_staff_user_created_by_cli_function_lands_on_dashboard(client):
    from app.accounts import service as accounts

    run(accounts.create_user(username="motcua.test", password="canbo12345",
                             full_name="Lê Văn Cán", role=Role.PROVINCIAL_ADMIN))
    response = login(client, "motcua.test", "canbo12345")
    assert "Bảng điều khiển" in response.text and "toàn tỉnh" in response.text

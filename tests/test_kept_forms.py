"""No dead ends (issue #17): a form refused before its handler ran comes back to its page
filled in, with the reason — an expired form cookie (CSRF), an ended session, an upload
over the request limit, a field over its length — and never for a post that does not come
from our own pages. Every error page links back to where the person was."""

from __future__ import annotations

import pytest

from app.accounts.tables import UserSession
from app.dossiers.tables import Dossier
from app.web.kept_forms import STORE, KeptForm, KeptForms
from app.web.short_cache import MemoryCache
from tests import pdfs
from tests.conftest import csrf_from, run
from tests.test_web_submission import citizen, start  # noqa: F401  (fixture)

SITE = "http://testserver.local"
APPLICANT = {"applicant_name": "Y Blông", "applicant_id_number": "062190001234",
             "applicant_phone": "0905123456", "applicant_address": "Thôn Kon Klor, xã Đăk Tô"}


@pytest.fixture(autouse=True)
def empty_store():
    STORE.clear()
    yield
    STORE.clear()


def from_page(page: str) -> dict:
    """The headers a browser sends with a form posted from `page` of our site."""
    return {"origin": SITE, "referer": SITE + page}


def address_in_draft(base: str) -> str:
    draft_id = int(base.rsplit("/", 1)[1])
    return run(Dossier.select(Dossier.applicant_address).where(
        Dossier.id == draft_id).first().run())["applicant_address"]


def test_an_expired_form_cookie_brings_the_step_back_filled_in(client, citizen):  # noqa: F811
    base = start(client, citizen)
    token = csrf_from(client.get(base + "/nguoi-nop").text)
    client.cookies.delete("motcua_csrf")  # the browser was closed: the cookie is gone
    refused = client.post(base + "/nguoi-nop", data={**APPLICANT, "_csrf_token": token},
                          headers=from_page(base + "/nguoi-nop"), follow_redirects=False)
    assert (refused.status_code, refused.headers["location"]) == (303, base + "/nguoi-nop")
    page = client.get(base + "/nguoi-nop")
    assert "Chưa gửi được" in page.text and "trang đã mở quá lâu" in page.text
    assert 'value="Thôn Kon Klor, xã Đăk Tô"' in page.text
    assert "điền lại dưới đây" in page.text
    assert address_in_draft(base) == ""  # nothing was saved by the refused post
    # Sent once more with the fresh token, it is saved.
    saved = client.post(base + "/nguoi-nop", data={**APPLICANT, "_csrf_token": csrf_from(
        page.text)}, follow_redirects=False)
    assert saved.status_code == 303 and address_in_draft(base) == APPLICANT["applicant_address"]
    # Shown once: a later visit shows the saved draft, without the notice.
    assert "Chưa gửi được" not in client.get(base + "/nguoi-nop").text


@pytest.mark.parametrize("headers", [
    {},  # no sign of where it came from (a script, or a browser that hides it)
    {"origin": "https://evil.example", "referer": "https://evil.example/form"},
    {"origin": "https://evil.example", "referer": SITE + "/nop-truc-tuyen/1/nguoi-nop"},
])
def test_a_post_not_from_our_pages_is_refused_and_kept_nowhere(client, citizen, headers):  # noqa: F811
    base = start(client, citizen)
    client.get(base + "/nguoi-nop")
    client.cookies.delete("motcua_csrf")
    refused = client.post(base + "/nguoi-nop", data={**APPLICANT, "_csrf_token": "x" * 80},
                          headers=headers, follow_redirects=False)
    assert refused.status_code == 403
    assert "Phiên làm việc của biểu mẫu đã hết hạn" in refused.text
    page = client.get(base + "/nguoi-nop")
    assert "Thôn Kon Klor" not in page.text and "Chưa gửi được" not in page.text


def test_an_ended_session_keeps_the_form_through_the_login(client, citizen):  # noqa: F811
    base = start(client, citizen)
    token = csrf_from(client.get(base + "/nguoi-nop").text)
    run(UserSession.update({UserSession.expires_at: UserSession.created_at}, force=True).run())
    refused = client.post(base + "/nguoi-nop", data={**APPLICANT, "_csrf_token": token},
                          headers=from_page(base + "/nguoi-nop"), follow_redirects=False)
    assert refused.status_code == 303
    login_url = refused.headers["location"]
    assert login_url == f"/dang-nhap?het_phien=1&next={base}/nguoi-nop"
    login_page = client.get(login_url)
    assert "Phiên đăng nhập đã hết hạn" in login_page.text
    signed_in = client.post("/dang-nhap", data={
        "username": "062190001234", "password": "abc12345", "next": base + "/nguoi-nop",
        "_csrf_token": csrf_from(login_page.text)})
    assert signed_in.url.path == base + "/nguoi-nop"
    assert "Phiên đăng nhập đã hết hạn nên biểu mẫu chưa được gửi" in signed_in.text
    assert 'value="Thôn Kon Klor, xã Đăk Tô"' in signed_in.text


def test_an_upload_over_the_request_limit_returns_to_its_step(client, citizen):  # noqa: F811
    base = start(client, citizen)
    page = base + "/thanh-phan?trang=1"
    token = csrf_from(client.get(page).text)
    first = citizen["components"][0]
    huge = b"%PDF-1.4\n" + b"0" * (26 * 1024 * 1024)
    refused = client.post(base + "/thanh-phan", data={"_csrf_token": token, "next": "1"},
                          files={f"file-{first}": ("scan.pdf", huge, "application/pdf")},
                          headers=from_page(page), follow_redirects=False)
    assert (refused.status_code, refused.headers["location"]) == (303, page)
    step = client.get(page)
    assert "Dữ liệu gửi lên quá lớn" in step.text and "hãy chọn lại tệp" in step.text
    assert "Mã lỗi" not in step.text


def test_a_field_over_its_limit_comes_back_cut_with_the_reason(client, citizen):  # noqa: F811
    base = start(client, citizen)
    token = csrf_from(client.get(base + "/nguoi-nop").text)
    long_address = "Thôn Kon Klor " + "x" * 10_000
    refused = client.post(base + "/nguoi-nop", data={
        **APPLICANT, "applicant_address": long_address, "_csrf_token": token},
        headers=from_page(base + "/nguoi-nop"), follow_redirects=False)
    assert refused.status_code == 303
    page = client.get(base + "/nguoi-nop")
    assert "Địa chỉ dài quá giới hạn: tối đa 300 ký tự (đã nhập 10.014)" in page.text
    assert f'value="{long_address[:300]}"' in page.text
    assert 'maxlength="300"' in page.text and "Tối đa 300 ký tự." in page.text
    assert address_in_draft(base) == ""
    # Without a page to go back to (a script), a plain 400 in Vietnamese.
    plain = client.post(base + "/nguoi-nop", data={
        **APPLICANT, "applicant_address": long_address, "_csrf_token": token})
    assert plain.status_code == 400 and "tối đa 300 ký tự" in plain.text


def test_kept_values_go_to_their_page_and_account_only_once():
    store = KeptForms(MemoryCache(max_entries=2))
    entry = KeptForm(page="/a", values={"x": "1"}, reason="r", had_files=False, user_id=7,
                     expires=100.0)
    token = store.put(entry, now=0.0)
    assert store.take(token, "/b", 7, now=1.0) is None  # another page: left for its own
    assert store.take(token, "/a", 8, now=1.0) is None  # another account: never
    assert store.take(token, "/a", 7, now=1.0) is entry
    assert store.take(token, "/a", 7, now=1.0) is None  # once
    late = store.put(entry, now=0.0)
    assert store.take(late, "/a", 7, now=100.0) is None  # expired
    tokens = [store.put(KeptForm("/a", {}, "r", False, None, 1e9), now=0.0) for _ in range(3)]
    assert store.take(tokens[0], "/a", None, now=1.0) is None  # the oldest made room
    assert store.take(tokens[2], "/a", None, now=1.0) is not None


def test_an_error_page_links_back_to_where_the_person_was(client):
    page = client.get("/thu-tuc/999999", headers={"referer": SITE + "/thu-tuc?q=ho+tich"})
    assert page.status_code == 404
    assert '<a href="/thu-tuc?q=ho+tich">Quay lại trang trước</a>' in page.text
    foreign = client.get("/thu-tuc/999999", headers={"referer": "https://evil.example/x"})
    assert "Quay lại trang trước" not in foreign.text and "Về trang chủ" in foreign.text


def test_an_upload_step_refused_for_its_cookie_says_the_files_must_be_chosen_again(
        client, citizen):  # noqa: F811
    base = start(client, citizen)
    page = base + "/thanh-phan?trang=1"
    token = csrf_from(client.get(page).text)
    first, second, _ = citizen["components"]
    client.cookies.delete("motcua_csrf")
    refused = client.post(base + "/thanh-phan", data={"_csrf_token": token, "next": "1"},
                          files={f"file-{first}": ("to-khai.pdf", pdfs.simple("to khai"),
                                                   "application/pdf"),
                                 f"file-{second}": ("", b"", "application/octet-stream")},
                          headers=from_page(page), follow_redirects=False)
    assert (refused.status_code, refused.headers["location"]) == (303, page)
    step = client.get(page).text
    assert "trang đã mở quá lâu" in step and "hãy chọn lại tệp" in step
    # Nothing chosen, nothing to choose again.
    token = csrf_from(step)
    client.cookies.delete("motcua_csrf")
    client.post(base + "/thanh-phan", data={"_csrf_token": token, "next": "1"},
                files={f"file-{first}": ("", b"", "application/octet-stream")},
                headers=from_page(page), follow_redirects=False)
    again = client.get(page).text
    assert "trang đã mở quá lâu" in again and "hãy chọn lại tệp" not in again


def test_the_kept_form_is_read_once_into_the_request_state():
    """`restore` keeps its answer in the dict behind `request.state` (read directly, as
    the State object would), so the page's several asks take the form from the store once."""
    from litestar import Request

    from app.web.kept_forms import KEPT_COOKIE, restore

    entry = KeptForm(page="/tra-cuu", values={"ma": "000.00.17.H55"}, reason="r",
                     had_files=False, user_id=None, expires=2e9)
    token = STORE.put(entry, 1e9)
    scope = {"type": "http", "method": "GET", "path": "/tra-cuu", "query_string": b"",
             "headers": [(b"cookie", f"{KEPT_COOKIE}={token}".encode())], "app": None}
    request = Request(scope)
    first = restore(request)  # a copy when the store is the shared cache (Redis)
    assert first == entry
    assert request.state.kept_form is first and restore(request) is first  # taken once
    assert STORE.take(token, "/tra-cuu", None, 1e9 + 1) is None
    assert restore(Request({**scope, "state": {}})) is None  # nothing left for a second page

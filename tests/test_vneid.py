"""Sign-in with the national account through the sandbox OpenID provider, over HTTP: the
happy path links (or creates) a verified citizen; forged, expired, replayed tokens, a wrong
nonce or state, a callback from another browser and a cancelled sign-in are refused in
Vietnamese with nothing signed in."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest

from app.accounts.tables import User
from app.identity.sandbox import add_person
from app.integrations.vneid.tables import NationalAccountLink
from tests.conftest import csrf_from, run

BUTTON = "Đăng nhập bằng tài khoản định danh điện tử VNeID"
PERSON = ("051185003344", "Trần Thị Thuỷ", date(1985, 11, 20))


@pytest.fixture
def vneid(client, monkeypatch):
    monkeypatch.setenv("MOTCUA_VNEID", "sandbox")
    run(add_person(*PERSON))
    return client


def sign_in(client, behaviour: str = "normal", *, deny: bool = False):
    """Start at our button, choose the person on the provider's page, come back."""
    started = client.get("/dang-nhap/vneid", follow_redirects=False)
    assert started.status_code == 303
    page = client.get(started.headers["location"])
    assert page.status_code == 200 and "Trần Thị Thuỷ" in page.text
    query = parse_qs(urlparse(started.headers["location"]).query)
    form = {k: v[0] for k, v in query.items() if k != "scope"}
    form |= {"id_number": PERSON[0], "behaviour": behaviour, "_csrf_token": csrf_from(page.text)}
    if deny:
        form["deny"] = "1"
    granted = client.post("/sandbox/vneid/dang-nhap", data=form, follow_redirects=False)
    assert granted.status_code == 303
    return granted.headers["location"], client.get(granted.headers["location"],
                                                   follow_redirects=False)


def test_a_new_citizen_signs_in_verified_and_linked(vneid):
    _, back = sign_in(vneid)
    assert back.status_code == 303 and back.headers["location"] == "/ca-nhan"
    assert "motcua_session" in back.cookies
    user = User.select().where(User.id_number == PERSON[0]).first().run_sync()
    assert user["full_name"] == "Trần Thị Thuỷ" and user["id_verified_at"] is not None
    assert user["birth_date"] == PERSON[2] and user["role"] == "citizen"
    assert NationalAccountLink.exists().where(NationalAccountLink.user == user["id"]).run_sync()
    assert vneid.get("/ca-nhan").status_code == 200


def test_the_same_callback_twice_is_refused(vneid):
    callback, first = sign_in(vneid)
    assert first.status_code == 303
    again = vneid.get(callback, follow_redirects=False)
    assert again.status_code == 400 and "đã được sử dụng" in again.text


@pytest.mark.parametrize("behaviour, words", [
    ("forged", "sai chữ ký"),
    ("expired", "đã hết hạn"),
    ("wrong_nonce", "không thuộc lần đăng nhập này"),
    ("wrong_audience", "không dành cho hệ thống này"),
])
def test_a_bad_id_token_is_refused(vneid, behaviour, words):
    _, back = sign_in(vneid, behaviour)
    assert back.status_code == 400 and words in back.text
    assert "motcua_session" not in back.cookies
    assert not User.exists().where(User.id_number == PERSON[0]).run_sync()


def test_a_replayed_id_token_from_an_earlier_sign_in_is_refused(vneid):
    sign_in(vneid)  # a genuine sign-in; its ID token is what the replay sends again
    vneid.cookies.clear()
    _, back = sign_in(vneid, "replay")
    assert back.status_code == 400 and "không thuộc lần đăng nhập này" in back.text


def test_a_wrong_state_or_another_browser_is_refused(vneid):
    callback, _ = sign_in(vneid, deny=False)
    forged = callback.replace("state=", "state=x")
    assert "không hợp lệ" in vneid.get(forged, follow_redirects=False).text
    started = vneid.get("/dang-nhap/vneid", follow_redirects=False)
    state = parse_qs(urlparse(started.headers["location"]).query)["state"][0]
    vneid.cookies.clear()  # the callback arrives in a browser that did not start it
    stolen = vneid.get(f"/dang-nhap/vneid/ve?code=abc&state={state}", follow_redirects=False)
    assert stolen.status_code == 400 and "không hợp lệ" in stolen.text


def test_cancelling_on_the_provider_is_said_plainly(vneid):
    _, back = sign_in(vneid, deny=True)
    assert back.status_code == 400 and "đã hủy đăng nhập" in back.text


def test_an_existing_password_account_is_linked_and_keeps_its_password(vneid):
    from app.accounts import service as accounts
    from app.accounts.roles import Role

    run(accounts.create_user(username=PERSON[0], password="matkhau123", full_name="Thuỷ",
                             role=Role.CITIZEN, id_number=PERSON[0]))
    _, back = sign_in(vneid)
    assert back.status_code == 303
    assert User.count().where(User.id_number == PERSON[0]).run_sync() == 1
    vneid.cookies.clear()
    from tests.conftest import login

    login(vneid, PERSON[0], "matkhau123")  # passwords still work


def test_a_staff_number_cannot_sign_in_this_way(vneid):
    from app.accounts import service as accounts
    from app.accounts.roles import Role

    run(accounts.create_user(username="canbo1", password="matkhau123", full_name="Cán bộ",
                             role=Role.HANDLER, id_number=PERSON[0]))
    _, back = sign_in(vneid)
    assert back.status_code == 400 and "tài khoản cán bộ" in back.text


def test_not_connected_says_so(client):
    page = client.get("/dang-nhap/vneid")
    assert page.status_code == 400 and "Chưa kết nối" in page.text
    assert BUTTON not in client.get("/dang-nhap").text


def test_the_login_page_offers_vneid_when_connected(vneid):
    assert BUTTON in vneid.get("/dang-nhap").text


def test_the_provider_publishes_discovery_and_keys_and_checks_pkce(vneid):
    discovery = vneid.get("/api/v1/sandbox/vneid/.well-known/openid-configuration").json()
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    keys = vneid.get("/api/v1/sandbox/vneid/jwks").json()["keys"]
    assert keys[0]["kty"] == "RSA" and "d" not in keys[0]  # public part only
    refused = vneid.post("/api/v1/sandbox/vneid/token", data={
        "grant_type": "authorization_code", "code": "x", "client_id": "motcua",
        "client_secret": "sai"})
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_client"

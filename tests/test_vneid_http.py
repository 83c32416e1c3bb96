"""Sign-in with the HTTP identity provider (`HttpIdentityProvider`) over real HTTP: the
provider is the app's own sandbox OpenID provider served by a live server (discovery,
login page, token endpoint, JWKS), and this app reaches it as it would reach VNeID. A
forged ID token (a bad signature in the answer) and a wrong client secret are refused; a
provider that hangs or fails never holds a page: other pages answer meanwhile, and after
N failures the circuit is open and the provider is not called at all."""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
from datetime import date
from urllib.parse import urlsplit

import httpx
import pytest

from app.accounts.tables import User
from app.integrations.calls import reset_breakers
from app.integrations.vneid import provider as vneid_provider
from app.integrations.vneid.sandbox import API
from app.integrations.vneid.tables import NationalAccountLink
from app.settings import get_settings
from tests.conftest import database_url_for, drop_database
from tests.live import free_port, start_web, stop
from tests.partner_servers import PartnerServer
from tests.sql import execute_on

OUR_URL = "http://motcua.test"  # this installation's public address, registered there
PERSON = ("062079004521", "A Nhếch", "1979-07-01")


@pytest.fixture(scope="module")
def provider_server(tmp_path_factory, migrated_template):
    """A live server whose sandbox identity provider knows one person and our callback."""
    var_dir = tmp_path_factory.mktemp("vneid-provider")
    database_url = database_url_for(var_dir)
    id_number, full_name, birth_date = PERSON
    execute_on(database_url, "INSERT INTO sandbox_person (id_number, full_name, birth_date) "
               "VALUES ({}, {}, {})", id_number, full_name, date.fromisoformat(birth_date))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = start_web(var_dir, port, {
        "MOTCUA_DATABASE_URL": database_url,
        "MOTCUA_VNEID": "sandbox", "MOTCUA_PUBLIC_URL": url,
        "MOTCUA_VNEID_SANDBOX_REDIRECTS": OUR_URL + "/dang-nhap/vneid/ve"})
    key = (var_dir / "secret_key").read_text().strip()
    client_secret = hmac.new(key.encode(), b"vneid-sandbox-client", hashlib.sha256).hexdigest()
    yield {"url": url, "issuer": url + API, "client_secret": client_secret}
    stop(process)
    drop_database(database_url)


@pytest.fixture
def over_http(client, monkeypatch, provider_server):
    monkeypatch.setenv("MOTCUA_VNEID", "http")
    monkeypatch.setenv("MOTCUA_VNEID_ISSUER", provider_server["issuer"])
    monkeypatch.setenv("MOTCUA_VNEID_CLIENT_SECRET", provider_server["client_secret"])
    monkeypatch.setenv("MOTCUA_PUBLIC_URL", OUR_URL)
    get_settings.cache_clear()  # settings may keep the public address read once
    vneid_provider._CACHE.clear()
    reset_breakers()
    yield client
    vneid_provider._CACHE.clear()
    reset_breakers()
    monkeypatch.undo()
    get_settings.cache_clear()


def sign_in(client, behaviour: str = "normal"):
    """Our button → the provider's page (over HTTP, its own session and CSRF) → back."""
    started = client.get("/dang-nhap/vneid", follow_redirects=False)
    assert started.status_code == 303, started.text
    with httpx.Client() as browser:  # the citizen's browser on the provider's site
        page = browser.get(started.headers["location"])
        assert page.status_code == 200 and PERSON[1] in page.text
        form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"',
                               page.text))
        granted = browser.post(page.url.copy_with(query=None),
                               data={**form, "id_number": PERSON[0], "behaviour": behaviour})
    assert granted.status_code == 303, granted.text
    back = urlsplit(granted.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == OUR_URL + "/dang-nhap/vneid/ve"
    return client.get(f"{back.path}?{back.query}", follow_redirects=False)


def test_a_citizen_signs_in_through_the_provider_over_http(over_http):
    back = sign_in(over_http)
    assert back.status_code == 303 and back.headers["location"] == "/ca-nhan"
    user = User.select().where(User.id_number == PERSON[0]).first().run_sync()
    assert user["id_verified_at"] is not None and user["full_name"] == PERSON[1]
    link = NationalAccountLink.select().where(NationalAccountLink.user == user["id"]).first(
        ).run_sync()
    assert link["issuer"].endswith(API) and link["issuer"].startswith("http://127.0.0.1:")


def test_a_forged_id_token_from_over_http_is_refused(over_http):
    back = sign_in(over_http, "forged")
    assert back.status_code == 400 and "sai chữ ký" in back.text
    assert not User.exists().where(User.id_number == PERSON[0]).run_sync()


def test_a_wrong_client_secret_is_refused_by_the_provider(over_http, monkeypatch):
    monkeypatch.setenv("MOTCUA_VNEID_CLIENT_SECRET", "not-ours")
    back = sign_in(over_http)
    assert back.status_code == 400 and "không cấp mã xác thực" in back.text


def test_a_hanging_provider_never_holds_another_page_and_the_circuit_opens(
        client, monkeypatch):
    with PartnerServer() as idp:
        monkeypatch.setenv("MOTCUA_VNEID", "http")
        monkeypatch.setenv("MOTCUA_VNEID_ISSUER", idp.url)
        monkeypatch.setenv("MOTCUA_VNEID_CLIENT_SECRET", "s")
        monkeypatch.setenv("MOTCUA_PARTNER_TIMEOUT", "30")  # the hang outlasts the checks
        monkeypatch.setenv("MOTCUA_PARTNER_BREAKER_FAILURES", "2")
        monkeypatch.setenv("MOTCUA_PARTNER_BREAKER_SECONDS", "3600")
        vneid_provider._CACHE.clear()
        reset_breakers()
        idp.hang()
        answers = {}
        waiting = threading.Thread(
            target=lambda: answers.setdefault("start", client.get("/dang-nhap/vneid")))
        waiting.start()
        assert idp.held.acquire(timeout=30)  # the provider holds our discovery request
        # Meanwhile the site answers: the sign-in's call is awaited, not blocking.
        assert client.get("/dang-nhap").status_code == 200
        assert client.get("/tra-cuu").status_code == 200
        assert "start" not in answers  # still held: the pages did not wait for it
        idp.release()  # it answers at last, with a page that is not a discovery document
        waiting.join(30)
        assert answers["start"].status_code == 400
        assert "không đúng định dạng" in answers["start"].text
        idp.mode = "down"
        for _ in range(2):  # two failures in a row open the circuit
            failed = client.get("/dang-nhap/vneid")
            assert failed.status_code == 400 and "không đúng định dạng" in failed.text
        seen = len(idp.requests)
        refused = client.get("/dang-nhap/vneid")
        assert refused.status_code == 400 and "đang gián đoạn" in refused.text
        assert len(idp.requests) == seen  # not called while the circuit is open
        assert client.get("/dang-nhap").status_code == 200  # and the login page still works
    vneid_provider._CACHE.clear()
    reset_breakers()

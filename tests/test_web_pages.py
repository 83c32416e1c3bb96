"""Public pages, security headers, errors and health, through the real app."""

import json

import pytest


def test_home_page_is_vietnamese_and_has_search_and_lookup(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    assert 'action="/thu-tuc"' in response.text and 'action="/tra-cuu"' in response.text


def test_security_headers(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_no_inline_scripts_in_pages(client):
    for url in ("/", "/dang-nhap", "/dang-ky", "/thu-tuc?q=a", "/tra-cuu"):
        html = client.get(url).text
        assert "<script>" not in html and "onclick=" not in html, url


def test_unknown_page_is_a_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy trang bạn yêu cầu." in response.text


def test_lookup_unknown_code_and_wrong_digits_look_the_same(client):
    unknown = client.get("/tra-cuu", params={"ma": "000.00.17.H55-260213-0001", "so": "1234"})
    malformed = client.get("/tra-cuu", params={"ma": "<script>", "so": "1234"})
    assert unknown.status_code == malformed.status_code == 404
    # Digits that are not four digits are said plainly whatever the code: no oracle either.
    short = client.get("/tra-cuu", params={"ma": "000.00.17.H55-260213-0001", "so": "12"})
    assert short.status_code == 400 and "Nhập đúng 4 chữ số cuối" in short.text
    assert "Không tìm thấy hồ sơ" in unknown.text
    assert "<script>" not in malformed.text.split("<main", 1)[1].split("</main>")[0].replace(
        "&lt;script&gt;", "")


@pytest.mark.engine
def test_healthz_reports_database_and_migrations(client):
    """200 on either engine (a load balancer drops a node answering 503), with the
    engine's own replication facts."""
    from app.db import dialect

    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.text)
    assert body["database"]["ok"] is True
    assert body["migrations"] == {"ok": True, "pending": 0}
    assert body["worker"]["ok"] is False  # no worker has beaten in this test database
    assert body["replication"]["engine"] == dialect()
    assert body["replication"]["configured"] is False  # no replica in a test's var/


@pytest.mark.engine
def test_healthz_answers_503_when_the_database_is_unreachable(client):
    from app.db import get_engine
    from tests.conftest import TEST_ENGINE

    engine = get_engine()
    url = engine.url
    broken = ("sqlite:////nonexistent-folder/motcua.db" if TEST_ENGINE == "sqlite"
              else url.rsplit("/", 1)[0] + "/no_such_database")
    engine.reconnect(broken)
    try:
        response = client.get("/healthz")
    finally:
        engine.reconnect(url)
    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False


@pytest.mark.engine
def test_healthz_sees_a_worker_heartbeat(client):
    from app.system.health import beat
    from tests.conftest import run

    run(beat())
    body = client.get("/healthz").json()
    assert body["worker"]["ok"] is True
    assert body["worker"]["heartbeat_age_seconds"] < 5


def test_pages_are_compressed(client):
    response = client.get("/static/css/app.css", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    page = client.get("/dang-ky", headers={"accept-encoding": "gzip"})
    assert page.headers.get("content-encoding") == "gzip"


def test_openapi_schema_is_published_without_cdn_pages(client):
    schema = client.get("/api/schema/openapi.json")
    assert schema.status_code == 200 and schema.json()["info"]["title"] == "Một Cửa API"
    assert client.get("/schema/swagger").status_code == 404


def test_security_headers_replace_a_handlers_own_and_add_hsts_behind_https():
    import asyncio

    from app.web.headers import security_headers

    message = {"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"text/html"), (b"x-frame-options", b"SAMEORIGIN"),
        (b"X-Content-Type-Options", b"none")]}
    asyncio.run(security_headers(True)(message, {}))
    names = [name.lower() for name, _ in message["headers"]]
    assert sorted(names) == sorted(set(names))  # each once
    headers = dict(message["headers"])
    assert headers[b"x-frame-options"] == b"DENY" and headers[b"content-type"] == b"text/html"
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert headers[b"strict-transport-security"] == b"max-age=31536000"
    body = {"type": "http.response.body", "body": b"x"}
    asyncio.run(security_headers(False)(body, {}))
    assert body == {"type": "http.response.body", "body": b"x"}

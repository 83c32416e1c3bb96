"""The signed, expiring link to the issued result that the national portal shows
(DuongDanTepTinKetQua): built from the configured public address, it serves the signed
file itself — and only with a valid signature for this code, this result and this expiry,
before the expiry."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from app.dossiers.tables import Dossier, DossierResult
from app.integrations import outbox
from app.integrations.dvcqg import result_link, sandbox
from app.integrations.dvcqg.result_link import refusal, signature
from app.settings import get_settings
from tests import national_world as world_
from tests.conftest import run
from tests.signing_world import signing  # noqa: F401  (fixture)

PUBLIC = "https://dichvucong.tinh.example.vn"
KEY, CODE, SHA = "k" * 64, "000.00.17.H55-261205-0001", "ab" * 32
NOW = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)


def test_only_a_valid_unexpired_signature_opens_the_link():
    expires = int((NOW + timedelta(days=30)).timestamp())
    good = signature(KEY, CODE, SHA, expires)
    assert refusal(KEY, CODE, SHA, str(expires), good, NOW) is None
    assert refusal(KEY, CODE, SHA, str(expires), good.upper(), NOW) is None
    last_second = datetime.fromtimestamp(expires, UTC)
    assert refusal(KEY, CODE, SHA, str(expires), good, last_second) is None
    assert refusal(KEY, CODE, SHA, str(expires), good,
                   last_second + timedelta(seconds=1)).status == 410  # expired, said so
    for code, sha, given_expiry, given in (
            ("000.00.17.H55-261205-0002", SHA, str(expires), good),  # another dossier
            (CODE, "cd" * 32, str(expires), good),  # the result was issued again
            (CODE, SHA, str(expires + 86400), good),  # a longer life asked for
            (CODE, None, str(expires), good),  # no result (or no such dossier)
            (CODE, SHA, "-1", good), (CODE, SHA, "١٢٣", good),  # not a plain number
            (CODE, SHA, str(expires), ""), (CODE, SHA, str(expires), "chữ-ký"),
            (CODE, SHA, str(expires), signature("another-key", CODE, SHA, expires))):
        refused = refusal(KEY, code, sha, given_expiry, given, NOW)
        assert refused is not None and refused.status == 404, (code, sha, given_expiry)


@pytest.fixture
def issued(client, monkeypatch, signing):  # noqa: F811  (the fixture)
    """A dossier whose signed result was issued and synced to the (sandbox) portal."""
    world_.connect_sandboxes(monkeypatch, MOTCUA_PUBLIC_URL=PUBLIC)
    get_settings.cache_clear()  # settings may keep the public address read once
    world = run(world_.office(signing=signing))
    dossier_id = run(world_.receive_one(world))
    run(world_.process(world, dossier_id))
    for _ in range(10):
        run(outbox.deliver_pending())
    code = Dossier.select(Dossier.code).where(Dossier.id == dossier_id).first().run_sync()[
        "code"]
    result = DossierResult.select().where(DossierResult.dossier == dossier_id).first(
        ).run_sync()
    yield {"code": code, "result": result,
           "link": run(sandbox.held("dossier", code))["DuongDanTepTinKetQua"]}
    monkeypatch.undo()
    get_settings.cache_clear()


def test_the_portal_gets_a_link_that_downloads_the_signed_result(client, issued):
    link = urlsplit(issued["link"])
    assert f"{link.scheme}://{link.netloc}" == PUBLIC  # the configured address, not a Host
    assert link.path == f"/ket-qua/{issued['code']}"
    answer = client.get(f"{link.path}?{link.query}")
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    assert hashlib.sha256(answer.content).hexdigest() == issued["result"]["sha256"]
    assert answer.headers["cache-control"] == "private, no-store"
    query = parse_qs(link.query)
    tampered = client.get(f"{link.path}?het_han={int(query['het_han'][0]) + 86400}"
                          f"&chu_ky={query['chu_ky'][0]}")
    assert tampered.status_code == 404 and "không hợp lệ" in tampered.text
    bare = client.get(link.path)  # the code alone: the same answer as any bad link
    assert bare.status_code == 404 and bare.text == tampered.text


def test_the_link_expires_after_the_configured_days(client, issued, monkeypatch):
    query = parse_qs(urlsplit(issued["link"]).query)
    issued_at, expires = issued["result"]["issued_at"], int(query["het_han"][0])
    assert expires == int((issued_at + timedelta(days=30)).timestamp())
    later = issued_at + timedelta(days=30, seconds=1)
    with pytest.raises(result_link.LinkRefused) as refused:
        run(result_link.open_result(issued["code"], str(expires), query["chu_ky"][0], later))
    assert refused.value.status == 410
    monkeypatch.setenv("MOTCUA_RESULT_LINK_DAYS", "-1")  # links that are born expired
    past = urlsplit(result_link.link(issued["code"], issued["result"]["sha256"], issued_at))
    answer = client.get(f"{past.path}?{past.query}")
    assert answer.status_code == 410 and "đã hết hạn" in answer.text

"""The Host header decides nothing: issue #14 finding 2, probed over loopback.

Reproduced: with `Host: 127.0.0.1:8199` the sandbox gateway was given callback and return
URLs on that port (a real provider would have posted its signed callback and sent the payer
to an attacker's address). Every absolute URL now comes from MOTCUA_PUBLIC_URL, and host
names that are not configured are answered 400, on every path.
"""

from __future__ import annotations

import httpx
import segno

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.documents.qr import lookup_qr_svg
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier
from tests import factories, security_live
from tests.conftest import run

live_app = security_live.live_app  # the module's server (a fixture)
FORGED = "127.0.0.1:8199"


def citizen_owing(live, username: str) -> tuple[httpx.Client, int]:
    """A citizen signed in over HTTP, with a new dossier owing 200.000 đ."""

    async def make():
        user = await accounts.create_user(username=username, password="Binh2026xyz",
                                          full_name="Trần Thị Bình", role=Role.CITIZEN)
        dossier = await factories.dossier(live.procedure, applicant_id=user.id,
                                          status=Status.NEW)
        await Dossier.update({Dossier.fees_due: 200_000}).where(Dossier.id == dossier.id)
        return dossier.id

    dossier_id = run(make())
    client = live.client()
    client.get("/dang-nhap")
    signed_in = client.post("/dang-nhap", headers=security_live.csrf_headers(client),
                            data={"username": username, "password": "Binh2026xyz"})
    assert signed_in.status_code == 303, signed_in.text
    return client, dossier_id


def test_a_forged_host_never_reaches_the_payment_gateway(live_app):
    client, dossier_id = citizen_owing(live_app, "052090007001")
    try:
        refused = client.post(f"/ho-so-cua-toi/{dossier_id}/thanh-toan",
                              headers={**security_live.csrf_headers(client),
                                       "host": "pay.attacker.example:8199"})
        assert refused.status_code == 400
        assert live_app.query("SELECT count(*) FROM sandbox_payment_txn") == [(0,)]
        # The probe's own request: a loopback name is let in (health checks on the VM),
        # but the gateway's URLs come from the configured public address, not the Host.
        started = client.post(f"/ho-so-cua-toi/{dossier_id}/thanh-toan",
                              headers={**security_live.csrf_headers(client), "host": FORGED})
        assert started.status_code == 303
    finally:
        client.close()
    ((callback_url, return_url),) = live_app.query(
        "SELECT callback_url, return_url FROM sandbox_payment_txn")
    assert callback_url == f"{live_app.url}/api/v1/payments/callback"
    assert return_url.startswith(f"{live_app.url}/thanh-toan/TT")
    assert "8199" not in callback_url + return_url


def test_unconfigured_hosts_are_refused_on_every_path(live_app):
    with live_app.client() as prober:
        for path in ("/", "/tra-cuu", "/khong-co-trang-nay", "/static/none.css", "/healthz"):
            refused = prober.get(path, headers={"host": "evil.example"})
            assert refused.status_code == 400, path
        assert prober.post("/api/v1/payments/callback", content=b"{}",
                           headers={"host": "evil.example"}).status_code == 400
        for host in ("127.0.0.1", f"127.0.0.1:{live_app.url.rsplit(':', 1)[1]}", "LOCALHOST",
                     "[::1]:8000"):
            assert prober.get("/healthz", headers={"host": host}).status_code in (200, 503)


def test_qr_codes_open_the_public_address(monkeypatch):
    monkeypatch.setenv("MOTCUA_PUBLIC_URL", "https://dichvucong.quangngai.gov.vn/")
    from app.settings import get_settings

    get_settings.cache_clear()
    code = "000.00.17.H55-261205-0001"
    expected = segno.make(f"https://dichvucong.quangngai.gov.vn/tra-cuu?ma={code}",
                          error="m").svg_inline(scale=3, title="Mã QR tra cứu hồ sơ")
    assert lookup_qr_svg(code) == expected
    get_settings.cache_clear()

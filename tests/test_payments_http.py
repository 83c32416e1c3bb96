"""The HTTP payment provider (`app.payments.http_gateway`) against a real provider server
on a free port (`tests/payment_provider.py`): signed requests both ways, outages, wrong
signatures and wrong amounts, and a whole payment through the app with it."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
from datetime import timedelta

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.dossiers.tables import Dossier
from app.payments import gateway as payment_gateway
from app.payments.gateway import Checkout, GatewayUnavailable, get_gateway
from app.payments.http_gateway import UNAVAILABLE, HttpGateway
from app.payments.logic import PaymentStatus
from app.payments.tables import Payment
from tests.conftest import csrf_from, run
from tests.payment_provider import PaymentProvider
from tests.test_payments import citizen_owing_200_000

SECRET = "provider-shared-secret"


def checkout(reference="TT0001", amount=150_000) -> Checkout:
    return Checkout(reference=reference, amount=amount, description="Nộp lệ phí hồ sơ H55.1",
                    return_url="http://app.test/thanh-toan/" + reference,
                    callback_url="http://app.test/api/v1/payments/callback")


@pytest.fixture
def provider():
    with PaymentProvider(SECRET) as server:
        yield server


def test_configuration_needs_a_secret_and_a_url(monkeypatch, caplog):
    # Each misconfiguration is logged once per process: start from none logged, whatever
    # ran before (the health check below logs the same one; reversed, this test failed).
    monkeypatch.setattr(payment_gateway, "_REPORTED", set())
    monkeypatch.setenv("MOTCUA_PAYMENT_GATEWAY", "http")
    monkeypatch.setenv("MOTCUA_PAYMENT_URL", "https://pay.example.vn/api")
    monkeypatch.delenv("MOTCUA_PAYMENT_SECRET", raising=False)
    with caplog.at_level(logging.ERROR, logger="app.payments.gateway"):
        assert get_gateway() is None
    assert "MOTCUA_PAYMENT_SECRET" in caplog.text
    monkeypatch.setenv("MOTCUA_PAYMENT_SECRET", SECRET)
    monkeypatch.setenv("MOTCUA_PAYMENT_URL", "")
    with caplog.at_level(logging.ERROR, logger="app.payments.gateway"):
        assert get_gateway() is None
    assert "MOTCUA_PAYMENT_URL" in caplog.text
    monkeypatch.setenv("MOTCUA_PAYMENT_URL", "https://pay.example.vn/api/")
    gateway = get_gateway()
    assert isinstance(gateway, HttpGateway) and gateway.url == "https://pay.example.vn/api"
    monkeypatch.setenv("MOTCUA_PAYMENT_GATEWAY", "vnpay-typo")
    assert get_gateway() is None


def test_health_check_reports_an_unusable_gateway(client, monkeypatch):
    assert client.get("/healthz").json()["payments"] == {"gateway": None, "ok": True,
                                                          "rejected_callbacks": 0}
    monkeypatch.setenv("MOTCUA_PAYMENT_GATEWAY", "http")
    monkeypatch.setenv("MOTCUA_PAYMENT_URL", "https://pay.example.vn/api")
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["payments"] == {"gateway": "http", "ok": False,
                                         "rejected_callbacks": 0}
    monkeypatch.setenv("MOTCUA_PAYMENT_SECRET", SECRET)
    assert client.get("/healthz").json()["payments"] == {"gateway": "http", "ok": True,
                                                          "rejected_callbacks": 0}


def test_create_is_signed_and_survives_an_outage(provider):
    gateway = HttpGateway(provider.url, SECRET)
    url = asyncio.run(gateway.create(checkout()))
    assert url == f"{provider.url}/pay/TT0001"
    assert provider.ledger["TT0001"]["amount"] == 150_000
    assert provider.ledger["TT0001"]["description"] == "Nộp lệ phí hồ sơ H55.1"

    provider.down_for = 1
    with pytest.raises(GatewayUnavailable) as refused:
        asyncio.run(gateway.create(checkout("TT0002")))
    assert str(refused.value) == UNAVAILABLE
    assert "TT0002" not in provider.ledger
    assert asyncio.run(gateway.create(checkout("TT0002"))).endswith("/pay/TT0002")

    # A wrong secret is refused by the provider (401) and reaches the payer as an outage.
    with pytest.raises(GatewayUnavailable):
        asyncio.run(HttpGateway(provider.url, "wrong").create(checkout("TT0003")))
    assert "TT0003" not in provider.ledger


def test_create_times_out_against_a_silent_server():
    # Accepts connections but never answers: the client must give up, not hang.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(GatewayUnavailable):
            asyncio.run(HttpGateway(url, SECRET, timeout=0.3).create(checkout()))
        assert asyncio.run(HttpGateway(url, SECRET, timeout=0.3).lookup("TT0001")) is None
    closed = HttpGateway(url, SECRET, timeout=0.3)
    with pytest.raises(GatewayUnavailable):  # nobody listening any more
        asyncio.run(closed.create(checkout()))


def test_lookup_verifies_the_providers_signature(provider):
    gateway = HttpGateway(provider.url, SECRET)
    assert asyncio.run(gateway.lookup("TT0001")) is None  # unknown to the provider
    asyncio.run(gateway.create(checkout()))
    assert asyncio.run(gateway.lookup("TT0001")).status == PaymentStatus.PENDING
    provider.complete("TT0001")
    report = asyncio.run(gateway.lookup("TT0001"))
    assert (report.status, report.amount) == (PaymentStatus.PAID, 150_000)
    assert report.transaction_id == provider.ledger["TT0001"]["transaction_id"]

    provider.sign_wrongly = True
    assert asyncio.run(gateway.lookup("TT0001")) is None
    provider.sign_wrongly = False
    provider.down_for = 1
    assert asyncio.run(gateway.lookup("TT0001")) is None
    assert asyncio.run(HttpGateway(provider.url, "wrong").lookup("TT0001")) is None  # 401
    assert asyncio.run(gateway.lookup("TT0001")).status == PaymentStatus.PAID
    assert ("GET", "/api/payments/TT0001") in provider.requests


@pytest.fixture
def citizen_owing(client, provider, monkeypatch):
    monkeypatch.setenv("MOTCUA_PAYMENT_GATEWAY", "http")
    monkeypatch.setenv("MOTCUA_PAYMENT_URL", provider.url)
    monkeypatch.setenv("MOTCUA_PAYMENT_SECRET", SECRET)

    return citizen_owing_200_000(client)


def start(client, dossier_id):
    page = client.get(f"/ho-so-cua-toi/{dossier_id}")
    return client.post(f"/ho-so-cua-toi/{dossier_id}/thanh-toan",
                       data={"_csrf_token": csrf_from(page.text)}, follow_redirects=False)


def fees_paid(dossier_id) -> int:
    return Dossier.select(Dossier.fees_paid).where(
        Dossier.id == dossier_id).first().run_sync()["fees_paid"]


def test_payment_through_the_http_provider(client, provider, citizen_owing):
    provider.down_for = 1
    refused = start(client, citizen_owing)
    assert refused.status_code == 503 and UNAVAILABLE in refused.text

    response = start(client, citizen_owing)
    assert response.status_code == 303
    ref = re.fullmatch(re.escape(provider.url) + r"/pay/(TT[0-9A-F]{16})",
                       response.headers["location"]).group(1)
    sent = provider.ledger[ref]
    assert sent["amount"] == 200_000
    assert sent["callback_url"].endswith("/api/v1/payments/callback")
    assert sent["return_url"].endswith(f"/thanh-toan/{ref}")

    # Back before paying: the provider says pending.
    assert "Đang chờ ngân hàng xác nhận" in client.get(f"/thanh-toan/{ref}").text
    body, signature = provider.complete(ref)
    # A forged lookup answer (wrong signature) is not believed...
    provider.sign_wrongly = True
    assert "Đang chờ ngân hàng xác nhận" in client.get(f"/thanh-toan/{ref}").text
    assert fees_paid(citizen_owing) == 0
    # ...nor one with another amount, however well signed.
    provider.sign_wrongly = False
    provider.reported_amount[ref] = 2_000
    assert "Đang chờ ngân hàng xác nhận" in client.get(f"/thanh-toan/{ref}").text
    assert fees_paid(citizen_owing) == 0
    del provider.reported_amount[ref]
    assert "Đã thanh toán 200.000 đ" in client.get(f"/thanh-toan/{ref}").text
    assert fees_paid(citizen_owing) == 200_000
    # The provider's callback arrives afterwards: a repeat, nothing more.
    answer = client.post("/api/v1/payments/callback", content=body,
                         headers={"x-signature": signature})
    assert answer.json()["outcome"] == "repeat"
    payments = Payment.select(Payment.gateway, Payment.status).where(
        Payment.dossier == citizen_owing).order_by(Payment.id).run_sync()
    # The attempt the outage refused stays pending for the reconciliation page.
    assert payments == [{"gateway": "http", "status": "pending"},
                        {"gateway": "http", "status": "paid"}]


def test_callback_from_the_http_provider_settles_first(client, provider, citizen_owing):
    ref = start(client, citizen_owing).headers["location"].rsplit("/", 1)[1]
    body, signature = provider.complete(ref)
    answer = client.post("/api/v1/payments/callback", content=body,
                         headers={"x-signature": signature})
    assert answer.json()["outcome"] == "applied"
    assert fees_paid(citizen_owing) == 200_000
    forged = client.post("/api/v1/payments/callback", content=body,
                         headers={"x-signature": "0" * 64})
    assert forged.status_code == 400


def test_staff_recheck_recovers_a_lost_callback(client, provider, citizen_owing):
    ref = start(client, citizen_owing).headers["location"].rsplit("/", 1)[1]
    provider.complete(ref)  # the payer paid; the callback never reaches us

    async def counter_officer():
        dossier = await Dossier.select(Dossier.agency).where(
            Dossier.id == citizen_owing).first()
        user = await accounts.create_user(
            username="tt.quay", password="abc12345", full_name="Cán bộ quầy",
            role=Role.COUNTER_OFFICER, agency_ids=[dossier["agency"]])
        return accounts.cookie_value(await accounts.start_session(user, "127.0.0.1", "t"))
    client.cookies.clear()
    client.cookies.set("motcua_session", run(counter_officer()))
    pid = Payment.select(Payment.id).where(Payment.reference == ref).first().run_sync()["id"]
    Payment.update({Payment.created_at: Payment.created_at - timedelta(hours=25)}).where(
        Payment.id == pid).run_sync()
    page = client.get("/can-bo/thanh-toan?loai=dang-cho")
    assert "Chờ kết quả quá lâu (1)" in page.text and "Hỏi lại cổng thanh toán" in page.text

    provider.sign_wrongly = True  # a forged answer changes nothing
    checked = client.post(f"/can-bo/thanh-toan/{pid}/kiem-tra",
                          data={"_csrf_token": csrf_from(page.text)})
    assert "đang chờ thanh toán" in checked.text and fees_paid(citizen_owing) == 0
    provider.sign_wrongly = False
    checked = client.post(f"/can-bo/thanh-toan/{pid}/kiem-tra",
                          data={"_csrf_token": csrf_from(page.text)})
    assert checked.status_code == 200
    assert f"khoản {ref}: đã thanh toán, đã ghi vào hồ sơ" in checked.text
    assert "Chờ kết quả quá lâu (0)" in checked.text
    assert fees_paid(citizen_owing) == 200_000
    again = client.post(f"/can-bo/thanh-toan/{pid}/kiem-tra",
                        data={"_csrf_token": csrf_from(page.text)})
    assert again.status_code == 400 and "đã có kết quả" in again.text

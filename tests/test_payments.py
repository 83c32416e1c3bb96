"""Online payment: signatures, the first-final-status rule, and the whole server side of
a sandbox payment (create, cancel, pay, return lookup, late and repeated callbacks,
receipt) against a real database."""

import re

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierEvent
from app.payments import sandbox
from app.payments.gateway import shared_secret
from app.payments.logic import (
    Decision,
    GatewayReport,
    PaymentStatus,
    decide,
    receipt_number,
    sign,
    signature_valid,
)
from app.payments.rejects import REJECTED
from app.payments.tables import Payment, PaymentCallback
from app.settings import get_settings
from tests import factories
from tests.conftest import csrf_from, login, run

P = PaymentStatus


def report(status=P.PAID, amount=200_000, ref="TT1"):
    return GatewayReport(reference=ref, status=status, amount=amount, transaction_id="X1")


def test_signature_covers_every_byte_of_the_body():
    body = report().to_body()
    good = sign(body, "s3cret")
    assert signature_valid(body, good, "s3cret")
    assert not signature_valid(body, good, "other")
    assert not signature_valid(body.replace(b"200000", b"200001"), good, "s3cret")
    assert not signature_valid(body, "", "s3cret")


@pytest.mark.parametrize(("current", "reported", "amount", "expected"), [
    (P.PENDING, P.PAID, 200_000, Decision.APPLY),
    (P.PENDING, P.CANCELLED, 200_000, Decision.APPLY),
    (P.PENDING, P.FAILED, 200_000, Decision.APPLY),
    (P.PENDING, P.PENDING, 200_000, Decision.REPEAT),
    (P.PAID, P.PAID, 200_000, Decision.REPEAT),  # duplicated callback
    (P.PAID, P.PENDING, 200_000, Decision.IGNORE),  # late "pending" after the final one
    (P.PAID, P.FAILED, 200_000, Decision.IGNORE),  # conflicting: the first final wins
    (P.CANCELLED, P.PAID, 200_000, Decision.IGNORE),
    (P.PENDING, P.PAID, 199_999, Decision.WRONG_AMOUNT),
    (P.PAID, P.PAID, 1, Decision.WRONG_AMOUNT),
])
def test_first_final_status_wins_and_only_the_exact_amount_counts(current, reported, amount,
                                                                  expected):
    assert decide(current, 200_000, report(reported, amount)) == expected


@pytest.mark.parametrize("body", [b"", b"[]", b"{}", b'{"reference":"A","status":"paid"}',
                                  b'{"reference":"A","status":"paid","amount":true}',
                                  b'{"reference":"A","status":"won","amount":1}',
                                  b'{"reference":"A","status":"paid","amount":-5}'])
def test_malformed_bodies_are_refused(body):
    with pytest.raises(ValueError):
        GatewayReport.from_body(body)


def test_receipt_number_format():
    from datetime import date
    assert receipt_number(date(2026, 12, 3), 42) == "BL-261203-000042"


def citizen_owing_200_000(client) -> int:
    """A signed-in citizen's new online dossier owing 200.000 đ; returns its id."""

    async def make():
        agency = await factories.agency("Sở Tư pháp", code="000.00.80.H55")
        procedure = await factories.procedure(agency)
        user = await accounts.create_user(username="052090001111", password="Binh2026xyz",
                                          full_name="Trần Thị Bình", role=Role.CITIZEN)
        dossier = await factories.dossier(procedure, applicant_id=user.id, status=Status.NEW)
        await Dossier.update({Dossier.fees_due: 200_000}).where(Dossier.id == dossier.id)
        return dossier.id
    dossier_id = run(make())
    login(client, "052090001111", "Binh2026xyz")
    return dossier_id


@pytest.fixture
def paying(client, monkeypatch):
    monkeypatch.setenv("MOTCUA_PAYMENT_GATEWAY", "sandbox")
    get_settings.cache_clear()
    return citizen_owing_200_000(client)


def start_payment(client, dossier_id) -> str:
    page = client.get(f"/ho-so-cua-toi/{dossier_id}")
    assert "Thanh toán trực tuyến 200.000 đ" in page.text
    response = client.post(f"/ho-so-cua-toi/{dossier_id}/thanh-toan",
                           data={"_csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert response.status_code == 303
    return re.fullmatch(r"/sandbox/thanh-toan/(TT[0-9A-F]{16})",
                        response.headers["location"]).group(1)


def callback(client, body: bytes, signature: str | None = None):
    return client.post("/api/v1/payments/callback", content=body, headers={
        "x-signature": sign(body, shared_secret()) if signature is None else signature})


def dossier_fees(dossier_id):
    return Dossier.select(Dossier.fees_paid, Dossier.status).where(
        Dossier.id == dossier_id).first().run_sync()


def test_sandbox_payment_cancel_then_pay_with_late_and_repeated_callbacks(client, paying):
    dossier_id = paying
    # A cancelled attempt: the dossier still owes everything.
    first = start_payment(client, dossier_id)
    assert "200.000 đ" in client.get(f"/sandbox/thanh-toan/{first}").text
    run(sandbox.complete(first, "cancel"))
    page = client.get(f"/thanh-toan/{first}")
    assert "Đã hủy thanh toán" in page.text and dossier_fees(dossier_id)["fees_paid"] == 0

    ref = start_payment(client, dossier_id)
    forged = GatewayReport(reference=ref, status=P.PAID, amount=200_000).to_body()
    assert callback(client, forged, signature="0" * 64).status_code == 400
    short = GatewayReport(reference=ref, status=P.PAID, amount=20_000).to_body()
    assert callback(client, short).status_code == 409
    assert dossier_fees(dossier_id)["fees_paid"] == 0

    # The payer pays; the callback is late, so the return page asks the gateway itself.
    row = run(sandbox.complete(ref, "pay"))
    page = client.get(f"/thanh-toan/{ref}")
    assert "Đã thanh toán 200.000 đ" in page.text
    assert dossier_fees(dossier_id) == {"fees_paid": 200_000, "status": Status.NEW}
    # Then the callback arrives, twice: nothing more happens.
    body = GatewayReport(reference=ref, status=P.PAID, amount=200_000,
                         transaction_id=row["transaction_id"]).to_body()
    assert [callback(client, body).json()["outcome"] for _ in range(2)] == ["repeat", "repeat"]
    late_pending = GatewayReport(reference=ref, status=P.PENDING, amount=200_000).to_body()
    assert callback(client, late_pending).json()["outcome"] == "ignored"
    paid_events = DossierEvent.count().where(
        (DossierEvent.dossier == dossier_id) & (DossierEvent.action == "paid")).run_sync()
    assert paid_events == 1
    # Every signed callback is on record; the forged one was only counted.
    assert PaymentCallback.count().run_sync() == 4
    assert REJECTED.count == 1

    receipt = client.get(f"/thanh-toan/{ref}/bien-lai")
    assert receipt.status_code == 200
    assert re.search(r"BL-\d{6}-\d{6}", receipt.text) and "200.000 đ" in receipt.text
    assert client.get(f"/thanh-toan/{first}/bien-lai").status_code == 404
    # Nothing left to pay: no new payment can start.
    assert "Thanh toán trực tuyến" not in client.get(f"/ho-so-cua-toi/{dossier_id}").text


def test_callback_first_settles_the_dossier_once(client, paying):
    ref = start_payment(client, paying)
    run(sandbox.complete(ref, "pay"))
    body = run(sandbox.SandboxGateway().lookup(ref)).to_body()
    assert callback(client, body).json()["outcome"] == "applied"
    assert callback(client, body).json()["outcome"] == "repeat"
    payment = Payment.select().where(Payment.reference == ref).first().run_sync()
    assert payment["status"] == "paid" and payment["settled_dossier"]
    assert "Đã thanh toán" in client.get(f"/thanh-toan/{ref}").text
    assert dossier_fees(paying)["fees_paid"] == 200_000


def test_unknown_reference_and_disabled_gateway(client, paying, monkeypatch):
    body = GatewayReport(reference="TTNOPE", status=P.PAID, amount=1).to_body()
    assert callback(client, body).status_code == 404
    assert client.get("/thanh-toan/TTNOPE").status_code == 404
    monkeypatch.setenv("MOTCUA_PAYMENT_GATEWAY", "")
    assert client.get("/sandbox/thanh-toan/TTNOPE").status_code == 404
    assert "Thanh toán trực tuyến" not in client.get(f"/ho-so-cua-toi/{paying}").text


def test_sandbox_transaction_completes_once(client, paying):
    ref = start_payment(client, paying)
    with pytest.raises(sandbox.SandboxError):
        run(sandbox.complete(ref, "maybe"))
    assert run(sandbox.complete(ref, "fail"))["status"] == "failed"
    assert run(sandbox.complete(ref, "pay"))["status"] == "failed"  # a second click changes nothing
    page = client.get(f"/thanh-toan/{ref}")
    assert "Thanh toán không thành công" in page.text
    assert dossier_fees(paying)["fees_paid"] == 0
    assert "Giao dịch đã kết thúc" in client.get(f"/sandbox/thanh-toan/{ref}").text


def test_rejected_callbacks_keep_a_count_and_a_bounded_sample():
    from app.payments.rejects import SAMPLE_SIZE, RejectedCallbacks

    rejected = RejectedCallbacks()
    for n in range(500):
        rejected.record("203.0.113.9", b"\xff" * 300 + str(n).encode())
    assert rejected.count == 500
    assert len(rejected.sample) == SAMPLE_SIZE
    assert all(len(r.head) == 200 and r.size >= 301 for r in rejected.sample)

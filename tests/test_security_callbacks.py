"""Payment callbacks that fail the signature are not stored: issue #14 finding 4, probed
over loopback.

Reproduced: 100 unsigned 4 KB posts to /api/v1/payments/callback made 100 rows in 0.1 s,
bodies of any size were read, and nothing slowed the sender. Now bodies failing the
signature are counted (and a bounded sample logged), never stored; bodies are capped; an
address sending bad signatures is refused for a while, the gateway's own address is not.
"""

from __future__ import annotations

from app.payments.logic import GatewayReport, PaymentStatus, sign
from tests import security_live
from tests.security_live import PAYMENT_SECRET, fresh_address

live_app = security_live.live_app  # the module's server (a fixture)
CALLBACK = "/api/v1/payments/callback"


def rejected_so_far(live) -> int:
    with live.client() as monitor:
        return monitor.get("/healthz").json()["payments"].get("rejected_callbacks", 0)


def test_unsigned_bodies_are_counted_not_stored_and_their_sender_slowed(live_app):
    before = rejected_so_far(live_app)
    body = b'{"reference":"TT0","status":"paid","amount":1,"pad":"' + b"x" * 4000 + b'"}'
    with live_app.client(fresh_address()) as prober:
        statuses = [prober.post(CALLBACK, content=body, headers={"x-signature": "0" * 64})
                    .status_code for _ in range(100)]
    assert live_app.query("SELECT count(*) FROM payment_callback") == [(0,)]
    assert statuses[0] == 400 and statuses[-1] == 429
    assert set(statuses) == {400, 429}
    assert rejected_so_far(live_app) - before == 100
    # The gateway, from its own address, is still heard.
    report = GatewayReport(reference="TTUNKNOWN", status=PaymentStatus.PAID, amount=1)
    signed = report.to_body()
    with live_app.client(fresh_address()) as gateway:
        heard = gateway.post(CALLBACK, content=signed,
                             headers={"x-signature": sign(signed, PAYMENT_SECRET)})
    assert heard.status_code == 404 and heard.json() == {"outcome": "unknown"}
    assert live_app.query("SELECT count(*) FROM payment_callback") == [(1,)]


def test_bodies_are_capped(live_app):
    with live_app.client() as prober:
        huge = prober.post(CALLBACK, content=b"{" + b" " * 1_000_000 + b"}",
                           headers={"x-signature": "0" * 64})
    assert huge.status_code == 413
    assert live_app.query("SELECT count(*) FROM payment_callback WHERE length(body) > 20000") \
        == [(0,)]

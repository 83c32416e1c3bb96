"""A payment provider's side of the HTTP contract (`app.payments.http_gateway`), run in a
thread on a free port: it checks our signatures (401 when wrong), keeps its own ledger,
answers lookups signed, and can be told to be down (503), to sign wrongly or to report
another amount — what a real provider, or an attacker in between, may do."""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from app.payments.logic import SIGNATURE_HEADER, GatewayReport, PaymentStatus, sign

MOUNT = "/api"  # the provider's API lives under a prefix, as real ones do
FIELDS = {"reference": str, "amount": int, "description": str, "return_url": str,
          "callback_url": str}


class PaymentProvider:
    def __init__(self, secret: str):
        self.secret = secret
        self.ledger: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request
        self.down_for = 0  # the next N requests answer 503
        self.sign_wrongly = False
        self.reported_amount: dict[str, int] = {}  # lookups report this amount instead
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  (http.server's naming)
                provider.requests.append(("POST", self.path))
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path != f"{MOUNT}/payments":
                    return self.answer(404, {"error": "not found"})
                if not provider.verified(body, self.headers):
                    return self.answer(401, {"error": "bad signature"})
                if provider.outage():
                    return self.answer(503, {"error": "maintenance"})
                try:
                    data = json.loads(body)
                    assert all(isinstance(data[k], t) for k, t in FIELDS.items())
                except (ValueError, KeyError, AssertionError, TypeError):
                    return self.answer(400, {"error": "bad request"})
                if data["reference"] in provider.ledger:
                    return self.answer(409, {"error": "duplicate reference"})
                provider.ledger[data["reference"]] = {**data, "status": "pending",
                                                      "transaction_id": ""}
                return self.answer(201, {"payment_url": f"{provider.url}/pay/"
                                                        f"{data['reference']}"})

            def do_GET(self):  # noqa: N802
                provider.requests.append(("GET", self.path))
                relative = self.path.removeprefix(MOUNT)
                if not relative.startswith("/payments/"):
                    return self.answer(404, {"error": "not found"})
                if not provider.verified(relative.encode(), self.headers):
                    return self.answer(401, {"error": "bad signature"})
                if provider.outage():
                    return self.answer(503, {"error": "maintenance"})
                reference = relative.removeprefix("/payments/")
                if reference not in provider.ledger:
                    return self.answer(404, {"error": "unknown payment"})
                body = provider.report(reference).to_body()
                key = "not-the-secret" if provider.sign_wrongly else provider.secret
                return self.answer(200, body, signature=sign(body, key))

            def answer(self, code: int, payload, signature: str = ""):
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if signature:
                    self.send_header(SIGNATURE_HEADER, signature)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{MOUNT}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)

    def verified(self, signed: bytes, headers) -> bool:
        return headers.get(SIGNATURE_HEADER, "") == sign(signed, self.secret)

    def outage(self) -> bool:
        if self.down_for > 0:
            self.down_for -= 1
            return True
        return False

    def report(self, reference: str) -> GatewayReport:
        row = self.ledger[reference]
        return GatewayReport(
            reference=reference, status=PaymentStatus(row["status"]),
            amount=self.reported_amount.get(reference, row["amount"]),
            transaction_id=row["transaction_id"])

    def complete(self, reference: str, status: str = "paid") -> tuple[bytes, str]:
        """The payer finishes on the provider's page; returns the signed callback the
        provider would post to our callback_url (body, signature)."""
        row = self.ledger[reference]
        row["status"], row["transaction_id"] = status, "GW" + secrets.token_hex(5).upper()
        body = self.report(reference).to_body()
        return body, sign(body, self.secret)

    def __enter__(self) -> PaymentProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

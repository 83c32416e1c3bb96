"""Local stand-ins for outside gateways, run in threads: an HTTP server whose next answers
are scripted (fail, time out, refuse, succeed) and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ScriptedGateway:
    """Answers each POST with the next scripted reply; "ok" once the script runs out.

    Replies: ("ok", json) → 200 with that JSON; ("status", code) → that HTTP status;
    ("sleep", seconds) → answers 200 only after sleeping (the client times out first).
    """

    def __init__(self):
        self.script: deque = deque()
        self.requests: list[dict] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  (http.server's naming)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.requests.append({"headers": dict(self.headers), "json": body})
                kind, arg = gateway.script.popleft() if gateway.script else ("ok", None)
                if kind == "sleep":
                    time.sleep(arg)
                    kind, arg = "ok", None
                code = arg if kind == "status" else 200
                payload = arg if kind == "ok" and arg is not None else {
                    "id": f"gw-{len(gateway.requests)}"}
                data = json.dumps(payload).encode()
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout): as a real slow gateway would see

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)

    def __enter__(self) -> ScriptedGateway:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    """An aiosmtpd handler keeping every message; recipients at refused.test get 550."""

    def __init__(self):
        self.messages: list = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.endswith("@refused.test"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(envelope)
        return "250 Message accepted for delivery"

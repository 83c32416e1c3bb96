"""Partners' sides of the HTTP contracts, each in a thread on a free port and in memory:
the national portal (`app.integrations.dvcqg.http`), the document system
(`app.integrations.ioffice.provider`) and Zalo's OA message API
(`app.integrations.zalo.service`). Each checks what the real one checks (our signature or
our token), keeps what it is sent, and can be told to misbehave like a real partner or an
attacker in between:

- `down`: answers 503 (a maintenance page of the platform in between);
- `hang`: holds every request until `release()` (or the client gives up);
- `forge`: signs its answers with a key that is not the shared secret;
- `refuse` (the portal): refuses every push for good (422), as for data it will not take.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from app.payments.logic import SIGNATURE_HEADER, sign, signature_valid

HOLD_LIMIT = 60  # seconds a held request waits at most, so a failed test cannot hang


class PartnerServer:
    """The threaded server and the misbehaviours every partner shares. Subclasses answer
    `handle(method, relative path, headers, body) -> (status, JSON-able data)` and may
    sign answers (`signature_for`)."""

    mount = "/api"

    def __init__(self):
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request
        self.mode = ""
        self.held = threading.Semaphore(0)  # released once for each request being held
        self._release = threading.Event()
        self._lock = threading.Lock()  # one request changes the partner's state at a time
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802  (http.server's naming)
                partner._serve(self, "GET")

            def do_POST(self):  # noqa: N802
                partner._serve(self, "POST")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{self.mount}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)

    def _serve(self, request: BaseHTTPRequestHandler, method: str) -> None:
        body = request.rfile.read(int(request.headers.get("Content-Length", 0) or 0))
        self.requests.append((method, request.path))
        if self.mode == "hang":
            self.held.release()
            self._release.wait(HOLD_LIMIT)
        if self.mode == "down":
            status, data = 503, {"loi": "Hệ thống đang bảo trì."}
        elif request.path.startswith(self.mount):
            with self._lock:
                status, data = self.handle(method, request.path.removeprefix(self.mount),
                                           request.headers, body)
        else:
            status, data = 404, {"loi": "not found"}
        payload = json.dumps(data, ensure_ascii=False).encode()
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(payload)))
            if status < 500 and self.signature_for(payload):
                request.send_header(SIGNATURE_HEADER, self.signature_for(payload))
            request.end_headers()
            request.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout), as a real slow partner would see

    def handle(self, method: str, path: str, headers, body: bytes) -> tuple[int, object]:
        return 404, {"loi": "not found"}

    def signature_for(self, payload: bytes) -> str:
        return ""

    def hang(self) -> None:
        """Hold every request from now until `release()`."""
        self._release.clear()
        self.mode = "hang"

    def release(self) -> None:
        """Let held requests go; later ones are answered normally."""
        self.mode = ""
        self._release.set()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()


class PortalServer(PartnerServer):
    """The national portal: versions kept once and in order per dossier or feedback item,
    daily totals, filings held for pulling until acknowledged."""

    mount = "/lgsp/dvcqg"
    KEYS = {"/ho-so": ("dossier", "MaHoSo"), "/phan-anh": ("feedback", "MaPAKN")}
    PULLS = {"/ho-so-moi": "dossier", "/phan-anh-moi": "feedback"}

    def __init__(self, secret: str):
        super().__init__()
        self.secret = secret
        self.versions: dict[tuple[str, str], list[dict]] = {}
        self.filings: dict[str, dict] = {}  # portal id -> filing (with "kind")
        self.acknowledged: dict[str, str] = {}  # portal id -> our reference

    def signature_for(self, payload: bytes) -> str:
        return sign(payload, "not-the-secret" if self.mode == "forge" else self.secret)

    def handle(self, method, path, headers, body):
        route, _, query = path.partition("?")
        signed = body if method == "POST" else path.encode()
        if not signature_valid(signed, headers.get(SIGNATURE_HEADER, ""), self.secret):
            return 401, {"ThongBao": "Sai chữ ký."}
        if method == "POST" and route in self.KEYS:
            return self._push(*self.KEYS[route], json.loads(body))
        if method == "POST" and route == "/xac-nhan":
            data = json.loads(body)
            self.acknowledged[data["Ma"]] = data["MaThamChieu"]
            return 200, {"Ma": data["Ma"], "KetQua": "OK"}
        if method == "GET" and route in self.PULLS:
            return 200, [{**f, "Ma": ma} for ma, f in self.filings.items()
                         if f["kind"] == self.PULLS[route] and ma not in self.acknowledged]
        if method == "GET" and route == "/thong-ke-ngay":
            return 200, self.totals(parse_qs(query)["ngay"][0].replace("-", ""))
        return 404, {"ThongBao": "Không có đường dẫn này."}

    def _push(self, kind: str, field: str, data: dict) -> tuple[int, dict]:
        version, payload = int(data["PhienBan"]), data["DuLieu"]
        if self.mode == "refuse":
            return 422, {field: payload[field], "PhienBan": version,
                         "ThongBao": "Mã cơ quan chưa được khai báo trên Cổng."}
        held = self.versions.setdefault((kind, payload[field]), [])
        if version == len(held):
            return 200, {field: payload[field], "PhienBan": version, "KetQua": "DaNhan"}
        if version != len(held) + 1:
            return 409, {field: payload[field], "PhienBan": version,
                         "ThongBao": "Phiên bản không theo thứ tự."}
        held.append(payload)
        return 200, {field: payload[field], "PhienBan": version, "KetQua": "OK"}

    def latest(self, kind: str, key: str) -> dict | None:
        held = self.versions.get((kind, key))
        return {**held[-1], "PhienBan": len(held)} if held else None

    def totals(self, day: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for (kind, _), held in self.versions.items():
            if kind == "dossier" and (held[-1].get("NgayTiepNhan") or "")[:8] == day:
                counts[held[-1]["MaCoQuan"]] = counts.get(held[-1]["MaCoQuan"], 0) + 1
        return counts


class DocumentServer(PartnerServer):
    """The document system: a Bearer token, one number per reference in an outgoing book."""

    mount = "/ioffice/api"

    def __init__(self, token: str):
        super().__init__()
        self.token = token
        self.book: dict[str, str] = {}  # reference -> number
        self.misnumber = False  # answer with another document's reference

    def handle(self, method, path, headers, body):
        if headers.get("Authorization", "") != f"Bearer {self.token}":
            return 401, {"loi": "Sai mã truy cập."}
        if (method, path) != ("POST", "/van-ban-di"):
            return 404, {"loi": "not found"}
        document = json.loads(body)
        number = self.book.setdefault(document["reference"],
                                      f"{len(self.book) + 1}/{document['agency_code']}")
        reference = "another-document" if self.misnumber else document["reference"]
        return 200, {"reference": reference, "so_van_ban": number,
                     "ngay_van_ban": document["issued_at"][:10]}


class ZaloApiServer(PartnerServer):
    """Zalo's OA customer-service message API: the access token, followers only."""

    mount = "/v3.0/oa"

    def __init__(self, token: str, followers: set[str]):
        super().__init__()
        self.token, self.followers = token, followers
        self.sent: list[dict] = []

    def handle(self, method, path, headers, body):
        if headers.get("access_token", "") != self.token:
            return 200, {"error": -216, "message": "Access token is invalid"}
        data = json.loads(body)
        if urlsplit(path).path != "/message/cs":
            return 404, {"error": -201, "message": "Parameters are invalid"}
        if data["recipient"]["user_id"] not in self.followers:
            return 200, {"error": -213, "message": "User has not followed the OA"}
        self.sent.append(data)
        return 200, {"error": 0, "message": "Success",
                     "data": {"message_id": f"zmsg-{len(self.sent)}"}}

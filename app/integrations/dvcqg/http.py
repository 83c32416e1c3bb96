"""The national portal over HTTP (through the data-sharing platform, LGSP/NDXP).

Selected by MOTCUA_DVCQG=http with MOTCUA_DVCQG_URL (base URL) and MOTCUA_DVCQG_SECRET
(shared HMAC secret; required). Every request carries `x-signature`: HMAC-SHA256 hex of
the body bytes (POST) or of the path and query relative to the base URL (GET).

- push: ``POST {url}/ho-so`` (dossiers) or ``{url}/phan-anh`` (feedback) with
  ``{"PhienBan": n, "DuLieu": {...}}`` → ``200 {"MaHoSo"|"MaPAKN", "PhienBan", "KetQua"}``;
  a repeat of a version it holds is acknowledged again (``KetQua: "DaNhan"``); ``409`` a
  version out of order; ``401`` a bad signature; ``4xx`` a refusal with ``ThongBao``.
- daily totals: ``GET {url}/thong-ke-ngay?ngay=YYYY-MM-DD`` → ``{MaCoQuan: count}``.
- pull: ``GET {url}/ho-so-moi`` / ``{url}/phan-anh-moi`` → filings not yet acknowledged,
  each with its id ``Ma``; acknowledge: ``POST {url}/xac-nhan``
  ``{"Loai", "Ma", "MaThamChieu"}``.
- the portal pushes filings to ``POST /api/v1/dvcqg/ho-so`` and ``/api/v1/dvcqg/phan-anh``,
  signed the same way (`app.routes.national`).

Timeouts, circuit breaking and the call log come from `app.integrations.calls`.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from app.integrations.calls import Answer, PartnerUnavailable, http_call
from app.integrations.config import env
from app.integrations.dvcqg.portal import secret
from app.integrations.dvcqg.sandbox import encode
from app.payments.logic import SIGNATURE_HEADER, sign

PATHS = {"dossier": ("/ho-so", "/ho-so-moi"), "feedback": ("/phan-anh", "/phan-anh-moi")}


class HttpPortal:
    name = "http"

    def __init__(self, url: str, key: str):
        self.url, self.key = url.rstrip("/"), key

    @classmethod
    def from_environment(cls) -> HttpPortal:
        return cls(env("DVCQG_URL"), env("DVCQG_SECRET") or secret())

    def _check(self) -> None:
        if not self.url.startswith(("https://", "http://")) or not env("DVCQG_SECRET"):
            raise PartnerUnavailable("Chưa cấu hình địa chỉ hoặc khóa ký của Cổng DVCQG "
                                     "(MOTCUA_DVCQG_URL, MOTCUA_DVCQG_SECRET).")

    async def _post(self, operation: str, path: str, data, collect: list | None = None
                    ) -> Answer:
        self._check()
        body = encode(data)
        signature = sign(body, self.key)
        return await http_call("dvcqg", operation, "POST", self.url + path, content=body,
                               headers={SIGNATURE_HEADER: signature,
                                        "content-type": "application/json"},
                               secrets=(signature, self.key), collect=collect)

    async def _get(self, operation: str, relative: str) -> Answer:
        self._check()
        signature = sign(relative.encode(), self.key)
        answer = await http_call("dvcqg", operation, "GET", self.url + relative,
                                 headers={SIGNATURE_HEADER: signature},
                                 secrets=(signature, self.key))
        if answer.status != 200:
            raise PartnerUnavailable(f"Cổng DVCQG trả lời lỗi (mã {answer.status}).")
        return answer

    async def push(self, kind: str, payload: dict, version: int, collect: list) -> Answer:
        return await self._post(f"push {kind}", PATHS[kind][0],
                                {"PhienBan": version, "DuLieu": payload}, collect)

    async def daily_totals(self, day: date) -> dict[str, int]:
        answer = await self._get("daily totals",
                                 "/thong-ke-ngay?" + urlencode({"ngay": day.isoformat()}))
        data = answer.json()
        if not isinstance(data, dict):
            raise PartnerUnavailable("Cổng DVCQG trả lời thống kê không đúng định dạng.")
        return {str(k): int(v) for k, v in data.items()}

    async def pull(self, kind: str) -> list[dict]:
        data = (await self._get(f"pull {kind}", PATHS[kind][1])).json()
        return [item for item in data if isinstance(item, dict)] if isinstance(
            data, list) else []

    async def acknowledge(self, kind: str, portal_id: str, our_reference: str) -> None:
        await self._post("acknowledge", "/xac-nhan",
                         {"Loai": kind, "Ma": portal_id, "MaThamChieu": our_reference})

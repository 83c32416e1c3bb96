"""The population database over HTTP (through the province's data-sharing platform).

Wire format (JSON, Bearer token): POST MOTCUA_POPULATION_URL with {"id_number": "…"};
200 {"full_name": "…", "birth_date": "YYYY-MM-DD"} is the record, 404 means no such
number. The comparison is ours (`logic.compare`), the same for every provider. Everything
else — no answer within MOTCUA_POPULATION_TIMEOUT seconds (default 3), a refused
connection, 5xx, 401/403 (a token an operator must fix), a body we cannot read — is
`RegistryUnavailable`: never a yes, and the citizen can try again later.
"""

from __future__ import annotations

import os
from datetime import date

import httpx

from app.identity.logic import PersonRecord, Verification, compare
from app.identity.registry import RegistryUnavailable

WHO = "Cơ sở dữ liệu quốc gia về dân cư"


class HttpRegistry:
    name = "http"

    def __init__(self, url: str, token: str, timeout: float = 3.0):
        self.url, self.token, self.timeout = url, token, timeout

    @classmethod
    def from_environment(cls) -> HttpRegistry:
        try:
            timeout = float(os.environ.get("MOTCUA_POPULATION_TIMEOUT", "3"))
        except ValueError:
            timeout = 3.0  # a mistyped setting must not turn every registration into a 500
        return cls(os.environ.get("MOTCUA_POPULATION_URL", ""),
                   os.environ.get("MOTCUA_POPULATION_TOKEN", ""), timeout)

    async def _record(self, id_number: str) -> PersonRecord | None:
        if not self.url:
            raise RegistryUnavailable(f"Chưa cấu hình địa chỉ {WHO}.")
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                # No token, no header: "Bearer " alone is an illegal header value.
                headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
                answer = await client.post(self.url, json={"id_number": id_number},
                                           headers=headers)
        except httpx.TimeoutException:
            raise RegistryUnavailable(f"{WHO} không trả lời trong {self.timeout:g} giây.") from None
        except httpx.HTTPError:
            raise RegistryUnavailable(f"Không kết nối được tới {WHO}.") from None
        if answer.status_code == 404:
            return None
        if answer.status_code != 200:
            raise RegistryUnavailable(f"{WHO} trả lời lỗi (mã {answer.status_code}).")
        try:
            body = answer.json()
            return PersonRecord(id_number, str(body["full_name"]),
                                date.fromisoformat(body["birth_date"]))
        except (ValueError, KeyError, TypeError):
            raise RegistryUnavailable(f"{WHO} trả lời không đúng định dạng.") from None

    async def verify(self, id_number: str, full_name: str, birth_date: date) -> Verification:
        return compare(await self._record(id_number), full_name, birth_date)

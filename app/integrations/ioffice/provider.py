"""The one interface to the document-management system and its providers.

    number, signed_on = await system.register(document, collect)

`document`: {"reference", "kind", "title", "dossier_code", "agency_code", "issued_at",
"sha256"}. The system gives the document its number in the agency's outgoing book and the
date; registering the same `reference` again returns the same number (idempotent), so a
retried delivery never takes a second number.

- sandbox (MOTCUA_IOFFICE=sandbox): its own book (`sandbox_document_register`), numbers
  ``<n>/<agency code>`` per year; MOTCUA_IOFFICE_SANDBOX_DOWN=1 makes it unavailable.
- http (MOTCUA_IOFFICE=http, MOTCUA_IOFFICE_URL, MOTCUA_IOFFICE_TOKEN): ``POST
  {url}/van-ban-di`` with the document as JSON and the Bearer token → ``200 {"so_van_ban",
  "ngay_van_ban": "YYYY-MM-DD", "reference"}``.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from app.db import write_transaction
from app.formatting import now_utc, to_local
from app.integrations.calls import Answer, PartnerUnavailable, call, http_call
from app.integrations.config import env, provider
from app.integrations.ioffice.tables import SandboxDocumentRegister


class DocumentSystem(Protocol):
    async def register(self, document: dict, collect: list) -> Answer: ...


def read_answer(answer: Answer, reference: str) -> tuple[str, date]:
    """The number and date from a 200 answer for this reference; ValueError otherwise."""
    data = answer.json()
    if data.get("reference") != reference or not data.get("so_van_ban"):
        raise ValueError("answer for another document")
    return str(data["so_van_ban"])[:60], date.fromisoformat(data["ngay_van_ban"])


class SandboxDocuments:
    async def _register(self, document: dict) -> Answer:
        if env("IOFFICE_SANDBOX_DOWN") in {"1", "true", "yes"}:
            return Answer.of(503, {"loi": "Hệ thống quản lý văn bản đang bảo trì."})
        moment = now_utc()
        year = f"{to_local(moment):%Y}"
        async with write_transaction():
            row = await SandboxDocumentRegister.select().where(
                SandboxDocumentRegister.reference == document["reference"]).first()
            if row is None:
                count = await SandboxDocumentRegister.count().where(
                    SandboxDocumentRegister.year == year)
                row = {"number": f"{count + 1}/{document['agency_code']}",
                       "registered_at": moment}
                await SandboxDocumentRegister(
                    reference=document["reference"], year=year, number=row["number"],
                    title=document["title"][:300], registered_at=moment).save()
        return Answer.of(200, {"reference": document["reference"], "so_van_ban": row["number"],
                               "ngay_van_ban": to_local(row["registered_at"]).date().isoformat()})

    async def register(self, document: dict, collect: list) -> Answer:
        return await call("ioffice", f"register {document['kind']}",
                          lambda: self._register(document), target="sandbox",
                          request=document, collect=collect)


class HttpDocuments:
    def __init__(self, url: str, token: str):
        self.url, self.token = url.rstrip("/"), token

    async def register(self, document: dict, collect: list) -> Answer:
        if not self.url.startswith(("https://", "http://")):
            raise PartnerUnavailable("Chưa cấu hình địa chỉ hệ thống quản lý văn bản "
                                     "(MOTCUA_IOFFICE_URL).")
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        return await http_call("ioffice", f"register {document['kind']}", "POST",
                               f"{self.url}/van-ban-di", json_body=document, headers=headers,
                               secrets=(self.token,), collect=collect)


def get_system() -> DocumentSystem | None:
    name = provider("ioffice")
    if name == "sandbox":
        return SandboxDocuments()
    if name == "http":
        return HttpDocuments(env("IOFFICE_URL"), env("IOFFICE_TOKEN"))
    return None

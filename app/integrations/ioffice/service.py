"""Outgoing documents of a dossier go to the document-management system after the change
commits (through the partner outbox, never inside the officer's click); the number and
date it gives are recorded on the dossier (`official_document`).

A document is one dossier event of a kind in `LETTERS` (result issued, apology, refusal,
notice of stopping): its event id is the outbox subject and the reference the document
system deduplicates on, so a retry never takes a second number.
"""

from __future__ import annotations

from app.directory.tables import Agency
from app.dossiers.tables import Dossier, DossierEvent, DossierResult
from app.formatting import now_utc
from app.integrations import outbox
from app.integrations.calls import Answer, PartnerUnavailable
from app.integrations.config import provider
from app.integrations.dvcqg import sync
from app.integrations.ioffice.provider import get_system, read_answer
from app.integrations.ioffice.tables import OfficialDocument
from app.integrations.logic import Result, delivered, permanent, temporary

KIND = "ioffice.document"
# Dossier event → (document kind, title in the register)
LETTERS = {
    "result_issued": ("result", "Kết quả giải quyết thủ tục hành chính"),
    "apology_recorded": ("apology", "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    "refused": ("refusal", "Văn bản từ chối giải quyết hồ sơ"),
    "reception_refused": ("refusal", "Phiếu từ chối tiếp nhận hồ sơ"),
    "stopped": ("stopping", "Thông báo về việc dừng xử lý hồ sơ"),
}
KIND_LABELS = {"result": "Kết quả", "apology": "Phiếu xin lỗi", "refusal": "Văn bản từ chối",
               "stopping": "Thông báo dừng xử lý"}


async def queue_latest(dossier_id: int) -> int | None:
    """Inside the change's transaction: if the dossier's latest event issues a document,
    queue it for numbering. The event id makes a second call for the same event a no-op."""
    if not provider("ioffice"):
        return None
    event = await DossierEvent.select(DossierEvent.id, DossierEvent.action, DossierEvent.at,
                                      DossierEvent.agency).where(
        DossierEvent.dossier == dossier_id).order_by(DossierEvent.id, ascending=False).first()
    if event is None or event["action"] not in LETTERS:
        return None
    dossier = await Dossier.select(Dossier.code, Dossier.agency).where(
        Dossier.id == dossier_id).first()
    agency = await Agency.select(Agency.code).where(
        Agency.id == (event["agency"] or dossier["agency"])).first()
    result = await DossierResult.select(DossierResult.sha256).where(
        DossierResult.dossier == dossier_id).first()
    kind, title = LETTERS[event["action"]]
    document = {"reference": f"motcua-event-{event['id']}", "kind": kind,
                "title": f"{title} — hồ sơ {dossier['code']}", "dossier_code": dossier["code"],
                "agency_code": agency["code"] if agency else "",
                "issued_at": event["at"].isoformat(), "event_id": event["id"],
                "sha256": result["sha256"] if result and kind == "result" else ""}
    return await outbox.queue("ioffice", KIND, f"event:{event['id']}", document, version=1,
                              dossier_id=dossier_id, agency_id=dossier["agency"])


async def _record_number(row: dict, result: Result) -> None:
    number, signed_on = read_answer(Answer(200, result.answer.encode()),
                                    row["payload"]["reference"])
    await OfficialDocument.insert(OfficialDocument(
        dossier=row["dossier"], event=row["payload"]["event_id"], kind=row["payload"]["kind"],
        number=number, signed_on=signed_on, registered_at=now_utc(),
    )).on_conflict(action="DO NOTHING")
    if row["payload"]["kind"] == "result":  # the portal's MaKetQua becomes this number
        await sync.queue(row["dossier"])


@outbox.sends(KIND, on_delivered=_record_number)
async def send(row: dict, collect: list) -> Result:
    system = get_system()
    if system is None:
        return permanent("Chưa kết nối hệ thống quản lý văn bản (MOTCUA_IOFFICE).")
    try:
        answer = await system.register(row["payload"], collect)
    except PartnerUnavailable as exc:
        return temporary(str(exc))
    if answer.status == 200:
        try:
            read_answer(answer, row["payload"]["reference"])
        except (ValueError, KeyError, TypeError, AttributeError):
            return temporary("Hệ thống quản lý văn bản trả lời không đúng định dạng.")
        return delivered(answer.body.decode())
    if answer.status >= 500 or answer.status == 429:
        return temporary(f"Hệ thống quản lý văn bản tạm thời lỗi (mã {answer.status}).")
    return permanent(f"Hệ thống quản lý văn bản không nhận văn bản (mã {answer.status}).",
                     answer.body[:500].decode("utf-8", "replace"))


async def documents_of(dossier_id: int) -> list[dict]:
    rows = await OfficialDocument.select().where(
        OfficialDocument.dossier == dossier_id).order_by(OfficialDocument.id)
    return [{**row, "label": KIND_LABELS.get(row["kind"], row["kind"])} for row in rows]

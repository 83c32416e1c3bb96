"""Dossiers and feedback filed on the national portal, received here.

One entry point, `receive(kind, body, signature)`: the HTTP webhook (`app.routes.national`)
and the sandbox portal's push call it with the raw signed bytes; `pull_all` (the worker,
every 5 minutes) takes what the portal still holds for us, so a missed push is never lost.
Each filing is received once (its portal id is unique in the link table): a repeat answers
with the reference given the first time.

A dossier becomes an online dossier (channel 2, status "new") in the queue of the agency
of the procedure the portal names (MaTTHC), with its files checked like any upload, the
applicant linked to their verified account, and its state synced back from then on.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging

from app.audit import service as audit
from app.catalog.tables import Procedure, ProcedureComponent
from app.counter.service import _applicant_account, next_code
from app.digitisation.images import ImageProblem, reencode_upload
from app.dossiers.logic import Channel, Status
from app.dossiers.tables import Dossier, DossierComponent, DossierEvent
from app.files import store
from app.files.logic import MAX_DOSSIER_BYTES, sniff, upload_problem
from app.formatting import now_utc, to_local
from app.integrations import dossier_changes
from app.integrations.calls import PartnerUnavailable, log_inbound
from app.integrations.dvcqg import feedback as national_feedback
from app.integrations.dvcqg.portal import get_portal, secret
from app.integrations.dvcqg.tables import NationalDossierLink
from app.payments.logic import signature_valid
from app.text import fold, is_cccd, is_phone, is_tax_code, normalise_phone

log = logging.getLogger(__name__)


class FilingRefused(ValueError):
    """A filing we cannot take (Vietnamese), with the HTTP status to answer."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


async def receive(kind: str, body: bytes, signature: str) -> dict:
    """Check the signature and take one filing; {"Ma": portal id, "MaThamChieu": ours}."""
    if not signature_valid(body, signature or "", secret()):
        await log_inbound("dvcqg", f"filing {kind}", body, accepted=False, status=401,
                          error="bad signature")
        raise FilingRefused("Sai chữ ký của Cổng DVCQG.", 401)
    try:
        data = json.loads(body)
        assert isinstance(data, dict) and data.get("Ma")
    except (ValueError, AssertionError):
        raise FilingRefused("Dữ liệu không đúng định dạng.", 400) from None
    try:
        reference = await (receive_dossier(data) if kind == "dossier"
                           else national_feedback.receive(data))
    except FilingRefused as exc:
        await log_inbound("dvcqg", f"filing {kind}", body, accepted=False,
                          status=exc.status, error=str(exc))
        raise
    await log_inbound("dvcqg", f"filing {kind}", body, accepted=True, status=200)
    return {"Ma": data["Ma"], "MaThamChieu": reference}


def _files(items) -> list[tuple[str, bytes]]:
    found, total = [], 0
    for item in items if isinstance(items, list) else []:
        try:
            content = base64.b64decode(item.get("NoiDung", ""), validate=True)
        except (binascii.Error, ValueError, AttributeError):
            raise FilingRefused("Tệp đính kèm không đọc được (base64).") from None
        problem = upload_problem(content, already_stored=total)
        if problem:
            raise FilingRefused(f"{item.get('TenTaiLieu', 'Tệp')}: {problem}")
        total += len(content)
        found.append((str(item.get("TenTaiLieu", ""))[:500], content))
    if total > MAX_DOSSIER_BYTES:
        raise FilingRefused("Tổng dung lượng hồ sơ vượt quá 20 MB.")
    return found


def _applicant(data: dict) -> dict:
    person = data.get("ChuHoSo") if isinstance(data.get("ChuHoSo"), dict) else {}
    name, id_number = str(person.get("HoTen", "")).strip(), str(person.get("SoDinhDanh", ""))
    phone = str(person.get("SoDienThoai", ""))
    if not name or not (is_cccd(id_number) or is_tax_code(id_number)):
        raise FilingRefused("Thiếu họ tên hoặc số định danh (CCCD, mã số thuế) hợp lệ.")
    return {"name": name[:200], "id_number": id_number,
            "phone": normalise_phone(phone) if is_phone(phone) else "",
            "address": str(person.get("DiaChi", ""))[:300]}


async def receive_dossier(data: dict) -> str:
    portal_id = str(data["Ma"])[:60]
    known = await NationalDossierLink.select(NationalDossierLink.dossier.code).where(
        NationalDossierLink.portal_id == portal_id).first()
    if known is not None:
        return known["dossier.code"]
    procedure = await Procedure.select().where(
        (Procedure.code == str(data.get("MaTTHC", ""))) & Procedure.active.eq(True)
        & Procedure.internal.eq(False)).first()
    if procedure is None:
        raise FilingRefused("Không tìm thấy thủ tục có mã này tại tỉnh.")
    applicant = _applicant(data)
    files = []
    for name, content in _files(data.get("TaiLieuNop")):
        try:
            content, content_type = await asyncio.to_thread(reencode_upload, content,
                                                            sniff(content))
        except ImageProblem as exc:
            raise FilingRefused(f"{name}: {exc}") from None
        files.append((name, content, content_type))
    components = {fold(c["name"]): c for c in await ProcedureComponent.select().where(
        (ProcedureComponent.procedure == procedure["id"]) & ProcedureComponent.active.eq(True))}
    account = await _applicant_account(applicant["id_number"])
    now = now_utc()
    async with store.atomic():
        again = await NationalDossierLink.select(NationalDossierLink.dossier.code).where(
            NationalDossierLink.portal_id == portal_id).first()
        if again is not None:  # the push and a pull crossed
            return again["dossier.code"]
        code = await next_code(procedure["agency"], to_local(now).date())
        dossier = Dossier(
            code=code, procedure=procedure["id"], procedure_version=procedure["current_version"],
            agency=procedure["agency"], applicant=account["id"] if account else None,
            applicant_name=applicant["name"], applicant_id_number=applicant["id_number"],
            applicant_phone=applicant["phone"], applicant_address=applicant["address"],
            channel=Channel.ONLINE.value, status=Status.NEW.value, created_at=now,
            fees_due=procedure["fee_amount"])
        await dossier.save()
        for name, content, content_type in files:
            stored = await store.store(content, content_type)
            matched = components.get(fold(name))
            await DossierComponent(
                dossier=dossier.id, procedure_component=matched["id"] if matched else None,
                name=matched["name"] if matched else name or "Tài liệu",
                kind=matched["kind"] if matched else "original", file=stored.id,
                original_filename=name[-255:]).save()
        await DossierEvent(dossier=dossier.id, at=now, actor=None, action="submitted",
                           agency=procedure["agency"], from_status=Status.DRAFT.value,
                           to_status=Status.NEW.value,
                           comment=f"Nộp trên Cổng DVCQG, mã {portal_id}").save()
        await NationalDossierLink(dossier=dossier.id, portal_id=portal_id,
                                  received_at=now).save()
        await audit.record("dossier.received_from_portal", "dossier", dossier.id,
                           {"portal_id": portal_id, "code": code})
        await dossier_changes.queue(dossier.id)
    return code


async def pull_all() -> dict[str, int]:
    """Take what the portal holds for us and acknowledge each filing taken."""
    portal = get_portal()
    counts = {"dossier": 0, "feedback": 0, "refused": 0}
    if portal is None:
        return counts
    for kind in ("dossier", "feedback"):
        try:
            filings = await portal.pull(kind)
        except PartnerUnavailable as exc:
            log.warning("pull of %s from the national portal failed: %s", kind, exc)
            continue
        for filing in filings:
            try:
                reference = await (receive_dossier(filing) if kind == "dossier"
                                   else national_feedback.receive(filing))
                await portal.acknowledge(kind, str(filing.get("Ma", "")), reference)
                counts[kind] += 1
            except FilingRefused as exc:
                counts["refused"] += 1
                log.warning("filing %s refused: %s", filing.get("Ma"), exc)
            except PartnerUnavailable as exc:
                log.warning("acknowledging %s failed: %s", filing.get("Ma"), exc)
    return counts

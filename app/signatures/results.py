"""The result's way from draft to issue, as the workflow records it (called by
`app.workflow.service.perform` inside the action's transaction, so a refusal here leaves
the dossier, its events and the audit log untouched):

1. the handler attaches the draft result PDF (dự thảo kết quả) — ATTACH_DRAFT;
2. a leader approves it — APPROVE;
3. the leader at the signature step signs — SIGN: either "Ký số" (the server signs the
   draft with the leader's registered PKCS#12) or an upload of the draft signed elsewhere
   (USB token, remote signing), accepted only if it validates (`app.signatures.logic`);
4. ISSUE_RESULT issues the signed file: `dossier_result` names it, the applicant's
   warehouse receives it, the lookup and the QR show its SHA-256.
"""

from __future__ import annotations

from datetime import datetime

from app.accounts.service import CurrentUser
from app.audit import service as audit
from app.directory.tables import Agency
from app.dossiers.tables import DossierEvent, DossierResult, StoredFile
from app.files import store
from app.prepared import prepared
from app.signatures import logic, service, signing
from app.signatures.tables import DocumentSignature, ResultDraft, SigningCertificate
from app.warehouse.service import file_result
from app.workflow.logic import TransitionError

NO_DRAFT = "Chưa có dự thảo kết quả để ký số: chuyên viên cần đính kèm dự thảo (PDF) trước."


async def latest_draft(dossier_id: int) -> dict | None:
    return await _latest_draft(dossier_id=dossier_id)


async def latest_signature(dossier_id: int) -> dict | None:
    return await _latest_signature(dossier_id=dossier_id)


# Read on every opening of the staff dossier page: built once (app.prepared).
@prepared
def _latest_draft(dossier_id):
    return ResultDraft.select().where(ResultDraft.dossier == dossier_id).order_by(
        ResultDraft.id, ascending=False).first()


@prepared
def _latest_signature(dossier_id):
    return DocumentSignature.select().where(
        (DocumentSignature.dossier == dossier_id) & (DocumentSignature.purpose == "result")
    ).order_by(DocumentSignature.id, ascending=False).first()


async def attach_draft(dossier_id: int, sha256: str, user: CurrentUser, at: datetime) -> None:
    stored = await _stored(sha256)
    await ResultDraft(dossier=dossier_id, file=stored["id"], sha256=sha256, attached_at=at,
                      attached_by=user.id).save()


async def sign(row: dict, method: str, sha256: str | None, user: CurrentUser,
               at: datetime) -> None:
    """Record the leader's signature of the latest draft, or raise TransitionError."""
    draft = await latest_draft(row["id"])
    try:
        if method == "server":
            signed, facts, key = await _sign_on_server(row, draft, user, at)
            source = draft["sha256"]
        else:
            signed, facts, key = await _accept_upload(row, draft, sha256, user, at)
            source = draft["sha256"] if draft else ""
    except signing.SignatureRefused as exc:
        raise TransitionError(str(exc)) from None
    stored = await store.store(signed, "application/pdf")
    record = DocumentSignature(
        purpose="result", dossier=row["id"], file=stored.id, sha256=stored.sha256,
        source_sha256=source, method=method, certificate=key["id"],
        certificate_fingerprint=key["fingerprint"], signer=user.id,
        signer_name=facts.signer_name, signed_at=facts.signed_at, recorded_at=at,
        recorded_by=user.id)
    await record.save()
    await audit.record("dossier.result_signed", "dossier", row["id"], {
        "method": method, "sha256": stored.sha256, "source_sha256": source,
        "certificate": key["fingerprint"], "signed_at": facts.signed_at.isoformat()},
        actor_id=user.id)


async def _sign_on_server(row, draft, user, at):
    if draft is None:
        raise signing.SignatureRefused(NO_DRAFT)
    key = await service.server_key(user_id=user.id)
    if key is None:
        raise signing.SignatureRefused(
            "Máy chủ không giữ khóa ký số của ông/bà: tải dự thảo về, ký bằng thiết bị ký số "
            "(USB token) hoặc dịch vụ ký số từ xa rồi tải tệp đã ký lên.")
    agency = await Agency.select(Agency.name).where(Agency.id == row["agency"]).first()
    signed, facts = await signing.sign_with(
        key, store.read(draft["sha256"]), signer_name=user.full_name,
        agency_name=agency["name"] if agency else "", at=at, reason="Ký ban hành kết quả")
    return signed, facts, key


async def _accept_upload(row, draft, sha256, user, at):
    data = store.read(sha256)
    facts = await signing.inspect(data)
    problem = logic.refusal(
        facts, signer_fingerprints=await service.user_fingerprints(user.id),
        reached_step_at=await _step_entered_at(row), now=at,
        is_the_draft=draft is None or data.startswith(store.read(draft["sha256"])))
    if problem:
        raise signing.SignatureRefused(problem)
    key = await SigningCertificate.select().where(
        SigningCertificate.fingerprint == facts.signer_fingerprint).first()
    return data, facts, key


async def _step_entered_at(row: dict) -> datetime | None:
    events = await DossierEvent.select(DossierEvent.step, DossierEvent.at).where(
        DossierEvent.dossier == row["id"]).order_by(DossierEvent.id)
    return logic.step_entered_at([(e["step"], e["at"]) for e in events], row["current_step"])


async def issue(dossier_id: int, user: CurrentUser, at: datetime) -> str:
    """Make the latest signed file the dossier's result; its SHA-256."""
    signature = await latest_signature(dossier_id)
    if signature is None:
        raise TransitionError("Kết quả chưa được ký số hợp lệ nên chưa thể ban hành.")
    issued = await DossierResult.select(DossierResult.signed_sha256).where(
        DossierResult.dossier == dossier_id).first()
    if issued is not None and issued["signed_sha256"] == signature["sha256"]:
        raise TransitionError("Kết quả đã ký này đã được ban hành.")
    if not store.verify(signature["sha256"]):
        raise TransitionError("Tệp kết quả đã ký không còn nguyên vẹn trong kho lưu trữ; "
                              "cần ký lại.")
    # Issuing again replaces the earlier result (e.g. re-signed after a step was returned).
    await DossierResult.delete().where(DossierResult.dossier == dossier_id)
    await DossierResult(
        dossier=dossier_id, file=signature["file"], sha256=signature["sha256"], issued_at=at,
        issued_by=user.id, signed_sha256=signature["sha256"], signed_by=signature["signer"],
        signed_at=signature["signed_at"],
        certificate_fingerprint=signature["certificate_fingerprint"]).save()
    await file_result(dossier_id, signature["file"])
    return signature["sha256"]


async def _stored(sha256: str) -> dict:
    stored = await StoredFile.select(StoredFile.id).where(StoredFile.sha256 == sha256).first()
    if stored is None:
        raise TransitionError("Không tìm thấy tệp đã tải lên; vui lòng chọn lại tệp.")
    return stored

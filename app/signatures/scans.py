"""Signing the electronic copy of a paper component (chuyển đổi giấy sang điện tử) with the
receiving agency's organisational certificate, when the server holds one."""

from __future__ import annotations

from datetime import datetime

from app.dossiers.tables import StoredFile
from app.signatures import service, signing
from app.signatures.tables import DocumentSignature

REASON = "Chuyển đổi văn bản giấy sang văn bản điện tử"


async def sign_scan(dossier: dict, pdf: bytes, at: datetime) -> tuple[bytes, dict | None]:
    """The scan signed by the agency that received the dossier, with the facts to record;
    the scan unchanged and None when that agency has no organisational key on the server.
    Raises `signing.SignatureRefused` when a key is configured but cannot sign."""
    agency_id = dossier.get("receiving_agency") or dossier["agency"]
    key = await service.server_key(agency_id=agency_id)
    if key is None:
        return pdf, None
    signed, facts = await signing.sign_with(key, pdf, signer_name=key["common_name"],
                                            agency_name="", at=at, reason=REASON)
    return signed, {"key": key, "facts": facts}


async def record(dossier_id: int, stored: StoredFile, source_sha256: str, signed: dict,
                 user_id: int, at: datetime) -> None:
    """The scan's signature row; inside the caller's transaction."""
    await DocumentSignature(
        purpose="scan", dossier=dossier_id, file=stored.id, sha256=stored.sha256,
        source_sha256=source_sha256, method="server", certificate=signed["key"]["id"],
        certificate_fingerprint=signed["key"]["fingerprint"], signer=None,
        signer_name=signed["facts"].signer_name, signed_at=signed["facts"].signed_at,
        recorded_at=at, recorded_by=user_id).save()


async def signed_scans(dossier_id: int) -> dict[str, dict]:
    """The signatures of the dossier's scans, by the signed file's SHA-256."""
    rows = await DocumentSignature.select(
        DocumentSignature.sha256, DocumentSignature.signer_name, DocumentSignature.signed_at,
    ).where((DocumentSignature.dossier == dossier_id) & (DocumentSignature.purpose == "scan"))
    return {row["sha256"]: row for row in rows}

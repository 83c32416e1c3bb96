"""Registering who signs with which certificate (the IT team's `python -m app signing …`),
and finding the certificate a signature needs. Every change is audited."""

from __future__ import annotations

from app.accounts.tables import User
from app.audit import service as audit
from app.db import write_transaction
from app.directory.tables import Agency
from app.formatting import now_utc
from app.prepared import prepared
from app.signatures.certificates import (
    CertificateFacts,
    CertificateProblem,
    pkcs12_certificate,
    read_certificate,
    read_key_files,
)
from app.signatures.tables import SigningCertificate


async def register(*, username: str = "", agency_code: str = "", certificate: bytes = b"",
                   pkcs12_path: str = "", passphrase_path: str = "") -> int:
    """Register a certificate for a user, or for an agency (its organisational certificate).

    With a PKCS#12 file (and the file holding its passphrase) the server can sign with it;
    with only the certificate, the holder signs elsewhere (USB token, remote signing) and
    the system recognises the signature. The key files must be readable now."""
    if bool(username) == bool(agency_code):
        raise CertificateProblem("Chọn đúng một: --user (người ký) hoặc --agency (chứng thư "
                                 "số của cơ quan).")
    facts = _facts(certificate, pkcs12_path, passphrase_path)
    async with write_transaction():
        user_id, agency_id = await _holder(username, agency_code)
        if await SigningCertificate.exists().where(
                SigningCertificate.fingerprint == facts.fingerprint):
            raise CertificateProblem("Chứng thư số này đã được đăng ký.")
        row = SigningCertificate(
            user=user_id, agency=agency_id, certificate_pem=facts.pem,
            fingerprint=facts.fingerprint, subject=facts.subject,
            common_name=facts.common_name, not_before=facts.not_before,
            not_after=facts.not_after, pkcs12_path=pkcs12_path,
            passphrase_path=passphrase_path, active=True, created_at=now_utc())
        await row.save()
        await audit.record("signing.certificate_registered", "signing_certificate", row.id, {
            "user": user_id, "agency": agency_id, "fingerprint": facts.fingerprint,
            "subject": facts.subject, "server_key": bool(pkcs12_path)})
    return row.id


def _facts(certificate: bytes, pkcs12_path: str, passphrase_path: str) -> CertificateFacts:
    if not pkcs12_path:
        if not certificate:
            raise CertificateProblem("Cần --certificate (tệp PEM) hoặc --pkcs12 và "
                                     "--passphrase-file.")
        return read_certificate(certificate)
    if not passphrase_path:
        raise CertificateProblem("Tệp PKCS#12 cần --passphrase-file (tệp chứa mật khẩu).")
    facts = pkcs12_certificate(*read_key_files(pkcs12_path, passphrase_path))
    if certificate and read_certificate(certificate).fingerprint != facts.fingerprint:
        raise CertificateProblem("Chứng thư số không khớp với chứng thư trong tệp PKCS#12.")
    return facts


async def _holder(username: str, agency_code: str) -> tuple[int | None, int | None]:
    if username:
        user = await User.select(User.id).where(
            (User.username == username) & User.active.eq(True)).first()
        if user is None:
            raise CertificateProblem(f"Không có tài khoản đang hoạt động tên {username}.")
        return user["id"], None
    agency = await Agency.select(Agency.id).where(Agency.code == agency_code).first()
    if agency is None:
        raise CertificateProblem(f"Không có cơ quan mã {agency_code}.")
    return None, agency["id"]


async def disable(certificate_id: int) -> None:
    async with write_transaction():
        row = await SigningCertificate.select(SigningCertificate.active).where(
            SigningCertificate.id == certificate_id).first()
        if row is None:
            raise CertificateProblem(f"Không có chứng thư số số {certificate_id}.")
        if not row["active"]:
            raise CertificateProblem("Chứng thư số này đã bị vô hiệu hóa.")
        await SigningCertificate.update({
            SigningCertificate.active: False, SigningCertificate.disabled_at: now_utc(),
        }).where(SigningCertificate.id == certificate_id)
        await audit.record("signing.certificate_disabled", "signing_certificate",
                           certificate_id, {})


async def registrations() -> list[dict]:
    return await SigningCertificate.select(
        SigningCertificate.id, SigningCertificate.common_name, SigningCertificate.fingerprint,
        SigningCertificate.not_after, SigningCertificate.active, SigningCertificate.pkcs12_path,
        SigningCertificate.user.username.as_alias("username"),
        SigningCertificate.agency.code.as_alias("agency_code"),
    ).order_by(SigningCertificate.id)


async def user_fingerprints(user_id: int) -> set[str]:
    """The active certificates of a person: an upload signed with any of them is theirs."""
    rows = await SigningCertificate.select(SigningCertificate.fingerprint).where(
        (SigningCertificate.user == user_id) & SigningCertificate.active.eq(True))
    return {row["fingerprint"] for row in rows}


async def server_key(*, user_id: int | None = None, agency_id: int | None = None
                     ) -> dict | None:
    """The newest active certificate of a person (or, without `user_id`, an agency's
    organisational one) whose key the server holds."""
    return await _server_key(user_id=user_id, agency_id=None if user_id is not None
                             else agency_id)


@prepared  # asked on every opening of the staff dossier page ("Ký số" button)
def _server_key(user_id, agency_id):
    holder = (SigningCertificate.user == user_id) if user_id is not None else (
        (SigningCertificate.agency == agency_id) & SigningCertificate.user.is_null())
    return SigningCertificate.select().where(
        holder & SigningCertificate.active.eq(True) & (SigningCertificate.pkcs12_path != "")
    ).order_by(SigningCertificate.id, ascending=False).first()

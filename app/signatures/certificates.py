"""Reading certificates, server-held keys and the trust roots from files.

`MOTCUA_SIGNING_TRUST_ROOTS` names a PEM bundle of the root certificates whose signers the
province trusts (e.g. the national root CA of the Ban Cơ yếu Chính phủ and licensed CAs).
Empty: no root is trusted, so no uploaded signature is accepted and the server signs
nothing. Behind HTTPS (`MOTCUA_HTTPS=1`) a root made by `app.signatures.authority` (the
demo's) is never trusted: it is left out and the reason logged.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from app.settings import get_settings
from app.signatures.authority import DEMO_MARKER

log = logging.getLogger(__name__)


class CertificateProblem(ValueError):
    """A certificate or key file that cannot be used; the text is Vietnamese."""


@dataclass(frozen=True)
class CertificateFacts:
    pem: str
    fingerprint: str  # SHA-256 of the DER encoding, lower-case hex
    subject: str
    common_name: str
    not_before: datetime
    not_after: datetime


def read_certificate(data: bytes) -> CertificateFacts:
    """The facts of one PEM (or DER) certificate."""
    try:
        cert = (x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data
                else x509.load_der_x509_certificate(data))
    except ValueError:
        raise CertificateProblem("Tệp chứng thư số không đọc được (cần PEM hoặc DER).") from None
    from cryptography.hazmat.primitives.serialization import Encoding

    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return CertificateFacts(
        pem=cert.public_bytes(Encoding.PEM).decode(),
        fingerprint=cert.fingerprint(hashes.SHA256()).hex(),
        subject=cert.subject.rfc4514_string(),
        common_name=str(names[0].value) if names else cert.subject.rfc4514_string(),
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc)


def read_key_files(pkcs12_path: str, passphrase_path: str) -> tuple[bytes, bytes | None]:
    """The PKCS#12 bytes and its passphrase (the passphrase file's first line)."""
    try:
        data = Path(pkcs12_path).read_bytes()
        secret = Path(passphrase_path).read_text().strip().encode() if passphrase_path else None
    except OSError as exc:
        raise CertificateProblem(f"Không đọc được tệp khóa ký số trên máy chủ ({exc.strerror})."
                                 ) from None
    return data, secret


def pkcs12_certificate(pkcs12_data: bytes, passphrase: bytes | None) -> CertificateFacts:
    """The signer's certificate inside a PKCS#12 file (checks the passphrase opens it)."""
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    try:
        _, cert, _ = pkcs12.load_key_and_certificates(pkcs12_data, passphrase)
    except ValueError:
        raise CertificateProblem("Không mở được tệp PKCS#12 bằng mật khẩu đã cho.") from None
    if cert is None:
        raise CertificateProblem("Tệp PKCS#12 không chứa chứng thư số của người ký.")
    return read_certificate(cert.public_bytes(Encoding.PEM))


def trust_roots_path() -> str:
    return os.environ.get("MOTCUA_SIGNING_TRUST_ROOTS", "").strip()


def trust_roots() -> list[asn1_x509.Certificate]:
    """The configured trust roots, read at each use (a renewed bundle needs no restart)."""
    path = trust_roots_path()
    if not path:
        return []
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        log.error("MOTCUA_SIGNING_TRUST_ROOTS=%s cannot be read: %s", path, exc)
        return []
    blocks = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) \
        else [data]
    roots = []
    for der in blocks:
        try:
            cert = asn1_x509.Certificate.load(der)
            subject = cert.subject.human_friendly  # parses now: a broken root is skipped
        except (ValueError, TypeError):
            log.error("MOTCUA_SIGNING_TRUST_ROOTS=%s holds something that is not a "
                      "certificate; skipped", path)
            continue
        if get_settings().https and DEMO_MARKER in subject:
            log.error("Trust root %s is a demo certificate; not trusted behind HTTPS", subject)
            continue
        roots.append(cert)
    return roots

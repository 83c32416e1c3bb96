"""A small certificate authority made with `cryptography`: the demo's CA and signers
(`seed --demo`) and the tests' (tests/signing_world.py). Never a production CA.

Every certificate it makes carries `DEMO_MARKER` as its organisational unit, so a server
running behind HTTPS can refuse to trust a demo root (`app.signatures.certificates`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

DEMO_MARKER = "MOTCUA-DEMO (không có giá trị pháp lý)"


@dataclass(frozen=True)
class Issued:
    """A certificate with its private key."""

    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def fingerprint(self) -> str:
        return self.certificate.fingerprint(hashes.SHA256()).hex()


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEMO_MARKER),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, content_commitment=not ca, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False)


def make_ca(common_name: str, now: datetime, *, organisation: str = "Một Cửa",
            years: int = 10) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name, organisation)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256()))
    return Issued(certificate, key)


def issue(ca: Issued, common_name: str, now: datetime, *, organisation: str = "Một Cửa",
          valid_from: datetime | None = None, days: int = 365 * 3) -> Issued:
    """A signer's certificate (digital signature and non-repudiation) issued by `ca`."""
    key = ec.generate_private_key(ec.SECP256R1())
    start = valid_from or now - timedelta(days=1)
    certificate = (
        x509.CertificateBuilder().subject_name(_name(common_name, organisation))
        .issuer_name(ca.certificate.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(ca=False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            ca.key.public_key()), critical=False)
        .sign(ca.key, hashes.SHA256()))
    return Issued(certificate, key)


def pkcs12_bytes(signer: Issued, ca: Issued, passphrase: bytes) -> bytes:
    """The signer's key, certificate and CA chain, encrypted with `passphrase`."""
    return pkcs12.serialize_key_and_certificates(
        b"motcua", signer.key, signer.certificate, [ca.certificate],
        serialization.BestAvailableEncryption(passphrase))

"""The demo's certificates (`seed --demo`): a demo CA and a server-held key for every leader
and every agency with a counter (its organisational certificate), written to
var/demo-signing/ (never committed) and registered. `make run` points
MOTCUA_SIGNING_TRUST_ROOTS at the demo CA; behind HTTPS that root is never trusted
(`app.signatures.certificates`). Loading twice adds nothing."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from app.accounts.roles import Role
from app.accounts.tables import UserAgency
from app.directory.tables import Agency
from app.formatting import now_utc
from app.settings import get_settings
from app.signatures import service
from app.signatures.authority import Issued, issue, make_ca, pkcs12_bytes
from app.signatures.tables import SigningCertificate


def demo_directory() -> Path:
    return get_settings().var_dir / "demo-signing"


def _write_secret(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def demo_ca(directory: Path) -> Issued:
    from cryptography import x509

    cert_path, key_path = directory / "ca.pem", directory / "ca.key"
    if cert_path.exists() and key_path.exists():
        return Issued(x509.load_pem_x509_certificate(cert_path.read_bytes()),
                      serialization.load_pem_private_key(key_path.read_bytes(), None))
    ca = make_ca("CA thử nghiệm Một Cửa", now_utc())
    _write_secret(key_path, ca.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    cert_path.write_bytes(ca.pem)
    return ca


async def _give_key(ca: Issued, directory: Path, name: str, common_name: str,
                    organisation: str, **holder: str) -> None:
    passphrase = secrets.token_urlsafe(24).encode()
    p12, secret = directory / f"{name}.p12", directory / f"{name}.pass"
    _write_secret(p12, pkcs12_bytes(issue(ca, common_name, now_utc(),
                                          organisation=organisation), ca, passphrase))
    _write_secret(secret, passphrase + b"\n")
    await service.register(pkcs12_path=str(p12), passphrase_path=str(secret), **holder)


async def create_demo_signers() -> int:
    """Keys for leaders and counter agencies that have none yet; how many were made."""
    directory = demo_directory()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    ca = demo_ca(directory)
    held_users = {r["user"] for r in await SigningCertificate.select(SigningCertificate.user)}
    held_agencies = {r["agency"] for r in await SigningCertificate.select(
        SigningCertificate.agency).where(SigningCertificate.user.is_null())}
    made = 0
    leaders = await UserAgency.select(
        UserAgency.user, UserAgency.user.username.as_alias("username"),
        UserAgency.user.full_name.as_alias("full_name"),
        UserAgency.agency.name.as_alias("agency_name"),
    ).where((UserAgency.user.role == Role.LEADER.value) & UserAgency.user.active.eq(True))
    for leader in leaders:
        if leader["user"] not in held_users:
            held_users.add(leader["user"])
            await _give_key(ca, directory, leader["username"], leader["full_name"],
                            leader["agency_name"], username=leader["username"])
            made += 1
    counters = await UserAgency.select(UserAgency.agency).where(
        UserAgency.user.role == Role.COUNTER_OFFICER.value)
    for agency in await Agency.select(Agency.id, Agency.code, Agency.name).where(
            Agency.id.is_in([c["agency"] for c in counters] or [-1])):
        if agency["id"] not in held_agencies:
            await _give_key(ca, directory, f"co-quan-{agency['code']}", agency["name"],
                            agency["name"], agency_code=agency["code"])
            made += 1
    return made

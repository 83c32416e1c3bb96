"""Certificates for tests, made with `cryptography` (through app.signatures.authority): a CA
the tests trust (`MOTCUA_SIGNING_TRUST_ROOTS`), another CA nobody trusts, signers whose key
the server holds, and signers who sign "elsewhere" (a USB token's stand-in: the test holds
the key and signs with pyHanko itself). Also the walk of a result from draft to issue.

Use the `signing` fixture (it needs `db`); the process helper's Chromium walk reuses
`Signing.give_key` and `trust_roots_file`.
"""

from __future__ import annotations

import asyncio
import functools
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfWriter

from app.formatting import now_utc
from app.signatures import pades, service
from app.signatures.authority import Issued, issue, make_ca, pkcs12_bytes
from app.signatures.logic import stamp_text

PASSPHRASE = b"mat-khau-khoa-ky-so"


@functools.cache
def trusted_ca() -> Issued:
    return make_ca("CA thử nghiệm được tin cậy", now_utc())


@functools.cache
def other_ca() -> Issued:
    return make_ca("CA lạ không được tin cậy", now_utc())


@functools.cache
def draft_pdf(pages: int = 1) -> bytes:
    """A small valid PDF (blank A4 pages) to stand for a draft result."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def trust_roots_file(directory: Path) -> Path:
    path = directory / "trust-roots.pem"
    path.write_bytes(trusted_ca().pem)
    return path


@dataclass
class Signing:
    directory: Path

    def _key_files(self, issued: Issued, ca: Issued, name: str) -> tuple[str, str]:
        p12 = self.directory / f"{name}.p12"
        p12.write_bytes(pkcs12_bytes(issued, ca, PASSPHRASE))
        secret = self.directory / f"{name}.pass"
        secret.write_bytes(PASSPHRASE + b"\n")
        return str(p12), str(secret)

    async def give_key(self, username: str, full_name: str, *, ca: Issued | None = None
                       ) -> Issued:
        """A certificate for the user whose PKCS#12 the server holds ("Ký số" works)."""
        ca = ca or trusted_ca()
        issued = issue(ca, full_name, now_utc())
        p12, secret = self._key_files(issued, ca, username)
        await service.register(username=username, pkcs12_path=p12, passphrase_path=secret)
        return issued

    async def give_agency_key(self, agency_code: str, name: str) -> Issued:
        issued = issue(trusted_ca(), name, now_utc())
        p12, secret = self._key_files(issued, trusted_ca(), f"agency-{agency_code}")
        await service.register(agency_code=agency_code, pkcs12_path=p12, passphrase_path=secret)
        return issued

    async def give_token(self, username: str, full_name: str, *, ca: Issued | None = None
                         ) -> Issued:
        """A certificate registered for the user while the key stays on their USB token
        (here: with the test, which signs with `sign_elsewhere`)."""
        issued = issue(ca or trusted_ca(), full_name, now_utc())
        await service.register(username=username, certificate=issued.pem)
        return issued

    async def sign_elsewhere(self, issued: Issued, pdf: bytes, at: datetime | None = None, *,
                             ca: Issued | None = None) -> bytes:
        """What the token's software returns: `pdf` with the holder's PAdES signature."""
        name = issued.certificate.subject.rfc4514_string()
        at = at or now_utc()
        return await asyncio.to_thread(
            pades.sign, pdf, pkcs12_bytes(issued, ca or trusted_ca(), PASSPHRASE), PASSPHRASE,
            field="USB-token", at=at, stamp_text=stamp_text(name[:40], "", at))


@pytest.fixture
def signing(db, tmp_path, monkeypatch) -> Signing:
    directory = tmp_path / "keys"
    directory.mkdir()
    monkeypatch.setenv("MOTCUA_SIGNING_TRUST_ROOTS", str(trust_roots_file(directory)))
    return Signing(directory)


async def sign_and_issue(dossier_id: int, drafter, leader, pdf: bytes | None = None) -> None:
    """Draft → approval → "Ký số" on the server (the leader needs `give_key`) → issue."""
    from app.files import store
    from app.workflow import Action
    from app.workflow.service import perform

    draft = await store.store(pdf or draft_pdf(), "application/pdf")
    await perform(dossier_id, drafter, Action.ATTACH_DRAFT, sha256=draft.sha256)
    await perform(dossier_id, leader, Action.APPROVE)
    await perform(dossier_id, leader, Action.SIGN, signing="server")
    await perform(dossier_id, leader, Action.ISSUE_RESULT)


def give_live_key(server, username: str, full_name: str) -> None:
    """For a live server seeded with the demo (tests/browser): a key from the demo CA for a
    user the test created, registered through the CLI as the IT team would."""
    from app.signatures.demo import demo_ca

    directory = server.var_dir / "demo-signing"
    ca = demo_ca(directory)
    (directory / f"{username}.p12").write_bytes(
        pkcs12_bytes(issue(ca, full_name, now_utc()), ca, PASSPHRASE))
    (directory / f"{username}.pass").write_bytes(PASSPHRASE + b"\n")
    server.cli("signing", "add", "--user", username, "--pkcs12",
               str(directory / f"{username}.p12"), "--passphrase-file",
               str(directory / f"{username}.pass"))

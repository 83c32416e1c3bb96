"""Signing with a server-held key and checking a file signed elsewhere: the two ways a
signature reaches the system, shared by results and digitised scans.

pyHanko runs in a worker thread (it drives its own event loop and costs CPU). Every file
the server signs is validated at once by the same validator as an upload, so nothing is
recorded as signed that would not pass the check a citizen or an auditor can make.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from app.settings import get_settings
from app.signatures import logic
from app.signatures.certificates import CertificateProblem, read_key_files, trust_roots
from app.signatures.logic import Problem, SignatureFacts


class SignatureRefused(ValueError):
    """The signature cannot be made or accepted; the text is Vietnamese."""


_SERVER_REASONS = {
    Problem.UNTRUSTED: "chứng thư số đăng ký không do tổ chức tin cậy cấp "
                       "(xem cấu hình MOTCUA_SIGNING_TRUST_ROOTS).",
}


async def sign_with(key: dict, pdf: bytes, *, signer_name: str, agency_name: str,
                    at: datetime, reason: str) -> tuple[bytes, SignatureFacts]:
    """`pdf` signed with the registered certificate `key` (a signing_certificate row whose
    PKCS#12 the server holds), stamped with the signer, the agency and the time `at`."""
    problem = logic.certificate_problem(key["not_before"], key["not_after"], at)
    if problem:
        raise SignatureRefused(problem)
    try:
        pkcs12, passphrase = read_key_files(key["pkcs12_path"], key["passphrase_path"])
    except CertificateProblem as exc:
        raise SignatureRefused(str(exc)) from None
    stamp = logic.stamp_text(signer_name, agency_name, at)
    from app.signatures import pades  # pyHanko takes seconds to import: only when signing

    try:
        signed = await asyncio.to_thread(
            pades.sign, pdf, pkcs12, passphrase, field=f"MotCua-{at:%Y%m%d%H%M%S%f}",
            stamp_text=stamp, at=at, location=get_settings().province_name, reason=reason)
    except pades.SigningFailed as exc:
        raise SignatureRefused(str(exc)) from None
    facts = await inspect(signed)
    problem = logic.integrity_problem(facts)
    if problem is not None:
        reason_text = _SERVER_REASONS.get(problem, logic.REASONS[problem])
        raise SignatureRefused(f"Ký số không thành công: {reason_text}")
    if facts.signer_fingerprint != key["fingerprint"]:
        raise SignatureRefused("Ký số không thành công: tệp PKCS#12 trên máy chủ không chứa "
                               "chứng thư số đã đăng ký.")
    return signed, facts


async def inspect(pdf: bytes) -> SignatureFacts:
    """The facts of the file's last signature against the configured trust roots."""
    from app.signatures import pades

    return await asyncio.to_thread(pades.inspect, pdf, trust_roots())

"""What the archive records about a signed PDF, without touching its bytes.

A signed result is kept byte for byte (re-rendering would break the signature); beside it
goes a report of its signatures: each one's byte range as the file states it, and the
validation of the last by `app.signatures` (pyHanko against the configured trust roots,
no network): intact, covering the whole file, certificate trusted, who and when.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING

from app.signatures import signing
from app.signatures.logic import integrity_problem, message

if TYPE_CHECKING:  # imported where used: ~6 MB the web process rarely needs (issue #21)
    import pikepdf

REPORT_SCHEMA = "motcua-signature-report/2"


def _text(value) -> str:
    return str(value) if value is not None else ""


def _signature_fields(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    acroform = pdf.Root.get("/AcroForm")
    if acroform is None:
        return []
    found = []
    for field in acroform.get("/Fields", []):
        value = field.get("/V")
        if field.get("/FT") == "/Sig" and value is not None and "/ByteRange" in value:
            found.append(value)
    return found


def signatures(data: bytes) -> list[dict]:
    """Each signature's facts, in file order; empty for an unsigned PDF."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            values = _signature_fields(pdf)
            facts = []
            for value in values:
                start, first, second, length = (int(n) for n in value["/ByteRange"])
                facts.append({
                    "signer": _text(value.get("/Name")),
                    "signing_time": _text(value.get("/M")),
                    "sub_filter": _text(value.get("/SubFilter")).lstrip("/"),
                    "byte_range": [start, first, second, length],
                    "covers_whole_file": start == 0 and second + length == len(data),
                })
            return facts
    except (pikepdf.PdfError, ValueError):
        return []


def is_signed(data: bytes) -> bool:
    return bool(signatures(data))


async def report(data: bytes, sha256: str, checked_at: datetime) -> dict:
    """The validation report kept beside a signed document (JSON in the archive)."""
    facts = await signing.inspect(data)
    problem = integrity_problem(facts)
    return {
        "schema": REPORT_SCHEMA,
        "document_sha256": sha256,
        "checked_at": checked_at.isoformat(),
        "signatures": signatures(data),
        "last_signature": {
            "valid": problem is None,
            "problem": message(problem) if problem else "",
            "intact": facts.intact, "covers_whole_file": facts.whole_file,
            "certificate_trusted": facts.trusted, "signer": facts.signer_name,
            "certificate_sha256": facts.signer_fingerprint,
            "signed_at": facts.signed_at.isoformat() if facts.signed_at else None,
        },
        "checked_with": "pyHanko, trust roots of MOTCUA_SIGNING_TRUST_ROOTS, no revocation "
                        "fetching",
        "note": "Chữ ký được giữ nguyên; tệp lưu trữ là đúng tệp đã ký (cùng SHA-256).",
    }

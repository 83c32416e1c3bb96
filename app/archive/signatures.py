"""What the archive records about a signed PDF, without touching its bytes.

A signed result is kept byte for byte (re-rendering would break the signature); beside it
goes a report of its signatures: who, when, and whether the last signature still covers
the whole file (its /ByteRange spans every byte but the signature itself, so nothing was
appended after signing). Certificate-chain validation belongs to `app.signatures`
(branch w13-sign); until it is merged the report says the chain was not checked.
"""

from __future__ import annotations

import io
from datetime import datetime

import pikepdf

REPORT_SCHEMA = "motcua-signature-report/1"


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


def report(data: bytes, sha256: str, checked_at: datetime) -> dict:
    """The validation report kept beside a signed document (JSON in the archive)."""
    found = signatures(data)
    return {
        "schema": REPORT_SCHEMA,
        "document_sha256": sha256,
        "checked_at": checked_at.isoformat(),
        "signatures": found,
        "intact": bool(found) and found[-1]["covers_whole_file"],
        "certificate_chain_checked": False,
        "note": "Chữ ký được giữ nguyên; tệp lưu trữ là đúng tệp đã ký (cùng SHA-256).",
    }

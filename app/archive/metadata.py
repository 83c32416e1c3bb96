"""The description of an archival file per Thông tư 02/2019/TT-BNV, as the JSON manifest
(`metadata.json`) kept in the file's folder and in every package. Pure: no I/O.

Field names are English in the JSON; `FILE_FIELDS` and `DOCUMENT_FIELDS` give the
Vietnamese name of each, printed in the indexes, so an archivist reads the same words as
in the circular.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from app.archive.logic import Retention, Usage, document_filename, document_identifier

SCHEMA = "motcua-archival-file/1"
STANDARD = "Thông tư số 02/2019/TT-BNV"

FILE_FIELDS = {
    "code": "Mã hồ sơ", "title": "Tiêu đề hồ sơ", "retention": "Thời hạn bảo quản",
    "usage": "Chế độ sử dụng", "language": "Ngôn ngữ", "start_date": "Thời gian bắt đầu",
    "end_date": "Thời gian kết thúc", "document_count": "Tổng số văn bản trong hồ sơ",
    "page_count": "Số lượng trang của hồ sơ", "keywords": "Từ khóa", "notes": "Ghi chú",
}
DOCUMENT_FIELDS = {
    "identifier": "Mã định danh văn bản", "number_symbol": "Số và ký hiệu văn bản",
    "date": "Ngày, tháng, năm văn bản", "type": "Tên loại văn bản",
    "summary": "Trích yếu nội dung", "issuing_agency": "Tên cơ quan, tổ chức ban hành",
    "signer": "Người ký", "pages": "Số trang", "format": "Định dạng",
    "reliability": "Mức độ tin cậy", "sha256": "Mã kiểm tra (SHA-256)",
}


@dataclass(frozen=True)
class FileFacts:
    code: str
    title: str
    retention: Retention
    start: datetime
    end: datetime
    keywords: str
    notes: str
    agency_name: str
    dossier_code: str
    language: str = "Tiếng Việt"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def describe_documents(code: str, pieces: list) -> list[dict]:
    """Number the documents in order and describe each (`pieces`: documents.Piece)."""
    described = []
    for position, piece in enumerate(pieces, start=1):
        described.append({
            "position": position, "identifier": document_identifier(code, position),
            "source": piece.source, "number_symbol": piece.number_symbol,
            "date": piece.doc_date.isoformat(), "type": piece.doc_type,
            "summary": piece.summary, "issuing_agency": piece.issuing_agency,
            "signer": piece.signer, "pages": piece.pages, "format": piece.format,
            "reliability": piece.reliability, "conversion": piece.conversion.value,
            "language": "Tiếng Việt",
            "filename": document_filename(position, piece.name, piece.extension),
            "size": len(piece.data), "sha256": sha256_hex(piece.data),
        })
    return described


def manifest(facts: FileFacts, documents: list[dict], generated_at: datetime) -> dict:
    return {
        "schema": SCHEMA, "standard": STANDARD, "generated_at": generated_at.isoformat(),
        "file": {
            "code": facts.code, "title": facts.title,
            "retention": facts.retention.label, "retention_years": facts.retention.years,
            "usage": Usage(facts.retention.usage).label, "language": facts.language,
            "start_date": facts.start.date().isoformat(),
            "end_date": facts.end.date().isoformat(),
            "document_count": len(documents),
            "page_count": sum(d["pages"] for d in documents),
            "keywords": facts.keywords, "notes": facts.notes,
            "agency": facts.agency_name, "dossier_code": facts.dossier_code,
        },
        "documents": documents,
    }


def manifest_bytes(data: dict) -> bytes:
    """Stable bytes: the same description always hashes the same."""
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()



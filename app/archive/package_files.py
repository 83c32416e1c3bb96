"""The descriptive files of a hand-over package, from its listing (one dict per archival
file, `package.listing`): the index of files (mục lục hồ sơ) as XLSX and PDF, the package
description as JSON, and the hand-over record (biên bản giao nhận). No database here.

A file destroyed after hand-over stays in the index, marked with the approved list that
destroyed it, so the package always accounts for every file it ever held.
"""

from __future__ import annotations

import io
import json
from datetime import datetime

from app.archive.logic import Usage, retention_label
from app.archive.render import record_pdf
from app.documents.cells import safe_cell
from app.documents.letterhead import Letterhead
from app.formatting import format_date, format_datetime, format_number

INDEX_XLSX = "muc-luc-ho-so.xlsx"
INDEX_PDF = "muc-luc-ho-so.pdf"
RECORD_PDF = "bien-ban-giao-nhan.pdf"
DESCRIPTION_JSON = "goi-nop-luu.json"
SCHEMA = "motcua-hand-over-package/1"
HEADERS = ("STT", "Mã hồ sơ", "Tiêu đề hồ sơ", "Thời gian bắt đầu", "Thời gian kết thúc",
           "Số văn bản", "Số trang", "Thời hạn bảo quản", "Chế độ sử dụng", "Ghi chú")


def disposal_note(row: dict) -> str:
    if not row.get("disposed_at"):
        return ""
    return (f"Đã hủy ngày {format_date(row['disposed_at'])} theo danh mục "
            f"{row['disposal_code']} do {row['decided_by_name']} phê duyệt "
            f"({row['decision']}).")


def _cells(number: int, row: dict) -> list:
    notes = " ".join(part for part in (row["notes"], disposal_note(row)) if part)
    return [number, row["code"], row["title"], format_date(row["start_at"]),
            format_date(row["end_at"]), row["document_count"], row["page_count"],
            retention_label(row["retention_years"]), Usage(row["usage"]).label, notes]


def index_xlsx(package: dict, rows: list[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    # Fixed document dates: the same listing gives the same workbook.
    book.properties.created = book.properties.modified = package["requested_at"].replace(
        tzinfo=None)
    book.properties.creator = "Một Cửa"
    sheet = book.active
    sheet.title = "Mục lục hồ sơ"
    sheet.append([safe_cell(f"MỤC LỤC HỒ SƠ — {package['agency_name']}")])
    sheet.append([safe_cell(f"Gói nộp lưu {package['code']}, hồ sơ kết thúc từ "
                            f"{format_date(package['period_from'])} đến "
                            f"{format_date(package['period_to'])}")])
    sheet.append([])
    sheet.append([safe_cell(h) for h in HEADERS])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(rows, start=1):
        sheet.append([safe_cell(value) for value in _cells(number, row)])
    sheet.freeze_panes = "C5"
    for column, width in (("B", 42), ("C", 60), ("J", 50)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def totals(rows: list[dict]) -> dict[str, int]:
    kept = [r for r in rows if not r.get("disposed_at")]
    return {"files": len(kept), "documents": sum(r["document_count"] for r in kept),
            "pages": sum(r["page_count"] for r in kept), "disposed": len(rows) - len(kept)}


def index_pdf(package: dict, rows: list[dict], moment: datetime, head: Letterhead) -> bytes:
    return record_pdf("archive/pdf/package_index.html", head, p=package, headers=HEADERS,
                      rows=[_cells(n, r) for n, r in enumerate(rows, start=1)],
                      totals=totals(rows), moment=moment)


def record(package: dict, rows: list[dict], size_bytes: int, moment: datetime,
           head: Letterhead) -> bytes:
    years = sorted({r["year"] for r in rows})
    return record_pdf("archive/pdf/handover_record.html", head, p=package, totals=totals(rows),
                      size=format_number(round(size_bytes / 1_048_576, 2)),
                      years=f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]),
                      when=format_datetime(moment), moment=moment)


def description(package: dict, rows: list[dict]) -> bytes:
    data = {
        "schema": SCHEMA, "code": package["code"], "agency": package["agency_name"],
        "agency_code": package["agency_code"],
        "period": [package["period_from"].isoformat(), package["period_to"].isoformat()],
        "totals": totals(rows),
        "files": [{
            "code": r["code"], "title": r["title"], "folder": f"data/{r['code']}",
            "manifest": f"data/{r['code']}/metadata.json",
            "manifest_sha256": r["manifest_sha256"], "documents": r["document_count"],
            "pages": r["page_count"], "retention": retention_label(r["retention_years"]),
            "disposed": disposal_note(r) or None,
        } for r in rows],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()

"""Workbooks in the national procedure database's format, built by the tests (never a
committed binary): `procedures(n)` gives n procedures of two agencies with components."""

from __future__ import annotations

from app.catalog_io.logic import COMPONENT_COLUMNS, COMPONENT_SHEET, PROCEDURE_SHEET
from app.documents.sheets import write_workbook

REQUIRED = ["Mã TTHC", "Tên TTHC", "Lĩnh vực", "Cấp thực hiện", "Cơ quan thực hiện",
            "Thời hạn giải quyết", "Đơn vị thời hạn", "Phí/lệ phí", "Đối tượng thực hiện",
            "Cách thức thực hiện", "Mức độ DVCTT", "Số QĐ công bố", "Ngày QĐ công bố"]
OPTIONAL = ["Trình tự thực hiện", "Kết quả thực hiện", "Căn cứ pháp lý"]
FIELDS = ["Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng"]


def procedure_row(n: int, agency: str, **changes) -> dict:
    row = {
        "Mã TTHC": f"1.{n:06d}", "Tên TTHC": f"Thủ tục nhập số {n}",
        "Lĩnh vực": FIELDS[n % len(FIELDS)], "Cấp thực hiện": "Cấp tỉnh",
        "Cơ quan thực hiện": agency, "Thời hạn giải quyết": 3 + n % 5,
        "Đơn vị thời hạn": "Ngày làm việc", "Phí/lệ phí": 0 if n % 3 else 50000,
        "Đối tượng thực hiện": "Công dân Việt Nam; Tổ chức",
        "Cách thức thực hiện": "Trực tiếp; Trực tuyến", "Mức độ DVCTT": "Một phần",
        "Số QĐ công bố": "15/QĐ-UBND", "Ngày QĐ công bố": "05/01/2026",
        "Trình tự thực hiện": "Bước 1: Nộp hồ sơ. Bước 2: Thẩm định. Bước 3: Trả kết quả.",
        "Kết quả thực hiện": "Văn bản chấp thuận",
        "Căn cứ pháp lý": "Nghị định 61/2018/NĐ-CP (hiệu lực từ 21/06/2018)",
    }
    row.update(changes)
    return row


def component_rows(n: int) -> list[list]:
    code = f"1.{n:06d}"
    return [[code, "Đơn đề nghị", "Bản chính", 1, "Có", "Mẫu đơn số 01"],
            [code, "Giấy tờ chứng minh", "Bản sao chứng thực", 2, "Không", ""]]


def workbook(rows: list[dict], components: list[list]) -> bytes:
    headers = REQUIRED + OPTIONAL
    return write_workbook([
        (PROCEDURE_SHEET, headers, [[row.get(h, "") for h in headers] for row in rows]),
        (COMPONENT_SHEET, [c.header for c in COMPONENT_COLUMNS], components),
    ])


def procedures(count: int, agencies: tuple[str, str], start: int = 1) -> bytes:
    numbers = range(start, start + count)
    return workbook([procedure_row(n, agencies[n % 2]) for n in numbers],
                    [c for n in numbers for c in component_rows(n)])

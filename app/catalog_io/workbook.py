"""The import template and the catalogue export, in the import's own format (so an export
imported again changes nothing). Built by code, never a committed binary."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.catalog.content import ProcedureContent
from app.catalog.reading import latest_in_force
from app.catalog.tables import Field, Procedure, ProcedureVersion
from app.catalog.versions import VersionStatus
from app.catalog_io.logic import (
    COMPONENT_COLUMNS,
    COMPONENT_SHEET,
    KIND_WORDS,
    LEVEL_WORDS,
    METHOD_WORDS,
    ONLINE_WORDS,
    PROCEDURE_COLUMNS,
    PROCEDURE_SHEET,
    UNIT_WORDS,
    basis_text,
)
from app.directory.tables import Agency
from app.documents.sheets import write_workbook

GUIDE_SHEET = "Hướng dẫn"
GUIDE = [
    ["Mỗi dòng ở trang 'Thủ tục' là một thủ tục; thành phần hồ sơ ở trang "
     "'Thành phần hồ sơ', nối với thủ tục bằng Mã TTHC."],
    ["Ghi Mã TTHC dạng chữ (định dạng ô Text) để Excel không đổi 1.000480 thành 1,00048."],
    ["Cấp thực hiện: Cấp tỉnh, Cấp xã hoặc Cấp trung ương."],
    ["Đơn vị thời hạn: Giờ làm việc, Ngày làm việc, Ngày hoặc Tháng."],
    ["Phí/lệ phí: số tiền (đồng), 'Không', hoặc cách tính bằng lời."],
    ["Cách thức thực hiện: Trực tiếp; Trực tuyến; Dịch vụ bưu chính (cách nhau bằng ;)."],
    ["Mức độ DVCTT: Toàn trình, Một phần hoặc Không."],
    ["Ngày: dd/mm/yyyy. Ngày có hiệu lực để trống thì lấy ngày ký quyết định."],
    ["Căn cứ pháp lý: mỗi văn bản một dòng, ví dụ 'Luật Hộ tịch 2014 (hiệu lực từ "
     "01/01/2016)'."],
    ["Cơ quan thực hiện: tên hoặc mã cơ quan đã khai báo trong hệ thống."],
    ["Nhập thử (kiểm tra) trước: hệ thống báo mọi lỗi theo trang, dòng, cột và không ghi gì."],
]


def _headers(columns) -> list[str]:
    return [c.header for c in columns]


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == int(amount) else float(amount)


def _procedure_row(content: ProcedureContent, agency: dict, field_name: str,
                   decision: dict | None) -> list:
    values = {
        "code": content.code, "name": content.name, "field": field_name,
        "level": LEVEL_WORDS.get(content.level, ""), "agency": agency["name"],
        "agency_code": agency["code"], "time_limit": _number(content.time_limit_amount),
        "time_unit": UNIT_WORDS.get(content.time_limit_unit, ""),
        "fee": content.fee_amount or "Không", "subjects": content.subjects,
        "methods": "; ".join(METHOD_WORDS[m] for m in content.methods),
        "online_level": ONLINE_WORDS.get(content.online_level, ""),
        "decision_number": decision["number"] if decision else "",
        "decision_date": decision["signed_on"] if decision else None,
        "effective_date": decision["effective_from"] if decision else None,
        "steps_text": content.steps_text, "result_text": content.result_text,
        "conditions": content.conditions, "legal_bases": basis_text(content.legal_bases),
        "where_to_submit": content.where_to_submit, "fee_text": content.fee_text,
        "fee_exemptions": content.fee_exemptions,
        "online_payment": "Có" if content.online_payment else "Không",
    }
    return [values[c.key] for c in PROCEDURE_COLUMNS]


def _component_rows(content: ProcedureContent) -> list[list]:
    return [[content.code, c.name, KIND_WORDS.get(c.kind, ""), c.quantity,
             "Có" if c.required else "Không", c.form_name] for c in content.components]


def template() -> bytes:
    example = ProcedureContent(
        code="1.001193", name="Đăng ký khai sinh", level="xa", subjects="Công dân Việt Nam",
        methods=("in_person", "online", "post"), time_limit_amount=Decimal(1),
        time_limit_unit="working_days", online_level="full", result_text="Giấy khai sinh",
        steps_text="Bước 1: Nộp hồ sơ. Bước 2: Nhận kết quả.")
    row = _procedure_row(example, {"name": "Ủy ban nhân dân xã ...", "code": ""}, "Hộ tịch",
                         {"number": "123/QĐ-UBND", "signed_on": date(2026, 1, 15),
                          "effective_from": date(2026, 1, 15)})
    components = [["1.001193", "Tờ khai đăng ký khai sinh", "Bản chính", 1, "Có",
                   "Mẫu TK khai sinh"]]
    return write_workbook([
        (PROCEDURE_SHEET, _headers(PROCEDURE_COLUMNS), [row]),
        (COMPONENT_SHEET, _headers(COMPONENT_COLUMNS), components),
        (GUIDE_SHEET, ["Cách điền"], GUIDE),
    ])


async def export() -> bytes:
    """Every public procedure in force, with the decision of its in-force version."""
    procedures = await Procedure.select(Procedure.id).where(
        Procedure.active.eq(True) & Procedure.internal.eq(False)).order_by(Procedure.code)
    agencies = {a["id"]: a for a in await Agency.select(Agency.id, Agency.code, Agency.name)}
    fields = {f["id"]: f["name"] for f in await Field.select(Field.id, Field.name)}
    decisions = {row["procedure"]: row for row in await ProcedureVersion.select(
        ProcedureVersion.procedure, ProcedureVersion.decision.number.as_alias("number"),
        ProcedureVersion.decision.signed_on.as_alias("signed_on"),
        ProcedureVersion.decision.effective_from.as_alias("effective_from"),
    ).where((ProcedureVersion.status == VersionStatus.IN_FORCE.value)
            & ProcedureVersion.decision.is_not_null())}
    rows, components = [], []
    for procedure in procedures:
        content = await latest_in_force(procedure["id"])
        rows.append(_procedure_row(content, agencies[content.agency_id],
                                   fields.get(content.field_id, ""),
                                   decisions.get(procedure["id"])))
        components += _component_rows(content)
    return write_workbook([
        (PROCEDURE_SHEET, _headers(PROCEDURE_COLUMNS), rows),
        (COMPONENT_SHEET, _headers(COMPONENT_COLUMNS), components),
    ])

"""Reading the national procedure database's spreadsheet. Pure: no I/O.

Sheet "Thủ tục" has one procedure a row (the columns of `PROCEDURE_COLUMNS`; the optional
ones fill more of the public page); sheet "Thành phần hồ sơ" has the components keyed by
Mã TTHC. `parse` turns the rows into `Imported` procedures and reports every problem by
sheet, row and column in Vietnamese; the service decides what to add or amend and writes
only when there is no problem at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.catalog.content import Component, LegalBasis
from app.catalog.editor import parse_amount, parse_money
from app.documents.sheets import Column, Problem, cell_day, cell_text, header_map, is_blank
from app.text import fold

PROCEDURE_SHEET = "Thủ tục"
COMPONENT_SHEET = "Thành phần hồ sơ"
PROCEDURE_COLUMNS = [
    Column("code", "Mã TTHC"), Column("name", "Tên TTHC"), Column("field", "Lĩnh vực"),
    Column("level", "Cấp thực hiện"), Column("agency", "Cơ quan thực hiện"),
    Column("time_limit", "Thời hạn giải quyết"), Column("time_unit", "Đơn vị thời hạn"),
    Column("fee", "Phí/lệ phí"), Column("subjects", "Đối tượng thực hiện"),
    Column("methods", "Cách thức thực hiện"), Column("online_level", "Mức độ DVCTT"),
    Column("decision_number", "Số QĐ công bố"), Column("decision_date", "Ngày QĐ công bố"),
    Column("effective_date", "Ngày có hiệu lực", False),
    Column("agency_code", "Mã cơ quan", False),
    Column("steps_text", "Trình tự thực hiện", False),
    Column("result_text", "Kết quả thực hiện", False),
    Column("conditions", "Yêu cầu, điều kiện", False),
    Column("legal_bases", "Căn cứ pháp lý", False),
    Column("where_to_submit", "Nơi tiếp nhận", False),
    Column("fee_text", "Mô tả phí, lệ phí", False),
    Column("fee_exemptions", "Miễn, giảm phí, lệ phí", False),
    Column("online_payment", "Thanh toán trực tuyến", False),
]
COMPONENT_COLUMNS = [
    Column("code", "Mã TTHC"), Column("name", "Tên thành phần hồ sơ"),
    Column("kind", "Loại bản", False), Column("quantity", "Số lượng", False),
    Column("required", "Bắt buộc", False), Column("form", "Mẫu đơn, tờ khai", False),
]
HEADERS = {c.key: c.header for c in PROCEDURE_COLUMNS + COMPONENT_COLUMNS}

UNITS = {"gio": "hours", "gio lam viec": "hours", "ngay lam viec": "working_days",
         "ngay": "calendar_days", "ngay lich": "calendar_days", "ngay theo lich": "calendar_days",
         "thang": "months"}
UNIT_WORDS = {"hours": "Giờ làm việc", "working_days": "Ngày làm việc",
              "calendar_days": "Ngày", "months": "Tháng"}
LEVELS = {"cap tinh": "tinh", "tinh": "tinh", "cap xa": "xa", "xa": "xa",
          "cap trung uong": "trung_uong", "trung uong": "trung_uong"}
LEVEL_WORDS = {"tinh": "Cấp tỉnh", "xa": "Cấp xã", "trung_uong": "Cấp trung ương"}
ONLINE = {"toan trinh": "full", "muc do 4": "full", "mot phan": "partial",
          "muc do 3": "partial", "khong": "none", "": "none", "muc do 2": "none"}
ONLINE_WORDS = {"full": "Toàn trình", "partial": "Một phần", "none": "Không"}
METHOD_WORDS = {"in_person": "Trực tiếp", "online": "Trực tuyến", "post": "Dịch vụ bưu chính"}
KINDS = {"ban chinh": "original", "ban sao chung thuc": "certified_copy", "ban sao": "copy",
         "ban chinh hoac ban sao": "any", "": "original"}
KIND_WORDS = {"original": "Bản chính", "certified_copy": "Bản sao chứng thực",
              "copy": "Bản sao", "any": "Bản chính hoặc bản sao"}
YES, NO = {"co", "x", "1", "true"}, {"khong", "", "0", "false"}
_BASIS_DAY = re.compile(r"\(\s*hiệu lực(?: từ)?\s*(\d{1,2}/\d{1,2}/\d{4})\s*\)\s*$", re.I)


@dataclass
class Imported:
    """One procedure row, read and checked; `present` names the optional columns the file
    has (a missing column keeps what the catalogue holds, a blank cell empties it)."""

    row: int
    code: str
    name: str
    field_name: str
    level: str
    agency_id: int | None
    time_limit_amount: Decimal
    time_limit_unit: str
    fee_amount: int
    subjects: str
    methods: tuple[str, ...]
    online_level: str
    decision_number: str
    decision_date: date | None
    effective_date: date | None
    optional: dict[str, object] = field(default_factory=dict)
    components: list[Component] = field(default_factory=list)


@dataclass
class Parsed:
    procedures: list[Imported]
    problems: list[Problem]
    refused_rows: set[int] = field(default_factory=set)


def _methods(text: str) -> tuple[tuple[str, ...], str | None]:
    found = []
    for part in re.split(r"[;,\n]", text):
        word = fold(part)
        if not word:
            continue
        method = ("online" if "truc tuyen" in word else "in_person" if "truc tiep" in word
                  else "post" if "buu chinh" in word else None)
        if method is None:
            return (), f"không hiểu cách thức '{part.strip()}' (Trực tiếp, Trực tuyến, " \
                        "Dịch vụ bưu chính)."
        if method not in found:
            found.append(method)
    return tuple(m for m in METHOD_WORDS if m in found), None


def legal_bases(text: str) -> tuple[LegalBasis, ...]:
    """One basis a line: "Luật Hộ tịch 2014 (hiệu lực từ 01/01/2016)"."""
    bases = []
    for line in re.split(r"[\n;]", text):
        line = line.strip()
        if not line:
            continue
        match = _BASIS_DAY.search(line)
        day = cell_day(match.group(1)) if match else None
        bases.append(LegalBasis(line[:match.start()].strip() if match else line,
                                day if isinstance(day, date) else None))
    return tuple(bases)


def basis_text(bases: tuple[LegalBasis, ...]) -> str:
    return "\n".join(f"{b.title} (hiệu lực từ {b.effective_from:%d/%m/%Y})"
                     if b.effective_from else b.title for b in bases)


def _yes_no(text: str) -> bool | None:
    word = fold(text)
    return True if word in YES else False if word in NO else None


class _Row:
    """Reads one row's cells and collects its problems."""

    def __init__(self, sheet: str, number: int, values: tuple, mapping: dict[str, int]):
        self.sheet, self.number, self.values, self.mapping = sheet, number, values, mapping
        self.problems: list[Problem] = []

    def raw(self, key: str):
        index = self.mapping.get(key)
        return self.values[index] if index is not None and index < len(self.values) else None

    def text(self, key: str, limit: int = 2000) -> str:
        return cell_text(self.raw(key))[:limit]

    def fail(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.sheet, self.number, HEADERS[key], message))

    def required(self, key: str, limit: int = 500) -> str:
        value = self.text(key, limit)
        if not value:
            self.fail(key, "ô này không được để trống.")
        return value


def _procedure(row: _Row, agencies: dict[str, list[int]]) -> Imported:
    code = row.required("code", 40)
    if isinstance(row.raw("code"), int | float):
        row.fail("code", "Mã TTHC phải ghi dạng chữ (định dạng ô Text), ví dụ 1.000001: "
                         "bảng tính đã đổi mã thành số.")
    agency_key = row.text("agency_code", 60) or row.required("agency", 255)
    matches = agencies.get(fold(agency_key), []) if agency_key else []
    if agency_key and not matches:
        row.fail("agency_code" if row.text("agency_code") else "agency",
                 f"không tìm thấy cơ quan '{agency_key}'; khai báo cơ quan trước khi nhập.")
    elif len(matches) > 1:
        row.fail("agency", f"có nhiều cơ quan tên '{agency_key}'; ghi thêm cột 'Mã cơ quan'.")
    level_text = row.required("level", 60)
    level = LEVELS.get(fold(level_text))
    if level_text and level is None:
        row.fail("level", "ghi một cấp: Cấp tỉnh, Cấp xã hoặc Cấp trung ương.")
    amount = parse_amount(row.text("time_limit"))
    if amount is None or amount <= 0:
        row.fail("time_limit", "thời hạn là một số lớn hơn 0, ví dụ 5 hoặc 0,5.")
    unit = UNITS.get(fold(row.text("time_unit")))
    if unit is None:
        row.fail("time_unit", "đơn vị phải là Giờ làm việc, Ngày làm việc, Ngày hoặc Tháng.")
    fee_cell = row.raw("fee")
    fee_text = row.text("fee", 1000)
    fee = parse_money(fee_text) if not isinstance(fee_cell, float) or fee_cell.is_integer() \
        else None
    optional: dict[str, object] = {}
    if fee is None and re.match(r"^\s*-\s*\d", fee_text):
        row.fail("fee", "phí, lệ phí không được âm.")
    elif fee is None and isinstance(fee_cell, int | float):
        row.fail("fee", "phí, lệ phí là số đồng nguyên.")
    elif fee is None:
        fee = 0  # a rule in words ("Theo Nghị quyết…"), kept as the fee's description
        optional["fee_text"] = fee_text if fold(fee_text) not in ("khong", "mien phi") else ""
    methods, problem = _methods(row.required("methods"))
    if problem:
        row.fail("methods", problem)
    online = ONLINE.get(fold(row.text("online_level")))
    if online is None:
        row.fail("online_level", "ghi Toàn trình, Một phần hoặc Không.")
    decision = row.required("decision_number", 80)
    decided = cell_day(row.raw("decision_date"))
    if not isinstance(decided, date):
        row.fail("decision_date", "ghi ngày ký quyết định dạng dd/mm/yyyy.")
    effective = cell_day(row.raw("effective_date"))
    if isinstance(effective, str):
        row.fail("effective_date", "ghi ngày dạng dd/mm/yyyy.")
    elif isinstance(effective, date) and isinstance(decided, date) and effective < decided:
        row.fail("effective_date", "ngày có hiệu lực không thể trước ngày ký quyết định.")
    for key in ("steps_text", "result_text", "conditions", "where_to_submit", "fee_exemptions"):
        if key in row.mapping:
            optional[key] = row.text(key, 4000)
    if row.text("fee_text"):  # an explicit description wins over a rule in the fee cell
        optional["fee_text"] = row.text("fee_text", 4000)
    elif "fee_text" in row.mapping:
        optional.setdefault("fee_text", "")
    if "legal_bases" in row.mapping:
        optional["legal_bases"] = legal_bases(row.text("legal_bases", 4000))
    if "online_payment" in row.mapping:
        paid = _yes_no(row.text("online_payment"))
        if paid is None:
            row.fail("online_payment", "ghi Có hoặc Không.")
        optional["online_payment"] = bool(paid)
    return Imported(
        row=row.number, code=code, name=row.required("name"),
        field_name=row.required("field", 200), level=level or "",
        agency_id=matches[0] if len(matches) == 1 else None,
        time_limit_amount=amount or Decimal(0), time_limit_unit=unit or "",
        fee_amount=fee or 0, subjects=row.text("subjects"), methods=methods,
        online_level=online or "none", decision_number=decision,
        decision_date=decided if isinstance(decided, date) else None,
        effective_date=effective if isinstance(effective, date) else None, optional=optional)


def _component(row: _Row) -> Component:
    quantity_text = row.text("quantity") or "1"
    if not quantity_text.isdigit() or not 1 <= int(quantity_text) <= 99:
        row.fail("quantity", "số lượng là số nguyên từ 1 đến 99.")
    kind = KINDS.get(fold(row.text("kind")))
    if kind is None:
        row.fail("kind", "ghi Bản chính, Bản sao chứng thực, Bản sao hoặc "
                         "Bản chính hoặc bản sao.")
    required = _yes_no(row.text("required") or "Có")
    if required is None:
        row.fail("required", "ghi Có hoặc Không.")
    return Component(name=row.required("name"), kind=kind or "original",
                     quantity=int(quantity_text) if quantity_text.isdigit() else 1,
                     required=required is not False, form_name=row.text("form", 200))


def _rows(sheets: dict[str, list[tuple]], name: str, columns, problems: list[Problem]):
    rows = sheets.get(name)
    if not rows:
        problems.append(Problem(name, 0, "", "không có trang này (hoặc trang trống) trong tệp."))
        return
    mapping, missing = header_map(name, rows[0], columns)
    problems.extend(missing)
    if missing:
        return
    for number, values in enumerate(rows[1:], start=2):
        if not all(is_blank(v) for v in values):
            yield _Row(name, number, values, mapping)


def parse(sheets: dict[str, list[tuple]], agencies: dict[str, list[int]]) -> Parsed:
    """The procedures of a workbook and every problem; `agencies` maps a folded agency
    code or name to the ids it may mean."""
    problems: list[Problem] = []
    procedures: dict[str, Imported] = {}
    refused: set[int] = set()
    listed: set[str] = set()  # codes on the procedure sheet, read or refused
    for row in _rows(sheets, PROCEDURE_SHEET, PROCEDURE_COLUMNS, problems):
        procedure = _procedure(row, agencies)
        listed.add(procedure.code)
        first = procedures.get(procedure.code)
        if first is not None:
            row.fail("code", f"Mã TTHC {procedure.code} trùng với dòng {first.row}.")
        if row.problems:
            refused.add(row.number)
            problems.extend(row.problems)
        elif procedure.code:
            procedures[procedure.code] = procedure
    codes = {p.code for p in procedures.values()}
    names: dict[tuple[str, str], int] = {}
    for row in _rows(sheets, COMPONENT_SHEET, COMPONENT_COLUMNS, problems):
        code, component = row.text("code", 40), _component(row)
        # Components of a refused procedure say nothing more: its row's problems do.
        if code not in listed and not row.problems:
            row.fail("code", f"không có thủ tục mã '{code}' ở trang '{PROCEDURE_SHEET}'.")
        key = (code, fold(component.name))
        if key in names:
            row.fail("name", f"thành phần này đã có ở dòng {names[key]}.")
        names.setdefault(key, row.number)
        problems.extend(row.problems)
        if not row.problems and code in codes:
            procedures[code].components.append(component)
        elif code in procedures:
            refused.add(procedures[code].row)
    for procedure in procedures.values():
        if not procedure.components:
            problems.append(Problem(PROCEDURE_SHEET, procedure.row, HEADERS["code"],
                                    f"thủ tục {procedure.code} chưa có thành phần hồ sơ nào ở "
                                    f"trang '{COMPONENT_SHEET}'."))
            refused.add(procedure.row)
    sheet_order = {PROCEDURE_SHEET: 0, COMPONENT_SHEET: 1}
    problems.sort(key=lambda p: (sheet_order.get(p.sheet, 2), p.row, p.column))
    return Parsed([p for p in procedures.values() if p.row not in refused], problems, refused)

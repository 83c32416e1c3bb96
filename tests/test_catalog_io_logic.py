"""Reading the national procedure database's spreadsheet: every problem named by sheet,
row and column in Vietnamese; pure rules, no database."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.catalog.content import LegalBasis
from app.catalog_io import logic
from app.catalog_io.logic import COMPONENT_SHEET, PROCEDURE_SHEET, parse

HEADER = [c.header for c in logic.PROCEDURE_COLUMNS if c.required]
COMPONENT_HEADER = ["Mã TTHC", "Tên thành phần hồ sơ", "Loại bản", "Số lượng", "Bắt buộc",
                    "Mẫu đơn, tờ khai"]
AGENCIES = {"ubnd xa a": [1], "000.00.01.h55": [1], "so tu phap": [2], "trung ten": [3, 4]}


def row(**changes) -> list:
    values = {"Mã TTHC": "1.000001", "Tên TTHC": "Đăng ký khai sinh", "Lĩnh vực": "Hộ tịch",
              "Cấp thực hiện": "Cấp xã", "Cơ quan thực hiện": "UBND xã A",
              "Thời hạn giải quyết": 1, "Đơn vị thời hạn": "Ngày làm việc",
              "Phí/lệ phí": "Không", "Đối tượng thực hiện": "Công dân Việt Nam",
              "Cách thức thực hiện": "Trực tiếp; Trực tuyến; Dịch vụ bưu chính",
              "Mức độ DVCTT": "Toàn trình", "Số QĐ công bố": "101/QĐ-UBND",
              "Ngày QĐ công bố": "25/02/2026"}
    values.update(changes)
    return [values[h] for h in HEADER]


def sheets(rows, components=None, header=None) -> dict:
    components = components if components is not None else [
        ["1.000001", "Tờ khai đăng ký khai sinh", "Bản chính", 1, "Có", "Mẫu TK"]]
    return {PROCEDURE_SHEET: [tuple(header or HEADER), *map(tuple, rows)],
            COMPONENT_SHEET: [tuple(COMPONENT_HEADER), *map(tuple, components)]}


def problems_of(data) -> list[str]:
    return [str(p) for p in parse(data, AGENCIES).problems]


def test_a_good_row_is_read_into_a_procedure():
    parsed = parse(sheets([row()]), AGENCIES)
    assert parsed.problems == []
    [p] = parsed.procedures
    assert (p.code, p.level, p.agency_id, p.time_limit_unit) == ("1.000001", "xa", 1,
                                                                 "working_days")
    assert p.methods == ("in_person", "online", "post") and p.online_level == "full"
    assert p.decision_date == date(2026, 2, 25) and p.fee_amount == 0
    assert [c.name for c in p.components] == ["Tờ khai đăng ký khai sinh"]


def test_each_bad_cell_is_named_by_sheet_row_and_column():
    bad = sheets([
        row(),
        row(**{"Mã TTHC": "1.000002", "Cơ quan thực hiện": "Sở Không Có"}),
        row(**{"Mã TTHC": "1.000003", "Đơn vị thời hạn": "tuần"}),
        row(**{"Mã TTHC": "1.000004", "Phí/lệ phí": -50000}),
        row(),  # the same code again
        row(**{"Mã TTHC": "1.000005", "Ngày QĐ công bố": "31/02/2026"}),
        row(**{"Mã TTHC": "1.000006", "Cấp thực hiện": "Cấp tỉnh, Cấp xã"}),
    ], components=[["1.000001", "Tờ khai", "Bản photo", 0, "Có", ""],
                   ["9.999999", "Giấy tờ lạ", "Bản chính", 1, "Có", ""]])
    found = problems_of(bad)
    expected = [
        "Trang 'Thủ tục', dòng 3, cột 'Cơ quan thực hiện': không tìm thấy cơ quan 'Sở Không Có'",
        "Trang 'Thủ tục', dòng 4, cột 'Đơn vị thời hạn': đơn vị phải là Giờ làm việc, "
        "Ngày làm việc, Ngày hoặc Tháng.",
        "Trang 'Thủ tục', dòng 5, cột 'Phí/lệ phí': phí, lệ phí không được âm.",
        "Trang 'Thủ tục', dòng 6, cột 'Mã TTHC': Mã TTHC 1.000001 trùng với dòng 2.",
        "Trang 'Thủ tục', dòng 7, cột 'Ngày QĐ công bố': ghi ngày ký quyết định",
        "Trang 'Thủ tục', dòng 8, cột 'Cấp thực hiện': ghi một cấp",
        "Trang 'Thành phần hồ sơ', dòng 2, cột 'Loại bản'",
        "Trang 'Thành phần hồ sơ', dòng 2, cột 'Số lượng'",
        "Trang 'Thành phần hồ sơ', dòng 3, cột 'Mã TTHC': không có thủ tục mã '9.999999'",
    ]
    for text in expected:
        assert any(f.startswith(text) for f in found), (text, found)
    # The good first row is refused too: its only component row is wrong.
    assert parse(bad, AGENCIES).procedures == []


def test_missing_columns_and_sheets_are_reported_on_the_header_row():
    header = [h for h in HEADER if h != "Đơn vị thời hạn"]
    data = {PROCEDURE_SHEET: [tuple(header)]}
    found = problems_of(data)
    assert "Trang 'Thủ tục', dòng 1, cột 'Đơn vị thời hạn': thiếu cột này ở dòng tiêu đề." \
        in found
    assert "Trang 'Thành phần hồ sơ': không có trang này (hoặc trang trống) trong tệp." in found


def test_codes_typed_as_numbers_and_ambiguous_agencies_are_refused():
    found = problems_of(sheets([row(**{"Mã TTHC": 1.00048})]))
    assert any("định dạng ô Text" in f for f in found)
    found = problems_of(sheets([row(**{"Cơ quan thực hiện": "Trùng tên"})]))
    assert any("nhiều cơ quan" in f for f in found)


def test_a_procedure_without_components_is_refused():
    found = problems_of(sheets([row()], components=[]))
    assert any("chưa có thành phần hồ sơ" in f for f in found)


def test_values_in_the_spellings_officers_type():
    cases = [("Giờ", "hours"), ("giờ làm việc", "hours"), ("NGÀY LÀM VIỆC", "working_days"),
             ("Ngày", "calendar_days"), ("Tháng", "months")]
    for typed, unit in cases:
        [p] = parse(sheets([row(**{"Đơn vị thời hạn": typed})]), AGENCIES).procedures
        assert p.time_limit_unit == unit
    for typed, level in [("Mức độ 4", "full"), ("Một phần", "partial"), ("", "none")]:
        [p] = parse(sheets([row(**{"Mức độ DVCTT": typed})]), AGENCIES).procedures
        assert p.online_level == level
    [p] = parse(sheets([row(**{"Phí/lệ phí": "50.000 đồng", "Thời hạn giải quyết": "0,5",
                               "Ngày QĐ công bố": datetime(2026, 2, 25)})]),
                AGENCIES).procedures
    assert p.fee_amount == 50000 and p.time_limit_amount == Decimal("0.5")
    [p] = parse(sheets([row(**{"Phí/lệ phí": "Theo Nghị quyết của HĐND tỉnh"})]),
                AGENCIES).procedures
    assert p.fee_amount == 0 and p.optional["fee_text"] == "Theo Nghị quyết của HĐND tỉnh"


def test_legal_bases_keep_their_effective_dates_both_ways():
    bases = (LegalBasis("Luật Hộ tịch số 60/2014/QH13", date(2016, 1, 1)),
             LegalBasis("Nghị định 123/2015/NĐ-CP", None))
    assert logic.legal_bases(logic.basis_text(bases)) == bases


def test_optional_columns_are_read_when_present():
    header = [*HEADER, "Trình tự thực hiện", "Thanh toán trực tuyến", "Ngày có hiệu lực"]
    good = row() + ["Bước 1: Nộp. Bước 2: Nhận.", "Có", "01/03/2026"]
    [p] = parse(sheets([good], header=header), AGENCIES).procedures
    assert p.optional == {"steps_text": "Bước 1: Nộp. Bước 2: Nhận.", "online_payment": True,
                          "fee_text": ""}  # "Không" in the fee cell: no fee, no rule
    assert p.effective_date == date(2026, 3, 1)
    early = row() + ["", "Có", "01/01/2026"]
    assert any("không thể trước ngày ký" in f
               for f in problems_of(sheets([early], header=header)))


cell = st.one_of(st.none(), st.text(max_size=30), st.integers(-10**6, 10**6),
                 st.floats(allow_nan=False, allow_infinity=False), st.dates())


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(cell, min_size=len(HEADER), max_size=len(HEADER)), max_size=6),
       st.lists(st.lists(cell, min_size=6, max_size=6), max_size=6))
def test_any_cells_give_procedures_or_problems_never_a_crash(rows, components):
    parsed = parse(sheets(rows, components), AGENCIES)
    # Every row is either read or named in a problem; nothing is silently dropped.
    rows_seen = {p.row for p in parsed.procedures} | {
        p.row for p in parsed.problems if p.sheet == PROCEDURE_SHEET}
    nonblank = {n for n, r in enumerate(rows, start=2) if any(
        v is not None and str(v).strip() for v in r)}
    assert nonblank <= rows_seen
    for procedure in parsed.procedures:
        assert procedure.time_limit_amount > 0 and procedure.fee_amount >= 0
        assert procedure.components and procedure.agency_id is not None

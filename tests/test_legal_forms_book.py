"""The tracking book: filters (pure), safe cells, the page (plain GET and htmx fragment)
and the XLSX export read back with openpyxl."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from app.documents.cells import safe_cell
from app.dossiers.logic import Status
from app.legal_forms.book import FilterError, parse_filter
from tests.legal_forms_world import as_, world  # noqa: F401  (fixture)

TODAY = date(2026, 12, 3)


def test_default_filter_is_this_month_so_far():
    f = parse_filter({}, TODAY)
    assert (f.date_from, f.date_to, f.procedure_id, f.status, f.page) == (
        date(2026, 12, 1), TODAY, None, None, 1)


def test_filter_parses_dates_procedure_status_and_page():
    f = parse_filter({"tu_ngay": "01/11/2026", "den_ngay": "30/11/2026", "thu_tuc": "7",
                      "trang_thai": "4", "trang": "3"}, TODAY)
    assert (f.date_from, f.date_to, f.procedure_id, f.status, f.page) == (
        date(2026, 11, 1), date(2026, 11, 30), 7, Status.PROCESSING, 3)
    assert f.end.isoformat() == "2026-12-01T00:00:00+07:00"
    assert parse_filter(f.query(), TODAY) == parse_filter({**f.query(), "trang": "1"}, TODAY)


@pytest.mark.parametrize(("params", "message"), [
    ({"tu_ngay": "2026-11-01"}, "dd/mm/yyyy"),
    ({"den_ngay": "31/02/2026"}, "dd/mm/yyyy"),
    ({"tu_ngay": "05/11/2026", "den_ngay": "01/11/2026"}, "phải sau"),
    ({"tu_ngay": "01/01/2025", "den_ngay": "03/12/2026"}, "một năm"),
    ({"thu_tuc": "abc"}, "Thủ tục"),
    ({"trang_thai": "42"}, "Trạng thái"),
])
def test_bad_filters_have_vietnamese_messages(params, message):
    with pytest.raises(FilterError, match=message):
        parse_filter(params, TODAY)


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+84905", "'+84905"),
    ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("Nguyễn Văn An", "Nguyễn Văn An"), ("", ""), (5, 5), (None, None),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_book_page_fragment_and_xlsx(client, world):  # noqa: F811
    as_(client, world["counter"])
    page = client.get("/mot-cua/so-theo-doi")
    assert page.status_code == 200 and "<html" in page.text
    assert "Y Blông Ê Ban" in page.text and "Dừng xử lý" in page.text
    fragment = client.get("/mot-cua/so-theo-doi", headers={
        "HX-Request": "true", "HX-Target": "book"})
    assert "<html" not in fragment.text and "Y Blông Ê Ban" in fragment.text
    stopped_only = client.get("/mot-cua/so-theo-doi?trang_thai=10")
    assert "Y Blông Ê Ban" not in stopped_only.text
    bad = client.get("/mot-cua/so-theo-doi?tu_ngay=hom-qua")
    assert bad.status_code == 400 and "dd/mm/yyyy" in bad.text

    export = client.get("/mot-cua/so-theo-doi/xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet["A1"].value == "SỔ THEO DÕI HỒ SƠ"
    assert sheet["B3"].value == "Mã hồ sơ"
    assert sheet["E4"].value == "Y Blông Ê Ban" and sheet["A4"].value == 1
    assert client.get("/mot-cua/so-theo-doi/xlsx?den_ngay=x").status_code == 400


def test_other_agencys_book_is_refused(client, world):  # noqa: F811
    as_(client, world["stranger"])
    page = client.get("/mot-cua/so-theo-doi")
    assert page.status_code == 200 and "Y Blông Ê Ban" not in page.text
    assert client.get("/mot-cua/so-theo-doi?bo_phan=1").status_code == 400

"""Spreadsheets and report files that print as documents (issue #16): the tracking book
with real dates and an A4 print setup; the monthly report with the issuing agency's
letterhead, its number and a signature block, in the PDF and in the XLSX."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from app.directory.tables import Agency
from app.documents.sheet_print import DATETIME_FORMAT
from app.files import store
from app.reports import service
from app.reports.logic import monthly_period
from app.reports.tables import ReportExport
from tests.legal_forms_world import as_, world  # noqa: F401  (fixture)
from tests.pdf_layout import find_phrase, on_one_line, pages_of_words

pytestmark = pytest.mark.anyio


def assert_prints_on_a4_landscape_one_page_wide(sheet, heading_rows: str) -> None:
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation) == (9, "landscape")
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == heading_rows


def test_tracking_book_has_real_dates_and_print_setup(client, world):  # noqa: F811
    as_(client, world["counter"])
    sheet = load_workbook(io.BytesIO(client.get("/mot-cua/so-theo-doi/xlsx").content)).active
    received, due = sheet["H4"], sheet["I4"]
    assert isinstance(received.value, datetime) and isinstance(due.value, datetime)
    assert received.number_format == due.number_format == DATETIME_FORMAT
    assert received.value < due.value
    assert sheet["J4"].value is None or isinstance(sheet["J4"].value, datetime)
    assert_prints_on_a4_landscape_one_page_wide(sheet, "$3:$3")


@pytest.fixture
async def office(db):
    province = Agency(code="000.00.00.H55", name="Ủy ban nhân dân tỉnh Quảng Ngãi",
                      kind="ubnd_tinh")
    await province.save()
    office = Agency(code="000.00.01.H55", name="Văn phòng Ủy ban nhân dân tỉnh Quảng Ngãi",
                    kind="van_phong", parent=province.id)
    await office.save()
    return office


async def stored(export_id: int, kind: str) -> bytes:
    sha, _ = await service.file_for(export_id, kind)
    return store.read(sha)


async def test_report_pdf_is_issued_numbered_and_signed(office):
    first = await service.export_period(monthly_period(2026, 3), trigger="on_demand")
    pages = pages_of_words(await stored(first, "pdf"))
    words = pages[0]
    title = find_phrase(words, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    parent, issuer = find_phrase(words, "UBND TỈNH QUẢNG NGÃI"), find_phrase(words, "VĂN PHÒNG")
    assert title and on_one_line(title) and parent and issuer and parent[0].y0 < issuer[0].y0
    assert find_phrase(words, "Số: 01/BC-VP")
    assert find_phrase(words, "Quảng Ngãi, ngày")
    last = pages[-1]
    assert find_phrase(last, "CHÁNH VĂN PHÒNG") and find_phrase(last, "Nơi nhận:")
    second = await service.export_period(monthly_period(2026, 4), trigger="on_demand")
    assert find_phrase(pages_of_words(await stored(second, "pdf"))[0], "Số: 02/BC-VP")
    assert await ReportExport.count() == 2


async def test_report_xlsx_has_the_same_letterhead_and_signature(office):
    export_id = await service.export_period(monthly_period(2026, 3), trigger="on_demand")
    book = load_workbook(io.BytesIO(await stored(export_id, "xlsx")))
    for sheet in book.worksheets:
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        flat = [v for row in values for v in row if v is not None]
        assert values[0][0] == "UBND TỈNH QUẢNG NGÃI" and values[1][0] == "VĂN PHÒNG"
        assert "Số: 01/BC-VP" in flat and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
        assert "CHÁNH VĂN PHÒNG" in flat and "Nơi nhận:" in flat
        heading = next(i for i, row in enumerate(values, start=1) if row[0] == "STT")
        assert_prints_on_a4_landscape_one_page_wide(sheet, f"${heading}:${heading}")


async def test_report_without_a_provincial_office_still_exports(db):
    export_id = await service.export_period(monthly_period(2026, 3), trigger="on_demand")
    words = pages_of_words(await stored(export_id, "pdf"))[0]
    assert find_phrase(words, "BÁO CÁO") and not find_phrase(words, "Số:")

"""No exported cell is ever a formula (XLSX and CSV), whatever an applicant typed."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from app.documents.cells import FORMULA_TRIGGERS, safe_cell, safe_row

HOSTILE = ["=1+1", '=HYPERLINK("http://xau.vn","Bấm vào")', "+84905123456", "-2+3",
           "@SUM(A1:A9)", "=cmd|' /C calc'!A0", "\t=1", "\r=1", "＝1+1", "Nguyễn =1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_text_is_defused(text):
    cell = safe_cell(text)
    assert isinstance(cell, str)
    assert not cell.startswith(FORMULA_TRIGGERS)
    assert cell.lstrip("'") == text or text == "Nguyễn =1"


@pytest.mark.parametrize("value", [42, -7, 3.5, Decimal("12038400"), date(2026, 3, 25),
                                   True, None])
def test_typed_values_pass_through(value):
    assert safe_cell(value) is value


@given(st.text())
def test_no_text_ever_becomes_a_formula_in_xlsx(text):
    workbook = Workbook()
    workbook.active.append(safe_row([text, "Nguyễn Văn An"]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    cell = load_workbook(io.BytesIO(buffer.getvalue())).active["A1"]
    assert cell.data_type != "f"
    assert cell.value is None or not str(cell.value).startswith(FORMULA_TRIGGERS)


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_csv_cells_never_start_a_formula(values):
    buffer = io.StringIO()
    csv.writer(buffer).writerow(safe_row(values))
    (row,) = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert all(not cell.startswith(FORMULA_TRIGGERS) for cell in row)

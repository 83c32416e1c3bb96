"""Importing the national database's spreadsheet: dry run writes nothing, a real run adds
and amends by code in one transaction, twice is the same as once, bad rows write nothing,
and the export reads back as unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.audit.tables import AuditEntry
from app.catalog.tables import (
    Field,
    Procedure,
    ProcedureComponent,
    ProcedureVersion,
    PublishingDecision,
)
from app.catalog_io import workbook
from app.catalog_io.service import import_workbook
from app.documents.sheets import read_workbook
from tests import factories
from tests.catalog_workbooks import component_rows, procedure_row, procedures
from tests.catalog_workbooks import workbook as build

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
AGENCIES = ("Sở Tư pháp", "Sở Xây dựng")


async def counts() -> tuple[int, ...]:
    return (await Procedure.count(), await ProcedureVersion.count(),
            await ProcedureComponent.count(), await PublishingDecision.count(),
            await Field.count(), await AuditEntry.count())


@pytest.fixture
async def agencies(db):
    return [await factories.agency(name) for name in AGENCIES]


async def test_dry_run_reports_counts_and_writes_nothing(agencies):
    before = await counts()
    report = await import_workbook(procedures(20, AGENCIES), dry_run=True, now=NOW)
    assert report.problems == [] and len(report.added) == 20 and not report.written
    assert await counts() == before


async def test_real_run_adds_then_a_second_run_changes_nothing(agencies):
    data = procedures(20, AGENCIES)
    report = await import_workbook(data, dry_run=False, now=NOW)
    assert (len(report.added), len(report.amended), report.refused) == (20, 0, 0)
    assert report.written
    assert await Procedure.count() == 20 and await ProcedureComponent.count() == 40
    row = await Procedure.select().where(Procedure.code == "1.000003").first()
    assert row["active"] and row["fee_amount"] == 50000 and row["time_limit_unit"] == \
        "working_days"
    [decision] = await PublishingDecision.select()
    assert decision["number"] == "15/QĐ-UBND" and decision["signed_on"] == date(2026, 1, 5)
    after_first = await counts()
    again = await import_workbook(data, dry_run=False, now=NOW)
    assert (len(again.added), len(again.amended), len(again.unchanged)) == (0, 0, 20)
    # Nothing new but the audit entry of the run itself.
    assert (await counts())[:5] == after_first[:5]


async def test_a_changed_row_is_amended_under_its_new_decision(agencies):
    await import_workbook(procedures(3, AGENCIES), dry_run=False, now=NOW)
    rows = [procedure_row(n, AGENCIES[n % 2]) for n in (1, 2, 3)]
    rows[1] |= {"Thời hạn giải quyết": 10, "Số QĐ công bố": "99/QĐ-UBND",
                "Ngày QĐ công bố": "20/02/2026"}
    components = [c for n in (1, 2, 3) for c in component_rows(n)]
    report = await import_workbook(build(rows, components), dry_run=False, now=NOW)
    assert report.amended == ["1.000002"] and len(report.unchanged) == 2
    versions = await ProcedureVersion.select(
        ProcedureVersion.number, ProcedureVersion.change,
    ).where(ProcedureVersion.procedure.code == "1.000002").order_by(ProcedureVersion.number)
    assert [(v["number"], v["change"]) for v in versions] == [(1, "add"), (2, "amend")]


async def test_bad_rows_are_reported_and_nothing_is_written(agencies):
    rows = [procedure_row(n, AGENCIES[n % 2]) for n in (1, 2, 3, 4)]
    rows[1]["Cơ quan thực hiện"] = "Sở Không Tồn Tại"
    rows[2]["Đơn vị thời hạn"] = "tuần"
    rows[3]["Phí/lệ phí"] = -1000
    before = await counts()
    report = await import_workbook(build(rows, [c for n in (1, 2, 3, 4)
                                                for c in component_rows(n)]),
                                   dry_run=False, now=NOW)
    assert not report.written and report.refused == 3
    where = [(p.row, p.column) for p in report.problems]
    assert where == [(3, "Cơ quan thực hiện"), (4, "Đơn vị thời hạn"), (5, "Phí/lệ phí")]
    assert await counts() == before


async def test_a_decision_number_with_other_dates_is_refused(agencies):
    await import_workbook(procedures(1, AGENCIES), dry_run=False, now=NOW)
    row = procedure_row(2, AGENCIES[0], **{"Ngày QĐ công bố": "06/01/2026"})
    report = await import_workbook(build([row], component_rows(2)), dry_run=False, now=NOW)
    assert not report.written and "đã được ghi nhận" in report.problems[0].message


async def test_not_a_workbook_is_refused_in_vietnamese(agencies):
    report = await import_workbook(b"%PDF-1.4 not a sheet", dry_run=False, now=NOW)
    assert "không phải bảng tính Excel" in str(report.problems[0])


async def test_export_imports_back_unchanged(agencies):
    await import_workbook(procedures(5, AGENCIES), dry_run=False, now=NOW)
    exported = await workbook.export()
    sheets = read_workbook(exported)
    assert len(sheets["Thủ tục"]) == 6 and len(sheets["Thành phần hồ sơ"]) == 11
    report = await import_workbook(exported, dry_run=False, now=NOW)
    assert report.problems == [] and len(report.unchanged) == 5


async def test_the_template_reads_as_one_example_procedure(db):
    sheets = read_workbook(workbook.template())
    assert sheets["Thủ tục"][1][0] == "1.001193"
    assert "Hướng dẫn" in sheets

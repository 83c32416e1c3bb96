"""Organisation: units whose levels are data, validity and mergers, agencies with counters
and signers; XLSX import (all or nothing, dry run) and export read back unchanged."""

from __future__ import annotations

from datetime import date

import pytest

from app.audit.tables import AuditEntry
from app.directory import admin, logic, transfer
from app.directory.admin import AgencyValues, DirectoryError, UnitValues
from app.directory.tables import AdminUnit, Agency, AgencyCounter, AgencySigner
from app.directory.workbook import AGENCY_SHEET, COUNTER_SHEET, SIGNER_SHEET, UNIT_SHEET
from app.documents.sheets import write_workbook

pytestmark = pytest.mark.anyio
TODAY = date(2026, 3, 2)


# -- pure rules ----------------------------------------------------------------------------


def test_levels_are_data_and_codes_come_from_their_names():
    assert [logic.level_code(t) for t in ("Tỉnh", "Cấp xã", "Đặc khu", "Huyện")] == [
        "tinh", "xa", "dac_khu", "huyen"]


def test_validity_and_cycles():
    assert logic.in_effect(date(2025, 7, 1), None, TODAY)
    assert not logic.in_effect(None, date(2025, 6, 30), TODAY)
    parents = {1: None, 2: 1, 3: 2}
    assert logic.parent_problem(1, 3, parents)  # a unit under its own grandchild
    assert logic.parent_problem(2, 2, parents)
    assert logic.parent_problem(3, 1, parents) is None
    ordered = logic.tree_order([{"id": 3, "parent": 2, "name": "c"},
                                {"id": 1, "parent": None, "name": "a"},
                                {"id": 2, "parent": 1, "name": "b"}])
    assert [(r["id"], r["indent"]) for r in ordered] == [(1, 0), (2, 1), (3, 2)]


def test_merger_rules():
    old = logic.UnitFacts(1, "100", "2025", None, None, None)
    new = logic.UnitFacts(2, "200", "2025", None, None, None)
    assert logic.merger_problem(old, new, date(2025, 7, 1)) is None
    assert "chính nó" in logic.merger_problem(old, old, date(2025, 7, 1))
    assert "Chọn đơn vị" in logic.merger_problem(old, None, date(2025, 7, 1))
    gone = logic.UnitFacts(2, "200", "2025", None, date(2025, 1, 1), 9)
    assert "đơn vị hiện hành" in logic.merger_problem(old, gone, date(2025, 7, 1))
    assert logic.merged_until(date(2025, 7, 1)) == date(2025, 6, 30)


# -- the service ---------------------------------------------------------------------------


async def test_units_form_a_tree_without_cycles(db):
    province = await admin.save_unit(1, None, UnitValues("51", "Tỉnh Quảng Ngãi", "Tỉnh",
                                                         "Tỉnh", None))
    district = await admin.save_unit(1, None, UnitValues("520", "Huyện A", "Huyện", "Huyện",
                                                         province, era="2025"))
    commune = await admin.save_unit(1, None, UnitValues("20001", "Xã B", "Xã", "Xã", district))
    assert (await AdminUnit.select(AdminUnit.depth).where(AdminUnit.id == commune).first()
            ) == {"depth": 2}
    with pytest.raises(DirectoryError, match="trực thuộc"):
        await admin.save_unit(1, province, UnitValues("51", "Tỉnh Quảng Ngãi", "Tỉnh", "Tỉnh",
                                                      commune))
    with pytest.raises(DirectoryError, match="Đã có đơn vị mã 20001"):
        await admin.save_unit(1, None, UnitValues("20001", "Xã C", "Xã", "Xã", district))
    # Moving the district under nothing moves its commune up a level too.
    await admin.save_unit(1, district, UnitValues("520", "Huyện A", "Huyện", "Huyện", None))
    assert (await AdminUnit.select(AdminUnit.depth).where(AdminUnit.id == commune).first()
            ) == {"depth": 1}


async def test_a_merger_ends_the_old_unit_and_keeps_what_points_at_it(db):
    province = await admin.save_unit(1, None, UnitValues("51", "Tỉnh", "Tỉnh", "Tỉnh", None))
    old = await admin.save_unit(1, None, UnitValues("100", "Xã Cũ", "Xã", "Xã", province))
    new = await admin.save_unit(1, None, UnitValues("200", "Xã Mới", "Xã", "Xã", province))
    agency = await admin.save_agency(1, None, AgencyValues("000.01.H55", "UBND Xã Cũ",
                                                           admin_unit=old))
    with pytest.raises(DirectoryError, match="căn cứ"):
        await admin.merge_unit(1, old, new, date(2025, 7, 1), "", TODAY)
    moved = await admin.merge_unit(1, old, new, date(2025, 7, 1), "Nghị quyết 1656/NQ-UBTVQH15",
                                   TODAY)
    row = await AdminUnit.select().where(AdminUnit.id == old).first()
    assert (row["valid_to"], row["replaced_by"], row["active"], moved) == (
        date(2025, 6, 30), new, False, 0)
    assert (await Agency.select(Agency.admin_unit).where(Agency.id == agency).first()
            ) == {"admin_unit": old}
    with pytest.raises(DirectoryError, match="đã được sắp xếp"):
        await admin.merge_unit(1, old, new, date(2025, 8, 1), "Lần hai", TODAY)


async def test_agencies_refuse_bad_input_and_keep_counters_and_signers(db):
    with pytest.raises(DirectoryError) as refused:
        await admin.save_agency(1, None, AgencyValues("mã có dấu", "", phone="12",
                                                      email="x@"))
    assert set(refused.value.fields) == {"code", "name", "phone", "email"}
    parent = await admin.save_agency(1, None, AgencyValues("000.00.00.H55", "UBND tỉnh"))
    child = await admin.save_agency(1, None, AgencyValues("000.00.17.H55", "Sở Tư pháp",
                                                          parent=parent,
                                                          phone="0255 3822 404"))
    with pytest.raises(DirectoryError, match="Đã có cơ quan"):
        await admin.save_agency(1, None, AgencyValues("000.00.17.H55", "Trùng"))
    with pytest.raises(DirectoryError, match="trực thuộc"):
        await admin.save_agency(1, parent, AgencyValues("000.00.00.H55", "UBND tỉnh",
                                                        parent=child))
    await admin.add_counter(1, child, "Quầy số 3", "Tầng 1")
    await admin.add_signer(1, child, "Trần Văn Ký", "Giám đốc")
    with pytest.raises(DirectoryError):
        await admin.add_signer(1, child, "Không chức danh", " ")
    assert await AgencyCounter.count() == 1 and await AgencySigner.count() == 1


# -- spreadsheets --------------------------------------------------------------------------


def units_book(rows) -> bytes:
    header = ["Mã", "Tên", "Cấp", "Loại đơn vị", "Mã đơn vị cấp trên", "Thời kỳ"]
    return write_workbook([(UNIT_SHEET, header, rows)])


async def test_units_import_in_any_order_then_export_reads_back_unchanged(db):
    book = units_book([["20001", "Xã B", "Xã", "Xã", "520", "2020"],
                       ["520", "Huyện A", "Huyện", "Huyện", "62", "2020"],
                       ["62", "Tỉnh Kon Tum", "Tỉnh", "Tỉnh", "", "2020"]])
    dry = await transfer.import_units(book, dry_run=True)
    assert len(dry.added) == 3 and await AdminUnit.count() == 0
    real = await transfer.import_units(book, dry_run=False)
    assert real.written and await AdminUnit.count() == 3
    assert (await AdminUnit.select(AdminUnit.depth).where(AdminUnit.code == "20001").first()
            ) == {"depth": 2}
    again = await transfer.import_units(await transfer.export_units(), dry_run=False)
    assert len(again.unchanged) == 3 and not again.added and not again.amended


async def test_bad_unit_rows_are_named_and_nothing_is_written(db):
    book = units_book([["62", "Tỉnh Kon Tum", "Tỉnh", "Tỉnh", "", "2020"],
                       ["520", "", "Huyện", "Huyện", "99", "2020"],
                       ["62", "Trùng", "Tỉnh", "Tỉnh", "", "2020"]])
    audit_before = await AuditEntry.count()
    report = await transfer.import_units(book, dry_run=False)
    assert not report.written and await AdminUnit.count() == 0
    assert await AuditEntry.count() == audit_before
    found = [str(p) for p in report.problems]
    assert "Trang 'Đơn vị hành chính', dòng 3, cột 'Tên': Nhập tên đơn vị hành chính." in found
    assert any(f.startswith("Trang 'Đơn vị hành chính', dòng 3, cột 'Mã đơn vị cấp trên'")
               for f in found)
    assert any(f.startswith("Trang 'Đơn vị hành chính', dòng 4, cột 'Mã': mã 62 trùng")
               for f in found)


async def test_agencies_import_with_counters_and_signers_and_export_round_trip(db):
    await transfer.import_units(units_book([["51", "Tỉnh Quảng Ngãi", "Tỉnh", "Tỉnh", "",
                                             "2025"]]), dry_run=False)
    book = write_workbook([
        (AGENCY_SHEET, ["Mã cơ quan", "Tên cơ quan", "Mã cơ quan cấp trên", "Mã ĐVHC",
                        "Điện thoại"],
         [["000.00.17.H55", "Sở Tư pháp", "000.00.00.H55", "51", "0255 3822 404"],
          ["000.00.00.H55", "UBND tỉnh Quảng Ngãi", "", "51", ""]]),
        (COUNTER_SHEET, ["Mã cơ quan", "Tên quầy", "Vị trí"],
         [["000.00.17.H55", "Quầy số 3", "Tầng 1"]]),
        (SIGNER_SHEET, ["Mã cơ quan", "Họ và tên", "Chức danh"],
         [["000.00.17.H55", "Trần Văn Ký", "Giám đốc"]]),
    ])
    report = await transfer.import_agencies(book, dry_run=False)
    assert report.written and sorted(report.added) == ["000.00.00.H55", "000.00.17.H55"]
    child = await Agency.select(Agency.parent.code.as_alias("parent")).where(
        Agency.code == "000.00.17.H55").first()
    assert child == {"parent": "000.00.00.H55"}
    assert len((await transfer.import_agencies(book, dry_run=False)).unchanged) == 2
    back = await transfer.import_agencies(await transfer.export_agencies(), dry_run=False)
    assert len(back.unchanged) == 2 and not back.amended
    bad = write_workbook([(AGENCY_SHEET, ["Mã cơ quan", "Tên cơ quan", "Mã ĐVHC"],
                           [["000.00.18.H55", "Sở Xây dựng", "99"]])])
    refused = await transfer.import_agencies(bad, dry_run=False)
    assert [str(p) for p in refused.problems] == [
        "Trang 'Cơ quan', dòng 2, cột 'Mã ĐVHC': không có đơn vị hành chính mã 99."]
    assert await Agency.count() == 2


async def test_a_formula_like_name_is_defused_in_the_export_and_reads_back_unchanged(db):
    from app.documents.sheets import read_workbook

    await admin.save_agency(1, None, AgencyValues("000.00.77.H55", "=HYPERLINK(\"x\") Sở"))
    exported = await transfer.export_agencies()
    [_, row] = read_workbook(exported)[AGENCY_SHEET][:2]
    assert row[1] == "'=HYPERLINK(\"x\") Sở"  # text, never a formula in a spreadsheet
    again = await transfer.import_agencies(exported, dry_run=False)
    assert again.unchanged == ["000.00.77.H55"] and not again.amended

"""Digitisation: pure rules, the scan stored and linked, OCR in the task (immediate
mode, real Tesseract), staff search without diacritics within their scope."""

import json

import pytest

from app.accounts.roles import Role
from app.audit import service as audit
from app.digitisation import service as digitisation
from app.digitisation.logic import ScanStatus, find_id_numbers, search_terms, snippet
from app.digitisation.tables import Scan
from app.dossiers import queries
from app.dossiers.tables import DossierComponent
from app.files import store
from app.warehouse.tables import WarehouseDocument
from tests.conftest import run
from tests.digitisation_helpers import as_current, counter_world, printed_page


@pytest.mark.parametrize(("text", "found"), [
    ("Số CCCD: 052090001234.", ["052090001234"]),
    ("CCCD 052 090 001 234 cấp ngày 01/01/2021", ["052090001234"]),
    ("số 052090001234 và 062190001234, lại 052090001234", ["052090001234", "062190001234"]),
    ("Tài khoản 0520900012345678", []),      # longer run of digits: not a CCCD
    ("Mã 152090001234", []),                  # province codes start with 0
    ("SĐT 0905123456", []),                   # a phone number has 10 digits
    ("", []),
])
def test_cccd_numbers_are_found_as_suggestions(text, found):
    assert find_id_numbers(text) == found


def test_search_terms_fold_and_drop_wildcards():
    assert search_terms("Quyền SỬ dụng  ĐẤT") == ["quyen", "su", "dung", "dat"]
    assert search_terms("100% a_b") == ["100"]
    assert search_terms("% _ a") == []


def test_snippet_keeps_diacritics_around_the_match():
    text = " ".join(f"từ{i}" for i in range(40)) + " Giấy chứng nhận quyền sử dụng đất"
    assert "chứng nhận" in snippet(text, ["chung"], radius=3)
    assert snippet(text, ["chung"], radius=3).startswith("… ")


def test_scan_status_labels_are_vietnamese():
    assert ScanStatus.DONE.label.startswith("Đã số hóa") and ScanStatus.FAILED.finished


@pytest.mark.parametrize(("files", "message"), [
    ([], "ít nhất một tệp"),
    ([b"hello"], "Chỉ nhận tệp PDF, JPEG hoặc PNG"),
    ([b"%PDF-1.4 a", b"%PDF-1.4 b"], "Tệp PDF phải được tải lên riêng"),
    ([b"\xff\xd8\xff broken"], "Tệp ảnh bị hỏng"),
])
def test_unusable_scans_are_refused_in_vietnamese(files, message):
    with pytest.raises(digitisation.ScanRefused, match=message):
        digitisation.assemble(files)


def test_scan_is_stored_linked_filed_and_read_by_the_task(db, immediate_huey):
    from app.tasks.digitisation import digitise_component

    world = run(counter_world())
    dossier = run(queries.dossier_for_staff(world["dossier_id"], world["officer"]))
    component_id = world["component_ids"][0]
    pages = [printed_page(rotate_exif=True), printed_page(["Trang hai: thửa đất số 12"])]
    scan_id = run(digitisation.scan_component(world["officer"], dossier, component_id, pages))

    scan = run(Scan.select().where(Scan.id == scan_id).first().run())
    assert scan["page_count"] == 2 and scan["status"] == ScanStatus.QUEUED
    assert store.verify(scan["sha256"]) and len(store.read(scan["sha256"])) == scan["size"]
    component = run(DossierComponent.select().where(DossierComponent.id == component_id)
                    .first().run())
    assert component["digitised"] is True and component["file"] == scan["file"]
    filed = run(WarehouseDocument.select().where(WarehouseDocument.file == scan["file"]).run())
    assert [(d["owner_id_number"], d["source"]) for d in filed] == [
        ("052090001234", "digitised")]

    assert digitise_component(component_id)() == ScanStatus.DONE
    read = run(Scan.select().where(Scan.id == scan_id).first().run())
    assert "Nguyễn Thị Hồng Nhung" in read["text"]  # the sideways page was turned upright
    assert "thửa đất số 12" in read["text"]
    assert json.loads(read["id_numbers"]) == ["052090001234"]
    assert "quyen su dung dat" in read["text_folded"]

    finished_at = read["finished_at"]
    assert digitise_component(component_id)() == ScanStatus.DONE  # idempotent
    assert run(Scan.select().where(Scan.id == scan_id).first().run())["finished_at"] == finished_at
    assert run(audit.verify()) == []


def test_staff_search_ignores_diacritics_and_respects_scope(db, immediate_huey):
    from app.tasks.digitisation import digitise_component

    world = run(counter_world())
    other = run(counter_world(id_number="062190001234"))  # another agency's dossier
    for w in (world, other):
        dossier = run(queries.dossier_for_staff(w["dossier_id"], w["officer"]))
        run(digitisation.scan_component(w["officer"], dossier, w["component_ids"][0],
                                        [printed_page()]))
        digitise_component(w["component_ids"][0])()

    found = run(digitisation.search(world["officer"], "nguyen thi hong nhung"))
    assert [r["dossier"] for r in found] == [world["dossier_id"]]
    assert "Nguyễn Thị Hồng Nhung" in found[0]["snippet"]
    assert run(digitisation.search(world["officer"], "khong co chu nay")) == []
    auditor = as_current(world["officer_row"], Role.AUDITOR)  # province-wide
    assert len(run(digitisation.search(auditor, "QUYỀN SỬ DỤNG"))) == 2


def indexed_scan() -> tuple[dict, int]:
    """A scan filed, checked absent from the index before OCR, found by word prefixes
    after it (the engine's index follows the OCR text)."""
    from app.digitisation import text_index
    from app.tasks.digitisation import digitise_component

    world = run(counter_world())
    dossier = run(queries.dossier_for_staff(world["dossier_id"], world["officer"]))
    scan_id = run(digitisation.scan_component(world["officer"], dossier,
                                              world["component_ids"][0], [printed_page()]))
    assert run(text_index.matching_scan_ids(["nhung"])) == []  # not read yet
    digitise_component(world["component_ids"][0])()
    assert run(text_index.matching_scan_ids(["hong", "nhun"])) == [scan_id]
    assert run(text_index.matching_scan_ids(["nhung", "khong"])) == []
    return world, scan_id


@pytest.mark.engine
def test_full_text_index_follows_ocr_on_either_engine(db, immediate_huey):
    world, scan_id = indexed_scan()
    assert [row["id"] for row in run(digitisation.search(world["officer"], "Hồng Nhung"))] \
        == [scan_id]


@pytest.mark.sqlite_only
def test_full_text_index_follows_ocr_and_the_like_fallback_agrees(db, immediate_huey):
    from app.digitisation import text_index

    world, _ = indexed_scan()
    with_index = run(digitisation.search(world["officer"], "Hồng Nhung"))

    run(Scan.raw("DROP TABLE digitised_scan_fts").run())  # e.g. another database
    assert run(text_index.matching_scan_ids(["nhung"])) is None
    assert run(digitisation.search(world["officer"], "Hồng Nhung")) == with_index != []

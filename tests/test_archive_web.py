"""The archive's pages through the real app: what each role sees, forms that refuse bad
input in Vietnamese with what was typed kept, the hand-over request and confirmation, and
an archivist of another agency who sees none of it."""

from __future__ import annotations

import io
import zipfile

import bagit
import pytest
from openpyxl import load_workbook

from app.archive.logic import PackageStatus
from app.archive.tables import ArchivalFile, ArchivePackage, RetentionRule
from app.formatting import format_date, to_local
from tests.archive_world import make_world, refused_at_counter, stopped, stranger
from tests.conftest import csrf_from, post_form, run


def as_(client, cookie):
    client.cookies.clear()
    client.cookies.set("motcua_session", cookie)


@pytest.fixture
def archived(client, immediate_huey):
    """A world with two closed dossiers, their archival files built at closing."""
    async def make():
        world = await make_world()
        ids = [await refused_at_counter(world, world.procedures[0]),
               await stopped(world, world.procedures[1])]
        other = await stranger()
        return world, ids, other

    world, ids, other = run(make())
    files = ArchivalFile.select().order_by(ArchivalFile.id).run_sync()
    return {"world": world, "ids": ids, "files": files, "stranger": other}


def _period(files) -> dict:
    days = [to_local(f["end_at"]).date() for f in files]
    return {"tu_ngay": format_date(min(days)), "den_ngay": format_date(max(days))}


def test_readers_see_files_documents_and_the_archive_sections(client, archived):
    world, files = archived["world"], archived["files"]
    as_(client, world.cookies["archivist"])
    listing = client.get("/luu-tru")
    assert listing.status_code == 200 and files[0]["code"] in listing.text
    page = client.get(f"/luu-tru/ho-so/{files[1]['id']}")
    assert "Thông báo về việc dừng giải quyết hồ sơ" in page.text and "Hạn chế sử dụng" in page.text
    link = page.text.split(f'/luu-tru/ho-so/{files[1]["id"]}/tai-lieu/')[1].split('"')[0]
    document = client.get(f"/luu-tru/ho-so/{files[1]['id']}/tai-lieu/{link}")
    assert document.status_code == 200 and document.content.startswith(b"%PDF")
    for path in ("/luu-tru/nop-luu", "/luu-tru/huy", "/luu-tru/thoi-han-bao-quan"):
        assert client.get(path).status_code == 200, path
    as_(client, archived["stranger"])
    assert files[0]["code"] not in client.get("/luu-tru").text
    assert client.get(f"/luu-tru/ho-so/{files[0]['id']}").status_code == 404
    assert client.get(f"/luu-tru/ho-so/{files[1]['id']}/tai-lieu/{link}").status_code == 404


def test_retention_rules_refuse_bad_input_and_keep_what_was_typed(client, archived):
    world = archived["world"]
    as_(client, world.cookies["provincial_admin"])
    page = "/luu-tru/thoi-han-bao-quan"
    bad = post_form(client, page, page, {"linh_vuc": "HT", "so_nam": "abc", "can_cu": "TT 10"})
    assert bad.status_code == 400 and "Số năm bảo quản phải là số nguyên" in bad.text
    assert 'value="TT 10"' in bad.text
    both = post_form(client, page, page, {"linh_vuc": "HT", "thu_tuc": "T.1", "so_nam": "5",
                                          "che_do": "restricted"})
    assert both.status_code == 400 and "không cả hai" in both.text
    unknown = post_form(client, page, page, {"thu_tuc": "9.999", "so_nam": "5",
                                             "che_do": "restricted"})
    assert unknown.status_code == 400 and "Không có thủ tục mã 9.999" in unknown.text
    saved = post_form(client, page, page, {"linh_vuc": "HT", "vinh_vien": "1",
                                           "che_do": "public", "can_cu": "Thông tư 10/2022"})
    assert saved.status_code == 200 and "Vĩnh viễn" in saved.text
    assert "Lĩnh vực Hộ tịch" in saved.text
    rule = RetentionRule.select().first().run_sync()
    assert rule["years"] is None and rule["usage"] == "public"
    token = csrf_from(client.get(page).text)
    removed = client.post(f"{page}/{rule['id']}/xoa", data={"_csrf_token": token})
    assert removed.status_code == 200 and RetentionRule.count().run_sync() == 0


def test_hand_over_request_download_confirmation_and_scope(client, archived, tmp_path):
    world, files = archived["world"], archived["files"]
    as_(client, world.cookies["agency_admin"])
    page = "/luu-tru/nop-luu"
    bad = post_form(client, page, page, {"co_quan": str(world.agency.id), "nam": "26"})
    assert bad.status_code == 400 and "4 chữ số" in bad.text
    empty = post_form(client, page, page, {"co_quan": str(world.agency.id), "nam": "2001"})
    assert empty.status_code == 400 and "Không có hồ sơ lưu trữ nào" in empty.text
    made = post_form(client, page, page, {"co_quan": str(world.agency.id), **_period(files)})
    assert made.status_code == 200 and "Chờ lưu trữ xác nhận" in made.text
    package = ArchivePackage.select().first().run_sync()
    again = post_form(client, page, page, {"co_quan": str(world.agency.id), **_period(files)})
    assert again.status_code == 400  # the files are in the first package
    sheet = client.get(f"{page}/{package['id']}/tep/muc-luc-ho-so.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[3][1] == "Mã hồ sơ" and {r[1] for r in rows[4:]} == {f["code"] for f in files}

    detail = f"{page}/{package['id']}"
    # What the archive receives: the bag as a ZIP, checked with bagit alone.
    bag = client.get(f"{detail}/goi.zip")
    assert bag.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(bag.content)) as archive:
        archive.extractall(tmp_path)
    bagit.Bag(str(tmp_path / package["code"])).validate()
    as_(client, archived["stranger"])
    assert client.get(f"{detail}/goi.zip").status_code == 404
    assert client.get(detail).status_code == 404
    foreign = post_form(client, page, page, {"co_quan": str(world.agency.id), "nam": "2026"})
    assert foreign.status_code == 400 and "không nộp lưu hồ sơ của cơ quan này" in foreign.text
    assert client.get(f"{detail}/tep/muc-luc-ho-so.pdf").status_code == 404
    as_(client, world.cookies["archivist"])
    unchecked = post_form(client, detail, f"{detail}/xac-nhan", {"ghi_chu": "Đã nhận"})
    assert unchecked.status_code == 400 and "đánh dấu xác nhận" in unchecked.text
    assert ArchivePackage.select().first().run_sync()["status"] == PackageStatus.BUILT.value
    done = post_form(client, detail, f"{detail}/xac-nhan", {"da_kiem_tra": "1",
                                                            "ghi_chu": "Đủ 2 hồ sơ"})
    assert done.status_code == 200 and "Đủ 2 hồ sơ" in done.text
    token = csrf_from(client.get(page).text)
    twice = client.post(f"{detail}/xac-nhan", data={"_csrf_token": token, "da_kiem_tra": "1"})
    assert twice.status_code == 400 and "đã được xác nhận" in twice.text  # a replayed post


def test_the_status_fragment_polls_only_while_the_worker_builds(client, archived):
    world = archived["world"]
    package = ArchivePackage(code="X.NL", agency=world.agency.id, status="building",
                             period_from=to_local(archived["files"][0]["end_at"]).date(),
                             period_to=to_local(archived["files"][0]["end_at"]).date(),
                             requested_at=archived["files"][0]["end_at"])
    package.save().run_sync()
    as_(client, world.cookies["archivist"])
    fragment = client.get(f"/luu-tru/nop-luu/{package.id}", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and 'hx-trigger="every 3s"' in fragment.text
    assert "Đang lập" in client.get(f"/luu-tru/nop-luu/{package.id}").text


def test_holds_need_a_reason_and_are_released_by_name(client, archived):
    world, file = archived["world"], archived["files"][0]
    as_(client, world.cookies["archivist"])
    page = f"/luu-tru/ho-so/{file['id']}"
    empty = post_form(client, page, f"{page}/giu-lai", {"reason": ""})
    assert empty.status_code == 400 and "Ghi lý do giữ lại" in empty.text
    held = post_form(client, page, f"{page}/giu-lai", {"reason": "Khiếu nại số 12/KN"})
    assert held.status_code == 200 and "Khiếu nại số 12/KN" in held.text
    hold_id = held.text.split(f"{page}/giu-lai/")[1].split("/")[0]
    released = post_form(client, page, f"{page}/giu-lai/{hold_id}/bo", {})
    assert "đã bỏ giữ lại" in released.text
    as_(client, archived["stranger"])
    assert post_form(client, "/luu-tru", f"{page}/giu-lai", {"reason": "x"}).status_code == 404

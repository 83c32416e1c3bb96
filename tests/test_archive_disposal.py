"""Retention and disposal: nothing is destroyed without an approved list; approval destroys
with an audit entry naming who approved; holds and open feedback keep a file; a handed-over
package is rewritten so its index records the destruction and the bag still validates.

Dates are injected: files are made to have expired by moving their `expires_on`, and the
proposal is asked for an explicit day, never today's.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import bagit
import pytest
from openpyxl import load_workbook

from app.archive import disposal, holds, package, service, storage
from app.archive.logic import DisposalStatus, FileStatus
from app.archive.tables import ArchivalFile, ArchivePackage, DisposalItem, DisposalList
from app.audit import service as audit
from app.audit.tables import AuditEntry
from app.feedback.tables import Feedback
from app.formatting import now_utc, to_local
from tests.archive_copies import package_folder
from tests.archive_world import make_world, refused_at_counter, stopped
from tests.conftest import post_form, run

pytestmark = pytest.mark.anyio
LATER = date(2100, 1, 1)  # any day after every expiry set below


async def _three_files(world) -> list[dict]:
    for procedure in world.procedures:
        await service.build_file(await refused_at_counter(world, procedure))
    await ArchivalFile.update({ArchivalFile.expires_on: date(2030, 1, 1)}).where(
        ArchivalFile.id > 0)
    return await ArchivalFile.select().order_by(ArchivalFile.id)


async def test_an_unapproved_list_destroys_nothing(db):
    world = await make_world()
    files = await _three_files(world)
    assert await disposal.propose(world.archivist, date(2029, 12, 31)) is None  # not yet due
    list_id = await disposal.propose(world.archivist, LATER)
    items = await DisposalItem.select().where(DisposalItem.disposal == list_id)
    assert len(items) == 3
    with pytest.raises(disposal.DisposalError, match="chưa được phê duyệt"):
        await disposal.execute(list_id)
    with pytest.raises(disposal.DisposalError, match="Chỉ quản trị cấp tỉnh"):
        await disposal.decide(world.archivist, list_id, approve=True, decision="QĐ 1")
    with pytest.raises(disposal.DisposalError, match="Ghi số, ngày"):
        await disposal.decide(world.provincial_admin, list_id, approve=True, decision=" ")
    await disposal.decide(world.provincial_admin, list_id, approve=False,
                          decision="Cần rà soát lại thời hạn")
    with pytest.raises(disposal.DisposalError, match="chưa được phê duyệt"):
        await disposal.execute(list_id)
    for file in files:
        assert storage.file_names(file["code"])
    statuses = {f["status"] for f in await ArchivalFile.select(ArchivalFile.status)}
    assert statuses == {FileStatus.BUILT.value}
    # A rejected list frees its files for a later proposal.
    assert await disposal.propose(None, LATER) is not None


async def test_approval_destroys_audits_and_respects_holds_and_open_feedback(db, immediate_huey):
    world = await make_world()
    files = await _three_files(world)
    held, complained, plain = files
    await holds.place(world.archivist, held["id"], "Khiếu nại số 7/KN đang giải quyết")
    list_id = await disposal.propose(world.provincial_admin, LATER)
    assert {i["file"] for i in await DisposalItem.select().where(
        DisposalItem.disposal == list_id)} == {complained["id"], plain["id"]}  # held: left out
    # Feedback about the second dossier arrives after the list was proposed.
    await Feedback(code="PA-1", status="routed", submitter_name="Bà Hoa", title="Chậm",
                   content="...", received_at=now_utc(), refuse_due_at=now_utc(),
                   answer_due_at=now_utc(), dossier=complained["dossier"]).save()
    await disposal.decide(world.provincial_admin, list_id, approve=True,
                          decision="Quyết định số 15/QĐ-UBND ngày 02/01/2100")
    # Approval queued the destruction (immediate mode: done).
    listing = await DisposalList.select().where(DisposalList.id == list_id).first()
    assert listing["status"] == DisposalStatus.EXECUTED.value
    after = {f["id"]: f for f in await ArchivalFile.select()}
    assert after[plain["id"]]["status"] == FileStatus.DISPOSED.value
    assert not storage.file_names(plain["code"])
    assert after[complained["id"]]["status"] == FileStatus.BUILT.value
    assert storage.file_names(complained["code"])
    outcome = {i["file"]: i for i in await DisposalItem.select()}
    assert "PA-1" in outcome[complained["id"]]["held_reason"]
    entry = await AuditEntry.select().where(AuditEntry.action == "archive.file_disposed").first()
    data = json.loads(entry["data"])
    assert data["code"] == plain["code"] and data["approved_by"] == world.provincial_admin.id
    assert "15/QĐ-UBND" in data["decision"] and entry["at"] is not None
    assert await audit.verify() == []
    # The description stays, so the register of destroyed files can always be read.
    assert after[plain["id"]]["title"] == plain["title"]


async def test_a_destroyed_file_leaves_the_bag_which_still_validates_and_says_so(db):
    world = await make_world()
    files = await _three_files(world)
    days = [to_local(f["end_at"]).date() for f in files]
    package_id = await package.request_package(world.agency_admin, world.agency.id,
                                               min(days), max(days))
    await package.build_package(package_id)
    before = await ArchivePackage.select().first()
    await holds.place(world.archivist, files[0]["id"], "Thanh tra đang làm việc")
    await holds.place(world.archivist, files[1]["id"], "Thanh tra đang làm việc")
    list_id = await disposal.propose(world.provincial_admin, LATER)
    await disposal.decide(world.provincial_admin, list_id, approve=True, decision="QĐ 9")
    await disposal.execute(list_id)
    folder = package_folder(before["code"])
    bagit.Bag(str(folder)).validate()
    assert not (folder / "data" / files[2]["code"]).exists()
    assert (folder / "data" / files[0]["code"]).exists()
    after = await ArchivePackage.select().first()
    assert after["tagmanifest_sha256"] != before["tagmanifest_sha256"]
    assert (after["file_count"], before["file_count"]) == (2, 3)
    sheet = load_workbook(folder / "data" / "muc-luc-ho-so.xlsx").active
    notes = {row[1]: row[9] for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert "Đã hủy" in notes[files[2]["code"]] and "QĐ 9" in notes[files[2]["code"]]
    assert "Đã hủy" not in (notes[files[0]["code"]] or "")
    described = json.loads((folder / "data" / "goi-nop-luu.json").read_text())
    assert sum(1 for f in described["files"] if f["disposed"]) == 1
    assert await disposal.execute(list_id) == {"disposed": 1, "held": 0}  # a rerun is harmless


async def test_the_schedule_proposes_once_and_waits_for_a_decision(db):
    world = await make_world()
    await _three_files(world)
    first = await disposal.propose_if_none_waiting(LATER)
    assert first is not None
    assert await disposal.propose_if_none_waiting(LATER) is None
    assert await DisposalList.count() == 1


def test_the_provincial_admin_approves_on_the_page(client, immediate_huey):
    async def make():
        world = await make_world()
        await service.build_file(await stopped(world, world.procedures[0]))
        yesterday = to_local(now_utc()).date() - timedelta(days=1)  # the page proposes "now"
        await ArchivalFile.update({ArchivalFile.expires_on: yesterday}).where(
            ArchivalFile.id > 0)
        return world

    world = run(make())
    client.cookies.set("motcua_session", world.cookies["archivist"])
    proposed = post_form(client, "/luu-tru/huy", "/luu-tru/huy", {})
    assert proposed.status_code == 200 and "Chờ phê duyệt" in proposed.text
    url = str(proposed.url.path)
    assert "Phê duyệt và hủy" not in proposed.text  # the archivist proposes, cannot decide
    client.cookies.set("motcua_session", world.cookies["provincial_admin"])
    empty = post_form(client, url, f"{url}/quyet-dinh", {"ket_qua": "duyet"})
    assert empty.status_code == 400 and "Ghi số, ngày" in empty.text
    done = post_form(client, url, f"{url}/quyet-dinh", {"ket_qua": "duyet",
                                                       "quyet_dinh": "QĐ 3/QĐ-UBND"})
    assert done.status_code == 200 and "Đã hủy" in done.text

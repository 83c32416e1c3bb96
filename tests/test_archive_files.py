"""Archival files of closed dossiers, built through the real workflow, file store, WeasyPrint,
OCRmyPDF and Tesseract: what each file holds, that every PDF is PDF/A and sound, that the
description matches the bytes, and how closing queues the build."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta

import pytest

from app.archive import pdfa, service, storage
from app.archive.logic import FileStatus
from app.archive.tables import ArchivalDocument, ArchivalFile, RetentionRule
from app.audit import service as audit
from app.audit.tables import AuditEntry
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierResult
from app.formatting import now_utc, to_local
from app.jobs.tables import JobRun
from app.workflow import Action, TransitionError
from app.workflow.service import perform
from tests import factories
from tests.archive_copies import file_folder
from tests.archive_world import (
    attach,
    make_world,
    pdfa_document,
    phone_photo,
    plain_pdf,
    received,
    refused_at_counter,
    returned,
    scanned_pdf,
    stopped,
)
from tests.signing_world import draft_pdf, signing  # noqa: F401  (fixture)

pytestmark = pytest.mark.anyio


async def _file(dossier_id: int) -> dict:
    return await ArchivalFile.select().where(ArchivalFile.dossier == dossier_id).first()


async def _documents(file_id: int) -> list[dict]:
    return await ArchivalDocument.select().where(ArchivalDocument.file == file_id).order_by(
        ArchivalDocument.position)


async def test_closing_records_the_file_as_pending_in_the_closing_transaction(db):
    world = await make_world()
    dossier_id = await received(world, world.procedures[0])
    assert await _file(dossier_id) is None  # still open
    with pytest.raises(TransitionError):  # a refused move queues nothing
        await perform(dossier_id, world.handler, Action.STOP, reason="x")
    assert await ArchivalFile.count() == 0
    await perform(dossier_id, world.counter, Action.FORWARD, assignee_id=world.handler.id)
    await perform(dossier_id, world.leader, Action.STOP, reason="Người yêu cầu rút đơn")
    row = await _file(dossier_id)
    # Not in immediate mode: the build waits in the queue; the row is there from the commit.
    assert row["status"] == FileStatus.PENDING.value and row["agency"] == world.agency.id


async def test_closing_queues_the_build_after_commit(db, immediate_huey):
    world = await make_world()
    dossier_id = await refused_at_counter(world, world.procedures[0])
    row = await _file(dossier_id)
    assert row["status"] == FileStatus.BUILT.value, row["error"]
    job = await JobRun.select().where(JobRun.task.like("%build_archival_file")).first()
    assert job["status"] == "succeeded" and job["agency"] == world.agency.id
    kinds = [d["source"] for d in await _documents(row["id"])]
    assert kinds == ["form", "event_log"]  # form 03; no component files, no result
    assert "Từ chối tiếp nhận" in row["notes"]
    assert await audit.verify() == []


async def test_every_document_is_sound_pdfa_and_the_description_matches_the_bytes(
        db, signing):  # noqa: F811
    world = await make_world(signing)
    field_rule = RetentionRule(field=world.procedures[0].field, years=20, usage="public",
                               updated_at=now_utc())
    await field_rule.save()
    dossier_id = await returned(world, world.procedures[0], supplements=2, apology=True)
    await attach(dossier_id, 1, scanned_pdf(), "application/pdf", digitised=True)
    await attach(dossier_id, 2, pdfa_document("Căn cước công dân"), "application/pdf")
    code = await service.build_file(dossier_id)
    row = await _file(dossier_id)
    documents = await _documents(row["id"])
    sources = [d["source"] for d in documents]
    assert sources[:2] == ["component", "component"]
    assert sources[-3:] == ["result", "signature_report", "event_log"]
    summaries = [d["summary"] for d in documents if d["source"] == "form"]
    # Form 01, both supplement requests (each its own issue), the apology, the control sheet.
    assert sum("Phiếu yêu cầu bổ sung" in s for s in summaries) == 2
    assert any("Phiếu xin lỗi" in s for s in summaries)
    assert {d["conversion"] for d in documents} >= {"converted", "rendered", "kept",
                                                    "signed_kept", "json"}
    folder = file_folder(code)
    result = next(d for d in documents if d["source"] == "result")
    assert result["conversion"] == "signed_kept" and result["signer"] == world.leader.full_name
    report = json.loads((folder / documents[-2]["filename"]).read_bytes())
    assert report["document_sha256"] == result["sha256"]
    assert report["last_signature"]["valid"] and report["last_signature"]["certificate_trusted"]
    for document in documents:
        if document["format"] == "JSON":
            continue
        data = (folder / document["filename"]).read_bytes()
        assert storage.sha256_file(folder / document["filename"]) == document["sha256"]
        assert pdfa.pdfa_claim(data) == "2B", document["filename"]
        assert pdfa.qpdf_problem(data) is None, document["filename"]
    scan = folder / documents[0]["filename"]
    text = subprocess.run(["pdftotext", str(scan), "-"], capture_output=True, text=True).stdout
    assert "KHAI SINH" in text.upper()  # Tesseract `vie` gave the scan a text layer
    manifest = json.loads((folder / "metadata.json").read_bytes())
    assert storage.sha256_file(folder / "metadata.json") == row["manifest_sha256"]
    assert manifest["file"]["document_count"] == len(documents) == row["document_count"]
    assert manifest["file"]["page_count"] == sum(d["pages"] for d in documents)
    assert [d["sha256"] for d in manifest["documents"]] == [d["sha256"] for d in documents]
    assert (manifest["file"]["retention"], row["retention_years"]) == ("20 năm", 20)
    assert row["expires_on"].year == row["year"] + 21
    assert "Số lần yêu cầu bổ sung: 2" in row["notes"] and "xin lỗi" in row["notes"]
    index = folder / "muc-luc-van-ban.pdf"
    assert pdfa.archival_problem(index.read_bytes()) is None


def test_photos_are_converted_and_pdfs_pikepdf_cannot_vouch_for_are_reimaged():
    photo = pdfa.to_pdfa(phone_photo(), "image/jpeg")
    assert photo.conversion == "converted" and photo.pages == 1
    reimaged = pdfa.to_pdfa(plain_pdf("Giấy khai sinh"), "application/pdf")
    assert reimaged.conversion == "rasterised"
    for made in (photo, reimaged):
        assert pdfa.archival_problem(made.data) is None
    kept = pdfa.to_pdfa(pdfa_document("Tờ khai"), "application/pdf")
    assert kept.conversion == "kept"
    with pytest.raises(pdfa.ConversionError, match="không chuyển được"):
        pdfa.to_pdfa(b"GIF89a", "image/gif")


async def test_stopped_and_refused_dossiers_are_archived_with_their_letters(db):
    world = await make_world()
    stopped_id = await stopped(world, world.procedures[1])
    await service.build_file(stopped_id)
    summaries = [d["summary"] for d in await _documents((await _file(stopped_id))["id"])]
    assert any("dừng giải quyết" in s for s in summaries)
    assert (await _file(stopped_id))["notes"].startswith("Kết thúc: Dừng giải quyết")


async def test_a_built_file_is_never_rebuilt(db):
    world = await make_world()
    dossier_id = await refused_at_counter(world, world.procedures[2])
    code = await service.build_file(dossier_id)
    before = (await _file(dossier_id))["manifest_sha256"]
    built_at = (await _file(dossier_id))["built_at"]
    assert await service.build_file(dossier_id) == code
    after = await _file(dossier_id)
    assert (after["manifest_sha256"], after["built_at"]) == (before, built_at)
    assert await AuditEntry.count().where(AuditEntry.action == "archive.file_built") == 1


async def test_a_broken_component_fails_the_build_loudly_and_a_rerun_repairs_it(
        db, immediate_huey):
    from app.tasks.archive import build_archival_file

    world = await make_world()
    dossier_id = await received(world, world.procedures[0])
    await attach(dossier_id, 1, b"%PDF-1.7 not really a pdf", "application/pdf")
    await perform(dossier_id, world.counter, Action.FORWARD, assignee_id=world.handler.id)
    await perform(dossier_id, world.leader, Action.STOP, reason="Hồ sơ giả mạo")
    row = await _file(dossier_id)
    assert row["status"] == FileStatus.FAILED.value and "PDF hỏng" in row["error"]
    job = await JobRun.select().where(JobRun.task.like("%build_archival_file")).first()
    assert job["status"] == "failed" and "PDF hỏng" in job["last_error"]
    assert job["attempts"] == 1  # a broken file is not retried for nothing
    await attach(dossier_id, 1, pdfa_document("Tờ khai"), "application/pdf")
    build_archival_file(dossier_id)  # what "Chạy lại" on the jobs page does
    assert (await _file(dossier_id))["status"] == FileStatus.BUILT.value


async def test_the_sweep_builds_closed_dossiers_the_queue_missed_and_never_open_ones(db):
    world = await make_world()
    imported = await factories.dossier(world.procedures[0], status=Status.RETURNED)
    still_open = await factories.dossier(world.procedures[0], status=Status.PROCESSING)
    queued = await stopped(world, world.procedures[1])
    counts = await service.build_pending()
    assert counts == {"built": 1, "failed": 0}  # the queued one is within its grace time
    assert (await _file(imported.id))["status"] == FileStatus.BUILT.value
    assert await _file(still_open.id) is None
    await ArchivalFile.update({ArchivalFile.queued_at: now_utc() - timedelta(hours=1)}).where(
        ArchivalFile.dossier == queued)
    assert await service.build_pending() == {"built": 1, "failed": 0}
    with pytest.raises(service.NotClosed):
        await service.build_file(still_open.id)
    assert await Dossier.count() == 3


async def test_one_run_builds_a_file_and_a_run_that_died_is_taken_over(db):
    world = await make_world()
    dossier_id = await refused_at_counter(world, world.procedures[0])
    await ArchivalFile.update({ArchivalFile.status: FileStatus.BUILDING.value,
                               ArchivalFile.queued_at: now_utc()}).where(
        ArchivalFile.dossier == dossier_id)
    with pytest.raises(service.BuildInProgress):  # the queue's run while the sweep builds
        await service.build_file(dossier_id)
    assert await service.build_pending() == {"built": 0, "failed": 0}
    assert storage.file_codes() == []  # the second run wrote nothing
    await ArchivalFile.update({ArchivalFile.queued_at: now_utc() - timedelta(hours=2)}).where(
        ArchivalFile.dossier == dossier_id)  # that run died two hours ago
    assert await service.build_pending() == {"built": 1, "failed": 0}
    assert (await _file(dossier_id))["status"] == FileStatus.BUILT.value


async def test_a_hand_over_waits_for_files_not_built_yet(db):
    from app.archive import package

    world = await make_world()
    dossier_id = await stopped(world, world.procedures[0])  # pending: no consumer here
    closed = (await _file(dossier_id))["closed_at"]
    day = to_local(closed).date()
    with pytest.raises(package.PackageError, match="chưa lập xong"):
        await package.request_package(world.agency_admin, world.agency.id, day, day)
    await service.build_file(dossier_id)
    assert await package.request_package(world.agency_admin, world.agency.id, day, day)


async def test_a_signed_result_that_is_not_pdfa_is_kept_signed_with_a_pdfa_reading_copy(
        db, signing):  # noqa: F811
    world = await make_world(signing)
    dossier_id = await returned(world, world.procedures[2], result=draft_pdf())
    code = await service.build_file(dossier_id)
    documents = await _documents((await _file(dossier_id))["id"])
    by_source = {d["source"]: d for d in documents}
    signed, copy = by_source["result"], by_source["result_copy"]
    assert signed["format"] == "PDF (đã ký số)" and signed["conversion"] == "signed_kept"
    issued = await DossierResult.select(DossierResult.sha256).first()
    assert signed["sha256"] == issued["sha256"]  # byte for byte the issued, signed file
    folder = file_folder(code)
    assert pdfa.archival_problem((folder / copy["filename"]).read_bytes()) is None
    assert "bản PDF/A để đọc lâu dài" in copy["summary"]


async def test_each_apology_is_archived_with_its_own_reason_and_number(db):
    world = await make_world()
    dossier_id = await received(world, world.procedures[0])
    await perform(dossier_id, world.counter, Action.FORWARD, assignee_id=world.handler.id)
    for reason in ("Chờ xác minh lần thứ nhất", "Chờ xác minh lần thứ hai"):
        due = (await Dossier.select(Dossier.due_at).where(Dossier.id == dossier_id).first())
        await perform(dossier_id, world.handler, Action.RECORD_APOLOGY, reason=reason,
                      new_due_at=due["due_at"] + timedelta(days=2))
    await perform(dossier_id, world.leader, Action.STOP, reason="Hết thời gian xác minh")
    code = await service.build_file(dossier_id)
    folder = file_folder(code)
    apologies = [d for d in await _documents((await _file(dossier_id))["id"])
                 if "xin lỗi" in d["summary"]]
    texts = [subprocess.run(["pdftotext", str(folder / d["filename"]), "-"],
                            capture_output=True, text=True).stdout for d in apologies]
    assert len(texts) == 2
    assert "lần thứ nhất" in texts[0] and "lần thứ hai" not in texts[0]
    assert "lần thứ hai" in texts[1]
    numbers = [line for text in texts for line in text.splitlines() if line.startswith("Số:")]
    assert len(numbers) == 2 and numbers[0] != numbers[1]

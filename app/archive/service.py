"""Building the archival file of a closed dossier.

`file_closed_dossier` runs inside the closing transaction (`workflow.service.perform`): it
records the file as pending and queues the worker's build after the commit, so the
officer's click pays nothing. `build_file` (the worker) gathers and converts the documents,
writes the folder, then records the description, the documents and the audit entry in one
transaction. A failure marks the file failed with the reason and fails the job loudly; the
periodic sweep and the jobs page's "Chạy lại" build it again.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from app.archive import documents, logic, metadata, storage
from app.archive.logic import FileStatus
from app.archive.render import record_pdf
from app.archive.rules import retention_for
from app.archive.tables import ArchivalDocument, ArchivalFile
from app.audit import service as audit
from app.catalog.tables import Procedure
from app.db import after_commit, write_transaction
from app.directory.queries import letterhead_of
from app.directory.tables import Agency
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierEvent
from app.formatting import now_utc, to_local

log = logging.getLogger(__name__)

MANIFEST_NAME = "metadata.json"
INDEX_NAME = "muc-luc-van-ban.pdf"
SWEEP_BATCH = 20
SWEEP_GRACE_MINUTES = 10  # a file queued at closing is normally built within seconds
# A run holding a file this long has died (a file of hundreds of scanned pages takes
# minutes at ~2 s a page).
BUILD_STALE_MINUTES = 60


class NotClosed(ValueError):
    """Only a closed dossier gets an archival file."""


class BuildInProgress(RuntimeError):
    """Another run is building this file now; this one stops without touching it."""


async def file_closed_dossier(dossier_id: int, agency_id: int, closed_at: datetime) -> None:
    """Inside the closing transaction: the file is pending from the same commit; the
    build is queued once that commit is done."""
    if await _record_pending(dossier_id, agency_id, closed_at):
        after_commit(lambda: _enqueue_build(dossier_id, agency_id))


async def _record_pending(dossier_id: int, agency_id: int, closed_at: datetime) -> bool:
    if await ArchivalFile.exists().where(ArchivalFile.dossier == dossier_id):
        return False
    await ArchivalFile(dossier=dossier_id, agency=agency_id, status=FileStatus.PENDING.value,
                       closed_at=closed_at, queued_at=now_utc()).save()
    return True


def _enqueue_build(dossier_id: int, agency_id: int) -> None:
    try:
        from app.jobs.api import enqueue_sync
        from app.tasks.archive import build_archival_file

        enqueue_sync(build_archival_file, dossier_id, agency_id=agency_id)
    except Exception:  # the queue is down: the periodic sweep builds pending files
        log.exception("could not queue the archival file of dossier %s", dossier_id)


def _notes(dossier: dict, closing: str) -> str:
    paper = [c["name"] for c in dossier["components"] if c["file"] is None]
    notes = [f"Kết thúc: {closing}."]
    if dossier["supplement_requests"]:
        notes.append(f"Số lần yêu cầu bổ sung: {dossier['supplement_requests']}.")
    apologies = sum(1 for e in dossier["events"] if e["action"] == "apology_recorded")
    if apologies:
        notes.append(f"Số lần xin lỗi, hẹn lại: {apologies}.")
    if paper:
        notes.append("Thành phần chỉ có bản giấy: " + "; ".join(paper) + ".")
    return " ".join(notes)


async def _facts(dossier: dict, agency: dict) -> metadata.FileFacts:
    procedure = await Procedure.select(
        Procedure.code, Procedure.name, Procedure.field.name.as_alias("field_name"),
    ).where(Procedure.id == dossier["procedure"]).first()
    events = dossier["events"]
    start = to_local(events[0]["at"] if events else dossier["created_at"])
    end = to_local(events[-1]["at"] if events else dossier["created_at"])
    closing = logic.closing_label(events[-1]["action"] if events else "",
                                  Status(dossier["status"]))
    return metadata.FileFacts(
        code=logic.file_code(agency["code"], end.year, dossier["code"]),
        title=(f"Hồ sơ giải quyết thủ tục “{procedure['name']}” của "
               f"{dossier['applicant_name']}, mã hồ sơ {dossier['code']}"),
        retention=await retention_for(dossier["procedure"]), start=start, end=end,
        keywords=logic.keywords(procedure["code"], procedure["name"], procedure["field_name"]),
        notes=_notes(dossier, closing), agency_name=agency["name"],
        dossier_code=dossier["code"])


async def _pending_row(dossier_id: int) -> dict:
    row = await ArchivalFile.select().where(ArchivalFile.dossier == dossier_id).first()
    if row is not None:
        return row
    dossier = await Dossier.select(Dossier.agency, Dossier.status, Dossier.created_at).where(
        Dossier.id == dossier_id).first()
    if dossier is None or Status(dossier["status"]) not in logic.CLOSED_STATUSES:
        raise NotClosed(f"Hồ sơ {dossier_id} chưa kết thúc nên chưa lập hồ sơ lưu trữ.")
    last = await DossierEvent.select(DossierEvent.at).where(
        DossierEvent.dossier == dossier_id).order_by(DossierEvent.at, ascending=False).first()
    async with write_transaction():
        await _record_pending(dossier_id, dossier["agency"],
                              last["at"] if last else dossier["created_at"])
    return await ArchivalFile.select().where(ArchivalFile.dossier == dossier_id).first()


async def _claim(row: dict) -> bool:
    """Take the file for this run: pending, failed, or left `building` by a run that died
    (`BUILD_STALE_MINUTES`). False when another run holds it or it is done."""
    now = now_utc()
    stale = now - timedelta(minutes=BUILD_STALE_MINUTES)
    async with write_transaction():
        taken = await ArchivalFile.update({ArchivalFile.status: FileStatus.BUILDING.value,
                                           ArchivalFile.queued_at: now}).where(
            (ArchivalFile.id == row["id"])
            & (ArchivalFile.status.is_in([FileStatus.PENDING.value, FileStatus.FAILED.value])
               | ((ArchivalFile.status == FileStatus.BUILDING.value)
                  & (ArchivalFile.queued_at < stale)))
        ).returning(ArchivalFile.id)
    return bool(taken)


async def build_file(dossier_id: int) -> str:
    """Build (or finish) the dossier's archival file; returns its code. A file already
    built is left as it is: its checksums are what packages and fixity runs rely on. Two
    runs at once (the queue and the sweep) cannot both build it: one claims it."""
    row = await _pending_row(dossier_id)
    if row["status"] in (FileStatus.BUILT.value, FileStatus.DISPOSED.value):
        return row["code"]
    if not await _claim(row):
        raise BuildInProgress(f"Hồ sơ lưu trữ của hồ sơ {dossier_id} đang được lập.")
    try:
        return await _build(row)
    except Exception as exc:
        async with write_transaction():
            await ArchivalFile.update({ArchivalFile.status: FileStatus.FAILED.value,
                                       ArchivalFile.error: f"{type(exc).__name__}: {exc}"[:2000]}
                                      ).where(ArchivalFile.id == row["id"])
        raise


async def _build(row: dict) -> str:
    dossier, pieces = await documents.collect(row["dossier"])
    agency = await Agency.select(Agency.code, Agency.name).where(
        Agency.id == dossier["agency"]).first()
    facts = await _facts(dossier, agency)
    described = metadata.describe_documents(facts.code, pieces)
    built_at = now_utc()
    description = metadata.manifest(facts, described, built_at)
    manifest = metadata.manifest_bytes(description)
    index = record_pdf("archive/pdf/file_index.html", await letterhead_of(dossier["agency"]),
                       f=description["file"], documents=described,
                       fields=metadata.FILE_FIELDS, moment=built_at)
    contents = {doc["filename"]: piece.data for doc, piece in zip(described, pieces, strict=True)}
    contents |= {MANIFEST_NAME: manifest, INDEX_NAME: index}
    storage.write_file_folder(facts.code, contents)
    file_meta = description["file"]
    async with write_transaction():
        await ArchivalDocument.delete().where(ArchivalDocument.file == row["id"])
        await ArchivalFile.update({
            ArchivalFile.status: FileStatus.BUILT.value, ArchivalFile.code: facts.code,
            ArchivalFile.agency: dossier["agency"], ArchivalFile.title: facts.title,
            ArchivalFile.year: facts.end.year, ArchivalFile.retention_years: facts.retention.years,
            ArchivalFile.usage: facts.retention.usage.value, ArchivalFile.start_at: facts.start,
            ArchivalFile.end_at: facts.end,
            ArchivalFile.expires_on: logic.expires_on(facts.end.year, facts.retention.years),
            ArchivalFile.document_count: file_meta["document_count"],
            ArchivalFile.page_count: file_meta["page_count"],
            ArchivalFile.keywords: facts.keywords, ArchivalFile.notes: facts.notes,
            ArchivalFile.manifest_sha256: metadata.sha256_hex(manifest),
            ArchivalFile.built_at: built_at, ArchivalFile.error: "",
        }).where(ArchivalFile.id == row["id"])
        await ArchivalDocument.insert(*[ArchivalDocument(
            file=row["id"], position=d["position"], identifier=d["identifier"],
            source=d["source"], number_symbol=d["number_symbol"],
            doc_date=date.fromisoformat(d["date"]), doc_type=d["type"], summary=d["summary"],
            issuing_agency=d["issuing_agency"], signer=d["signer"], pages=d["pages"],
            format=d["format"], reliability=d["reliability"], conversion=d["conversion"],
            filename=d["filename"], size=d["size"], sha256=d["sha256"]) for d in described])
        await audit.record("archive.file_built", "archival_file", row["id"], {
            "code": facts.code, "dossier": dossier["code"], "documents": len(described),
            "manifest_sha256": metadata.sha256_hex(manifest)})
    return facts.code


async def build_pending(limit: int = SWEEP_BATCH) -> dict[str, int]:
    """Build files still pending (or left building by a run that died) after the grace
    time, then closed dossiers without a file at all, `limit` at a time; one failure
    does not stop the others."""
    now = now_utc()
    waiting = (((ArchivalFile.status == FileStatus.PENDING.value)
                & (ArchivalFile.queued_at < now - timedelta(minutes=SWEEP_GRACE_MINUTES)))
               | ((ArchivalFile.status == FileStatus.BUILDING.value)  # a run that died
                  & (ArchivalFile.queued_at < now - timedelta(minutes=BUILD_STALE_MINUTES))))
    pending = [r["dossier"] for r in await ArchivalFile.select(ArchivalFile.dossier).where(
        waiting).order_by(ArchivalFile.id).limit(limit)]
    missing = [r["id"] for r in await Dossier.select(Dossier.id).where(
        Dossier.status.is_in([s.value for s in logic.CLOSED_STATUSES])
        & Dossier.id.not_in(ArchivalFile.select(ArchivalFile.dossier))
    ).order_by(Dossier.id).limit(max(limit - len(pending), 0))]
    counts = {"built": 0, "failed": 0}
    for dossier_id in pending + missing:
        try:
            await build_file(dossier_id)
            counts["built"] += 1
        except Exception:
            log.exception("archival file of dossier %s", dossier_id)
            counts["failed"] += 1
    return counts

"""Digitising paper components at the counter, and reading them (OCR) in the worker.

`scan_component` runs in the request: it normalises the page images, merges them into
one PDF, stores it and, in one transaction, links it to the dossier component (flagged
digitised), files it in the applicant's warehouse and writes the audit entry. OCR is slow
(1–2.5 s a page), so `read_scan` runs later in the Huey worker and the officer goes on.
"""

from __future__ import annotations

import asyncio
import hashlib
import json

from app.accounts.service import CurrentUser
from app.audit import service as audit
from app.db import write_transaction
from app.digitisation import images, ocr, text_index
from app.digitisation.logic import ScanStatus, find_id_numbers, search_terms, snippet
from app.digitisation.tables import Scan
from app.dossiers.service import visible_to
from app.dossiers.tables import Dossier, DossierComponent
from app.files import store
from app.files.logic import sniff
from app.formatting import now_utc
from app.signatures import scans
from app.signatures.signing import SignatureRefused
from app.text import fold
from app.warehouse import service as warehouse

MAX_SCAN_FILE_BYTES = 20 * 1024 * 1024
MAX_SCAN_PAGES = 50


class ScanRefused(ValueError):
    """A scan the counter cannot use (message in Vietnamese)."""


def assemble(files: list[bytes]) -> tuple[bytes, str]:
    """The bytes to store for one component: page images become one grayscale PDF; a
    single PDF from a scanner is kept as it is. Pure (CPU only)."""
    if not files:
        raise ScanRefused("Chọn ít nhất một tệp ảnh hoặc PDF đã quét.")
    if len(files) > MAX_SCAN_PAGES:
        raise ScanRefused(f"Mỗi thành phần tối đa {MAX_SCAN_PAGES} trang.")
    kinds = []
    for data in files:
        if len(data) > MAX_SCAN_FILE_BYTES:
            raise ScanRefused("Tệp quá lớn: mỗi tệp quét tối đa 20 MB.")
        kind = sniff(data)
        if kind is None:
            raise ScanRefused("Chỉ nhận tệp PDF, JPEG hoặc PNG "
                              "(hệ thống kiểm tra nội dung tệp, không theo tên).")
        kinds.append(kind)
    if "application/pdf" in kinds:
        if len(files) > 1:
            raise ScanRefused("Tệp PDF phải được tải lên riêng; "
                              "chỉ ghép được nhiều trang ảnh JPEG hoặc PNG.")
        return files[0], "application/pdf"
    try:
        return images.pages_to_pdf([images.normalise_scan(data) for data in files]), \
            "application/pdf"
    except images.ImageProblem as exc:
        raise ScanRefused(str(exc)) from None


async def scan_component(user: CurrentUser, dossier: dict, component_id: int,
                         files: list[bytes]) -> int:
    """Store the scan of one component of a dossier the user may see; the scan id."""
    component = next((c for c in dossier["components"] if c["id"] == component_id), None)
    if component is None:
        raise ScanRefused("Thành phần hồ sơ không hợp lệ.")
    data, content_type = await asyncio.to_thread(assemble, files)
    now = now_utc()
    try:  # the electronic copy carries the receiving agency's signature (when configured)
        signed_data, signed = await scans.sign_scan(dossier, data, now)
    except SignatureRefused as exc:
        raise ScanRefused(f"Chưa ký số được bản số hóa: {exc}") from None
    facts = images.facts(signed_data, content_type)
    async with store.atomic():
        stored = await store.store(signed_data, content_type)
        if signed is not None:
            await scans.record(dossier["id"], stored, hashlib.sha256(data).hexdigest(), signed,
                               user.id, now)
        scan = Scan(component=component_id, dossier=dossier["id"], file=stored.id,
                    sha256=facts.sha256, size=facts.size, page_count=facts.page_count,
                    status=ScanStatus.QUEUED.value, created_at=now, created_by=user.id)
        await scan.save()
        await DossierComponent.update({
            DossierComponent.file: stored.id, DossierComponent.digitised: True,
            DossierComponent.original_filename: f"ban-so-hoa-{component_id}.pdf",
        }).where(DossierComponent.id == component_id)
        await warehouse.file_document(
            title=component["name"], source=warehouse.Source.DIGITISED, file_id=stored.id,
            dossier_id=dossier["id"], owner_id=dossier["applicant"],
            owner_id_number=dossier["applicant_id_number"])
        await audit.record("dossier.component_digitised", "dossier", dossier["id"], {
            "component": component_id, "sha256": facts.sha256, "size": facts.size,
            "pages": facts.page_count, "signed": signed is not None}, actor_id=user.id)
    return scan.id


async def latest_scan(component_id: int) -> dict | None:
    return await Scan.select().where(Scan.component == component_id).order_by(
        Scan.id, ascending=False).first()


def _ocr_stored(sha256: str, page_count: int) -> str:
    """OCR reads a path: a temporary local copy when the store is a bucket."""
    with store.local_copy(sha256) as path:
        return ocr.read_pdf(path, page_count)


async def read_scan(component_id: int) -> str:
    """OCR the component's latest scan; idempotent: a finished scan is left alone. Returns
    the scan's status. OCR errors are recorded and re-raised so the task is retried."""
    scan = await latest_scan(component_id)
    if scan is None:
        return "missing"
    if scan["status"] == ScanStatus.DONE:
        return scan["status"]
    async with write_transaction():
        await Scan.update({Scan.status: ScanStatus.READING.value,
                           Scan.attempts: Scan.attempts + 1}).where(Scan.id == scan["id"])
    try:
        text = await asyncio.to_thread(_ocr_stored, scan["sha256"], scan["page_count"])
    except ocr.OcrError as exc:
        async with write_transaction():
            await Scan.update({Scan.status: ScanStatus.FAILED.value,
                               Scan.error: str(exc)[:1000], Scan.finished_at: now_utc()}
                              ).where(Scan.id == scan["id"])
        raise
    text = text.replace("\f", "\n").strip()
    async with write_transaction():
        await Scan.update({
            Scan.status: ScanStatus.DONE.value, Scan.text: text, Scan.text_folded: fold(text),
            Scan.id_numbers: json.dumps(find_id_numbers(text)), Scan.error: "",
            Scan.finished_at: now_utc()}).where(Scan.id == scan["id"])
    return ScanStatus.DONE.value


async def scans_of(dossier_id: int) -> dict[int, dict]:
    """The latest scan of each component of the dossier, by component id."""
    rows = await Scan.select(
        Scan.id, Scan.component, Scan.sha256, Scan.size, Scan.page_count, Scan.status,
        Scan.id_numbers, Scan.error, Scan.created_at, Scan.finished_at,
    ).where(Scan.dossier == dossier_id).order_by(Scan.id).output(load_json=True)
    signatures = await scans.signed_scans(dossier_id)
    for row in rows:
        row["signature"] = signatures.get(row["sha256"])
    return {row["component"]: row for row in rows}  # later scans overwrite earlier ones


async def scan_file(dossier_id: int, scan_id: int) -> dict | None:
    return await Scan.select(Scan.id, Scan.sha256, Scan.dossier).where(
        (Scan.id == scan_id) & (Scan.dossier == dossier_id)).first()


async def search(user: CurrentUser, query: str, limit: int = 50) -> list[dict]:
    """Digitised components whose text contains every word of the query, ignoring
    diacritics and case, within the dossiers the user may see; newest first."""
    terms = search_terms(query)
    if not terms:
        return []
    condition = Scan.status == ScanStatus.DONE.value
    ids = await text_index.matching_scan_ids(terms)
    if ids is None:  # no full-text index: every word somewhere in the folded text
        for term in terms:
            condition &= Scan.text_folded.like(f"%{term}%")
    else:
        condition &= Scan.id.is_in(ids or [-1])
    # The staff scope is a condition on dossiers: take the matching scans' dossiers,
    # keep those in scope, then the scans of those.
    matches = await Scan.select(Scan.dossier).where(condition).order_by(
        Scan.id, ascending=False).limit(text_index.MAX_CANDIDATES)
    ids = list({m["dossier"] for m in matches}) or [-1]
    visible = await Dossier.select(Dossier.id, Dossier.code).where(
        Dossier.id.is_in(ids) & visible_to(user))
    codes = {row["id"]: row["code"] for row in visible}
    if not codes:
        return []
    rows = await Scan.select(
        Scan.id, Scan.dossier, Scan.text, Scan.page_count, Scan.created_at,
        Scan.component.name.as_alias("component_name"),
    ).where(condition & Scan.dossier.is_in(list(codes))).order_by(
        Scan.id, ascending=False).limit(limit)
    for row in rows:
        row["code"] = codes[row["dossier"]]
        row["snippet"] = snippet(row.pop("text"), terms)
    return rows

"""Online submission: a draft saved at every step, then one idempotent submit.

A draft is a dossier in status DRAFT owned by the applicant, so a dropped connection loses
nothing. Its code is a placeholder until submission gives it the real one; submitting
goes through the one state machine, so a repeated submit is refused by the machine and
the page simply shows the confirmation again: exactly one dossier.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import datetime

from app.accounts.service import CurrentUser
from app.accounts.tables import User
from app.catalog.service import active_components
from app.catalog.tables import Procedure
from app.counter.service import next_code
from app.db import write_transaction
from app.digitisation.images import ImageProblem, reencode_upload
from app.dossiers.logic import Channel, Status
from app.dossiers.tables import Dossier, DossierComponent, DossierEvent, StoredFile
from app.files import store
from app.files.backends import Backend
from app.files.logic import MAX_DOSSIER_BYTES, sniff, upload_problem
from app.formatting import now_utc, to_local
from app.prepared import prepared
from app.warehouse import service as warehouse
from app.workflow import Action
from app.workflow.service import perform, recompute_due

DRAFT_PREFIX = "NHAP-"


class SubmissionError(ValueError):
    """A refusal to show the applicant (Vietnamese)."""


async def start_draft(user: CurrentUser, procedure_id: int) -> int:
    procedure = await _offered(procedure_id=procedure_id, active=True, internal=False)
    if procedure is None or procedure["online_level"] == "none":
        raise SubmissionError("Thủ tục này chưa được cung cấp dịch vụ công trực tuyến.")
    account = await _account(user_id=user.id)
    async with write_transaction():
        draft = Dossier(
            code=DRAFT_PREFIX + secrets.token_hex(8), procedure=procedure_id,
            procedure_version=procedure["current_version"],
            agency=procedure["agency"], applicant=user.id,
            applicant_name=account["full_name"], applicant_id_number=account["id_number"] or "",
            applicant_phone=account["phone"], channel=Channel.ONLINE.value,
            status=Status.DRAFT.value, created_at=now_utc(), fees_due=procedure["fee_amount"],
        )
        await draft.save()
    return draft.id


@prepared
def _offered(procedure_id, active, internal):
    return Procedure.select().where(
        (Procedure.id == procedure_id) & (Procedure.active == active)
        & (Procedure.internal == internal)).first()


@prepared
def _account(user_id):
    return User.select().where(User.id == user_id).first()


async def draft_of(user: CurrentUser, dossier_id: int) -> dict | None:
    """The applicant's own dossier (draft or submitted) with its procedure, or None."""
    row = await own_dossier(dossier_id=dossier_id, applicant_id=user.id)
    if row is None:
        return None
    row["components"] = await active_components(procedure_id=row["procedure"], active=True)
    row["supplied"] = {c["procedure_component"]: c
                       for c in await _supplied(dossier_id=dossier_id)}
    return row


# Every step of the applicant's path reads the draft, some twice: built once.
@prepared
def own_dossier(dossier_id, applicant_id):
    """The applicant's own dossier (draft or submitted) with the names its pages show."""
    return Dossier.select(
        Dossier.all_columns(), Dossier.procedure.name.as_alias("procedure_name"),
        Dossier.agency.name.as_alias("agency_name"),
        Dossier.agency.address.as_alias("agency_address"),
        Dossier.procedure.time_limit_amount.as_alias("time_limit_amount"),
        Dossier.procedure.time_limit_unit.as_alias("time_limit_unit"),
    ).where((Dossier.id == dossier_id) & (Dossier.applicant == applicant_id)).first()


@prepared
def _supplied(dossier_id):
    return DossierComponent.select(
        DossierComponent.all_columns(), DossierComponent.file.size.as_alias("size"),
    ).where(DossierComponent.dossier == dossier_id)


async def save_applicant(draft: dict, name: str, id_number: str, phone: str,
                         address: str) -> None:
    """Who the dossier is for: the account holder by default (pre-filled), or the person
    or organisation they submit for (CCCD or tax code; an authorisation letter is then
    one of the components)."""
    async with write_transaction():
        await Dossier.update({
            Dossier.applicant_name: name, Dossier.applicant_id_number: id_number,
            Dossier.applicant_phone: phone,
            Dossier.applicant_address: address,
        }).where((Dossier.id == draft["id"]) & (Dossier.status == Status.DRAFT.value))


def _check_changeable(draft: dict, component_id: int) -> dict:
    """The procedure component, if this draft may still change it."""
    if draft["status"] not in (Status.DRAFT, Status.SUPPLEMENT_REQUESTED):
        raise SubmissionError("Hồ sơ đã nộp, không thể thay đổi thành phần hồ sơ.")
    component = next((c for c in draft["components"] if c["id"] == component_id), None)
    if component is None:
        raise SubmissionError("Thành phần hồ sơ không hợp lệ.")
    return component


def _others_size(draft: dict, component_id: int) -> int:
    return sum(c["size"] or 0 for key, c in draft["supplied"].items() if key != component_id)


async def attach(draft: dict, component_id: int, filename: str, content: bytes) -> None:
    """Store one uploaded component; replaces an earlier file for the same component.
    Only while drafting or answering a supplement request: a submitted dossier is fixed.
    The upload is also filed in the applicant's data warehouse for later reuse."""
    component = _check_changeable(draft, component_id)
    # The CPU and disk work (parsing the file, Pillow, writing and fsyncing both copies)
    # in one worker thread: the event loop serves others meanwhile, and the write lock
    # below is held for the rows only, since `store.store` finds the bytes already there.
    content, content_type, digest, written = await asyncio.to_thread(
        _checked_and_written, content, _others_size(draft, component_id))
    try:
        async with store.atomic():
            stored = await store.store(content, content_type, digest=digest)
            await _replace_component(draft, component, stored.id, filename, reused=False)
            await warehouse.file_document(
                title=component["name"], source=warehouse.Source.UPLOAD, file_id=stored.id,
                dossier_id=None, owner_id=draft["applicant"])
    except BaseException:
        if written:
            await _drop_unclaimed(written, digest)
        raise


def _checked_and_written(content: bytes, already_stored: int
                         ) -> tuple[bytes, str, str, list[tuple[Backend, str]]]:
    """The bytes to store (refused in Vietnamese, images re-encoded), written and fsynced
    under their digest in the store and its replica; returns them with their type, their
    digest (hashed here, once) and the copies this call created."""
    problem = upload_problem(content, already_stored=already_stored)
    if problem:
        raise SubmissionError(problem)
    try:
        content, content_type = reencode_upload(content, sniff(content))
    except ImageProblem as exc:
        raise SubmissionError(str(exc)) from None
    digest, written = store.write_ahead(content)
    return content, content_type, digest, written


async def _drop_unclaimed(written: list[tuple[Backend, str]], digest: str) -> None:
    """Copies written ahead for a transaction that failed: removed under the write lock,
    unless a committed row names the same bytes (another upload of the same file)."""
    async with write_transaction():
        if not await StoredFile.exists().where(StoredFile.sha256 == digest):
            for copy, name in written:
                copy.delete(name)


async def attach_from_warehouse(user: CurrentUser, draft: dict, component_id: int,
                                document_id: int) -> None:
    """Use a document of the applicant's warehouse for this component instead of an
    upload; recorded as reuse on the component (the service index counts it)."""
    component = _check_changeable(draft, component_id)
    document = await warehouse.document_for(user, document_id)
    if document is None:  # someone else's id gets the same answer as a missing one
        raise SubmissionError("Không tìm thấy giấy tờ này trong kho dữ liệu của bạn.")
    if _others_size(draft, component_id) + document["size"] > MAX_DOSSIER_BYTES:
        raise SubmissionError("Tổng dung lượng hồ sơ vượt quá 20 MB.")
    async with write_transaction():
        await _replace_component(draft, component, document["file_id"], document["title"],
                                 reused=True)


async def _replace_component(draft: dict, component: dict, file_id: int, filename: str,
                             reused: bool) -> None:
    await DossierComponent.delete().where(
        (DossierComponent.dossier == draft["id"])
        & (DossierComponent.procedure_component == component["id"]))
    await DossierComponent(
        dossier=draft["id"], procedure_component=component["id"], name=component["name"],
        kind=component["kind"], quantity=component["quantity"], file=file_id,
        original_filename=filename[-255:], reused=reused).save()


def missing_components(draft: dict) -> list[str]:
    return [c["name"] for c in draft["components"]
            if c["required"] and c["id"] not in draft["supplied"]]


async def submit(user: CurrentUser, draft: dict) -> str:
    """Submit once; a repeated submit of the same draft returns the same code."""
    if draft["status"] != Status.DRAFT:
        return draft["code"]
    if missing_components(draft):
        raise SubmissionError("Hồ sơ còn thiếu thành phần bắt buộc.")
    async with write_transaction():
        current = await _status_and_code(dossier_id=draft["id"])
        if current["status"] != Status.DRAFT:  # a double tap that lost the race
            return current["code"]
        code = await next_code(draft["agency"], to_local(now_utc()).date())
        # Submitted under the version in force now, even if the draft began under another.
        version = await _current_version(procedure_id=draft["procedure"])
        await Dossier.update({Dossier.code: code,
                              Dossier.procedure_version: version["current_version"]}).where(
            Dossier.id == draft["id"])
        await perform(draft["id"], user, Action.SUBMIT)
    return code


@prepared
def _status_and_code(dossier_id):
    return Dossier.select(Dossier.status, Dossier.code).where(Dossier.id == dossier_id).first()


@prepared
def _current_version(procedure_id):
    return Procedure.select(Procedure.current_version).where(Procedure.id == procedure_id).first()


async def expected_appointment(dossier: dict) -> datetime | None:
    """The appointment the applicant can expect if the counter accepts the dossier when it
    was submitted: the procedure's time limit on the province's calendar. The official
    date is set at reception (form 01) and sent by message."""
    if dossier.get("due_at") is not None:
        return dossier["due_at"]
    submitted = await DossierEvent.select(DossierEvent.at).where(
        (DossierEvent.dossier == dossier["id"]) & (DossierEvent.action == "submitted")
    ).first()
    if submitted is None:
        return None
    return await recompute_due({**dossier, "received_at": submitted["at"]})


async def supplement_request(dossier_id: int) -> str:
    """What the agency asked for, in its own words (the comment of the latest request)."""
    event = await DossierEvent.select(DossierEvent.comment).where(
        (DossierEvent.dossier == dossier_id)
        & (DossierEvent.action == "supplement_requested")
    ).order_by(DossierEvent.id, ascending=False).first()
    return event["comment"] if event else ""


async def supply(user: CurrentUser, dossier: dict) -> None:
    """Send the supplemented dossier back to where it was asked (through the machine)."""
    await perform(dossier["id"], user, Action.SUPPLY_SUPPLEMENT)

"""Dossier sync to the national portal: queue a version at every change, deliver it.

`queue(dossier_id)` runs inside the transaction of the change (the workflow's `perform`,
the counter, online submission, a dossier filed on the portal): it reads the dossier as
it now is, builds the portal's payload and queues it as the next version — unless it is
the same as the last version queued, so calling it twice in one change adds nothing. The
worker pushes versions in order per dossier (`app.integrations.outbox`); the portal's
acknowledgement moves `national_sync.delivered_version` in the same transaction.
"""

from __future__ import annotations

from functools import lru_cache

from app.db import write_transaction
from app.directory.tables import Agency
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierComponent, DossierEvent, DossierResult
from app.formatting import now_utc
from app.integrations import outbox
from app.integrations.config import provider, public_url
from app.integrations.dvcqg.payload import (
    PAID_BY_PROVINCE,
    Component,
    DossierFacts,
    build,
    judge,
    portal_time,
    problems,
)
from app.integrations.dvcqg.portal import get_portal, source_code
from app.integrations.dvcqg.tables import NationalDossierLink, NationalSync
from app.integrations.ioffice.tables import OfficialDocument
from app.integrations.logic import Result, permanent
from app.integrations.vneid.tables import NationalAccountLink
from app.payments.logic import PaymentStatus
from app.payments.tables import Payment

KIND = "dvcqg.dossier"


def subject(dossier_id: int) -> str:
    return f"dossier:{dossier_id}"


@lru_cache(maxsize=1)
def _columns() -> tuple:
    """Built once: Piccolo's joined-column chains cost about a millisecond to resolve."""
    return (*Dossier.all_columns(), Dossier.procedure.code.as_alias("procedure_code"),
            Dossier.procedure.time_limit_amount.as_alias("limit_amount"),
            Dossier.procedure.time_limit_unit.as_alias("limit_unit"),
            Dossier.agency.code.as_alias("agency_code"),
            Dossier.agency.portal_code.as_alias("agency_portal_code"))


async def facts(dossier_id: int) -> DossierFacts | None:
    row = await Dossier.select(*_columns()).where(Dossier.id == dossier_id).first()
    if row is None:
        return None
    components = await DossierComponent.select(
        DossierComponent.name, DossierComponent.digitised, DossierComponent.reused,
        DossierComponent.file).where(DossierComponent.dossier == dossier_id).order_by(
        DossierComponent.id)
    submitted = await DossierEvent.select(DossierEvent.at).where(
        (DossierEvent.dossier == dossier_id) & (DossierEvent.action == "submitted")).first()
    paid = await Payment.exists().where((Payment.dossier == dossier_id)
                                        & (Payment.status == PaymentStatus.PAID.value))
    vneid = row["applicant"] is not None and await NationalAccountLink.exists().where(
        NationalAccountLink.user == row["applicant"])
    result = await DossierResult.select(DossierResult.sha256).where(
        DossierResult.dossier == dossier_id).first()
    number = await OfficialDocument.select(OfficialDocument.number).where(
        (OfficialDocument.dossier == dossier_id) & (OfficialDocument.kind == "result")).order_by(
        OfficialDocument.id, ascending=False).first()
    link = await NationalDossierLink.select(NationalDossierLink.portal_id).where(
        NationalDossierLink.dossier == dossier_id).first()
    result_code = (number["number"] if number else result["sha256"][:16] if result else "")
    return DossierFacts(
        code=row["code"], agency_id=row["agency"], procedure_code=row["procedure_code"] or "",
        agency_code=row["agency_portal_code"] or row["agency_code"] or "",
        channel=row["channel"], status=row["status"], applicant_name=row["applicant_name"],
        submitted_at=submitted["at"] if submitted else row["created_at"],
        received_at=row["received_at"], due_at=row["due_at"], finished_at=row["finished_at"],
        returned_at=row["returned_at"],
        time_limit_amount=f"{row['limit_amount']:g}" if row["limit_amount"] is not None else "",
        time_limit_unit=row["limit_unit"] or "", fees_due=row["fees_due"],
        paid_online=PAID_BY_PROVINCE if paid else 0, vneid_account=bool(vneid),
        result_code=result_code,
        result_url=f"{public_url()}/tra-cuu?ma={row['code']}" if result else "",
        portal_id=link["portal_id"] if link else "",
        components=tuple(Component(c["name"], c["digitised"], c["reused"],
                                   c["file"] is not None) for c in components))


async def queue(dossier_id: int) -> int | None:
    """Queue the dossier's current state for the portal (inside the caller's transaction);
    the version queued, or None (not connected, a draft, or nothing changed)."""
    if not provider("dvcqg"):
        return None
    found = await facts(dossier_id)
    if found is None or found.status == Status.DRAFT:
        return None
    async with write_transaction():
        version = await outbox.queue("dvcqg", KIND, subject(dossier_id),
                                     build(found, source_code()), dossier_id=dossier_id,
                                     agency_id=found.agency_id)
        if version is not None:
            now = now_utc()
            await NationalSync.insert(NationalSync(
                dossier=dossier_id, agency=found.agency_id, queued_version=version,
                updated_at=now)).on_conflict(
                target=NationalSync.dossier, action="DO UPDATE",
                values=[NationalSync.queued_version, NationalSync.agency,
                        NationalSync.updated_at])
    return version


async def _delivered(row: dict, result: Result) -> None:
    """In the outcome's transaction: the portal now holds this version."""
    now = now_utc()
    await NationalSync.update({NationalSync.delivered_version: row["version"],
                               NationalSync.updated_at: now}).where(
        (NationalSync.dossier == row["dossier"])
        & (NationalSync.delivered_version < row["version"]))
    if row["payload"].get("NgayTiepNhan"):
        await NationalSync.update({NationalSync.reception_synced_at: now}).where(
            (NationalSync.dossier == row["dossier"])
            & NationalSync.reception_synced_at.is_null())


@outbox.sends(KIND, on_delivered=_delivered)
async def send(row: dict, collect: list) -> Result:
    payload = row["payload"]
    if problems(payload):  # codes missing when queued may have been entered since
        payload = await _refresh(row)
    found = problems(payload)
    if found:
        return permanent(" ".join(found))
    portal = get_portal()
    if portal is None:
        return permanent("Chưa kết nối Cổng DVCQG (MOTCUA_DVCQG).")
    answer = await portal.push("dossier", payload, row["version"], collect)
    return judge(payload, row["version"], answer.status, answer_body(answer))


def answer_body(answer):
    try:
        return answer.json()
    except ValueError:
        return answer.body[:200].decode("utf-8", "replace")


async def _refresh(row: dict) -> dict:
    """On resend: the procedure and agency codes as they are now (an admin may have just
    entered the missing portal code); the rest of the version is what it was."""
    current = await facts(row["dossier"])
    payload = dict(row["payload"])
    if current is not None:
        payload.update(MaTTHC=current.procedure_code, MaCoQuan=current.agency_code)
    return payload


outbox.REFRESH[KIND] = _refresh


async def agency_codes() -> dict[int, str]:
    rows = await Agency.select(Agency.id, Agency.code, Agency.portal_code)
    return {r["id"]: r["portal_code"] or r["code"] for r in rows}


__all__ = ["facts", "portal_time", "queue", "send", "subject"]

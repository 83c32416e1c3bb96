"""Following a dossier: the public lookup's timeline and the owner's full page."""

from __future__ import annotations

from app.accounts.service import CurrentUser
from app.dossiers import service as dossiers
from app.dossiers.tables import DossierComponent, DossierEvent
from app.payments import service as payments
from app.portal.logic import next_steps, timeline
from app.portal.service import own_dossier
from app.prepared import prepared
from app.workflow import Action
from app.workflow.service import actions_for, perform


async def public_view(code: str, second_factor: str) -> dict | None:
    """The anonymous lookup with its timeline and what to do next; no personal data, no
    officers' comments (None for unknown codes and wrong digits alike). `issued_result`:
    the digests of its electronic result, None without one."""
    row = await dossiers.proven_row(code, second_factor)
    if row is None:
        return None
    dossier_id, owed = row.pop("id"), row.pop("fees_due") - row.pop("fees_paid")
    sha256, signed_sha256 = row.pop("result_sha256"), row.pop("result_signed_sha256")
    events = await public_events(dossier_id=dossier_id)
    return {**row, "dossier_id": dossier_id, "timeline": timeline(events, owner=False),
            "next_steps": next_steps(row["status"], owed),
            "issued_result": None if sha256 is None else {
                "sha256": sha256, "signed_sha256": signed_sha256}}


@prepared
def public_events(dossier_id):
    """What the public timeline is drawn from: no comments, no actors."""
    return DossierEvent.select(DossierEvent.id, DossierEvent.at, DossierEvent.action,
                               ).where(DossierEvent.dossier == dossier_id)


async def owner_view(user: CurrentUser, dossier_id: int) -> dict | None:
    """Everything about the applicant's own dossier, or None if it is not theirs."""
    row = await own_dossier(dossier_id=dossier_id, applicant_id=user.id)
    if row is None:
        return None
    events = await _owner_events(dossier_id=dossier_id)
    owed = row["fees_due"] - row["fees_paid"]
    allowed = await actions_for(dossier_id, user)
    return {
        **row,
        "timeline": timeline(events, owner=True),
        "next_steps": next_steps(row["status"], owed),
        "fees_outstanding": owed,
        "components": await _owner_components(dossier_id=dossier_id),
        "payments": await payments.payments_for(dossier_id),
        "can_pay": Action.PAY in allowed and owed > 0,
        "can_withdraw": Action.REQUEST_WITHDRAWAL in allowed,
    }


# The applicant's own dossier page: its reads built once (the dossier row is the draft's).
@prepared
def _owner_events(dossier_id):
    return DossierEvent.select(
        DossierEvent.id, DossierEvent.at, DossierEvent.action, DossierEvent.comment,
    ).where(DossierEvent.dossier == dossier_id)


@prepared
def _owner_components(dossier_id):
    return DossierComponent.select(
        DossierComponent.name, DossierComponent.kind, DossierComponent.quantity,
        DossierComponent.original_filename).where(DossierComponent.dossier == dossier_id)


async def request_withdrawal(user: CurrentUser, dossier_id: int, reason: str) -> None:
    """The applicant asks to withdraw; the agency decides (accept or cancel)."""
    await perform(dossier_id, user, Action.REQUEST_WITHDRAWAL, reason=reason)

"""What the sync page shows: deliveries that failed or wait, recent calls, reconciliations,
and one dossier's sync history — each within the viewer's scope (provincial admins and
auditors the province, agency admins and staff their agencies)."""

from __future__ import annotations

from app.accounts.service import CurrentUser
from app.dossiers.service import visible_to
from app.dossiers.tables import Dossier
from app.integrations import outbox
from app.integrations.dvcqg import reconcile
from app.integrations.ioffice.service import documents_of
from app.integrations.logic import Delivery
from app.integrations.tables import PartnerCall, PartnerOutbox

LIST_LIMIT = 200


def _scope(user: CurrentUser):
    if user.role.sees_whole_province:
        return None
    return PartnerOutbox.agency.is_in(list(user.agency_ids) or [-1])


async def waiting(user: CurrentUser) -> dict[str, list[dict]]:
    """Failed deliveries (need a person) and those still waiting, oldest first."""
    columns = (PartnerOutbox.id, PartnerOutbox.partner, PartnerOutbox.kind,
               PartnerOutbox.subject, PartnerOutbox.version, PartnerOutbox.status,
               PartnerOutbox.attempts, PartnerOutbox.created_at, PartnerOutbox.next_attempt_at,
               PartnerOutbox.last_error, PartnerOutbox.answer, PartnerOutbox.dossier,
               PartnerOutbox.dossier.code.as_alias("dossier_code"))
    found = {}
    for status in (Delivery.FAILED, Delivery.PENDING, Delivery.SENDING):
        query = PartnerOutbox.select(*columns).where(PartnerOutbox.status == status.value)
        scope = _scope(user)
        if scope is not None:
            query = query.where(scope)
        found[status.value] = await query.order_by(PartnerOutbox.id).limit(LIST_LIMIT)
    return found


async def counts(user: CurrentUser) -> dict[str, int]:
    out = {}
    for status in Delivery:
        query = PartnerOutbox.count().where(PartnerOutbox.status == status.value)
        scope = _scope(user)
        out[status.value] = await (query.where(scope) if scope is not None else query)
    return out


async def recent_calls(limit: int = 50) -> list[dict]:
    return await PartnerCall.select().order_by(PartnerCall.id, ascending=False).limit(limit)


async def may_resend(user: CurrentUser, row_id: int) -> bool:
    query = PartnerOutbox.exists().where(PartnerOutbox.id == row_id)
    scope = _scope(user)
    return await (query.where(scope) if scope is not None else query)


async def resend(user: CurrentUser, row_id: int) -> bool:
    if not await may_resend(user, row_id):
        return False
    return await outbox.resend(row_id, user.id)


async def dossier_view(user: CurrentUser, dossier_id: int) -> dict | None:
    row = await Dossier.select(Dossier.id, Dossier.code).where(
        (Dossier.id == dossier_id) & visible_to(user)).first()
    if row is None:
        return None
    deliveries = await PartnerOutbox.select(
        PartnerOutbox.id, PartnerOutbox.kind, PartnerOutbox.version, PartnerOutbox.status,
        PartnerOutbox.attempts, PartnerOutbox.created_at, PartnerOutbox.delivered_at,
        PartnerOutbox.last_error, PartnerOutbox.payload).where(
        PartnerOutbox.dossier == dossier_id).order_by(PartnerOutbox.id)
    return {**row, "deliveries": deliveries, "documents": await documents_of(dossier_id)}


async def reconciliations() -> list[dict]:
    return await reconcile.recent()

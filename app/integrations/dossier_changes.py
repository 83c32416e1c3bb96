"""What every change of a dossier owes the partners, queued in the change's transaction:
its new state for the national portal, and any outgoing document it issued for the
document-management system. Called once from `app.workflow.service.perform` and from the
places that create dossiers; calling it twice for one change adds nothing."""

from __future__ import annotations

from app.integrations.dvcqg import sync
from app.integrations.ioffice import service as documents


async def queue(dossier_id: int) -> None:
    await sync.queue(dossier_id)
    await documents.queue_latest(dossier_id)

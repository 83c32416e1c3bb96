"""What the dossier page shows of the result's draft and signature, and the files behind
its links."""

from __future__ import annotations

from app.accounts.service import CurrentUser
from app.accounts.tables import User
from app.dossiers.tables import Dossier
from app.prepared import prepared
from app.signatures import service
from app.signatures.results import latest_draft, latest_signature


async def signing_view(dossier_id: int, user: CurrentUser) -> dict:
    """The latest draft (with who attached it), the signature in force (None once a step
    was returned), and whether the server holds a key of this user ("Ký số" button)."""
    draft = await latest_draft(dossier_id)
    if draft is not None:
        author = await _full_name(user_id=draft["attached_by"])
        draft["author"] = author["full_name"] if author else ""
    signed = await _signed(dossier_id=dossier_id)
    signature = await latest_signature(dossier_id) if signed and signed["signed"] else None
    return {"draft": draft, "signature": signature,
            "server_key": await service.server_key(user_id=user.id) is not None}


# Read on every opening of the staff dossier page: built once (app.prepared).
@prepared
def _full_name(user_id):
    return User.select(User.full_name).where(User.id == user_id).first()


@prepared
def _signed(dossier_id):
    return Dossier.select(Dossier.signed).where(Dossier.id == dossier_id).first()


async def result_file(dossier_id: int, kind: str) -> str | None:
    """The SHA-256 of the latest draft (`du-thao`) or signed result (`ky-so`)."""
    row = await (latest_draft(dossier_id) if kind == "du-thao" else latest_signature(dossier_id))
    return row["sha256"] if row else None

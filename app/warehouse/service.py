"""The personal data warehouse: filing documents, listing them for their owner, reuse.

A document belongs to an account, to an ID number, or both. Ownership is one query
condition (`owned_by`), used by the list, the download and the reuse in a submission,
so a citizen can never reach another person's document by changing an id.
"""

from __future__ import annotations

from app.accounts.service import CurrentUser
from app.accounts.tables import User
from app.dossiers.tables import Dossier, StoredFile
from app.formatting import now_utc
from app.warehouse.logic import Source
from app.warehouse.tables import WarehouseDocument

__all__ = ["Source", "file_document", "file_result", "list_documents", "document_for"]


async def file_document(*, title: str, source: Source, file_id: int, dossier_id: int | None,
                        owner_id: int | None, owner_id_number: str = "") -> None:
    """File a document; must run inside the caller's write transaction. Filing the same
    file for the same owner and dossier twice keeps one entry (idempotent)."""
    if owner_id is None and not owner_id_number:
        return  # nobody to file it for (an anonymous paper dossier without an ID number)
    duplicate = WarehouseDocument.exists().where(
        (WarehouseDocument.file == file_id) & (WarehouseDocument.source == source.value)
        & (WarehouseDocument.owner_id_number == owner_id_number))
    duplicate = duplicate.where(WarehouseDocument.owner.is_null() if owner_id is None
                                else WarehouseDocument.owner == owner_id)
    if dossier_id is not None:
        duplicate = duplicate.where(WarehouseDocument.dossier == dossier_id)
    if await duplicate:
        return
    await WarehouseDocument(owner=owner_id, owner_id_number=owner_id_number,
                            title=title[:500], source=source.value, file=file_id,
                            dossier=dossier_id, created_at=now_utc()).save()


async def file_result(dossier_id: int, stored_file_id: int) -> None:
    """File an issued result in the applicant's warehouse. Called by the workflow inside
    the transaction that issues the result; a re-issued result replaces the earlier one."""
    dossier = await Dossier.select(
        Dossier.applicant, Dossier.applicant_id_number,
        Dossier.procedure.name.as_alias("procedure_name"),
    ).where(Dossier.id == dossier_id).first()
    await WarehouseDocument.delete().where(
        (WarehouseDocument.dossier == dossier_id)
        & (WarehouseDocument.source == Source.RESULT.value))
    await file_document(title=f"Kết quả: {dossier['procedure_name']}", source=Source.RESULT,
                        file_id=stored_file_id, dossier_id=dossier_id,
                        owner_id=dossier["applicant"],
                        owner_id_number=dossier["applicant_id_number"])


async def _owned_by(user: CurrentUser):
    """Documents filed to this account, and — only once the account is verified against
    the population database (app.identity) — those filed under its ID number: anyone can
    type another person's CCCD when registering, so the number alone proves nothing."""
    account = await User.select(User.id_number, User.id_verified_at).where(
        User.id == user.id).first() or {}
    id_number = account.get("id_number") or ""
    condition = WarehouseDocument.owner == user.id
    if id_number and account.get("id_verified_at") is not None:
        condition |= WarehouseDocument.owner_id_number == id_number
    return condition


_COLUMNS = (
    WarehouseDocument.id, WarehouseDocument.title, WarehouseDocument.source,
    WarehouseDocument.created_at, WarehouseDocument.file.id.as_alias("file_id"),
    WarehouseDocument.file.sha256.as_alias("sha256"),
    WarehouseDocument.file.size.as_alias("size"),
    WarehouseDocument.file.content_type.as_alias("content_type"),
    WarehouseDocument.dossier.code.as_alias("dossier_code"),
)


async def list_documents(user: CurrentUser, limit: int = 200) -> list[dict]:
    rows = await WarehouseDocument.select(*_COLUMNS).where(await _owned_by(user)).order_by(
        WarehouseDocument.id, ascending=False).limit(limit)
    # One file may be filed twice (uploaded, then reused): show it once.
    seen, unique = set(), []
    for row in rows:
        if row["file_id"] not in seen:
            seen.add(row["file_id"])
            unique.append(row)
    return unique


async def document_for(user: CurrentUser, document_id: int) -> dict | None:
    """The document if this user owns it, else None (the same answer as a missing id)."""
    return await WarehouseDocument.select(*_COLUMNS).where(
        (WarehouseDocument.id == document_id) & await _owned_by(user)).first()


async def stored_file(file_id: int) -> dict | None:
    return await StoredFile.select().where(StoredFile.id == file_id).first()

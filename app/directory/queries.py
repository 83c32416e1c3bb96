"""Read-only directory lookups used by pages."""

from __future__ import annotations

from collections.abc import Iterable

from app.directory.tables import Agency, AgencySigner
from app.documents.letterhead import Letterhead, Signature, letterhead, signature
from app.prepared import prepared
from app.settings import get_settings


@prepared  # the counter's reception form lists them on every opening
def active_agencies():
    """Agencies in service, by name (id, name): where a dossier may be sent or moved."""
    return Agency.select(Agency.id, Agency.name).where(Agency.active.eq(True)).order_by(
        Agency.name)


async def agencies_named(agency_ids: Iterable[int]) -> list[dict]:
    ids = list(agency_ids)
    if not ids:
        return []
    return await Agency.select(Agency.id, Agency.code, Agency.name).where(
        Agency.id.is_in(ids)
    ).order_by(Agency.name)


async def letterhead_of(agency_id: int) -> Letterhead:
    """The official letterhead of an agency's documents: its parent, its seat's place."""
    row = await Agency.select(
        Agency.name, Agency.parent.name.as_alias("parent_name"),
        Agency.admin_unit.name.as_alias("unit_name"),
        Agency.admin_unit.level_name.as_alias("unit_level"),
    ).where(Agency.id == agency_id).first()
    if row is None:
        raise LookupError(f"agency {agency_id} not found")
    return letterhead(row["name"], row["parent_name"], row["unit_name"], row["unit_level"],
                      get_settings().province_name)


async def signature_of(agency_id: int, fallback_title: str) -> Signature:
    """Who signs the agency's documents: its first active signing official (the head comes
    first), or the title alone when none is recorded."""
    row = await AgencySigner.select(AgencySigner.title, AgencySigner.full_name).where(
        (AgencySigner.agency == agency_id) & AgencySigner.active.eq(True)).order_by(
        AgencySigner.position).order_by(AgencySigner.id).first()
    return signature(row["title"] if row else None, row["full_name"] if row else None,
                     fallback_title)

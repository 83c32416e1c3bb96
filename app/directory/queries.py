"""Read-only directory lookups used by pages."""

from __future__ import annotations

from collections.abc import Iterable

from app.directory.tables import Agency


async def agencies_named(agency_ids: Iterable[int]) -> list[dict]:
    ids = list(agency_ids)
    if not ids:
        return []
    return await Agency.select(Agency.id, Agency.code, Agency.name).where(
        Agency.id.is_in(ids)
    ).order_by(Agency.name)

"""Staff search on SQLite: the FTS5 index `dossier_fts` (migration 2026-12-05T19:58…, kept
by triggers). `matching_ids` returns None when the index is not there (the migration not
applied), and the caller falls back to portable LIKE conditions.
"""

from __future__ import annotations

from app.db import get_engine
from app.dossiers.tables import Dossier
from app.workqueue.logic import Terms, fts_query


async def matching_ids(terms: Terms, scope_agency_ids: list[int] | None,
                       limit: int) -> list[int] | None:
    """Ids of dossiers whose document matches, newest first, at most `limit`."""
    if not await get_engine().has_table("dossier_fts"):
        return None
    rows = await Dossier.raw(
        "SELECT rowid AS id FROM dossier_fts WHERE dossier_fts MATCH {} "
        f"ORDER BY rowid DESC LIMIT {int(limit)}", fts_query(terms, scope_agency_ids))
    return [row["id"] for row in rows]

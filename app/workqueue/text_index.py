"""The SQLite-only part of the staff search: the FTS5 index `dossier_fts` (migration
2026-12-05T19:58…, kept by triggers). Everything else in the area is portable Piccolo.

`matching_ids` returns None when the index is not there (another database, or the
migration not applied), and the caller falls back to portable LIKE conditions.
"""

from __future__ import annotations

from piccolo.engine.finder import engine_finder

from app.dossiers.tables import Dossier


async def matching_ids(fts_query: str, limit: int) -> list[int] | None:
    """Ids of dossiers whose document matches, newest first, at most `limit`."""
    if engine_finder().engine_type != "sqlite":
        return None
    exists = await Dossier.raw("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                               "AND name = 'dossier_fts'")
    if not exists:
        return None
    rows = await Dossier.raw(
        "SELECT rowid AS id FROM dossier_fts WHERE dossier_fts MATCH {} "
        f"ORDER BY rowid DESC LIMIT {int(limit)}", fts_query)
    return [row["id"] for row in rows]

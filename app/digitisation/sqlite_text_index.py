"""Digitised-text search on SQLite: the FTS5 index `digitised_scan_fts` (migration
000006). `matching_scan_ids` returns None when the index is not there (the migration not
applied), and the caller falls back to LIKE on the folded text.
"""

from __future__ import annotations

from app.db import get_engine
from app.digitisation.tables import Scan

MAX_CANDIDATES = 2000  # as app.digitisation.text_index


def fts_match(terms: list[str]) -> str:
    """Every term as a word prefix ("nhun" finds "nhung"); terms are [a-z0-9]+ only, so
    nothing typed is read as FTS5 syntax."""
    return " ".join(f'"{term}"*' for term in terms)


async def matching_scan_ids(terms: list[str]) -> list[int] | None:
    """Ids of scans whose text holds every term, newest first."""
    if not await get_engine().has_table("digitised_scan_fts"):
        return None
    rows = await Scan.raw(
        "SELECT rowid AS id FROM digitised_scan_fts WHERE digitised_scan_fts MATCH {} "
        f"ORDER BY rowid DESC LIMIT {MAX_CANDIDATES}", fts_match(terms))
    return [row["id"] for row in rows]

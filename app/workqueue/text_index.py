"""The staff search's full-text index, chosen by engine: FTS5 on SQLite
(`sqlite_text_index`), a GIN-indexed `tsvector` expression on PostgreSQL
(`postgres_text_index`). Both fold diacritics, so "dang thi hoa" finds "Đặng Thị Hoà".
"""

from __future__ import annotations

from app.db import dialect_module
from app.workqueue.logic import Terms


async def matching_ids(terms: Terms, scope_agency_ids: list[int] | None,
                       limit: int) -> list[int] | None:
    """Ids of dossiers matching every term within the scope, newest first, at most
    `limit`; None when the index is missing (the caller falls back to LIKE)."""
    return await dialect_module("app.workqueue", "text_index").matching_ids(
        terms, scope_agency_ids, limit)

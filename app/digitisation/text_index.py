"""Digitised-text search through the engine's full-text index: FTS5 on SQLite
(`sqlite_text_index`), a GIN-indexed `tsvector` on PostgreSQL (`postgres_text_index`).
Everything else in the area uses portable Piccolo queries."""

from __future__ import annotations

from app.db import dialect_module

MAX_CANDIDATES = 2000


async def matching_scan_ids(terms: list[str]) -> list[int] | None:
    """Ids of scans whose text holds every term (as word prefixes), newest first, at most
    MAX_CANDIDATES; None when the index is missing (the caller falls back to LIKE)."""
    return await dialect_module("app.digitisation", "text_index").matching_scan_ids(terms)

"""Digitised-text search on PostgreSQL: a `tsvector` of the folded OCR text, GIN-indexed
(migration "PostgreSQL full-text indexes"); every term a word prefix, newest first."""

from __future__ import annotations

from app.digitisation.tables import Scan

MAX_CANDIDATES = 2000  # as app.digitisation.text_index


def ts_query(terms: list[str]) -> str:
    """Terms are [a-z0-9]+ (folded by the caller), so nothing typed is tsquery syntax."""
    return " & ".join(f"{term}:*" for term in terms)


async def matching_scan_ids(terms: list[str]) -> list[int] | None:
    rows = await Scan.raw(
        "SELECT id FROM digitised_scan WHERE to_tsvector('simple', coalesce(text_folded, ''))"
        f" @@ to_tsquery('simple', {{}}) ORDER BY id DESC LIMIT {MAX_CANDIDATES}",
        ts_query(terms))
    return [row["id"] for row in rows]

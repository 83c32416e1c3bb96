"""Catalogue full text on SQLite: the FTS5 index `procedure_fts` (migration 000007), bm25."""

from __future__ import annotations

from app.catalog.tables import Procedure
from app.db import get_engine

# Folded search text is weighed above the accented name (both hold the name) and the code.
BM25_WEIGHTS = (10.0, 5.0, 2.0)


def fts_match(words: list[str]) -> str:
    """An FTS5 query: every word, the last one as a prefix, since results update as the
    visitor types ("giay phep xay d" already finds "xây dựng")."""
    terms = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*'] if words else []
    return " ".join(terms)


async def ranked_ids(words: list[str]) -> list[int] | None:
    """Ranked ids, best first; None when the index is missing (the caller's LIKE answers)."""
    if not await get_engine().has_table("procedure_fts"):
        return None
    w = BM25_WEIGHTS
    rows = await Procedure.raw(
        f"SELECT rowid AS id FROM procedure_fts WHERE procedure_fts MATCH {{}} "
        f"ORDER BY bm25(procedure_fts, {w[0]}, {w[1]}, {w[2]}) LIMIT 500",
        fts_match(words))
    return [row["id"] for row in rows]

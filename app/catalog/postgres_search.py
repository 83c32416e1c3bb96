"""Catalogue full text on PostgreSQL: a `tsvector` over the already folded search text
(weight A) and the code (weight C), GIN-indexed by the migration "PostgreSQL full-text
indexes", ranked with ts_rank like FTS5's weighted bm25 (folded name first)."""

from __future__ import annotations

from app.catalog.tables import Procedure

DOCUMENT = ("setweight(to_tsvector('simple', coalesce(search_text, '')), 'A') || "
            "setweight(to_tsvector('simple', coalesce(code, '')), 'C')")


def ts_query(words: list[str]) -> str:
    """Every word, the last as a prefix (results follow the typing). Words are
    [a-z0-9]+ (app.catalog.search.query_words), so nothing typed is tsquery syntax."""
    return " & ".join([*words[:-1], f"{words[-1]}:*"]) if words else ""


async def ranked_ids(words: list[str]) -> list[int] | None:
    rows = await Procedure.raw(
        f"SELECT id FROM procedure WHERE {DOCUMENT} @@ to_tsquery('simple', {{}}) "
        f"ORDER BY ts_rank({DOCUMENT}, to_tsquery('simple', {{}})) DESC, name LIMIT 500",
        ts_query(words), ts_query(words))
    return [row["id"] for row in rows]


async def ranked_rows(words: list[str], chosen: dict, limit: int) -> list[dict]:
    """The results, best first: the ranked ids, then their rows (app.catalog.search)."""
    from app.catalog.search import rows_in_rank_order  # search chose this module

    return await rows_in_rank_order(await ranked_ids(words), chosen, limit)


async def tidy_index() -> None:
    """Nothing to merge: the GIN index takes its pending entries in at vacuum."""

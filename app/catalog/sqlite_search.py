"""Catalogue full text on SQLite: the FTS5 index `procedure_fts` (migration 000007), bm25."""

from __future__ import annotations

import time

from app.catalog.tables import Procedure
from app.db import get_engine
from app.prepared import prepared
from app.web.short_cache import database_key, kept, memory_cache

# Folded search text is weighed above the accented name (both hold the name) and the code.
BM25_WEIGHTS = (10.0, 5.0, 2.0)
RANKED = (f"SELECT rowid AS id FROM procedure_fts WHERE procedure_fts MATCH {{}} "
          f"ORDER BY bm25(procedure_fts, {', '.join(map(str, BM25_WEIGHTS))}) LIMIT 500")

# Whether the index exists was asked of sqlite_master on every keystroke (~8 % of a search
# request, issue #21). Migrations only add it, so "there" is kept a few seconds per
# database; "not there" is never kept, so a migration that adds it is used at once.
INDEX_SEEN = memory_cache(max_entries=16)
INDEX_SECONDS = 5.0


def fts_match(words: list[str]) -> str:
    """An FTS5 query: every word, the last one as a prefix, since results update as the
    visitor types ("giay phep xay d" already finds "xây dựng")."""
    terms = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*'] if words else []
    return " ".join(terms)


# Every procedure write adds a segment to the index through the triggers (the demo
# catalogue left 13); a query reads every segment, so a fragmented index made the bm25
# query ~3-5x slower (~60-150 us against ~20, issue #21). 'optimize' merges them into one.
TIDY = "INSERT INTO procedure_fts(procedure_fts) VALUES ('optimize')"


async def tidy_index() -> None:
    """Merge the index's segments into one (after a catalogue load or import, nightly).
    Same rows, same ranks: only how the index is stored changes."""
    if await get_engine().has_table("procedure_fts"):
        await get_engine().run_ddl(TIDY)


async def _index_there() -> bool | None:
    return await get_engine().has_table("procedure_fts") or None


async def ranked_ids(words: list[str]) -> list[int] | None:
    """Ranked ids, best first; None when the index is missing (the caller's LIKE answers)."""
    if not await kept(INDEX_SEEN, database_key("procedure_fts"), _index_there,
                      now=time.monotonic(), ttl=INDEX_SECONDS):
        return None
    return [row["id"] for row in await _ranked(match=fts_match(words))]


# One fixed statement: compiled once like the other hot queries (app.prepared), so a
# keystroke builds no QueryString and looks up no engine (~10 us, issue #21).
@prepared
def _ranked(match):
    return Procedure.raw(RANKED, match)

"""Catalogue full text on SQLite: the FTS5 index `procedure_fts` (migration 000007), bm25."""

from __future__ import annotations

import time

from app.catalog.tables import Procedure
from app.db import get_engine
from app.prepared import prepared
from app.web.short_cache import database_key, kept, memory_cache

# Folded search text is weighed above the accented name (both hold the name) and the code.
BM25_WEIGHTS = (10.0, 5.0, 2.0)
SCORE = f"bm25(procedure_fts, {', '.join(map(str, BM25_WEIGHTS))})"
# Equal scores (two names of the same length sharing the words) go by id, so the order
# does not depend on how the index happens to be stored.
RANKED = (f"SELECT rowid AS id FROM procedure_fts WHERE procedure_fts MATCH {{}} "
          f"ORDER BY {SCORE}, rowid LIMIT 500")
# The same 500 best, narrowed by the filters and read with what a result shows
# (app.catalog.search._COLUMNS) in one statement: the ids no longer make a second trip
# through the engine (issue #21). `{filters}` holds only fixed column conditions; every
# value is a parameter.
RANKED_ROWS = (
    f"WITH ranked AS ({RANKED.replace('AS id', f'AS id, {SCORE} AS score')}) "
    "SELECT p.id AS id, p.name AS name, p.online_level AS online_level, "
    "p.time_limit_amount AS time_limit_amount, p.time_limit_unit AS time_limit_unit, "
    "a.name AS agency_name "
    "FROM ranked JOIN procedure p ON p.id = ranked.id LEFT JOIN agency a ON a.id = p.agency "
    "WHERE p.active = {} AND p.internal = {}{filters} ORDER BY ranked.score, ranked.id "
    "LIMIT {}")
FILTER_COLUMNS = ("field", "agency", "level", "online_level")

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


async def ranked_rows(words: list[str], chosen: dict, limit: int) -> list[dict] | None:
    """The results themselves, best first, narrowed by the filters `chosen` (None: any);
    None when the index is missing."""
    if not await kept(INDEX_SEEN, database_key("procedure_fts"), _index_there,
                      now=time.monotonic(), ttl=INDEX_SECONDS):
        return None
    return await _ranked_rows(match=fts_match(words), limit=limit, **chosen)


# Fixed statements: compiled once like the other hot queries (app.prepared), so a
# keystroke builds no QueryString and looks up no engine (~10 us, issue #21).
@prepared
def _ranked(match):
    return Procedure.raw(RANKED, match)


@prepared
def _ranked_rows(match, limit, field, agency, level, online_level):
    given = {"field": field, "agency": agency, "level": level, "online_level": online_level}
    narrowed = [name for name in FILTER_COLUMNS if given[name] is not None]
    sql = RANKED_ROWS.replace("{filters}", "".join(f" AND p.{name} = {{}}" for name in narrowed))
    return Procedure.raw(sql, match, True, False, *(given[name] for name in narrowed), limit)

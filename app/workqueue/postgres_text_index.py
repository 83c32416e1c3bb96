"""Staff search on PostgreSQL: the GIN index on `dossier_search_document(...)` (migration
"PostgreSQL full-text index of dossiers"), the same document and the same matching rules as
SQLite's `dossier_fts`: every term must match, keys and the last word as prefixes, the
scope as agency tokens; newest first, as the FTS5 path orders by rowid.
"""

from __future__ import annotations

from app.dossiers.tables import Dossier
from app.workqueue.logic import TSQUERY, Terms, fts_query

# Must be the indexed expression, word for word, or the planner cannot use the index.
DOCUMENT = ("dossier_search_document(agency, receiving_agency, applicant_name, code, "
            "applicant_id_number, applicant_phone)")
SIGNATURE = "dossier_search_document(bigint, bigint, text, text, text, text)"


def ts_query(terms: Terms, scope_agency_ids: list[int] | None) -> str:
    """`logic.fts_query`'s rules in tsquery syntax."""
    return fts_query(terms, scope_agency_ids, TSQUERY)


async def matching_ids(terms: Terms, scope_agency_ids: list[int] | None,
                       limit: int) -> list[int] | None:
    """Ids of dossiers whose document matches, newest first, at most `limit`; None when
    the index's function is missing (the migration not applied)."""
    exists = await Dossier.raw("SELECT to_regprocedure({}) IS NOT NULL AS ok", SIGNATURE)
    if not exists[0]["ok"]:
        return None
    rows = await Dossier.raw(
        f"SELECT id FROM dossier WHERE {DOCUMENT} @@ to_tsquery('simple', {{}}) "
        f"ORDER BY id DESC LIMIT {int(limit)}", ts_query(terms, scope_agency_ids))
    return [row["id"] for row in rows]

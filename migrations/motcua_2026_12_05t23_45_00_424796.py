"""PostgreSQL only: full-text indexes, the counterparts of SQLite's FTS5 tables.

GIN indexes on the very `tsvector` expressions the PostgreSQL dialect modules query
(`app/catalog/postgres_search.py`, `app/digitisation/postgres_text_index.py`), so the
planner uses them; both documents are text the app already folded (no diacritics), read
with the `simple` configuration (no stemming: Vietnamese words are syllables).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-05T23:45:00:424796"
VERSION = "1.38.0"
DESCRIPTION = "PostgreSQL full-text indexes"

CREATE = [
    "CREATE INDEX IF NOT EXISTS procedure_tsv ON procedure USING gin (("
    "setweight(to_tsvector('simple', coalesce(search_text, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(code, '')), 'C')))",
    "CREATE INDEX IF NOT EXISTS digitised_scan_tsv ON digitised_scan USING gin ("
    "to_tsvector('simple', coalesce(text_folded, '')))",
]
DROP = ["DROP INDEX IF EXISTS procedure_tsv", "DROP INDEX IF EXISTS digitised_scan_tsv"]


def _is_postgres() -> bool:
    return engine_finder().engine_type == "postgres"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="motcua", description=DESCRIPTION)

    async def create():
        if _is_postgres():
            for statement in CREATE:
                await engine_finder().run_ddl(statement)

    async def drop():
        if _is_postgres():
            for statement in DROP:
                await engine_finder().run_ddl(statement)

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager

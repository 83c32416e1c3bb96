"""Full-text index of the procedure catalogue (SQLite FTS5), kept in step by triggers.

SQLite-only: an external-content FTS5 table over `procedure` (folded name, name, code).
On another database this migration does nothing and `app.catalog.search` falls back to
its portable LIKE query, so the catalogue still works.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T18:20:00:000007"
VERSION = "1.38.0"
DESCRIPTION = "procedure full-text index (FTS5)"

# Column order matters: app.catalog.search weighs them with bm25 in this order.
CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS procedure_fts USING fts5("
    "search_text, name, code, content='procedure', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS procedure_fts_insert AFTER INSERT ON procedure BEGIN "
    "INSERT INTO procedure_fts(rowid, search_text, name, code) "
    "VALUES (new.id, new.search_text, new.name, new.code); END",
    "CREATE TRIGGER IF NOT EXISTS procedure_fts_delete AFTER DELETE ON procedure BEGIN "
    "INSERT INTO procedure_fts(procedure_fts, rowid, search_text, name, code) "
    "VALUES ('delete', old.id, old.search_text, old.name, old.code); END",
    "CREATE TRIGGER IF NOT EXISTS procedure_fts_update AFTER UPDATE OF search_text, name, code "
    "ON procedure BEGIN "
    "INSERT INTO procedure_fts(procedure_fts, rowid, search_text, name, code) "
    "VALUES ('delete', old.id, old.search_text, old.name, old.code); "
    "INSERT INTO procedure_fts(rowid, search_text, name, code) "
    "VALUES (new.id, new.search_text, new.name, new.code); END",
    # Procedures loaded before this migration.
    "INSERT INTO procedure_fts(procedure_fts) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER IF EXISTS procedure_fts_insert",
    "DROP TRIGGER IF EXISTS procedure_fts_delete",
    "DROP TRIGGER IF EXISTS procedure_fts_update",
    "DROP TABLE IF EXISTS procedure_fts",
]


def _is_sqlite() -> bool:
    return engine_finder().engine_type == "sqlite"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="motcua", description=DESCRIPTION)

    async def create():
        if _is_sqlite():
            for statement in CREATE:
                await engine_finder().run_ddl(statement)

    async def drop():
        if _is_sqlite():
            for statement in DROP:
                await engine_finder().run_ddl(statement)

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager

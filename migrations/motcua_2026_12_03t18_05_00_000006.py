"""Full-text index of digitised text (SQLite FTS5), kept in step by triggers.

SQLite-only: an external-content FTS5 table over `digitised_scan.text_folded` (the OCR
text without diacritics). On another database this migration does nothing and
`app.digitisation.service.search` uses its portable LIKE query instead.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T18:05:00:000006"
VERSION = "1.38.0"
DESCRIPTION = "digitised text full-text index (FTS5)"

CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS digitised_scan_fts USING fts5("
    "text_folded, content='digitised_scan', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER IF NOT EXISTS digitised_scan_fts_insert AFTER INSERT ON digitised_scan "
    "BEGIN INSERT INTO digitised_scan_fts(rowid, text_folded) "
    "VALUES (new.id, new.text_folded); END",
    "CREATE TRIGGER IF NOT EXISTS digitised_scan_fts_delete AFTER DELETE ON digitised_scan "
    "BEGIN INSERT INTO digitised_scan_fts(digitised_scan_fts, rowid, text_folded) "
    "VALUES ('delete', old.id, old.text_folded); END",
    "CREATE TRIGGER IF NOT EXISTS digitised_scan_fts_update AFTER UPDATE OF text_folded "
    "ON digitised_scan BEGIN "
    "INSERT INTO digitised_scan_fts(digitised_scan_fts, rowid, text_folded) "
    "VALUES ('delete', old.id, old.text_folded); "
    "INSERT INTO digitised_scan_fts(rowid, text_folded) VALUES (new.id, new.text_folded); END",
    "INSERT INTO digitised_scan_fts(digitised_scan_fts) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER IF EXISTS digitised_scan_fts_insert",
    "DROP TRIGGER IF EXISTS digitised_scan_fts_delete",
    "DROP TRIGGER IF EXISTS digitised_scan_fts_update",
    "DROP TABLE IF EXISTS digitised_scan_fts",
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

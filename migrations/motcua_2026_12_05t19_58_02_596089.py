"""Full-text index of dossiers for the staff search (SQLite FTS5), kept by triggers.

SQLite-only, like the catalogue's index (…000007): a contentless FTS5 table `dossier_fts`
with one document per dossier, built in SQL from the row so every writer (the app, the
bulk generator, an import) keeps it current without Python code:
  - scope tokens "ag<agency id>" and "rc<receiving agency id>", so a capped candidate list
    is drawn from the officer's own agencies only;
  - the applicant's name: the tokenizer folds case and diacritics (remove_diacritics 2);
    "đ" has no decomposition, so it is replaced here ("Đặng" is found by "dang");
  - the code without punctuation ("0000017h552603120004") and its day-and-number tail
    ("2603120004"), so a code is found with or without its dots;
  - the CCCD / tax code without punctuation, and a tax code's 10-digit head;
  - the phone as 0xxxxxxxxx (spaces, dots, dashes, +84 removed).
`detail=none`: only which documents hold a token is kept (no positions), as every query
term is a single token. On another database nothing is created and
`app.workqueue.search` matches with portable LIKE conditions instead.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-05T19:58:02:596089"
VERSION = "1.38.0"
DESCRIPTION = "dossier full-text index for staff search (FTS5)"


def _phone(r: str) -> str:
    p = (f"replace(replace(replace(replace(replace(coalesce({r}.applicant_phone, ''), "
         "' ', ''), '.', ''), '-', ''), '(', ''), ')', '')")
    return (f"CASE WHEN {p} LIKE '+84%' THEN '0' || substr({p}, 4) "
            f"WHEN {p} LIKE '84%' AND length({p}) = 11 THEN '0' || substr({p}, 3) "
            f"ELSE {p} END")


def document(r: str) -> str:
    """The SQL expression of a dossier's document; `r` is `new`, `old` or the table."""
    id_number = f"coalesce({r}.applicant_id_number, '')"
    return (
        f"'ag' || {r}.agency || ' rc' || coalesce({r}.receiving_agency, {r}.agency) || ' ' || "
        f"replace(replace(coalesce({r}.applicant_name, ''), 'đ', 'd'), 'Đ', 'D') || ' ' || "
        f"lower(replace(replace({r}.code, '.', ''), '-', '')) || ' ' || "
        f"replace(substr({r}.code, instr({r}.code, '-') + 1), '-', '') || ' ' || "
        f"replace(replace(replace({id_number}, '-', ''), '.', ''), ' ', '') || ' ' || "
        f"CASE WHEN instr({id_number}, '-') > 0 "
        f"THEN substr({id_number}, 1, instr({id_number}, '-') - 1) ELSE '' END || ' ' || "
        f"{_phone(r)}")


WATCHED = "applicant_name, applicant_id_number, applicant_phone, code, agency, receiving_agency"
CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS dossier_fts USING fts5(doc, content='', "
    "detail=none, tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS dossier_fts_insert AFTER INSERT ON dossier BEGIN "
    f"INSERT INTO dossier_fts(rowid, doc) VALUES (new.id, {document('new')}); END",
    "CREATE TRIGGER IF NOT EXISTS dossier_fts_delete AFTER DELETE ON dossier BEGIN "
    "INSERT INTO dossier_fts(dossier_fts, rowid, doc) "
    f"VALUES ('delete', old.id, {document('old')}); END",
    f"CREATE TRIGGER IF NOT EXISTS dossier_fts_update AFTER UPDATE OF {WATCHED} ON dossier "
    "BEGIN INSERT INTO dossier_fts(dossier_fts, rowid, doc) "
    f"VALUES ('delete', old.id, {document('old')}); "
    f"INSERT INTO dossier_fts(rowid, doc) VALUES (new.id, {document('new')}); END",
    # Dossiers stored before this migration.
    f"INSERT INTO dossier_fts(rowid, doc) SELECT id, {document('dossier')} FROM dossier",
]
DROP = [
    "DROP TRIGGER IF EXISTS dossier_fts_insert",
    "DROP TRIGGER IF EXISTS dossier_fts_delete",
    "DROP TRIGGER IF EXISTS dossier_fts_update",
    "DROP TABLE IF EXISTS dossier_fts",
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

"""Catalogue search reads the field name too: recompute `procedure.search_text` for the
procedures already loaded (`app.catalog.logic.search_text`). Plain SQL any database takes;
on SQLite the FTS5 update trigger re-indexes each row."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.querystring import QueryString

from app.catalog.logic import search_text

ID = "2026-12-03T21:10:00:000010"
VERSION = "1.38.0"
DESCRIPTION = "procedure search text includes the field name"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="motcua", description=DESCRIPTION)

    async def recompute():
        engine = engine_finder()
        rows = await engine.run_querystring(QueryString(
            "SELECT p.id AS id, p.name AS name, f.name AS field_name"
            " FROM procedure p JOIN catalog_field f ON f.id = p.field"))
        for row in rows:
            await engine.run_querystring(QueryString(
                "UPDATE procedure SET search_text = {} WHERE id = {}",
                search_text(row["name"], row["field_name"]), row["id"]))

    async def name_only():
        pass  # the longer text is harmless to earlier code: nothing to undo

    manager.add_raw(recompute)
    manager.add_raw_backwards(name_only)
    return manager

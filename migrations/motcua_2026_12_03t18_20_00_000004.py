"""Report index on (finished_at, received_at): "in progress at the end of a past period"
(finished after it, received before it) is then read from the index alone, without
fetching every dossier finished since. Replaces the single-column finished_at index, which
the new one's prefix serves. Plain SQL that PostgreSQL accepts too."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T18:20:00:000004"
VERSION = "1.38.0"
DESCRIPTION = "report index finished_at, received_at"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="motcua", description=DESCRIPTION)

    async def create_index():
        await engine_finder().run_ddl(
            "CREATE INDEX IF NOT EXISTS dossier_finished_received "
            "ON dossier (finished_at, received_at)")
        await engine_finder().run_ddl("DROP INDEX IF EXISTS dossier_finished_at")

    async def drop_index():
        await engine_finder().run_ddl(
            "CREATE INDEX IF NOT EXISTS dossier_finished_at ON dossier (finished_at)")
        await engine_finder().run_ddl("DROP INDEX IF EXISTS dossier_finished_received")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager

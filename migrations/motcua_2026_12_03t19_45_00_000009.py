"""Index for the step deadline watch: dossiers in processing by their current step's
deadline. Plain SQL that PostgreSQL accepts too."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T19:45:00:000009"
VERSION = "1.38.0"
DESCRIPTION = "step deadline index"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="motcua", description=DESCRIPTION)

    async def create_index():
        await engine_finder().run_ddl("CREATE INDEX IF NOT EXISTS dossier_status_step_due_at"
                                      " ON dossier (status, step_due_at)")

    async def drop_index():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS dossier_status_step_due_at")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager

"""Unique (dossier, kind, due_at) for deadline alerts: the watch records each transition
once even if two runs overlap. Plain SQL that PostgreSQL accepts too."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-22T05:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique deadline alerts"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="motcua", description=DESCRIPTION)

    async def create_index():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS deadline_alert_once "
            "ON deadline_alert (dossier, kind, due_at)")

    async def drop_index():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS deadline_alert_once")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager

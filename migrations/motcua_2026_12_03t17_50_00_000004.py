"""Indexes for the monthly report and housekeeping: dossiers processed since a date, closing
events (refused, withdrawn, stopped) since a date, drafts by age. Plain SQL that PostgreSQL
accepts too."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T17:50:00:000004"
VERSION = "1.38.0"
DESCRIPTION = "report and housekeeping indexes"

INDEXES = {
    "dossier_finished_at": "dossier (finished_at)",
    "dossier_event_action_at": "dossier_event (action, at)",
    "dossier_status_created_at": "dossier (status, created_at)",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="motcua", description=DESCRIPTION)

    async def create_indexes():
        for name, target in INDEXES.items():
            await engine_finder().run_ddl(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")

    async def drop_indexes():
        for name in INDEXES:
            await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager

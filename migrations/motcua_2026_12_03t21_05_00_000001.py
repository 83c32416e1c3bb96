"""Indexes for payment reconciliation (app.payments.reconcile): payments by decision and
status (paid money not in its dossier; decided ones), and by status and age (pending
too long). Plain SQL that PostgreSQL accepts too."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T21:05:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "payment reconciliation indexes"

INDEXES = {
    "payment_resolution_status": "payment (resolution, status, settled_dossier)",
    "payment_status_created_at": "payment (status, created_at)",
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

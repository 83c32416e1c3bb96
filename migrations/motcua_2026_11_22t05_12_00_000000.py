"""Composite and unique indexes that Piccolo's column options cannot express.

Plain SQL that PostgreSQL accepts too. The unique index makes daily dossier numbers
collision-proof; the composite ones serve work queues and the deadline watch.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-22T05:12:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite and unique indexes"

STATEMENTS = (
    "CREATE UNIQUE INDEX IF NOT EXISTS daily_sequence_agency_day ON daily_sequence (agency, day)",
    "CREATE INDEX IF NOT EXISTS dossier_status_due_at ON dossier (status, due_at)",
    "CREATE INDEX IF NOT EXISTS dossier_agency_status ON dossier (agency, status)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="motcua", description=DESCRIPTION)

    async def create_indexes():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    async def drop_indexes():
        engine = engine_finder()
        for name in ("daily_sequence_agency_day", "dossier_status_due_at",
                     "dossier_agency_status"):
            await engine.run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager

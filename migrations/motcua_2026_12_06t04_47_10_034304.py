"""PostgreSQL only: the audit head's entry count becomes bigint.

`audit_head.count` counts every audit entry ever written; Piccolo made it INTEGER, 32 bits
on PostgreSQL, the same overflow as the ids (an entry past 2^31 could not be recorded, so
no state change could commit). Ids are widened by `migrate()` itself
(app/system/postgres_ids.py); a count is not an id, so it is widened here. The table class
keeps `Integer` (SQLite's INTEGER is 64 bits; Piccolo cannot ALTER a column type on SQLite).
Nothing happens on SQLite.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-06T04:47:10:034304"
VERSION = "1.38.0"
DESCRIPTION = "bigint audit_head.count on PostgreSQL"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="motcua", description=DESCRIPTION)

    async def widen():
        if engine_finder().engine_type == "postgres":
            await engine_finder().run_ddl('ALTER TABLE audit_head ALTER COLUMN "count" TYPE bigint')

    async def keep():
        """Narrowing back could fail on a count already above 2^31: left as it is."""

    manager.add_raw(widen)
    manager.add_raw_backwards(keep)
    return manager

"""PostgreSQL only: ids and foreign keys of tables created since the first widening
(`motcua_2026_12_05t23_42_51_581297`) become bigint too, and so do the `…_id` columns that
hold an id without a foreign key, which that one missed: the audit log's `actor_id` and the
audit head's `last_id` (an audit entry past 2^31 could not be written).

Generic over the catalogue (app/system/postgres_ids.py): whatever tables exist when this
runs. A later migration that creates tables ends with the same call; the engine test
`tests/test_postgres_ids.py` fails until it does. Nothing happens on SQLite.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

from app.system.postgres_ids import widen_ids

ID = "2026-12-06T02:21:22:687775"
VERSION = "1.38.0"
DESCRIPTION = "bigint ids on PostgreSQL, every table"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="motcua", description=DESCRIPTION)

    async def widen():
        await widen_ids(engine_finder())

    async def keep():
        """Narrowing back could fail on data already above 2^31: left as it is."""

    manager.add_raw(widen)
    manager.add_raw_backwards(keep)
    return manager

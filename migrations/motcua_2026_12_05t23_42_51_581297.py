"""PostgreSQL only: every id and every column holding an id becomes bigint.

Piccolo maps `Serial` to SERIAL and a `ForeignKey` to INTEGER: 32 bits on PostgreSQL, so an
id above 2^31 (a national deployment's events or audit entries, or a guessed URL) would
fail with "out of int32 range". SQLite's INTEGER is already 64 bits, so nothing happens
there. Found from the catalogue, not listed by hand: every `id` column of type integer
and every integer column a foreign key names, with each id's sequence widened too.
Tables added by later migrations get Piccolo's INTEGER again; a later migration of the
same kind widens them.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-05T23:42:51:581297"
VERSION = "1.38.0"
DESCRIPTION = "bigint ids on PostgreSQL"

COLUMNS = """
SELECT c.table_name, c.column_name FROM information_schema.columns c
WHERE c.table_schema = 'public' AND c.data_type = 'integer' AND c.table_name NOT LIKE 'migration%'
  AND (c.column_name = 'id' OR EXISTS (
      SELECT 1 FROM information_schema.key_column_usage k
      JOIN information_schema.table_constraints t ON t.constraint_name = k.constraint_name
          AND t.table_schema = k.table_schema
      WHERE t.constraint_type = 'FOREIGN KEY' AND k.table_schema = 'public'
        AND k.table_name = c.table_name AND k.column_name = c.column_name))
ORDER BY c.table_name, c.column_name
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="motcua", description=DESCRIPTION)

    async def widen():
        engine = engine_finder()
        if engine.engine_type != "postgres":
            return
        by_table: dict[str, list[str]] = {}
        for row in await engine.run_ddl(COLUMNS):
            by_table.setdefault(row["table_name"], []).append(row["column_name"])
        for table, columns in by_table.items():
            changes = ", ".join(f'ALTER COLUMN "{c}" TYPE bigint' for c in columns)
            await engine.run_ddl(f'ALTER TABLE "{table}" {changes}')
            if "id" in columns:
                sequence = await engine.run_ddl(
                    f"SELECT pg_get_serial_sequence('\"{table}\"', 'id') AS name")
                if sequence and sequence[0]["name"]:
                    await engine.run_ddl(f"ALTER SEQUENCE {sequence[0]['name']} AS bigint")

    async def keep():
        """Narrowing back could fail on data already above 2^31: left as it is."""

    manager.add_raw(widen)
    manager.add_raw_backwards(keep)
    return manager

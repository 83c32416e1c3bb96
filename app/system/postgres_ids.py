"""PostgreSQL: every id and every column holding an id is bigint (64 bits, as on SQLite).

Piccolo maps `Serial` to SERIAL and a `ForeignKey` to INTEGER, 32 bits on PostgreSQL, so
each migration that creates a table brings int32 ids back. `widen_ids` finds them from the
catalogue (never a hand list), so one call covers every table present when it runs:
integer `id` columns with their sequences, integer columns a foreign key names, and
integer columns named `…_id` that hold an id without a foreign key (the audit log's
`actor_id`, the audit head's `last_id`: the log outlives what it names).
Migrations call it (`migrations/motcua_2026_12_06t02_21_22_687775.py`); the test
`tests/test_postgres_ids.py` fails when a later migration leaves a 32-bit id behind.
"""

from __future__ import annotations

NARROW_ID_COLUMNS = """
SELECT c.table_name, c.column_name FROM information_schema.columns c
WHERE c.table_schema = 'public' AND c.data_type = 'integer' AND c.table_name NOT LIKE 'migration%'
  AND (c.column_name = 'id' OR c.column_name LIKE '%\\_id' OR EXISTS (
      SELECT 1 FROM information_schema.key_column_usage k
      JOIN information_schema.table_constraints t ON t.constraint_name = k.constraint_name
          AND t.table_schema = k.table_schema
      WHERE t.constraint_type = 'FOREIGN KEY' AND k.table_schema = 'public'
        AND k.table_name = c.table_name AND k.column_name = c.column_name))
ORDER BY c.table_name, c.column_name
"""


async def widen_ids(engine) -> list[str]:
    """Widen every 32-bit id and foreign key column (and each id's sequence) to bigint;
    the `table.column` names widened. Nothing to do on other engines."""
    if engine.engine_type != "postgres":
        return []
    by_table: dict[str, list[str]] = {}
    for row in await engine.run_ddl(NARROW_ID_COLUMNS):
        by_table.setdefault(row["table_name"], []).append(row["column_name"])
    for table, columns in by_table.items():
        changes = ", ".join(f'ALTER COLUMN "{c}" TYPE bigint' for c in columns)
        await engine.run_ddl(f'ALTER TABLE "{table}" {changes}')
        if "id" in columns:
            sequence = await engine.run_ddl(
                f"SELECT pg_get_serial_sequence('\"{table}\"', 'id') AS name")
            if sequence and sequence[0]["name"]:
                await engine.run_ddl(f"ALTER SEQUENCE {sequence[0]['name']} AS bigint")
    return [f"{table}.{column}" for table, columns in by_table.items() for column in columns]

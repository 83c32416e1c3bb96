"""Applying and checking database migrations (Piccolo's, from `migrations/`).

After the migrations, `migrate()` widens every 32-bit id left on PostgreSQL
(`app.system.postgres_ids.widen_ids`; nothing on SQLite), so a table a new migration creates
gets 64-bit ids without its author remembering to ask. It runs in one write transaction
(PostgreSQL's DDL is transactional: all columns widened or none) and is idempotent: with
nothing narrow left it only reads the catalogue.
"""

from __future__ import annotations

from piccolo.apps.migrations.commands.check import CheckMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards

from app.db import get_engine, write_transaction
from app.system.postgres_ids import widen_ids

APP_NAME = "motcua"


async def migrate() -> list[str]:
    """Apply pending migrations, then widen ids; the `table.column` names widened."""
    engine = get_engine()
    await engine.prepare()
    result = await run_forwards(app_name=APP_NAME)
    if not result.success:
        raise RuntimeError(f"migration failed: {result.message}")
    async with write_transaction():
        return await widen_ids(engine)


async def pending_migrations() -> int:
    return await CheckMigrationManager(app_name=APP_NAME).havent_ran_count()

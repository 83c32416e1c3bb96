"""Applying and checking database migrations (Piccolo's, from `migrations/`)."""

from __future__ import annotations

from piccolo.apps.migrations.commands.check import CheckMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards

from app.db import get_engine

APP_NAME = "motcua"


async def migrate() -> None:
    await get_engine().prepare()
    result = await run_forwards(app_name=APP_NAME)
    if not result.success:
        raise RuntimeError(f"migration failed: {result.message}")


async def pending_migrations() -> int:
    return await CheckMigrationManager(app_name=APP_NAME).havent_ran_count()

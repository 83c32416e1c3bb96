"""Replication facts for /healthz on SQLite: Litestream's file replica beside the database."""

from __future__ import annotations

from app.settings import Settings
from app.system.health import replica_age, replication_lag


async def replication(settings: Settings) -> dict:
    age = replica_age(settings.replica_dir)
    lag = replication_lag(settings.database_path, settings.replica_dir)
    return {"engine": "sqlite", "configured": age is not None,
            "last_write_age_seconds": None if age is None else round(age, 1),
            "lag_seconds": None if lag is None else round(lag, 1)}

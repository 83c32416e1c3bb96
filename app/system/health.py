"""Health facts for /healthz: database, migrations, worker heartbeat, replication."""

from __future__ import annotations

import time
from pathlib import Path

from app.db import write_transaction
from app.formatting import now_utc
from app.system.migrations import pending_migrations
from app.system.tables import Heartbeat

WORKER = "worker"
_pending_cache: dict[str, tuple[float, int]] = {}


async def beat(name: str = WORKER) -> None:
    """Record that a process is alive (called by a periodic Huey task)."""
    now = now_utc()
    async with write_transaction():
        updated = await Heartbeat.update({Heartbeat.at: now}).where(
            Heartbeat.name == name
        ).returning(Heartbeat.id)
        if not updated:
            await Heartbeat(name=name, at=now).save()


async def heartbeat_age(name: str = WORKER) -> float | None:
    row = await Heartbeat.select(Heartbeat.at).where(Heartbeat.name == name).first()
    return None if row is None else (now_utc() - row["at"]).total_seconds()


async def cached_pending_migrations(max_age: float = 60.0) -> int:
    # Reading migration modules costs milliseconds; a health probe every few seconds
    # should not pay that each time.
    cached = _pending_cache.get("n")
    if cached and time.monotonic() - cached[0] < max_age:
        return cached[1]
    count = await pending_migrations()
    _pending_cache["n"] = (time.monotonic(), count)
    return count


def replica_age(replica_dir: Path) -> float | None:
    """Seconds since Litestream last wrote to the file replica, None if nothing there."""
    if not replica_dir.exists():
        return None
    newest = max((p.stat().st_mtime for p in replica_dir.rglob("*") if p.is_file()),
                 default=None)
    return None if newest is None else max(0.0, time.time() - newest)


def replication_lag(database: Path, replica_dir: Path) -> float | None:
    """Seconds of database writes the replica has not caught up with (0 when it has
    everything), None when there is no file replica to judge. The database's last write is
    the newer of the file and its WAL; the replica's is the newest file Litestream wrote
    for it (`<replica>/motcua` when present, the whole folder otherwise)."""
    own = replica_dir / "motcua"
    replica_age_seconds = replica_age(own if own.exists() else replica_dir)
    if replica_age_seconds is None:
        return None
    writes = [p.stat().st_mtime for p in (database, Path(f"{database}-wal")) if p.exists()]
    if not writes:
        return None
    replica_written = time.time() - replica_age_seconds
    return max(0.0, max(writes) - replica_written)

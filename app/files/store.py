"""The one file store: bytes on disk under var/files, named by their SHA-256.

Content addressing makes a file immutable and deduplicated (the same scan uploaded twice is
stored once), lets a backup copy only new names, and lets a restore drill check every file
against its name.

Files are part of the database transaction: `store()` runs inside `atomic()`, which holds
the write transaction (and so SQLite's write lock) while the bytes are written. If the
transaction fails — a refused workflow action, a validation error after the upload — the
files it created are removed *before* the lock is released, so no other writer can have
started to rely on them. A crash (SIGKILL, power loss) between writing a file and committing
leaves a file without a row; because every file is written under the write lock,
`sweep_orphans()` can tell such files apart safely while it holds the lock itself.

Each file is also written to the file replica (`files_replica_dir`, next to Litestream's
copy of the database) before its row commits, so a restored database never names a file
the replica lacks; `python -m app files backup` catches the replica up if it was away.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path

from app.db import get_engine, write_transaction
from app.dossiers.tables import StoredFile
from app.formatting import now_utc
from app.settings import get_settings

# Files created by the innermost `atomic()` block of this task, removed if it fails.
_created: ContextVar[list[Path] | None] = ContextVar("created_files", default=None)


class OutsideAtomic(RuntimeError):
    pass


def path_for(sha256: str, root: Path | None = None) -> Path:
    root = root or get_settings().files_dir
    return root / sha256[:2] / sha256[2:4] / sha256


def write_bytes(data: bytes, root: Path | None = None) -> tuple[str, bool]:
    """Write the bytes under their digest (atomically): (digest, whether it is new)."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(digest, root)
    if target.exists():
        return digest, False
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest, True


@asynccontextmanager
async def atomic() -> AsyncIterator[None]:
    """A write transaction that files stored inside it belong to: they stay only if it
    commits. Nested blocks join the outer one."""
    if _created.get() is not None:
        yield
        return
    created: list[Path] = []
    token = _created.set(created)
    try:
        async with write_transaction():
            try:
                yield
            except BaseException:
                for path in created:
                    path.unlink(missing_ok=True)
                raise
    finally:
        _created.reset(token)


async def store(data: bytes, content_type: str) -> StoredFile:
    """The StoredFile row for these bytes, creating file and row if new. Joins the caller's
    `atomic()` block, or makes its own."""
    async with atomic():
        existing = await StoredFile.objects().where(
            StoredFile.sha256 == hashlib.sha256(data).hexdigest()).first()
        digest, new = write_bytes(data)  # also heals a row whose bytes went missing
        if new:
            _created.get().append(path_for(digest))
        # The second copy is written before the row commits, as the first: a dossier that
        # Litestream has replicated never names a file the replica lacks.
        mirror = get_settings().files_replica_dir
        _, mirrored = write_bytes(data, mirror)
        if mirrored:
            _created.get().append(path_for(digest, mirror))
        if existing is not None:
            return existing
        row = StoredFile(sha256=digest, size=len(data), content_type=content_type,
                         created_at=now_utc())
        await row.save()
        return row


def read(sha256: str) -> bytes:
    return path_for(sha256).read_bytes()


def verify(sha256: str) -> bool:
    """The file exists and its bytes still hash to its name."""
    path = path_for(sha256)
    return path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == sha256


def files_on_disk(root: Path | None = None) -> list[Path]:
    root = root or get_settings().files_dir
    if not root.exists():
        return []
    return [p for p in root.glob("??/??/*") if p.is_file() and not p.name.startswith(".")]


async def sweep_orphans(root: Path | None = None) -> list[str]:
    """Remove files no committed row names (left by a crash mid-transaction); their
    digests. Safe while the app runs: it holds the write lock, and every file is written
    under that lock, so no transaction that could still commit one of them is open."""
    if get_engine().current_transaction.get() is not None:
        raise OutsideAtomic("sweep_orphans() opens its own transaction")
    removed = []
    async with write_transaction():
        known = {row["sha256"] for row in await StoredFile.select(StoredFile.sha256)}
        for path in files_on_disk(root):
            if path.name not in known:
                path.unlink(missing_ok=True)
                removed.append(path.name)
        # Temporary names of writes killed before their rename.
        for tmp in (root or get_settings().files_dir).glob("??/??/.incoming-*"):
            tmp.unlink(missing_ok=True)
    return removed

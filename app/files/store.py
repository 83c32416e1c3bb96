"""The one file store: bytes on disk under var/files, named by their SHA-256.

Content addressing makes a file immutable and deduplicated (the same scan uploaded twice is
stored once), lets a backup copy only new names, and lets a restore drill check every file
against its name. The file is written (to a temporary name, fsynced, renamed) *before* its
row is inserted, so a crash leaves at worst an orphan file, never a row without bytes.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from app.db import write_transaction
from app.dossiers.tables import StoredFile
from app.formatting import now_utc
from app.settings import get_settings


def path_for(sha256: str, root: Path | None = None) -> Path:
    root = root or get_settings().files_dir
    return root / sha256[:2] / sha256[2:4] / sha256


def write_bytes(data: bytes, root: Path | None = None) -> str:
    """Write the bytes under their digest (atomically); the digest."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(digest, root)
    if target.exists():
        return digest
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
    return digest


async def store(data: bytes, content_type: str) -> StoredFile:
    """The StoredFile row for these bytes, creating file and row if new."""
    digest = write_bytes(data)
    async with write_transaction():
        existing = await StoredFile.objects().where(StoredFile.sha256 == digest).first()
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

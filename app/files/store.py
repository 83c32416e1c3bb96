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

Where the bytes live is a backend (app.files.backends): the local folder by default, an
S3-compatible bucket with MOTCUA_FILES_URL=s3://bucket/prefix. With S3 there is no local
replica: the bucket's own versioning or replication is the second copy (README "Several
machines"). Tools that need a path get one from `local_copy()`.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from app.db import get_engine, write_transaction
from app.dossiers.tables import StoredFile
from app.files.backends import Backend, FileMissing, LocalFolder, S3Store, is_bucket
from app.formatting import now_utc
from app.settings import get_settings

# Files created by the innermost `atomic()` block of this task, removed if it fails.
_created: ContextVar[list[tuple[Backend, str]] | None] = ContextVar("created_files",
                                                                     default=None)


class OutsideAtomic(RuntimeError):
    pass


def path_for(sha256: str, root: Path | None = None) -> Path:
    root = root or get_settings().files_dir
    return root / sha256[:2] / sha256[2:4] / sha256


@lru_cache(maxsize=4)
def _backend_for(files_url: str, files_dir: Path, endpoint: str) -> Backend:
    if is_bucket(files_url, "MOTCUA_FILES_URL"):
        return S3Store(files_url, endpoint)
    return LocalFolder(files_dir)


def backend() -> Backend:
    """The store chosen by the settings (the local folder unless MOTCUA_FILES_URL is set)."""
    settings = get_settings()
    return _backend_for(settings.files_url, settings.files_dir, settings.s3_endpoint)


def copies() -> list[Backend]:
    """Every place a new file is written before its row commits: the store, and with the
    local folder its replica next to Litestream's."""
    if get_settings().files_url:
        return [backend()]
    return [backend(), LocalFolder(get_settings().files_replica_dir)]


def write_bytes(data: bytes, root: Path | None = None) -> tuple[str, bool]:
    """Write the bytes under their digest (atomically) in a local folder, the store's by
    default: (digest, whether it is new)."""
    digest = hashlib.sha256(data).hexdigest()
    return digest, LocalFolder(root or get_settings().files_dir).put(digest, data)


def write_ahead(data: bytes, created: list[tuple[Backend, str]] | None = None,
                digest: str | None = None) -> tuple[str, list[tuple[Backend, str]]]:
    """Write the bytes to every copy (uploads do it outside any transaction: the slow
    fsync happens before the write lock); the digest and the copies this call created,
    also appended to `created` one by one, so a failure on the second copy still lets the
    caller remove the first. `digest`: the bytes' SHA-256 if the caller has it already."""
    digest = digest or hashlib.sha256(data).hexdigest()
    created = [] if created is None else created
    start = len(created)
    for copy in copies():
        if copy.put(digest, data):
            created.append((copy, digest))
    return digest, created[start:]


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
                for copy, digest in created:
                    copy.delete(digest)
                raise
    finally:
        _created.reset(token)


async def store(data: bytes, content_type: str, digest: str | None = None) -> StoredFile:
    """The StoredFile row for these bytes, creating file and row if new. Joins the caller's
    `atomic()` block, or makes its own. `digest`: their SHA-256 as `write_ahead` returned
    it, so an upload is hashed once (issue #21), not again under the write lock."""
    digest = digest or hashlib.sha256(data).hexdigest()
    async with atomic():
        existing = await StoredFile.objects().where(StoredFile.sha256 == digest).first()
        # The replica is written before the row commits, as the store: a dossier that
        # Litestream has replicated never names a file the replica lacks. A put also heals
        # a row whose bytes went missing.
        write_ahead(data, _created.get(), digest=digest)
        if existing is not None:
            return existing
        row = StoredFile(sha256=digest, size=len(data), content_type=content_type,
                         created_at=now_utc())
        await row.save()
        return row


def read(sha256: str) -> bytes:
    return backend().get(sha256)


def verify(sha256: str) -> bool:
    """The file exists and its bytes still hash to its name."""
    try:
        return hashlib.sha256(backend().get(sha256)).hexdigest() == sha256
    except FileMissing:
        return False


@contextmanager
def local_copy(sha256: str) -> Iterator[Path]:
    """A readable local path with the file's bytes for tools that need one (OCR, PDF
    tools); a temporary copy, removed afterwards, when the store is not a local folder."""
    with backend().local_copy(sha256) as path:
        yield path


def files_on_disk(root: Path | None = None) -> list[Path]:
    return LocalFolder(root or get_settings().files_dir).files()


async def sweep_orphans(min_age: timedelta | None = None,
                        now: datetime | None = None) -> list[str]:
    """Remove files no committed row names and older than `min_age` (left by a crash
    mid-transaction); their digests. The age rule is what makes it safe on several
    machines: an upload written ahead of its transaction on another machine is young, so
    it is kept whatever that machine's transaction is doing."""
    if get_engine().current_transaction.get() is not None:
        raise OutsideAtomic("sweep_orphans() opens its own transaction")
    if min_age is None:
        min_age = timedelta(hours=get_settings().orphan_min_age_hours)
    # File times come from the machines' real clocks, not the app's (settable) clock.
    before = (now or datetime.now(UTC)) - min_age
    removed = []
    async with write_transaction():
        known = {row["sha256"] for row in await StoredFile.select(StoredFile.sha256)}
        files = backend()
        for digest, modified in list(files.names_with_age()):
            if digest not in known and modified <= before:
                files.delete(digest)
                removed.append(digest)
        files.drop_incomplete(before)
    return removed

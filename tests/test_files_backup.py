"""The file store's backup and restore drill: only new names are copied, every copy is
checked against its SHA-256, and damage on either side is reported, never spread."""

from __future__ import annotations

import shutil

import pytest

from app.files import backup, store
from app.settings import get_settings
from tests.live import cli

# The backup copies the local folder to a replica folder (S3 keeps its own copies).
pytestmark = [pytest.mark.anyio, pytest.mark.local_files]

FILES = [b"%PDF-1.4\n% to khai 1\n", b"%PDF-1.4\n% to khai 2\n", b"\x89PNG\r\n\x1a\nanh"]


async def stored() -> list[str]:
    return [(await store.store(data, "application/pdf")).sha256 for data in FILES]


async def test_backup_then_lose_everything_then_restore_checks_every_hash(db):
    settings = get_settings()
    digests = await stored()
    mirrored = backup.backup(settings.files_dir, settings.files_replica_dir)
    assert (mirrored.copied, mirrored.present) == (0, 3)  # copied as they were stored
    shutil.rmtree(settings.files_replica_dir)  # the replica was away (unmounted, new disk)
    first = backup.backup(settings.files_dir, settings.files_replica_dir)
    assert (first.copied, first.present, first.ok) == (3, 0, True)
    again = backup.backup(settings.files_dir, settings.files_replica_dir)
    assert (again.copied, again.present) == (0, 3)  # content-addressed: nothing re-copied

    shutil.rmtree(settings.files_dir)  # the disk is lost; the database was restored
    restored = backup.restore(await backup.known_digests(), settings.files_replica_dir,
                              settings.files_dir)
    assert (restored.copied, restored.ok) == (3, True)
    assert all(store.verify(d) for d in digests)
    assert backup.verify(digests, settings.files_dir).ok


async def test_damage_is_reported_not_copied(db):
    settings = get_settings()
    digests = await stored()
    shutil.rmtree(settings.files_replica_dir)
    store.path_for(digests[0]).write_bytes(b"bi sua")  # bit rot before the backup
    report = backup.backup(settings.files_dir, settings.files_replica_dir)
    assert report.copied == 2 and "tệp gốc đã bị thay đổi" in report.problems[0]
    assert not store.path_for(digests[0], settings.files_replica_dir).exists()

    store.path_for(digests[1], settings.files_replica_dir).write_bytes(b"hong")
    shutil.rmtree(settings.files_dir)
    restored = backup.restore(digests, settings.files_replica_dir, settings.files_dir)
    assert restored.copied == 1 and len(restored.problems) == 2
    assert any("không có trong bản sao lưu" in p for p in restored.problems)
    assert any("bản sao lưu bị hỏng" in p for p in restored.problems)
    assert not store.path_for(digests[1]).exists()  # a bad copy never lands


def test_verify_command_fails_on_a_missing_file(db):
    import asyncio

    digests = asyncio.run(stored())
    store.path_for(digests[2]).unlink()
    result = cli(db.parent, "files", "verify")
    assert result.returncode == 1 and f"{digests[2]}: thiếu tệp" in result.stderr

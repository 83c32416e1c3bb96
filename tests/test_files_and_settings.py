"""The content-addressed file store and the generated secret key."""

import stat

import pytest

from app.files import store
from app.settings import get_settings, load_or_create_secret

pytestmark = pytest.mark.anyio


async def test_same_bytes_are_stored_once(db):
    first = await store.store(b"%PDF-1.4 giay to", "application/pdf")
    second = await store.store(b"%PDF-1.4 giay to", "application/pdf")
    assert first.id == second.id and first.size == 16
    assert store.read(first.sha256) == b"%PDF-1.4 giay to"
    path = store.path_for(first.sha256)
    assert path.parent.parent.parent == get_settings().files_dir
    assert [p.name for p in path.parent.iterdir()] == [first.sha256]  # no temp files left


async def test_tampered_file_fails_verification(db):
    row = await store.store(b"ban goc", "image/png")
    assert store.verify(row.sha256)
    store.path_for(row.sha256).write_bytes(b"ban da sua")
    assert not store.verify(row.sha256)


def test_secret_key_is_generated_once_with_mode_0600(tmp_path):
    path = tmp_path / "var" / "secret_key"
    key = load_or_create_secret(path)
    assert len(key) >= 48
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secret(path) == key

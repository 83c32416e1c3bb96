"""The content-addressed file store and the generated secret key."""

import stat

import pytest

from app.files import store
from app.settings import get_settings, load_or_create_secret

pytestmark = pytest.mark.anyio


@pytest.mark.local_files
async def test_same_bytes_are_stored_once(db):
    first = await store.store(b"%PDF-1.4 giay to", "application/pdf")
    second = await store.store(b"%PDF-1.4 giay to", "application/pdf")
    assert first.id == second.id and first.size == 16
    assert store.read(first.sha256) == b"%PDF-1.4 giay to"
    path = store.path_for(first.sha256)
    assert path.parent.parent.parent == get_settings().files_dir
    assert [p.name for p in path.parent.iterdir()] == [first.sha256]  # no temp files left


@pytest.mark.local_files
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


def test_due_notice_time_is_a_setting_with_a_safe_default(monkeypatch, caplog):
    from datetime import time

    from app.settings import load_settings

    monkeypatch.delenv("MOTCUA_DUE_NOTICE_TIME", raising=False)
    assert load_settings().due_notice_time == time(16, 30)
    monkeypatch.setenv("MOTCUA_DUE_NOTICE_TIME", "17:15")
    assert load_settings().due_notice_time == time(17, 15)
    monkeypatch.setenv("MOTCUA_DUE_NOTICE_TIME", "5 giờ chiều")
    assert load_settings().due_notice_time == time(16, 30)
    assert "MOTCUA_DUE_NOTICE_TIME" in caplog.text


async def test_due_notices_are_held_until_the_configured_time(db, monkeypatch):
    from datetime import datetime

    from app.calendar.due_notices import hold
    from app.calendar.tables import DueNotice
    from app.formatting import LOCAL_TZ
    from tests import factories

    monkeypatch.setenv("MOTCUA_DUE_NOTICE_TIME", "17:45")
    get_settings.cache_clear()
    dossier = await factories.dossier(await factories.procedure(await factories.agency("Sở X")))
    await hold(dossier.id, datetime(2026, 3, 20, 9, tzinfo=LOCAL_TZ),
               datetime(2026, 3, 10, 10, tzinfo=LOCAL_TZ))
    notice = await DueNotice.select(DueNotice.send_after).first()
    assert notice["send_after"] == datetime(2026, 3, 10, 17, 45, tzinfo=LOCAL_TZ)
    get_settings.cache_clear()

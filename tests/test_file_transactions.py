"""Files belong to the transaction that stores them: a refused action keeps no file, a
shared file survives another transaction's rollback, and files left by a crash between
writing and committing are swept."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

import pytest

from app.dossiers.tables import StoredFile
from app.files import store
from app.workflow import TransitionError
from tests import factories
from tests.conftest import form_fields, login, run

pytestmark = pytest.mark.anyio

PDF = b"%PDF-1.4\n% ket qua giai quyet\n"


@pytest.mark.local_files  # counts the files in the local folder
async def test_rolled_back_block_removes_its_new_files_and_rows(db):
    with pytest.raises(TransitionError):
        async with store.atomic():
            row = await store.store(PDF, "application/pdf")
            assert store.path_for(row.sha256).exists()
            raise TransitionError("Thao tác không hợp lệ.")
    assert store.files_on_disk() == []
    assert await StoredFile.count() == 0


@pytest.mark.local_files  # counts the files in the local folder
async def test_rollback_keeps_a_file_committed_earlier(db):
    kept = await store.store(PDF, "application/pdf")
    with pytest.raises(TransitionError):
        async with store.atomic():
            again = await store.store(PDF, "application/pdf")
            await store.store(b"%PDF-1.4 moi", "application/pdf")
            assert again.id == kept.id
            raise TransitionError("Thao tác không hợp lệ.")
    assert [p.name for p in store.files_on_disk()] == [kept.sha256]
    assert store.verify(kept.sha256)


@pytest.mark.local_files  # counts the files in the local folder
async def test_sweep_removes_only_old_files_without_rows(db):
    kept = await store.store(PDF, "application/pdf")
    digest, _ = store.write_bytes(b"%PDF-1.4 mo coi")  # as if killed before COMMIT
    in_flight, _ = store.write_bytes(b"%PDF-1.4 dang tai len")  # another machine's upload
    stray = store.path_for(digest).parent / ".incoming-abc"
    stray.write_bytes(b"%PDF")
    two_days = time.time() - 2 * 86400
    for path in (store.path_for(digest), store.path_for(kept.sha256), stray):
        os.utime(path, (two_days, two_days))
    assert await store.sweep_orphans() == [digest]
    assert sorted(p.name for p in store.files_on_disk()) == sorted([kept.sha256, in_flight])
    assert not stray.exists()
    # Once older than the configured age, the unnamed upload is an orphan too.
    later = datetime.now(UTC) + timedelta(hours=25)
    assert await store.sweep_orphans(now=later) == [in_flight]


def test_refused_action_with_a_file_stores_nothing(client):
    from app.accounts import service as accounts
    from app.accounts.roles import Role

    async def make():
        agency = await factories.agency()
        dossier = await factories.dossier(await factories.procedure(agency))
        await accounts.create_user(username="lanhdao", password="LanhDao2026x",
                                   full_name="Đinh Văn Tâm", role=Role.LEADER,
                                   agency_ids=[agency.id])
        return dossier.id

    dossier_id = run(make())
    login(client, "lanhdao", "LanhDao2026x")
    page = client.get(f"/can-bo/ho-so/{dossier_id}")
    response = client.post(
        f"/can-bo/ho-so/{dossier_id}/thao-tac",
        data={**form_fields(page.text), "action": "return_result"},
        files={"file": ("ket-qua.pdf", PDF, "application/pdf")})
    assert response.status_code == 400
    assert store.files_on_disk() == [] and StoredFile.count().run_sync() == 0

"""An applicant's upload is written and fsynced before the write lock is taken (issue #21,
the submission path): the lock is held for the rows only, and a failed transaction leaves
no copy behind unless a committed row names the same bytes."""

from __future__ import annotations

import hashlib
import os

import pytest

from app.db import get_engine
from app.dossiers.logic import Status
from app.dossiers.tables import DossierComponent, StoredFile
from app.files import store
from app.portal import service as portal
from app.settings import get_settings
from tests import factories, pdfs
from tests.query_world import build_world

# Write-ahead and fsync of the local folder and its replica.
pytestmark = [pytest.mark.anyio, pytest.mark.local_files]


async def _draft():
    await build_world(dossiers=1)
    citizen = await factories.staff(factories.Role.CITIZEN)
    offered = [p for p in range(1, 10) if await portal.active_components(procedure_id=p,
                                                                          active=True)]
    procedure_id = offered[0]
    draft_id = await portal.start_draft(citizen, procedure_id)
    return citizen, await portal.draft_of(citizen, draft_id)


def _copies(data: bytes) -> list[bool]:
    digest = hashlib.sha256(data).hexdigest()
    return [store.path_for(digest, root).exists()
            for root in (get_settings().files_dir, get_settings().files_replica_dir)]


async def test_files_are_fsynced_outside_any_transaction(db, monkeypatch):
    citizen, draft = await _draft()
    inside = []
    real_fsync = os.fsync

    def watched_fsync(fd):
        inside.append(get_engine().current_transaction.get() is not None)
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", watched_fsync)
    content = pdfs.simple("tờ khai", 2_000)
    component = draft["components"][0]
    await portal.attach(draft, component["id"], "tờ khai.pdf", content)
    assert inside == [False, False]  # the store and its replica, both before the lock
    assert _copies(content) == [True, True]
    draft = await portal.draft_of(citizen, draft["id"])
    assert draft["supplied"][component["id"]]["original_filename"] == "tờ khai.pdf"


async def test_a_failed_transaction_leaves_no_copy(db):
    _, draft = await _draft()
    content = pdfs.simple("mất", 1_000)
    # The dossier is gone (a real foreign-key failure inside the transaction).
    ghost = {**draft, "id": 10**9}
    with pytest.raises(Exception, match="(?i)foreign key"):
        await portal.attach(ghost, draft["components"][0]["id"], "a.pdf", content)
    assert _copies(content) == [False, False]
    assert await StoredFile.count() == 0 and await DossierComponent.count() == 0


async def test_bytes_another_row_names_are_kept_when_a_transaction_fails(db):
    citizen, draft = await _draft()
    content = pdfs.simple("chung", 1_000)
    component = draft["components"][0]["id"]
    await portal.attach(draft, component, "a.pdf", content)
    ghost = {**draft, "id": 10**9, "supplied": {}}
    with pytest.raises(Exception, match="(?i)foreign key"):
        await portal.attach(ghost, component, "b.pdf", content)
    assert _copies(content) == [True, True]
    assert await store.sweep_orphans() == []  # nothing left that no row names


async def test_a_refused_upload_writes_nothing(db):
    _, draft = await _draft()
    with pytest.raises(portal.SubmissionError, match="PDF"):
        await portal.attach(draft, draft["components"][0]["id"], "x.pdf", b"%PDF-1.4 broken")
    assert _copies(b"%PDF-1.4 broken") == [False, False]
    assert draft["status"] == Status.DRAFT


async def test_an_upload_is_hashed_once(db, monkeypatch):
    """The digest computed while writing ahead is the one the row and the lock use: the
    bytes are hashed once per upload, not three times (issue #21)."""
    _, draft = await _draft()
    content = pdfs.simple("giấy ủy quyền", 3_000)
    hashed = []
    real_sha256 = hashlib.sha256

    def counting_sha256(data=b"", **kwargs):
        if data == content:
            hashed.append(len(data))
        return real_sha256(data, **kwargs)

    monkeypatch.setattr(store.hashlib, "sha256", counting_sha256)
    component = draft["components"][0]
    await portal.attach(draft, component["id"], "ủy quyền.pdf", content)
    assert hashed == [len(content)]
    digest = real_sha256(content).hexdigest()
    assert await StoredFile.exists().where(StoredFile.sha256 == digest)
    assert _copies(content) == [True, True]
